import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { ParsedMail } from "mailparser";
import { startLocalStack, type LocalStack } from "../../core/local/stack";
import { ApiClient } from "../support/api-client";
import { waitForMail } from "../support/read-mail";
import { postfixNotificationSettings } from "../support/notification-settings";

/**
 * User management through the API on the real handler (dynalite, the harness's Dovecot and
 * Postfix): edit, deactivate and reactivate, last sign-in, password reset by temporary password
 * and by a one-time link mailed through the private Postfix, and invitations.
 */
const mail = inject("mail");
const { alice, bob, catchall } = mail.users;
const ADMIN = { email: "boss@users.test", password: "boss-console-password-1" };
const ALICE = { email: alice.email, password: "alice-console-password-1" };
const NEW_HIRE = "new-hire@elsewhere.test"; // another domain: the harness delivers it to the catch-all

let stack: LocalStack;
let admin: ApiClient;
let adminId = "";
let aliceId = "";

const setMail = async (enabled: boolean) => expect((await admin.request("PUT", "/api/settings/notifications", postfixNotificationSettings(mail, enabled))).status).toBe(200);
const signedIn = async (email: string, password: string, lang: "en" | "ja" = "en") => {
  const client = new ApiClient(stack.url, lang);
  const reply = await client.signIn(email, password);
  return { client, reply };
};
const tokenIn = (m: ParsedMail) => /#\/reset\/([A-Za-z0-9_-]{20,})/.exec(m.text ?? "")?.[1];
const userById = async (id: string) => (await admin.get("/api/users")).body.items.find((u: { id: string }) => u.id === id);

beforeAll(async () => {
  stack = await startLocalStack({ schedule: false, admin: ADMIN, imapCaPem: mail.caPem });
  admin = new ApiClient(stack.url);
  const me = await admin.signIn(ADMIN.email, ADMIN.password);
  expect(me.status).toBe(200);
  adminId = me.body.user.id;
  const created = await admin.post("/api/users", { email: ALICE.email, name: "Alice", password: ALICE.password, role: "member" });
  expect(created.status, created.text).toBe(201);
  aliceId = created.body.id;
});
afterAll(async () => stack?.stop());

describe("editing users", () => {
  it("changes a member's name, role and mail language, and refuses to demote the last active admin with the reason in English and Japanese", async () => {
    // Act
    const edited = await admin.patch(`/api/users/${aliceId}`, { name: "Alice Tanaka", role: "admin", language: "ja" });
    const back = await admin.patch(`/api/users/${aliceId}`, { role: "member" });
    const lastEn = await admin.patch(`/api/users/${adminId}`, { role: "member" });
    const ja = new ApiClient(stack.url, "ja");
    await ja.signIn(ADMIN.email, ADMIN.password);
    const lastJa = await ja.patch(`/api/users/${adminId}`, { role: "member" });
    const bad = await ja.patch(`/api/users/${aliceId}`, { role: "owner", language: "fr" });
    // Assess
    expect(edited.status, edited.text).toBe(200);
    expect(edited.body).toMatchObject({ name: "Alice Tanaka", role: "admin", language: "ja", active: true });
    expect(back.body.role).toBe("member");
    expect(lastEn.status).toBe(400);
    expect(lastEn.body.error.fields).toEqual([
      { field: "role", code: "last_admin_demote", message: "This is the last active administrator: make another user an administrator first." },
    ]);
    expect(lastJa.status).toBe(400);
    expect(lastJa.body.error.fields[0].message).toBe("有効な管理者はこのユーザーだけです。先に別のユーザーを管理者にしてください。");
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f: { field: string }) => f.field).sort()).toEqual(["language", "role"]);
    expect((await userById(adminId)).role).toBe("admin");
    // the audit log says who edited whom, in the users area
    const audit = await admin.get("/api/audit?area=users");
    expect(audit.body.items.map((e: { action: string }) => e.action)).toContain("PATCH /api/users/{id}");
  });

  it("records when a user last signed in, and not a failed attempt", async () => {
    const before = (await userById(aliceId)).lastSignInAt;
    const start = Date.now();
    expect((await signedIn(ALICE.email, ALICE.password)).reply.status).toBe(200);
    const after = (await userById(aliceId)).lastSignInAt;
    expect((await signedIn(ALICE.email, "wrong-password-123")).reply.status).toBe(401);
    const afterFailure = (await userById(aliceId)).lastSignInAt;
    expect(before).toBeNull();
    expect(Date.parse(after)).toBeGreaterThanOrEqual(start - 1000);
    expect(afterFailure).toBe(after);
  });
});

