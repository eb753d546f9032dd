import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { updateCredentials } from "../../core/accounts/index";
import { keys } from "../../core/store/keys";
import { fanOut, recentJobs, runSyncJob } from "../../core/sync/index";
import { appendMessages } from "../harness/mail-servers";
import { startFaultStack } from "../support/fault-mailbox";
import { mailNotifier } from "../../core/notification-mail/index";
import { waitForMail } from "../support/read-mail";
import { ApiClient } from "../support/api-client";

/**
 * A mailbox whose server refused the saved password three times in a row is paused: nothing
 * sends that password again, whatever is pressed, until a new one is saved. Logins are counted
 * on the wire: the mailbox is reached through a relay on Dovecot's plain port, where every
 * LOGIN or AUTHENTICATE command the app sends is visible.
 */
const mail = inject("mail");
const user = mail.users.catchall;
const CONTACT = `paused-contact-${Date.now()}@client.test`;
// the mailbox's owner: a console user whose address is a Dovecot mailbox, to read the pause mail in
const owner = mail.users.carol;
const started = new Date();

let f: Awaited<ReturnType<typeof startFaultStack>>;
let logins = 0;
let accountId = "";

/**
 * IMAP logins Dovecot itself logged as refused for this mailbox (auth_verbose, the harness's
 * dovecot-config.ts): the server's own count beside the relay's. Only this file logs in to this
 * user over IMAP with a wrong password, so other files running at once do not change it.
 */
const refusedInDovecotLog = async () =>
  (await readFile(join(mail.dir, "log/dovecot.log"), "utf8")).split("\n").filter((l) => l.includes("imap-login") && l.includes("auth failed") && l.includes(`user=<${user.email}>`))
    .length;

const state = async () => (await f.api.get(`/api/accounts/${accountId}`)).body.state as string;
const wait = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

beforeAll(async () => {
  const raw = `From: Customer <${CONTACT}>\r\nTo: ${user.email}\r\nSubject: Paused mailbox check\r\nMessage-ID: <${Date.now()}.paused@client.test>\r\nDate: ${new Date().toUTCString()}\r\n\r\nHello from the customer.\r\n`;
  await appendMessages(mail, user.email, "INBOX", [raw]);
  f = await startFaultStack(mail, user, [CONTACT]);
  f.relay.watch = (chunk) => {
    logins += (chunk.toString("latin1").match(/^\S+ (LOGIN|AUTHENTICATE) /gim) ?? []).length;
  };
  const ownerUser = await f.api.post("/api/users", { email: owner.email, name: "Carol", password: "carol-console-password-1", role: "member" });
  expect(ownerUser.status, ownerUser.text).toBe(201);
  // notification mail through the harness's Postfix, to the people concerned only (the owner)
  const settings = await f.api.request("PUT", "/api/settings/notifications", {
    enabled: true,
    server: { kind: "smtp", host: mail.host, port: mail.smtpPort, security: "starttls", user: mail.users.bob.email, password: mail.users.bob.password },
    fromAddress: mail.users.bob.email,
    fromName: "CRM Mail Sync",
    notifyAdmins: false,
    extraRecipients: "",
    events: {},
    timeZone: "Asia/Tokyo",
  });
  expect(settings.status, settings.text).toBe(200);
  // the jobs this file runs itself tell the same notifier the sync function has
  f.deps.notifier = mailNotifier({ db: f.db, secrets: f.deps.secrets, log: f.deps.log, hostAllowance: "loopback", ca: mail.caPem });
  const reply = await f.api.post("/api/accounts", {
    email: user.email,
    ownerId: ownerUser.body.id,
    imap: { host: "127.0.0.1", port: f.relay.port, security: "none", user: user.email },
    password: user.password,
    initialSyncDays: 2,
    syncFolders: ["INBOX"],
  });
  expect(reply.status, reply.text).toBe(201);
  accountId = reply.body.id;
}, 240_000);

afterAll(async () => f?.stop());

