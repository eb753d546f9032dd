/**
 * Mailboxes connected with OAuth2, end to end against real parts: the run's authorization
 * server (test/support/oauth-server.ts), Dovecot taking the access tokens for XOAUTH2 through
 * its oauth2 passdb, Postfix taking them for submission through Dovecot's SASL, and the local
 * stack (API, dynalite, encrypted secret store). The browser flow is in console-oauth.test.ts.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { accessTokens, readGrant } from "../../core/oauth/index";
import { rotatedTokenSecretName } from "../../core/secrets/index";
import { readCredentials } from "../../core/accounts/index";
import { keys } from "../../core/store/keys";
import { logSink } from "../../core/shared/log";
import { runSyncJob } from "../../core/sync/index";
import { ApiClient, eventually } from "../support/api-client";
import { readMessages } from "../support/mailbox-reader";
import { callbackBody, deliver, startOAuthStack } from "../support/oauth-stack";

const mail = inject("mail");
const oauth = inject("oauth");
const stamp = Date.now().toString(36);
// (users the harness created: mail can be delivered to them, test/harness/oauth-peer.ts)
const GOOGLE_USER = mail.users["oauth-google"]!.email;
const MS_USER = mail.users["oauth-microsoft"]!.email;
const CONTACT = `oauth-contact-${stamp}@client.test`;

let s: Awaited<ReturnType<typeof startOAuthStack>>;
const logLines: string[] = [];
const originalWrite = logSink.write;
let googleId = "";

const message = (subject: string) =>
  `From: Customer <${CONTACT}>\r\nTo: ${GOOGLE_USER}\r\nSubject: ${subject}\r\nMessage-ID: <${Date.now()}.${Math.random().toString(36).slice(2)}@client.test>\r\nDate: ${new Date().toUTCString()}\r\n\r\nHello over XOAUTH2.\r\n`;
/** The subjects in the contact's history, oldest first. */
async function historyOfContact(): Promise<string[]> {
  const contact = (await s.api.get(`/api/contacts?q=${encodeURIComponent(CONTACT)}`)).body.items[0];
  const items = (await s.api.get(`/api/contacts/${contact.id}/messages`)).body.items as { subject: string }[];
  return items.map((m) => m.subject).sort();
}
const account = async (id: string) => (await s.api.get(`/api/accounts/${id}`)).body;
/** The access token this process holds for a mailbox (the API runs in this process too); "" when its grant is gone. */
async function tokenOf(id: string): Promise<string> {
  const record = await s.db.get("main", keys.account(id));
  return accessTokens.get(s.deps, { id, oauthProvider: record?.oauthProvider, secretVersion: record?.secretVersion }).catch(() => "");
}

beforeAll(async () => {
  logSink.write = (line) => void logLines.push(line);
  s = await startOAuthStack(mail, oauth.url);
  const contact = await s.api.post("/api/contacts", { name: "OAuth Customer", primaryEmail: CONTACT });
  expect(contact.status).toBe(201);
  await deliver(mail, GOOGLE_USER, message("Before connecting"));
}, 240_000);

afterAll(async () => {
  logSink.write = originalWrite;
  await s?.stop();
});