describe("deactivating users", () => {
  it("refuses the user's sign-in with a reason, ends their sessions and API keys at once, holds their mailbox's sync (saying why, refusing Sync now with the reason) and keeps it; reactivating undoes each", async () => {
    // Prepare: alice signed in, an API key acting as her, and bob's mailbox owned by her
    const { client: aliceSession } = await signedIn(ALICE.email, ALICE.password);
    const key = await admin.post("/api/api-keys", { name: "CRM", userId: aliceId, scopes: ["contacts:read"] });
    expect(key.status, key.text).toBe(201);
    const withKey = () => new ApiClient(stack.url).request("GET", "/api/contacts", undefined, { authorization: `Bearer ${key.body.key}` });
    expect((await withKey()).status).toBe(200);
    const box = await admin.post("/api/accounts", {
      email: bob.email,
      ownerId: aliceId,
      imap: { host: mail.host, port: mail.imapPort, security: "starttls", user: bob.email },
      password: bob.password,
    });
    expect(box.status, box.text).toBe(201);
    const stateOf = async () => (await admin.get(`/api/accounts/${box.body.id}`)).body.state;
    // Act
    const off = await admin.post(`/api/users/${aliceId}/deactivate`);
    // Assess
    expect(off.status, off.text).toBe(200);
    expect(off.body).toMatchObject({ active: false, mailboxesChanged: 1 });
    expect((await aliceSession.get("/api/session")).status).toBe(401);
    expect((await withKey()).status).toBe(401);
    const refused = await signedIn(ALICE.email, ALICE.password, "ja");
    expect(refused.reply.status).toBe(403);
    expect(refused.reply.body.error).toMatchObject({ code: "user_deactivated", message: "このユーザーは無効になっています。管理者に再有効化を依頼してください。" });
    // a wrong password learns nothing about the account
    expect((await signedIn(ALICE.email, "wrong-password-123")).reply.body.error.code).toBe("invalid_credentials");
    expect(await stateOf()).toBe("disabled");
    expect((await admin.get(`/api/accounts/${box.body.id}`)).status).toBe(200); // the mailbox and its mail stay
    // the reason is in the account's view, in the list too, and Sync now is refused with it instead of queuing a job the lease would drop
    expect((await admin.get(`/api/accounts/${box.body.id}`)).body.heldBecause).toBe("ownerDeactivated");
    expect((await admin.get("/api/accounts")).body.items.find((a: { id: string }) => a.id === box.body.id).heldBecause).toBe("ownerDeactivated");
    const syncEn = await admin.post(`/api/accounts/${box.body.id}/sync`);
    const adminJa = new ApiClient(stack.url, "ja");
    await adminJa.signIn(ADMIN.email, ADMIN.password);
    const syncJa = await adminJa.post(`/api/accounts/${box.body.id}/sync`);
    expect(syncEn.status, syncEn.text).toBe(409);
    expect(syncEn.body.error).toMatchObject({
      code: "sync_held_owner_deactivated",
      message: "Sync is held: the mailbox's owner is deactivated. It resumes when the user is reactivated.",
    });
    expect(syncJa.status).toBe(409);
    expect(syncJa.body.error.message).toBe("所有者が無効化されているため、同期を保留しています。ユーザーを有効に戻すと同期を再開します。");

    // Act: reactivate
    const on = await admin.post(`/api/users/${aliceId}/reactivate`);
    // Assess
    expect(on.body).toMatchObject({ active: true, mailboxesChanged: 1 });
    expect(["init", "syncing", "connected"]).toContain(await stateOf());
    expect((await admin.get(`/api/accounts/${box.body.id}`)).body.heldBecause).toBeNull();
    const syncAgain = await admin.post(`/api/accounts/${box.body.id}/sync`);
    expect(syncAgain.status, syncAgain.text).toBe(202);
    expect((await signedIn(ALICE.email, ALICE.password)).reply.status).toBe(200);
    expect((await withKey()).status).toBe(200);
    const audit = (await admin.get("/api/audit?area=users")).body.items.map((e: { action: string }) => e.action);
    expect(audit).toEqual(expect.arrayContaining(["POST /api/users/{id}/deactivate", "POST /api/users/{id}/reactivate"]));
  });

  it("keeps one active admin: the only one left can neither demote nor deactivate themselves", async () => {
    const second = await admin.post("/api/users", { email: "second-admin@users.test", name: "Second", password: "second-admin-password", role: "admin" });
    expect(second.status, second.text).toBe(201);
    const { client } = await signedIn("second-admin@users.test", "second-admin-password", "ja");
    expect((await client.post(`/api/users/${adminId}/deactivate`)).status).toBe(200);
    // Act: the second admin is now the only active one
    const demote = await client.patch(`/api/users/${second.body.id}`, { role: "member" });
    const deactivate = await client.post(`/api/users/${second.body.id}/deactivate`);
    // Assess
    expect(demote.status).toBe(400);
    expect(demote.body.error.fields).toEqual([
      { field: "role", code: "last_admin_demote", message: "有効な管理者はこのユーザーだけです。先に別のユーザーを管理者にしてください。" },
    ]);
    expect(deactivate.status).toBe(400);
    expect(deactivate.body.error.fields).toEqual([{ field: "id", code: "cannot_deactivate_self", message: "自分自身のユーザーは無効にできません。" }]);
    expect((await client.post(`/api/users/${adminId}/reactivate`)).status).toBe(200);
    expect((await admin.signIn(ADMIN.email, ADMIN.password)).status).toBe(200);
    expect((await admin.del(`/api/users/${second.body.id}`)).status).toBe(204);
  });
});

