import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalStack, type LocalStack } from "../../core/local/stack";
import { protectedRoutes } from "../../core/api/index";
import { ApiClient } from "../support/api-client";

// The real API handler behind the local gateway, on dynalite and fauxqs.
let stack: LocalStack;
let admin: ApiClient;
const ADMIN = { email: "admin@example.test", password: "admin-password-123" };
// Nothing listens at 127.0.0.1:993: the connection test that saving runs fails, and the account
// is saved anyway with sync off (saveDisabledOnFailure); what these tests prove is the API's.
const goodAccount = {
  email: "alice@example.test",
  imap: { host: "127.0.0.1", port: 993, security: "tls", user: "alice@example.test" },
  password: "pw-123",
  saveDisabledOnFailure: true,
};

beforeAll(async () => {
  stack = await startLocalStack({ schedule: false, admin: ADMIN });
  admin = new ApiClient(stack.url);
  expect((await admin.signIn(ADMIN.email, ADMIN.password)).status).toBe(200);
});
afterAll(async () => stack?.stop());

describe("authentication", () => {
  it("answers 401 to every protected route without a session", async () => {
    const anonymous = new ApiClient(stack.url);
    expect(protectedRoutes.length).toBeGreaterThan(10);
    for (const route of protectedRoutes) {
      const reply = await anonymous.request(route.method, route.path.replace(/\{\w+\}/g, "x1"), route.method === "GET" ? undefined : {});
      expect(reply.status, `${route.method} ${route.path}`).toBe(401);
      expect(reply.body.error.code).toBe("unauthenticated");
    }
  });

  it("answers 401 to a forged or expired session cookie", async () => {
    const forged = new ApiClient(stack.url);
    forged.cookie = "sid=not-a-real-session-token";
    const reply = await forged.get("/api/accounts");
    expect(reply.status).toBe(401);
    expect(reply.body.error.code).toBe("session_expired");
  });

  it("refuses a wrong password with the same clear message as an unknown user, in the user's language", async () => {
    const en = new ApiClient(stack.url, "en");
    const wrong = await en.signIn(ADMIN.email, "wrong-password");
    const unknown = await en.signIn("nobody@example.test", "wrong-password");
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toEqual({ code: "invalid_credentials", message: "The email address or password is incorrect." });
    expect(unknown.body).toEqual(wrong.body);
    const ja = await new ApiClient(stack.url, "ja").signIn(ADMIN.email, "wrong-password");
    expect(ja.body.error.message).toBe("メールアドレスまたはパスワードが正しくありません。");
  });

  it("makes an address wait after 10 failed sign-ins, even with the right password, and only that address", async () => {
    expect((await admin.post("/api/users", { email: "guessed@example.test", name: "G", password: "guessed-password-1", role: "member" })).status).toBe(201);
    const attacker = new ApiClient(stack.url, "ja");
    for (let i = 0; i < 10; i++) expect((await attacker.signIn("guessed@example.test", `wrong-${i}`)).status).toBe(401);
    const blocked = await attacker.signIn("guessed@example.test", "guessed-password-1");
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe("rate_limited");
    expect(blocked.body.error.message).toMatch(/(約\d+(分|時間)|\d{1,2}秒)待ってから/);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await new ApiClient(stack.url).signIn(ADMIN.email, ADMIN.password)).status).toBe(200);
  });

  it("sets an HttpOnly, SameSite=Strict session cookie and revokes it at sign-out", async () => {
    const c = new ApiClient(stack.url);
    const reply = await c.signIn(ADMIN.email, ADMIN.password);
    const cookie = reply.headers.getSetCookie()[0]!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const stolen = c.cookie;
    expect((await c.del("/api/session")).status).toBe(204);
    const replay = new ApiClient(stack.url);
    replay.cookie = stolen;
    expect((await replay.get("/api/session")).status).toBe(401);
  });

  it("refuses a state-changing request without the CSRF token", async () => {
    const reply = await admin.request("POST", "/api/contacts", { name: "X", primaryEmail: "x@example.test" }, { "x-csrf-token": "" });
    expect(reply.status).toBe(403);
    expect(reply.body.error.code).toBe("csrf_failed");
  });
});