describe("connecting a mailbox with OAuth2", () => {
  it("lists the providers this server is set up for", async () => {
    const reply = await s.api.get("/api/oauth/providers");
    expect(reply.body.items).toEqual([
      { id: "google", label: "Google" },
      { id: "microsoft", label: "Microsoft", tenant: "common" },
    ]);
  });

  it("sends the browser to the provider with PKCE, the mail scope and a state, back to the console's origin", async () => {
    const url = new URL(await s.start(s.api, "google"));
    expect(url.origin + url.pathname).toBe(`${oauth.url}/google/authorize`);
    expect(url.searchParams.get("redirect_uri")).toBe(`${s.stack.url}/oauth/callback`);
    expect(url.searchParams.get("scope")).toBe("openid email https://mail.google.com/");
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("code_challenge")).toMatch(/^[\w-]{43}$/);
    expect(url.searchParams.get("state")).toMatch(/^[\w-]{43}$/);
    expect(url.searchParams.get("access_type")).toBe("offline");
    // without the console's Origin the start is refused, naming the field
    const bare = await s.api.post("/api/oauth/google/start", {});
    expect(bare.status).toBe(400);
    expect(bare.body.error.fields[0].field).toBe("origin");
  });

  it("creates the mailbox from the address in the ID token, with the provider's servers and no password", async () => {
    const reply = await s.connect(s.api, "google", GOOGLE_USER);
    expect(reply.status, reply.text).toBe(201);
    expect(reply.body).toMatchObject({
      email: GOOGLE_USER,
      authMethod: "oauth2",
      oauthProvider: "google",
      provider: "gmail",
      hasPassword: false,
      state: "init",
      saveSentCopy: false,
    });
    expect(reply.body.imap).toEqual({ host: "127.0.0.1", port: mail.imapsPort, security: "tls", user: GOOGLE_USER });
    googleId = reply.body.id;
    const saved = await readCredentials(s.deps, googleId);
    expect(saved.oauth?.refreshToken).toMatch(/^rt\./);
    expect(saved.imap).toBeUndefined();
  });

  it("refuses a replayed callback, a code used twice, and a state from another session", async () => {
    const back = await s.control.consent(await s.start(s.api, "google"), `replay-${stamp}@${mail.domain}`);
    const first = await s.api.post("/api/oauth/callback", callbackBody(back));
    expect(first.status, first.text).toBe(201);
    // the same callback again: the state was single use
    const again = await s.api.post("/api/oauth/callback", callbackBody(back));
    expect(again.status).toBe(400);
    expect(again.body.error.fields).toEqual([expect.objectContaining({ field: "state" })]);
    // the used code with a fresh state of this session: the provider refuses it
    const fresh = new URL(await s.start(s.api, "google"));
    const replayed = await s.api.post("/api/oauth/callback", { state: fresh.searchParams.get("state"), authorizationCode: back.searchParams.get("code") });
    expect(replayed.status).toBe(400);
    expect(replayed.body.error.fields).toEqual([expect.objectContaining({ field: "authorizationCode" })]);
    // a state started by another session (a link planted on this user) is refused here, in Japanese too
    const other = new ApiClient(s.stack.url, "ja");
    await other.signIn("admin@example.test", "admin-password-123");
    const theirs = await s.control.consent(await s.start(other, "google"), `planted-${stamp}@${mail.domain}`);
    s.api.lang = "ja";
    const planted = await s.api.post("/api/oauth/callback", callbackBody(theirs));
    s.api.lang = "en";
    expect(planted.status).toBe(400);
    expect(planted.body.error.fields[0]).toMatchObject({ field: "state" });
    expect(planted.body.error.fields[0].message).toMatch(/セッション/);
    // ...and the one it belongs to still finishes it
    expect((await other.post("/api/oauth/callback", callbackBody(theirs))).status).toBe(201);
  });

  it("diagnoses admin consent, a wrong tenant and a mail scope left unticked, in both languages", async () => {
    const consent = `consent-${stamp}@${mail.domain}`;
    await s.control.setUser(consent, { fail: { error: "invalid_client", description: "AADSTS65001: The user or administrator has not consented to use the application." } });
    const refused = await s.connect(s.api, "microsoft", consent);
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe("diag.oauth_admin_consent");
    const tenant = `tenant-${stamp}@${mail.domain}`;
    await s.control.setUser(tenant, { fail: { error: "access_denied", description: "AADSTS50020: User account from identity provider does not exist in tenant." } });
    s.api.lang = "ja";
    const wrong = await s.connect(s.api, "microsoft", tenant);
    s.api.lang = "en";
    expect(wrong.body.error.code).toBe("diag.oauth_wrong_tenant");
    expect(wrong.body.error.message).toMatch(/組織/);
    const scope = `scope-${stamp}@${mail.domain}`;
    await s.control.setUser(scope, { grant: ["openid", "email"] });
    const narrow = await s.connect(s.api, "google", scope);
    expect(narrow.body.error.code).toBe("diag.oauth_scope_missing");
    expect(narrow.body.error.message).toContain("https://mail.google.com/");
    // nothing was connected for any of them
    const listed = (await s.api.get("/api/accounts")).body.items.map((a: { email: string }) => a.email);
    expect(listed).not.toEqual(expect.arrayContaining([consent]));
    expect(listed.filter((e: string) => [consent, tenant, scope].includes(e))).toEqual([]);
  });
});