describe("password reset without notification mail", () => {
  it("shows a temporary password once, ends the user's sessions, and refuses every route but changing it until it is changed", async () => {
    const { client: old } = await signedIn(ALICE.email, ALICE.password);
    // Act
    const reset = await admin.post(`/api/users/${aliceId}/password-reset`);
    // Assess
    expect(reset.status, reset.text).toBe(200);
    expect(reset.body.method).toBe("temporary");
    const temporary: string = reset.body.temporaryPassword;
    expect(temporary).toMatch(/^[A-Za-z2-9]{16}$/);
    expect((await old.get("/api/session")).status).toBe(401);
    expect((await signedIn(ALICE.email, ALICE.password)).reply.status).toBe(401);
    const { client, reply } = await signedIn(ALICE.email, temporary, "ja");
    expect(reply.status).toBe(200);
    expect(reply.body.user.mustChangePassword).toBe(true);
    const blocked = await client.get("/api/contacts");
    expect(blocked.status).toBe(403);
    expect(blocked.body.error).toMatchObject({ code: "password_change_required", message: "先に仮パスワードを変更してください。" });
    const changed = await client.post("/api/session/password", { currentPassword: temporary, newPassword: ALICE.password });
    expect(changed.status, changed.text).toBe(204);
    expect((await client.get("/api/contacts")).status).toBe(200);
    expect((await client.get("/api/session")).body.user.mustChangePassword).toBe(false);
    // the audit entry names the reset, never the password
    const audit = await admin.get("/api/audit?area=users");
    expect(audit.body.items.map((e: { action: string }) => e.action)).toContain("POST /api/users/{id}/password-reset");
    expect(audit.text).not.toContain(temporary);
  });

  it("refuses an invitation while notification mail is off, and a new user with neither a password nor an invitation", async () => {
    const invite = await admin.post("/api/users", { email: NEW_HIRE, name: "New Hire", role: "member", invite: true });
    const neither = await admin.post("/api/users", { email: NEW_HIRE, name: "New Hire", role: "member" });
    expect(invite.status).toBe(400);
    expect(invite.body.error.fields).toEqual([{ field: "invite", code: "invite_needs_mail", message: expect.stringContaining("notification mail") }]);
    expect(neither.status).toBe(400);
    expect(neither.body.error.fields).toEqual([expect.objectContaining({ field: "password", code: "required" })]);
    expect((await admin.get("/api/users")).body).toMatchObject({ passwordMail: false });
  });
});

