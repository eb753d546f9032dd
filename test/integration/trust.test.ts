import { createHash, randomBytes, randomUUID, scryptSync } from "node:crypto";
import { createServer, type AddressInfo, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import type { LocalStack } from "../../core/local/stack";
import { lambdaContext } from "../../core/local/lambda-context";
import type { Db } from "../../core/store/db";
import { keys } from "../../core/store/keys";
import { FileSecretStore } from "../../core/secrets/index";
import { createLogger } from "../../core/shared/log";
import { readBoundSecrets, type AccountRecord } from "../../core/accounts/index";
import { handleApiRequest } from "../../core/api/index";
import { runSyncJob } from "../../core/sync/index";
import { newJob } from "../../core/jobs/jobs";
import { handler as apiHandler } from "../../functions/api";
import { ApiClient } from "../support/api-client";
import { startSyncStack, syncDepsFor, TEST_ADMIN as ADMIN } from "../support/sync-stack";

/**
 * Trust: a saved mailbox password goes only where it was typed for, connecting to mail servers
 * is rate limited (per user and per target mailbox), and sign-in resists guessing. Through the
 * real API handler (local stack) against the harness's Dovecot and Postfix.
 */
const mail = inject("mail");
const MEMBER = { email: "owner@example.test", password: "owner-password-123" };
const bob = () => mail.users.bob;
let stack: LocalStack;
let admin: ApiClient;
let member: ApiClient;
let db: Db;

/** A TCP listener that only records what it is sent: where a leaked password would arrive. */
let trap: Server;
let trapPort = 0;
const trapped: string[] = [];

beforeAll(async () => {
  ({ stack, api: admin, db } = await startSyncStack(mail));
  expect((await admin.post("/api/users", { ...MEMBER, name: "Owner", role: "member" })).status).toBe(201);
  member = new ApiClient(stack.url);
  expect((await member.signIn(MEMBER.email, MEMBER.password)).status).toBe(200);
  trap = createServer((socket) => {
    trapped.push("(connection)");
    socket.on("data", (d) => trapped.push(d.toString("latin1")));
    socket.write("* OK IMAP4rev1 ready\r\n220 ready\r\n");
  });
  await new Promise<void>((ok) => trap.listen(0, "127.0.0.1", ok));
  trapPort = (trap.address() as AddressInfo).port;
});
afterAll(async () => {
  trap?.close();
  await stack?.stop();
});

const imapAt = (security: "tls" | "starttls", port = security === "tls" ? mail.imapsPort : mail.imapPort) => ({ host: mail.host, port, security, user: bob().email });
const smtpAt = (security: "tls" | "starttls", port = security === "tls" ? mail.smtpsPort : mail.smtpPort) => ({ host: mail.host, port, security, user: bob().email });
const nothingTrapped = () => expect(trapped.join("")).not.toContain(bob().password);

/** A port nothing listens on (connections are refused at once). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((ok) => s.listen(0, "127.0.0.1", ok));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((ok) => s.close(() => ok()));
  return port;
}

describe("a saved password goes only where it was typed for", () => {
  let id = "";
  let saved: any;

  beforeAll(async () => {
    // connected by an admin for the member, who never learns the password
    const created = await admin.post("/api/accounts", {
      email: bob().email,
      ownerId: (await member.get("/api/session")).body.user.id,
      imap: imapAt("tls"),
      smtp: smtpAt("starttls"),
      password: bob().password,
    });
    expect(created.status, created.text).toBe(201);
    id = created.body.id;
    saved = (await member.get(`/api/accounts/${id}`)).body;
  });

  it.each([
    ["IMAP host", { imap: { host: "localhost" } }, "password_required_new_host"],
    ["IMAP port", () => ({ imap: { port: trapPort } }), "password_required_new_destination"],
    ["IMAP security", { imap: { security: "none", port: mail.imapPort } }, "password_required_new_destination"],
    ["insecure certificates", { allowInsecureCerts: true }, "password_required_new_destination"],
    ["SMTP host", { smtp: { ...smtpAt("starttls"), host: "localhost" } }, "password_required_new_host"],
    ["SMTP port", () => ({ smtp: { ...smtpAt("starttls"), port: trapPort } }), "password_required_new_destination"],
    ["SMTP security", { smtp: { ...smtpAt("starttls"), security: "none" } }, "password_required_new_destination"],
  ])("refuses a change of %s without the password, sending nothing and saving nothing", async (_what, change, code) => {
    const patch = typeof change === "function" ? change() : change;
    const reply = await member.patch(`/api/accounts/${id}`, patch);
    expect(reply.status, reply.text).toBe(400);
    expect(reply.body.error.fields).toEqual([{ field: "password", code, message: expect.stringMatching(/entered again/) }]);
    expect((await member.get(`/api/accounts/${id}`)).body).toEqual(saved);
    nothingTrapped();
  });

  it("refuses a moved separate SMTP password on its own field, in Japanese too", async () => {
    const ja = new ApiClient(stack.url, "ja");
    Object.assign(ja, { cookie: admin.cookie, csrf: admin.csrf });
    const separate = await admin.patch(`/api/accounts/${id}`, { smtp: { ...smtpAt("starttls"), sameCredentials: false }, smtpPassword: bob().password });
    expect(separate.status, separate.text).toBe(200);
    const moved = await ja.patch(`/api/accounts/${id}`, { smtp: { ...smtpAt("starttls"), port: trapPort, sameCredentials: false } });
    expect(moved.status).toBe(400);
    expect(moved.body.error.fields).toEqual([{ field: "smtpPassword", code: "password_required_new_destination", message: expect.stringMatching(/再入力/) }]);
    const back = await admin.patch(`/api/accounts/${id}`, { smtp: smtpAt("starttls"), password: bob().password });
    expect(back.status, back.text).toBe(200);
    saved = (await member.get(`/api/accounts/${id}`)).body;
    nothingTrapped();
  });

  it("refuses the saved password in code when the stored account was moved behind the form's back", async () => {
    // Prepare: the record points at the trap, as a write that skipped updateAccount would leave it
    await db.update("main", keys.account(id), { expression: "SET imap.#p = :p", names: { "#p": "port" }, values: { ":p": trapPort } });
    const moved = (await db.get("main", keys.account(id))) as AccountRecord;
    const secrets = new FileSecretStore(stack.secretDir);
    try {
      // Act / Assess: the one secret-reading function refuses, and so does every path built on it
      await expect(readBoundSecrets({ db, secrets }, moved)).rejects.toMatchObject({ code: "password_destination_changed", fields: [{ field: "password" }] });
      for (const call of [() => member.post(`/api/accounts/${id}/test`, {}), () => member.post(`/api/accounts/${id}/test-mail`), () => member.get(`/api/accounts/${id}/folders`)]) {
        const reply = await call();
        expect(reply.status, reply.text).toBe(422);
        expect(reply.body.error.code).toBe("password_destination_changed");
      }
      const outcome = await runSyncJob(syncDepsFor(stack, mail, { db, secrets, log: createLogger({ fn: "trust-test" }, "error") }), newJob(id, "manual"));
      expect(outcome).toMatchObject({ status: "failed", error: "password_destination_changed" });
      expect((await member.get(`/api/accounts/${id}`)).body.lastError.code).toBe("password_destination_changed");
      nothingTrapped();
    } finally {
      await db.update("main", keys.account(id), { expression: "SET imap.#p = :p", names: { "#p": "port" }, values: { ":p": mail.imapsPort } });
    }
  });

  it("binds an account saved before bindings existed to where it points, on first read", async () => {
    await db.update("main", keys.account(id), { expression: "REMOVE secretBinding" });
    const unbound = (await db.get("main", keys.account(id))) as AccountRecord;
    const secrets = new FileSecretStore(stack.secretDir);
    expect((await readBoundSecrets({ db, secrets }, unbound)).password).toBe(bob().password);
    const bound = (await db.get("main", keys.account(id))) as AccountRecord;
    expect(bound.secretBinding).toEqual({ password: [`${mail.host}:${mail.imapsPort}/tls`, `${mail.host}:${mail.smtpPort}/starttls`], smtpPassword: [] });
    // and is then held to it
    await expect(readBoundSecrets({ db, secrets }, { ...bound, allowInsecureCerts: true })).rejects.toMatchObject({ code: "password_destination_changed" });
  });

  it("moves with the password typed again, and the password is then bound to the new place", async () => {
    const typed = await member.patch(`/api/accounts/${id}`, { imap: { port: mail.imapPort, security: "starttls" }, password: bob().password });
    expect(typed.status, typed.text).toBe(200);
    const record = (await db.get("main", keys.account(id))) as AccountRecord;
    expect(record.secretBinding!.password).toEqual([`${mail.host}:${mail.imapPort}/starttls`, `${mail.host}:${mail.smtpPort}/starttls`]);
    expect((await member.post(`/api/accounts/${id}/test`, {})).body.ok).toBe(true);
  });
});

describe("limits on connecting to mail servers", () => {
  it("refuses creating and updating mailboxes past the probe limit (30 per user in 10 minutes), with Retry-After", async () => {
    // Prepare: a user of its own, and a port that refuses connections (each save runs a test)
    const prober = new ApiClient(stack.url, "ja");
    const email = "prober@example.test";
    expect((await admin.post("/api/users", { email, name: "Prober", password: "prober-password-1", role: "member" })).status).toBe(201);
    expect((await prober.signIn(email, "prober-password-1")).status).toBe(200);
    const port = await closedPort();
    const save = (i: number) =>
      prober.post("/api/accounts", {
        email: `box${i}@example.test`,
        imap: { host: "127.0.0.1", port, security: "tls", user: "x" },
        password: "guess",
        saveDisabledOnFailure: true,
      });
    // Act
    const replies = [];
    for (let i = 0; i < 30; i++) replies.push(await save(i));
    const refused = await save(30);
    const update = await prober.patch(`/api/accounts/${replies[0]!.body.id}`, { imap: { port: port + 1 }, password: "another" });
    const rename = await prober.patch(`/api/accounts/${replies[0]!.body.id}`, { displayName: "Box" });
    // Assess
    expect(replies.map((r) => r.status)).toEqual(Array(30).fill(201));
    for (const r of [refused, update]) {
      expect(r.status).toBe(429);
      expect(r.body.error.message).toMatch(/(約\d+(分|時間)|\d{1,2}秒)待ってから/);
      expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    expect(rename.status).toBe(200); // no server change, no connection, not counted
  });

  it("stops password guesses at one mailbox after 10 failed logins, across users, even when they race", async () => {
    // Prepare: two users guessing bob's password through the connection test, concurrently
    const other = new ApiClient(stack.url);
    expect((await admin.post("/api/users", { email: "guesser@example.test", name: "Guesser", password: "guesser-password-1", role: "member" })).status).toBe(201);
    expect((await other.signIn("guesser@example.test", "guesser-password-1")).status).toBe(200);
    const guess = (c: ApiClient, i: number) => c.post("/api/accounts/test", { imap: { ...imapAt("tls"), user: bob().email.toUpperCase() }, password: `guess-${i}` });
    // Act
    const replies = await Promise.all(Array.from({ length: 16 }, (_, i) => guess(i % 2 ? other : member, i)));
    // Assess: exactly 10 logins reached the server; the rest were refused before connecting
    const tried = replies.filter((r) => r.status === 200);
    const refused = replies.filter((r) => r.status === 429);
    expect(tried).toHaveLength(10);
    for (const r of tried) expect(r.body.steps.find((s: any) => s.step === "imap_login")).toMatchObject({ ok: false });
    expect(refused).toHaveLength(6);
    expect(refused[0]!.body.error).toMatchObject({ code: "mailbox_login_limited", message: expect.stringContaining(`${bob().email}@${mail.host}`) });
    expect(Number(refused[0]!.headers.get("retry-after"))).toBeGreaterThan(0);
    const ja = new ApiClient(stack.url, "ja");
    Object.assign(ja, { cookie: other.cookie, csrf: other.csrf });
    expect((await guess(ja, 99)).body.error.message).toMatch(/ログイン失敗が続いています/);
    // the right password is refused too until the window passes: the mailbox is protected, not the guesser
    expect((await member.post("/api/accounts/test", { imap: imapAt("tls"), password: bob().password })).status).toBe(429);
  });
});

// ---- sign-in -----------------------------------------------------------------------------

/** An API Gateway v2 event as the Router's API would hand it to the Lambda. */
function apiEvent(method: string, path: string, options: { body?: unknown; headers?: Record<string, string>; cookies?: string[]; sourceIp?: string } = {}): APIGatewayProxyEventV2 {
  const now = new Date();
  return {
    version: "2.0",
    routeKey: "ANY /api/{proxy+}",
    rawPath: path,
    rawQueryString: "",
    cookies: options.cookies,
    headers: { "content-type": "application/json", "x-forwarded-proto": "https", host: "crm.example.test", ...options.headers },
    requestContext: {
      accountId: "000000000000",
      apiId: "test",
      domainName: "crm.example.test",
      domainPrefix: "crm",
      http: { method, path, protocol: "HTTP/1.1", sourceIp: options.sourceIp ?? "192.0.2.10", userAgent: "vitest" },
      requestId: randomUUID(),
      routeKey: "ANY /api/{proxy+}",
      stage: "$default",
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: options.body === undefined ? undefined : typeof options.body === "string" ? options.body : JSON.stringify(options.body),
    isBase64Encoded: false,
  };
}
const call = (event: APIGatewayProxyEventV2) => apiHandler(event, lambdaContext("api", 30_000)) as Promise<APIGatewayProxyStructuredResultV2>;
const sessionKey = (cookie: string) =>
  keys.session(
    createHash("sha256")
      .update(cookie.slice(cookie.indexOf("=") + 1))
      .digest("base64url"),
  );

describe("sign-in", () => {
  it("evaluates at most 10 of 100 concurrent wrong sign-ins for one address: each failure is counted before the check", async () => {
    expect((await admin.post("/api/users", { email: "target@example.test", name: "T", password: "target-password-1", role: "member" })).status).toBe(201);
    const replies = await Promise.all(Array.from({ length: 100 }, (_, i) => new ApiClient(stack.url).signIn("Target@example.test", `wrong-${i}`)));
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(90);
    const counters = await db.query("main", { KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": "RATE#signin-failure#target@example.test" } });
    expect(counters.items.map((i) => i.count)).toEqual([10]);
  });

  it("limits failed sign-ins per client address across accounts (30), and gives a right password's attempt back", async () => {
    const source = "198.51.100.7";
    const right = await call(apiEvent("POST", "/api/session", { body: ADMIN, sourceIp: source }));
    expect(right.statusCode).toBe(200);
    const sprayed = await Promise.all(
      Array.from({ length: 30 }, (_, i) => call(apiEvent("POST", "/api/session", { body: { email: `spray${i}@example.test`, password: "Summer2026!" }, sourceIp: source }))),
    );
    expect(sprayed.map((r) => r.statusCode)).toEqual(Array(30).fill(401));
    const blocked = await call(apiEvent("POST", "/api/session", { body: { email: "spray-last@example.test", password: "Summer2026!" }, sourceIp: source }));
    expect(blocked.statusCode).toBe(429);
    expect((await call(apiEvent("POST", "/api/session", { body: ADMIN, sourceIp: "198.51.100.8" }))).statusCode).toBe(200);
  });

  it("sets a __Host- cookie (Secure, Path=/) over https, reads it back, and keeps the plain name over http", async () => {
    const reply = await call(apiEvent("POST", "/api/session", { body: ADMIN }));
    const cookie = reply.cookies![0]!;
    expect(cookie).toMatch(/^__Host-sid=[\w-]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200; Secure$/);
    const me = await call(apiEvent("GET", "/api/session", { cookies: [cookie.split(";")[0]!] }));
    expect(me.statusCode).toBe(200);
    const local = await new ApiClient(stack.url).signIn(ADMIN.email, ADMIN.password);
    expect(local.headers.getSetCookie()[0]).toMatch(/^sid=[\w-]+; Path=\/api; HttpOnly; SameSite=Strict; Max-Age=43200$/);
  });

  it("answers 415 to a body that is not declared as JSON", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonx"]) {
      const reply = await call(apiEvent("POST", "/api/session", { body: ADMIN, headers: { "content-type": type } }));
      expect(reply.statusCode, type).toBe(415);
      expect(JSON.parse(reply.body!).error.code).toBe("unsupported_media_type");
    }
    const utf8 = await call(apiEvent("POST", "/api/session", { body: ADMIN, headers: { "content-type": "application/json; charset=utf-8" } }));
    expect(utf8.statusCode).toBe(200);
  });

  it("rehashes a password stored with the older scrypt parameters at the next sign-in", async () => {
    const email = "oldhash@example.test";
    const created = await admin.post("/api/users", { email, name: "Old", password: "old-hash-password-1", role: "member" });
    const salt = randomBytes(16);
    const old = `scrypt$32768$8$1$${salt.toString("base64")}$${scryptSync("old-hash-password-1", salt, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 2 ** 26 }).toString("base64")}`;
    await db.update("main", keys.user(created.body.id), { expression: "SET passwordHash = :h", values: { ":h": old } });
    expect((await new ApiClient(stack.url).signIn(email, "old-hash-password-1")).status).toBe(200);
    const stored = (await db.get("main", keys.user(created.body.id)))!.passwordHash as string;
    expect(stored).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect((await new ApiClient(stack.url).signIn(email, "old-hash-password-1")).status).toBe(200);
  });

  it("ends a session left unused for 30 minutes, and keeps one in use alive (touched at most once a minute)", async () => {
    const c = new ApiClient(stack.url);
    expect((await c.signIn(ADMIN.email, ADMIN.password)).status).toBe(200);
    const key = sessionKey(c.cookie);
    const now = Math.floor(Date.now() / 1000);
    await db.update("main", key, { expression: "SET lastSeenAt = :t", values: { ":t": now - 29 * 60 } });
    expect((await c.get("/api/session")).status).toBe(200);
    expect((await db.get("main", key))!.lastSeenAt).toBeGreaterThanOrEqual(now);
    await db.update("main", key, { expression: "SET lastSeenAt = :t", values: { ":t": now - 31 * 60 } });
    const idle = await c.get("/api/session");
    expect(idle.status).toBe(401);
    expect(idle.body.error.code).toBe("session_expired");
  });

  it("refuses requests that did not come through the Router when the origin secret is configured", async () => {
    const deps = {
      db,
      secrets: new FileSecretStore(stack.secretDir),
      queue: { enqueue: async () => undefined } as any,
      log: createLogger({ fn: "trust-test" }, "error"),
      hostAllowance: "loopback" as const,
      originSecret: "router-secret-123",
    };
    const req = (headers: Record<string, string>) => ({
      method: "GET",
      path: "/api/openapi.json",
      query: {},
      headers,
      cookies: {},
      body: undefined,
      secure: true,
      requestId: "r1",
    });
    expect((await handleApiRequest(deps, req({}))).status).toBe(403);
    expect((await handleApiRequest(deps, req({ "x-origin-verify": "router-secret-12" }))).status).toBe(403);
    expect((await handleApiRequest(deps, req({ "x-origin-verify": "router-secret-123" }))).status).toBe(200);
  });
});