describe("an OAuth2 mailbox at work", () => {
  it("syncs over XOAUTH2 and stores the customer's mail", async () => {
    const outcome = await runSyncJob(s.deps, await s.queued(googleId));
    expect(outcome.status, outcome.error).toBe("done");
    expect(outcome.counts.matched).toBe(1);
    expect((await account(googleId)).state).toBe("connected");
  });

  it("passes the connection test and sends the test mail over XOAUTH2 to Postfix", async () => {
    const test = await s.api.post(`/api/accounts/${googleId}/test`, {});
    expect(test.status, test.text).toBe(200);
    expect(test.body.ok).toBe(true);
    expect(test.body.steps.map((x: { step: string; ok: boolean }) => `${x.step}:${x.ok}`)).toEqual(expect.arrayContaining(["imap_login:true", "smtp_login:true"]));
    const sent = await s.api.post(`/api/accounts/${googleId}/test-mail`, {});
    expect(sent.status, sent.text).toBe(200);
    expect(sent.body.sent).toMatchObject({ ok: true, accepted: [GOOGLE_USER] });
  });

  it("sends a mail written in the CRM over XOAUTH2, leaving the Sent copy to Gmail", async () => {
    const subject = `Written in the CRM ${stamp}`;
    const queued = await s.api.post("/api/sends", { accountId: googleId, to: [MS_USER], subject, text: "Sent with an access token." });
    expect(queued.status, queued.text).toBe(202);
    const sent = await eventually(async () => {
      const r = (await s.api.get(`/api/sends/${queued.body.id}`)).body;
      return r.status === "sent" || r.status === "failed" ? r : undefined;
    }, 30_000);
    expect(sent, JSON.stringify(sent)).toMatchObject({ status: "sent" });
    const arrived = await eventually(async () => {
      const found = await readMessages(mail, mail.users["oauth-microsoft"]!, "INBOX", "subject", subject);
      return found.length ? found : undefined;
    }, 15_000);
    expect(arrived).toHaveLength(1);
  });

  it("refreshes once for many concurrent jobs, and before the token expires", async () => {
    // tokens that live 302 s: one second after issue they are within the 5-minute margin
    await s.control.setUser(GOOGLE_USER, { accessTtl: 302 });
    accessTokens.forget(googleId);
    const before = (await s.control.stats(GOOGLE_USER)).refreshGrants;
    const record = await s.db.get("main", keys.account(googleId));
    const ask = () => accessTokens.get(s.deps, { id: googleId, oauthProvider: "google", secretVersion: record!.secretVersion });
    await deliver(mail, GOOGLE_USER, message("While refreshing"));
    const [sync, ...tokens] = await Promise.all([runSyncJob(s.deps, await s.queued(googleId)), ask(), ask(), ask(), ask(), ask()]);
    expect(sync.status, sync.error).toBe("done");
    expect(new Set(tokens).size).toBe(1);
    expect((await s.control.stats(GOOGLE_USER)).refreshGrants - before).toBe(1);
    // within the margin: the next job refreshes first, although the server would still take the old token
    await new Promise((ok) => setTimeout(ok, 2500));
    expect((await runSyncJob(s.deps, await s.queued(googleId))).status).toBe("done");
    expect((await s.control.stats(GOOGLE_USER)).refreshGrants - before).toBe(2);
  });

  it("saves the refresh token Microsoft rotates, and signs in with it next time", async () => {
    const reply = await s.connect(s.api, "microsoft", MS_USER);
    expect(reply.status, reply.text).toBe(201);
    const id = reply.body.id;
    const first = await readGrant(s.deps, id);
    expect(first.rotation).toBe(0);
    accessTokens.forget(id);
    expect((await runSyncJob(s.deps, await s.queued(id))).status).toBe("done");
    // saved create-only under a new name (the sync never overwrites a secret), the account naming it
    const second = await readGrant(s.deps, id);
    expect(second.rotation).toBe(1);
    expect(second.grant!.refreshToken).not.toBe(first.grant!.refreshToken);
    expect(await s.deps.secrets.get(rotatedTokenSecretName(id, 1))).toContain(second.grant!.refreshToken);
    // the old one is dead at the server: a next refresh works only with the saved one
    accessTokens.forget(id);
    expect((await runSyncJob(s.deps, await s.queued(id))).status).toBe("done");
    expect((await s.control.stats(MS_USER)).refreshGrants).toBe(2);
    expect((await readGrant(s.deps, id)).rotation).toBe(2);
    expect(await s.deps.secrets.get(rotatedTokenSecretName(id, 1))).toBeUndefined(); // the previous one is deleted
    expect((await account(id)).state).toBe("connected");
  });

  it("pauses the mailbox when the consent is revoked, asks its owner to reconnect, and tells operations", async () => {
    await s.control.revoke(GOOGLE_USER);
    accessTokens.forget(googleId);
    const outcome = await runSyncJob(s.deps, await s.queued(googleId));
    expect(outcome).toMatchObject({ status: "failed", error: "diag.oauth_reconnect_needed" });
    const view = await account(googleId);
    expect(view.state).toBe("paused");
    expect(view.lastError.message).toContain("Connect with Google");
    s.api.lang = "ja";
    expect((await account(googleId)).lastError.message).toContain("Google で接続");
    s.api.lang = "en";
    expect(s.events).toEqual([expect.objectContaining({ kind: "mailbox.reconnect_needed", accountId: googleId, address: GOOGLE_USER, code: "diag.oauth_reconnect_needed" })]);
    // paused: no further refresh, whatever is pressed
    const grants = (await s.control.stats(GOOGLE_USER)).refreshGrants;
    expect((await runSyncJob(s.deps, await s.queued(googleId))).status).toBe("skipped");
    expect((await s.api.post(`/api/accounts/${googleId}/test`, {})).body.error.code).toBe("diag.oauth_reconnect_needed");
    expect((await s.control.stats(GOOGLE_USER)).refreshGrants).toBe(grants);
  });

  it("resumes on a reconnect that keeps the mailbox, its mail and its cursors", async () => {
    const historyBefore = await historyOfContact();
    expect(historyBefore).toEqual(["Before connecting", "While refreshing"]);
    const cursorsBefore = (
      await s.db.query("main", { KeyConditionExpression: "pk = :p AND begins_with(sk, :c)", ExpressionAttributeValues: { ":p": `ACCOUNT#${googleId}`, ":c": keys.cursorPrefix } })
    ).items;
    expect(cursorsBefore.length).toBeGreaterThan(0);
    // another address than the mailbox's is refused
    const wrong = await s.connect(s.api, "google", MS_USER, { accountId: googleId });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.fields[0].field).toBe("email");
    const reply = await s.connect(s.api, "google", GOOGLE_USER, { accountId: googleId });
    expect(reply.status, reply.text).toBe(201);
    expect(reply.body).toMatchObject({ id: googleId, state: "init", lastError: null });
    // operations hear that the paused mailbox is back (the local runtime's notifier writes a log line)
    expect(logLines.filter((l) => l.includes('"ops.mailbox.resumed"') && l.includes(googleId))).toHaveLength(1);
    expect(await historyOfContact()).toEqual(historyBefore);
    const cursorsAfter = (
      await s.db.query("main", { KeyConditionExpression: "pk = :p AND begins_with(sk, :c)", ExpressionAttributeValues: { ":p": `ACCOUNT#${googleId}`, ":c": keys.cursorPrefix } })
    ).items;
    expect(cursorsAfter).toEqual(cursorsBefore);
    const outcome = await runSyncJob(s.deps, await s.queued(googleId));
    expect(outcome.status).toBe("done");
    // the mail synced before the switch is still there, once (the messages are keyed by Message-ID)
    expect(await historyOfContact()).toEqual(historyBefore);
  });

  it("switches back to a password, keeping the mailbox, its mail and its cursors, and ending the grant it held", async () => {
    const cursors = async () =>
      (await s.db.query("main", { KeyConditionExpression: "pk = :p AND begins_with(sk, :c)", ExpressionAttributeValues: { ":p": `ACCOUNT#${googleId}`, ":c": keys.cursorPrefix } }))
        .items;
    const before = await cursors();
    // while on OAuth2 the servers are the provider's: moving them is refused, naming the field
    const moved = await s.api.patch(`/api/accounts/${googleId}`, { imap: { port: mail.imapPort, security: "starttls" } });
    expect(moved.status).toBe(400);
    expect(moved.body.error.fields[0].field).toBe("imap");
    const reply = await s.api.patch(`/api/accounts/${googleId}`, { password: mail.users["oauth-google"]!.password });
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body).toMatchObject({ id: googleId, authMethod: "password", oauthProvider: null, hasPassword: true });
    const saved = await readCredentials(s.deps, googleId);
    expect(saved.oauth).toBeUndefined();
    expect(saved.imap).toBe(mail.users["oauth-google"]!.password);
    expect(await cursors()).toEqual(before);
    expect((await runSyncJob(s.deps, await s.queued(googleId))).status).toBe("done");
    expect(await historyOfContact()).toEqual(["Before connecting", "While refreshing"]);
  });
});