describe("password links by mail", () => {
  beforeAll(async () => setMail(true));
  afterAll(async () => setMail(false));

  it("mails a reset link into the user's own mailbox through Postfix; it sets the password once and ends the user's sessions", async () => {
    // alice last signed in in Japanese: mails to her are in Japanese
    const { client: old } = await signedIn(ALICE.email, ALICE.password, "ja");
    const since = new Date();
    // Act
    const reset = await admin.post(`/api/users/${aliceId}/password-reset`);
    // Assess: a mail in Japanese (alice's language) in alice's Dovecot INBOX, with the link
    expect(reset.status, reset.text).toBe(200);
    expect(reset.body).toMatchObject({ method: "mail", sentTo: ALICE.email });
    expect(reset.text).not.toMatch(/reset\//);
    const got = await waitForMail(mail, alice, (m) => m.subject?.includes("パスワードの再設定") === true, { since });
    const token = tokenIn(got);
    expect(token).toBeTruthy();
    expect(got.text).toContain(`${stack.url}/#/reset/${token}`);
    expect((await old.get("/api/session")).status).toBe(401);
    const anon = new ApiClient(stack.url, "ja");
    const short = await anon.post("/api/password-reset", { token, password: "short" });
    expect(short.status).toBe(400);
    expect(short.body.error.fields[0].field).toBe("password");
    const used = await anon.post("/api/password-reset", { token, password: "alice-new-password-2" });
    expect(used.status, used.text).toBe(204);
    const again = await anon.post("/api/password-reset", { token, password: "alice-new-password-3" });
    expect(again.status).toBe(400);
    expect(again.body.error.fields[0]).toMatchObject({ field: "token", code: "password_link_invalid" });
    expect((await signedIn(ALICE.email, "alice-new-password-2")).reply.status).toBe(200);
    expect((await signedIn(ALICE.email, ALICE.password)).reply.status).toBe(401);
    // the audit log records both the reset and the use of the link, never the token
    const audit = await admin.get("/api/audit?area=users");
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(["POST /api/users/{id}/password-reset", "POST /api/password-reset"]));
    expect(audit.text).not.toContain(token!);
    expect(audit.text).not.toContain("alice-new-password-2");
  });

  it("invites a new user in their language: no password signs them in until they set one through the mailed link", async () => {
    const since = new Date();
    const created = await admin.post("/api/users", { email: NEW_HIRE, name: "New Hire", role: "member", invite: true, language: "en" });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ invitation: "sent", language: "en", active: true });
    const got = await waitForMail(mail, catchall, (m) => m.subject?.includes("You are invited") === true && (m.to as { text: string }).text.includes(NEW_HIRE), { since });
    expect(got.text).toContain("Hello New Hire,");
    expect(got.text).not.toContain("招待");
    const token = tokenIn(got)!;
    expect((await new ApiClient(stack.url).post("/api/password-reset", { token, password: "new-hire-password-1" })).status).toBe(204);
    const { reply } = await signedIn(NEW_HIRE, "new-hire-password-1");
    expect(reply.status).toBe(200);
    expect(reply.body.user.mustChangePassword).toBe(false);
  });
});