describe("a mailbox paused after three refused logins", () => {
  it("logs in once per job until the third refusal pauses it", async () => {
    // Prepare: a first sync with the right password stores the customer's message
    expect((await runSyncJob(f.deps, await f.queued(accountId))).status).toBe("done");
    // the password the server now refuses (as after a change at the provider)
    // (written beside the API, as a provider-side change would leave it; the new version makes
    // the in-process password cache drop the right one it holds from the first sync)
    await updateCredentials({ secrets: f.deps.secrets }, accountId, { imap: "no-longer-the-password" });
    await f.db.update("main", keys.account(accountId), { expression: "SET secretVersion = :v", values: { ":v": `changed-${Date.now()}` } });
    const before = logins;
    const refusedBefore = await refusedInDovecotLog();
    // Act
    for (let i = 1; i <= 3; i++) {
      const outcome = await runSyncJob(f.deps, await f.queued(accountId));
      expect(outcome.status).toBe("failed");
      expect(await state()).toBe(i < 3 ? "authenticationError" : "paused");
    }
    // Assess
    expect(logins - before).toBe(3);
    await expect.poll(async () => (await refusedInDovecotLog()) - refusedBefore, { timeout: 5_000 }).toBe(3);
    // the owner is told, with what to do (their language is unknown: both)
    const told = await waitForMail(mail, owner, (m) => m.subject?.includes(`Mailbox paused: ${user.email}`) === true, { since: started });
    expect(told.text).toContain("3 times in a row");
    expect(told.text).toContain("Update password");
    expect(told.text).toContain("パスワードを更新");
  }, 120_000);

  it("makes no further login on a scheduled job, Sync now, a body fetch or a test with the saved password", async () => {
    const before = logins;
    const refusedBefore = await refusedInDovecotLog();
    // schedule: the tick does not queue it, and a job queued anyway is skipped
    const tick = await fanOut({ db: f.db, queue: f.deps.queue, log: f.deps.log, intervalMinutes: 5, now: () => new Date(Date.now() + 3_600_000) });
    expect(tick.enqueued.map((m) => m.accountId)).not.toContain(accountId);
    expect((await runSyncJob(f.deps, await f.queued(accountId))).status).toBe("skipped");
    // Sync now: accepted, and its job (run by the local stack's worker) is skipped
    const now = await f.api.post(`/api/accounts/${accountId}/sync`, {});
    expect(now.status).toBe(202);
    await expect.poll(async () => (await recentJobs(f.db, accountId, 5)).find((j) => j.jobId === now.body.jobId)?.status, { timeout: 20_000 }).toBe("skipped");
    // body fetch of the message the first sync stored (by the owner: the mailbox is private)
    const ownerApi = new ApiClient(f.stack.url);
    expect((await ownerApi.signIn(owner.email, "carol-console-password-1")).status).toBe(200);
    const contacts = await ownerApi.get(`/api/contacts?q=${encodeURIComponent(CONTACT)}`);
    const contactId = contacts.body.items.find((c: { primaryEmail: string }) => c.primaryEmail === CONTACT).id;
    const history = await ownerApi.get(`/api/contacts/${contactId}/messages`);
    expect(history.body.items.length).toBeGreaterThan(0);
    const body = await ownerApi.get(`/api/messages/${history.body.items[0].id}/body`);
    expect(body.status).not.toBe(200);
    // connection test with the saved password: refused, naming the password field
    const test = await f.api.post(`/api/accounts/${accountId}/test`, {});
    expect(test.status).toBe(422); // as for a password whose destination changed: the request is sound, the state refuses it
    expect(test.body.error.code).toBe("account_paused");
    expect(test.body.error.fields.map((x: { field: string }) => x.field)).toEqual(["password"]);
    await wait(1_000); // anything late would have reached the relay by now
    expect(logins - before).toBe(0);
    expect((await refusedInDovecotLog()) - refusedBefore).toBe(0);
    expect(await state()).toBe("paused");
  }, 60_000);

  it("resumes when a new password is saved: the save's test and the next job log in again", async () => {
    const before = logins;
    const saved = await f.api.patch(`/api/accounts/${accountId}`, { password: user.password });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.body.state).toBe("init");
    expect((await runSyncJob(f.deps, await f.queued(accountId))).status).toBe("done");
    expect(await state()).toBe("connected");
    expect(logins - before).toBeGreaterThanOrEqual(2);
    await waitForMail(mail, owner, (m) => m.subject?.includes(`Mailbox resumed: ${user.email}`) === true, { since: started });
  }, 60_000);

  it("pauses at the count an admin sets, and refuses a count outside 1-10 in the reader's language", async () => {
    // Prepare: one refused login pauses
    const ja = await f.api.request("PUT", "/api/settings/mailbox-pause", { failedLogins: 11 }, { "accept-language": "ja" });
    expect(ja.status).toBe(400);
    expect(ja.body.error.fields).toEqual([{ field: "failedLogins", code: "too_big_number", message: "10以下で指定してください。" }]);
    expect((await f.api.request("PUT", "/api/settings/mailbox-pause", { failedLogins: 1 })).status).toBe(200);
    await updateCredentials({ secrets: f.deps.secrets }, accountId, { imap: "changed-at-the-provider-again" });
    await f.db.update("main", keys.account(accountId), { expression: "SET secretVersion = :v", values: { ":v": `changed-${Date.now()}` } });
    const before = logins;
    // Act
    const first = await runSyncJob(f.deps, await f.queued(accountId));
    const second = await runSyncJob(f.deps, await f.queued(accountId));
    // Assess
    expect([first.status, second.status]).toEqual(["failed", "skipped"]);
    expect(await state()).toBe("paused");
    expect(logins - before).toBe(1);
    expect((await f.api.request("PUT", "/api/settings/mailbox-pause", { failedLogins: 3 })).status).toBe(200);
  }, 60_000);
});