describe("secrecy of tokens", () => {
  it("puts no access or refresh token in a log line, an API reply or a database item", async () => {
    const ids = (await s.api.get("/api/accounts")).body.items.filter((a: { authMethod: string }) => a.authMethod === "oauth2").map((a: { id: string }) => a.id);
    const secrets: string[] = [];
    for (const id of ids) {
      const saved = await readCredentials(s.deps, id);
      if (saved.oauth) secrets.push(saved.oauth.refreshToken);
      const current = await readGrant(s.deps, id);
      if (current.grant && current.rotation > 0) secrets.push(current.grant.refreshToken);
      const token = await tokenOf(id);
      if (token) secrets.push(token);
    }
    expect(secrets.length).toBeGreaterThan(2);
    const items = await s.everyItem();
    const replies = s.api.transcript.join("\n");
    const logs = logLines.join("\n");
    expect(logs).toContain("oauth.reconnect_needed"); // the capture works
    for (const secret of secrets) {
      expect(items.includes(secret)).toBe(false);
      expect(replies.includes(secret)).toBe(false);
      expect(logs.includes(secret)).toBe(false);
    }
    // nor any token-shaped value at all
    expect(`${items}\n${replies}\n${logs}`).not.toMatch(/\b(at|rt|code)\.[\w-]{32}/);
  });
});