describe("users and roles", () => {
  it("lets an admin add a member, who cannot manage users and sees only their own mailboxes", async () => {
    const created = await admin.post("/api/users", { email: "Member@Example.test", name: "Mem", password: "member-password-1", role: "member" });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ email: "member@example.test", role: "member" });
    expect((await admin.post("/api/users", { email: "member@example.test", name: "Dup", password: "member-password-1", role: "member" })).status).toBe(409);

    const member = new ApiClient(stack.url);
    expect((await member.signIn("member@example.test", "member-password-1")).status).toBe(200);
    expect((await member.get("/api/users")).status).toBe(403);
    const adminsAccount = await admin.post("/api/accounts", { ...goodAccount, email: "admin-box@example.test" });
    expect(adminsAccount.status).toBe(201);
    expect((await member.get(`/api/accounts/${adminsAccount.body.id}`)).status).toBe(404);
    expect((await member.get("/api/accounts")).body.items).toEqual([]);

    expect((await admin.del(`/api/users/${created.body.id}`)).status).toBe(204);
    expect((await member.get("/api/session")).status).toBe(401);
  });

  it("lets a user change their password, signing out their other sessions", async () => {
    expect((await admin.post("/api/users", { email: "changer@example.test", name: "C", password: "first-password-1", role: "member" })).status).toBe(201);
    const phone = new ApiClient(stack.url);
    const laptop = new ApiClient(stack.url, "ja");
    await phone.signIn("changer@example.test", "first-password-1");
    await laptop.signIn("changer@example.test", "first-password-1");
    const wrong = await laptop.post("/api/session/password", { currentPassword: "nope", newPassword: "second-password-2" });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.fields).toEqual([{ field: "currentPassword", code: "current_password_wrong", message: "現在のパスワードと一致しません。" }]);
    const short = await laptop.post("/api/session/password", { currentPassword: "first-password-1", newPassword: "short" });
    expect(short.body.error.fields[0].field).toBe("newPassword");
    expect((await laptop.post("/api/session/password", { currentPassword: "first-password-1", newPassword: "second-password-2" })).status).toBe(204);
    expect((await laptop.get("/api/session")).status).toBe(200);
    expect((await phone.get("/api/session")).status).toBe(401);
    expect((await new ApiClient(stack.url).signIn("changer@example.test", "first-password-1")).status).toBe(401);
    expect((await new ApiClient(stack.url).signIn("changer@example.test", "second-password-2")).status).toBe(200);
  });

  it("will not let the last admin remove themselves", async () => {
    const me = (await admin.get("/api/session")).body.user;
    const reply = await admin.del(`/api/users/${me.id}`);
    expect(reply.status).toBe(409);
  });
});

describe("validation", () => {
  it("names every bad field with a reason, in Japanese when asked", async () => {
    const ja = new ApiClient(stack.url, "ja");
    ja.cookie = admin.cookie;
    ja.csrf = admin.csrf;
    const reply = await ja.post("/api/accounts", { email: "not-an-email", imap: { host: "imap example.com", port: 70000, security: "ssl" }, password: "" });
    expect(reply.status).toBe(400);
    const fields = Object.fromEntries(reply.body.error.fields.map((f: any) => [f.field, f.message]));
    expect(fields).toMatchObject({
      email: "有効なメールアドレスを入力してください。",
      "imap.host": expect.stringContaining("ホスト名"),
      "imap.port": "65535以下で指定してください。",
      "imap.security": "次のいずれかを指定してください: tls, starttls, none",
      "imap.user": "必須です。",
      password: "必須です。",
    });
  });

  it("answers 400, not 500, to broken JSON, wrong types and unknown fields", async () => {
    expect((await admin.request("POST", "/api/contacts", "{not json")).body.error.code).toBe("invalid_json");
    const wrongType = await admin.post("/api/contacts", { name: 42, primaryEmail: ["a"] });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.fields.map((f: any) => f.field).sort()).toEqual(["name", "primaryEmail"]);
    const unknown = await admin.post("/api/contacts", { name: "A", primaryEmail: "a@example.test", nickname: "x" });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.fields).toEqual([{ field: "nickname", code: "unknown_field", message: "is not a known field." }]);
    expect((await admin.get("/api/contacts/none/messages?cursor=%%%")).status).toBe(404);
  });

  it("refuses a mailbox host that points at the cloud metadata service", async () => {
    const reply = await admin.post("/api/accounts", { ...goodAccount, email: "meta@example.test", imap: { ...goodAccount.imap, host: "169.254.169.254" } });
    expect(reply.status).toBe(400);
    expect(reply.body.error.fields[0]).toMatchObject({ field: "imap.host", code: "host_not_allowed" });
  });

  it("leaves the saved account unchanged when an update is rejected", async () => {
    const created = await admin.post("/api/accounts", { ...goodAccount, email: "keep@example.test" });
    const rejected = await admin.patch(`/api/accounts/${created.body.id}`, { displayName: "New name", imap: { port: 0 } });
    expect(rejected.status).toBe(400);
    const after = await admin.get(`/api/accounts/${created.body.id}`);
    expect(after.body).toEqual(created.body);
  });

  it("refuses duplicate addresses within one contact", async () => {
    const reply = await admin.post("/api/contacts", { name: "Dup", primaryEmail: "d@example.test", secondaryEmails: ["D@example.test "] });
    expect(reply.status).toBe(400);
    expect(reply.body.error.fields[0]).toMatchObject({ field: "secondaryEmails.0", code: "duplicate_email" });
  });
});

describe("OpenAPI", () => {
  it("describes every route from the same schemas that validate requests", async () => {
    const doc = (await new ApiClient(stack.url).get("/api/openapi.json")).body;
    expect(doc.openapi).toBe("3.1.0");
    for (const route of protectedRoutes) expect(doc.paths[route.path]?.[route.method.toLowerCase()], `${route.method} ${route.path}`).toBeDefined();
    const account = doc.paths["/api/accounts"].post.requestBody.content["application/json"].schema;
    expect(account.required).toEqual(expect.arrayContaining(["email", "imap", "password"]));
    expect(account.properties.imap.properties.security.enum).toEqual(["tls", "starttls", "none"]);
    expect(account.properties.imap.properties.port.maximum).toBe(65535);
  });
});
