import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { ParsedMail } from "mailparser";
import { startLocalStack, type LocalStack } from "../../core/local/stack";
import { formatInZone, mailEvent } from "../../core/notification-mail/index";
import { FileSecretStore, type SecretStore } from "../../core/secrets/index";
import { createLogger } from "../../core/shared/log";
import { localDynamo } from "../../core/local/emulators";
import { Db } from "../../core/store/db";
import { keys } from "../../core/store/keys";
import { metricSink, runMonitor, type MetricPoint } from "../../core/monitoring/index";
import { mailNotifier } from "../../core/notification-mail/index";
import { endRun } from "../../core/jobs/index";
import { ApiClient } from "../support/api-client";
import { readInbox, waitForMail } from "../support/read-mail";

/**
 * Notification mail and the console sign-in lockout, end to end: the settings API (each bad
 * address a 400 in the reader's language), a test notification, and a user locked after N wrong
 * sign-ins, each mail delivered by the harness's private Postfix into Dovecot and read back over
 * IMAP from the user's and the extra recipients' mailboxes.
 */
const mail = inject("mail");
const { alice, bob, carol, catchall } = mail.users;
const ADMIN = { email: carol.email, password: "carol-console-password-1" };
const MEMBER = { email: alice.email, password: "alice-console-password-1" };
const IT_DESK = "it-desk@elsewhere.test"; // another domain: the harness delivers it to the catch-all

let stack: LocalStack;
let admin: ApiClient;
let memberId = "";

const settings = (over: Record<string, unknown> = {}) => ({
  enabled: true,
  server: { kind: "smtp", host: mail.host, port: mail.smtpPort, security: "starttls", user: bob.email, password: bob.password },
  fromAddress: bob.email,
  fromName: "CRM Mail Sync",
  notifyAdmins: true,
  extraRecipients: `${bob.email}; ${IT_DESK}`,
  events: {},
  timeZone: "Asia/Tokyo",
  ...over,
});
const textOf = (m: ParsedMail) => m.text ?? "";

beforeAll(async () => {
  stack = await startLocalStack({ schedule: false, admin: ADMIN, imapCaPem: mail.caPem });
  admin = new ApiClient(stack.url);
  expect((await admin.signIn(ADMIN.email, ADMIN.password)).status).toBe(200);
  const created = await admin.post("/api/users", { email: MEMBER.email, name: "Alice", password: MEMBER.password, role: "member" });
  expect(created.status, created.text).toBe(201);
  memberId = created.body.id;
});
afterAll(async () => stack?.stop());

describe("notification mail settings", () => {
  it("answers 400 naming each bad extra address, in English and in Japanese, and saves nothing", async () => {
    // Act
    const en = await admin.request("PUT", "/api/settings/notifications", settings({ extraRecipients: `${bob.email}; not-an-address ; also@bad` }));
    const jaAdmin = new ApiClient(stack.url, "ja");
    await jaAdmin.signIn(ADMIN.email, ADMIN.password);
    const ja = await jaAdmin.request("PUT", "/api/settings/notifications", settings({ extraRecipients: "x@y.test;;nope", timeZone: "Mars/Olympus" }));
    const saved = await admin.get("/api/settings/notifications");
    // Assess
    expect(en.status).toBe(400);
    expect(en.body.error.fields).toEqual([
      { field: "extraRecipients.1", code: "recipient_invalid", message: '"not-an-address" is not a valid email address.' },
      { field: "extraRecipients.2", code: "recipient_invalid", message: '"also@bad" is not a valid email address.' },
    ]);
    expect(ja.status).toBe(400);
    expect(ja.body.error.fields).toEqual([
      { field: "extraRecipients.1", code: "recipient_invalid", message: "「nope」は有効なメールアドレスではありません。" },
      { field: "timeZone", code: "time_zone_unknown", message: "「Mars/Olympus」は不明なタイムゾーンです（例: Asia/Tokyo）。" },
    ]);
    expect(saved.body.enabled).toBe(false);
    expect(saved.body.extraRecipients).toEqual([]);
  });

  it("refuses to send the saved SMTP password to another server without it being typed again", async () => {
    expect((await admin.request("PUT", "/api/settings/notifications", settings())).status).toBe(200);
    const { password: _typed, ...server } = settings().server;
    const moved = await admin.request("PUT", "/api/settings/notifications", settings({ server: { ...server, port: mail.smtpsPort, security: "tls" } }));
    expect(moved.status).toBe(400);
    expect(moved.body.error.fields.map((f: { field: string }) => f.field)).toEqual(["server.password"]);
    // the same server without the password keeps it
    const kept = await admin.request("PUT", "/api/settings/notifications", settings({ server }));
    expect(kept.status, kept.text).toBe(200);
    expect(kept.body.server).toMatchObject({ kind: "smtp", hasPassword: true });
    // the audit log records the saves, with the password replaced
    const audit = await admin.get("/api/audit");
    expect(audit.status).toBe(200);
    expect(audit.text).toContain("/api/settings/notifications");
    expect(admin.transcript.join("\n")).not.toContain(bob.password);
  });

  it("sends a test notification that arrives in the extra recipients' mailboxes", async () => {
    const since = new Date();
    const reply = await admin.post("/api/settings/notifications/test", {});
    expect(reply.status, reply.text).toBe(200);
    expect([...reply.body.sent].sort()).toEqual([bob.email, carol.email, IT_DESK].sort());
    const atBob = await waitForMail(mail, bob, (m) => m.subject?.includes("Test notification") === true, { since });
    // bob is no console user: his language is unknown, so the mail is in both
    expect(textOf(atBob)).toContain("テスト通知");
    expect(textOf(atBob)).toContain("If it arrived, notification mail works.");
    expect(atBob.headers.get("auto-submitted")).toBe("auto-generated");
    await waitForMail(mail, catchall, (m) => m.subject?.includes("Test notification") === true && (m.to as { text: string }).text.includes(IT_DESK), { since });
  });
});

describe("console sign-in lockout", () => {
  it("locks a user after N wrong sign-ins, says how long as people say it, and mails the lock and unlock times to the user and the extra addresses", async () => {
    // Prepare: 3 failures lock for 10 minutes; alice last used the console in Japanese
    expect((await admin.request("PUT", "/api/settings/signin-lockout", { failures: 3, minutes: 10 })).status).toBe(200);
    const member = new ApiClient(stack.url, "ja");
    expect((await member.signIn(MEMBER.email, MEMBER.password)).status).toBe(200);
    const since = new Date();
    // Act
    const wrong = [];
    for (let i = 0; i < 3; i++) wrong.push((await new ApiClient(stack.url, "ja").signIn(MEMBER.email, `wrong-${i}`)).status);
    const right = await new ApiClient(stack.url, "ja").signIn(MEMBER.email, MEMBER.password);
    // Assess: refused while locked, with the wait in minutes
    expect(wrong).toEqual([401, 401, 401]);
    expect(right.status).toBe(429);
    expect(right.body.error.code).toBe("signin_locked");
    expect(right.body.error.message).toMatch(/約(9|10)分後/);
    expect(right.body.error.message).not.toMatch(/\d{3,}秒/);
    expect(right.body.error.message).not.toMatch(/[{}]/); // every placeholder filled
    const locked = await admin.get("/api/users/locked");
    expect(locked.body.items.map((u: { email: string }) => u.email)).toEqual([MEMBER.email]);
    const { lockedAt, unlockAt } = locked.body.items[0];
    expect(Date.parse(unlockAt) - Date.parse(lockedAt)).toBe(10 * 60_000);
    // the user's mail, in Japanese only, with both times in Asia/Tokyo
    const toUser = await waitForMail(mail, alice, (m) => m.subject?.includes("アカウントを停止しました") === true, { since });
    expect(toUser.subject).not.toContain("Sign-in locked");
    expect(textOf(toUser)).toContain(`停止日時: ${formatInZone(lockedAt, "ja", "Asia/Tokyo")}`);
    expect(textOf(toUser)).toContain(`再開予定日時: ${formatInZone(unlockAt, "ja", "Asia/Tokyo")}`);
    // the extra addresses: both languages, same times
    const toBob = await waitForMail(mail, bob, (m) => m.subject?.includes("Sign-in locked") === true, { since });
    expect(textOf(toBob)).toContain(`Locked at: ${formatInZone(lockedAt, "en", "Asia/Tokyo")}`);
    expect(textOf(toBob)).toContain(`Unlocks at: ${formatInZone(unlockAt, "en", "Asia/Tokyo")}`);
    expect(textOf(toBob)).toContain("再開予定日時");
    await waitForMail(mail, catchall, (m) => m.subject?.includes("Sign-in locked") === true && (m.to as { text: string }).text.includes(IT_DESK), { since });
  });

  it("lets an admin unlock early, mails the user that an admin did, and records the lock and the unlock", async () => {
    const since = new Date();
    const unlocked = await admin.post(`/api/users/${memberId}/unlock`, {});
    expect(unlocked.status, unlocked.text).toBe(204);
    expect((await new ApiClient(stack.url).signIn(MEMBER.email, MEMBER.password)).status).toBe(200);
    const toUser = await waitForMail(mail, alice, (m) => m.subject?.includes("停止を解除しました") === true, { since });
    expect(textOf(toUser)).toContain("管理者が予定より早く");
    expect((await admin.get("/api/users/locked")).body.items).toEqual([]);
    const records = (await admin.get("/api/signin-locks")).body.items;
    expect(records.map((r: { kind: string; email: string }) => `${r.kind} ${r.email}`)).toEqual([`unlocked ${MEMBER.email}`, `locked ${MEMBER.email}`]);
    expect(records[0].byUserId).toBe((await admin.get("/api/session")).body.user.id);
    // a second unlock has nothing to do
    expect((await admin.post(`/api/users/${memberId}/unlock`, {})).status).toBe(409);
  });

  it("counts every wrong console password in the ConsoleSignInsFailed metric, unknown addresses too, and not a right one", async () => {
    const points: MetricPoint[] = [];
    const write = metricSink.write;
    metricSink.write = (p) => void points.push(p);
    try {
      expect((await new ApiClient(stack.url).signIn("nobody@elsewhere.test", "guess-1")).status).toBe(401);
      expect((await new ApiClient(stack.url).signIn(ADMIN.email, "guess-2")).status).toBe(401);
      expect((await new ApiClient(stack.url).signIn(ADMIN.email, ADMIN.password)).status).toBe(200);
    } finally {
      metricSink.write = write;
    }
    expect(points.filter((p) => p.name === "ConsoleSignInsFailed").map((p) => p.value)).toEqual([1, 1]);
  });

  it("records a lock that ran its time as expired: at the next sign-in attempt, or by the monitor's pass", async () => {
    // Prepare: lock alice, then let the lock's end pass (moved back in the item: a minute is the shortest rule)
    const db = new Db(stack.tables, localDynamo(stack.dynamoEndpoint));
    const runOut = async (email: string) => {
      const claim = await db.get("main", keys.userEmail(email));
      await db.update("main", keys.user(claim!.userId), { expression: "SET lockedUntil = :u", values: { ":u": Math.floor(Date.now() / 1000) - 30 } });
    };
    for (let i = 0; i < 3; i++) await new ApiClient(stack.url).signIn(MEMBER.email, `wrong-again-${i}`);
    expect((await admin.get("/api/users/locked")).body.items.map((u: { email: string }) => u.email)).toEqual([MEMBER.email]);
    await runOut(MEMBER.email);
    // Act 1: alice signs in again
    expect((await new ApiClient(stack.url).signIn(MEMBER.email, MEMBER.password)).status).toBe(200);
    // Assess 1: the newest record is the expiry, at the lock's end, by no admin
    let records = (await admin.get("/api/signin-locks")).body.items;
    expect(records[0]).toMatchObject({ kind: "unlocked", reason: "expired", email: MEMBER.email, byUserId: null });
    expect(records[1]).toMatchObject({ kind: "locked", email: MEMBER.email });
    expect(records.filter((r: { reason: string | null }) => r.reason === "admin")).toHaveLength(1); // the early unlock before
    // Act 2: locked again and run out, but nobody signs in: the monitor's pass records it, once
    for (let i = 0; i < 3; i++) await new ApiClient(stack.url).signIn(MEMBER.email, `wrong-third-${i}`);
    await runOut(MEMBER.email);
    await stack.monitor();
    await stack.monitor();
    records = (await admin.get("/api/signin-locks")).body.items;
    expect(records.slice(0, 2).map((r: { kind: string; reason: string | null }) => `${r.kind} ${r.reason}`)).toEqual(["unlocked expired", "locked null"]);
    expect(records.filter((r: { reason: string | null }) => r.reason === "expired")).toHaveLength(2);
    expect((await admin.get("/api/users/locked")).body.items).toEqual([]);
  });

  it("refuses lockout rules outside 1-10 failures and 1-1440 minutes, in Japanese", async () => {
    const ja = new ApiClient(stack.url, "ja");
    await ja.signIn(ADMIN.email, ADMIN.password);
    const reply = await ja.request("PUT", "/api/settings/signin-lockout", { failures: 11, minutes: 0 });
    expect(reply.status).toBe(400);
    expect(reply.body.error.fields).toEqual([
      { field: "failures", code: "too_big_number", message: "10以下で指定してください。" },
      { field: "minutes", code: "too_small_number", message: "1以上で指定してください。" },
    ]);
  });
});

describe("notification mail through a connected mailbox", () => {
  it("sends through the mailbox's own SMTP server and saved password, as the mailbox when no From is set", async () => {
    // Prepare: bob's mailbox, connected with its IMAP and SMTP servers (the save's test logs in to both)
    const box = await admin.post("/api/accounts", {
      email: bob.email,
      imap: { host: mail.host, port: mail.imapPort, security: "starttls", user: bob.email },
      smtp: { host: mail.host, port: mail.smtpPort, security: "starttls", user: bob.email },
      password: bob.password,
      syncEnabled: false,
    });
    expect(box.status, box.text).toBe(201);
    const saved = await admin.request(
      "PUT",
      "/api/settings/notifications",
      settings({ server: { kind: "mailbox", accountId: box.body.id }, fromAddress: "", notifyAdmins: false, extraRecipients: IT_DESK }),
    );
    expect(saved.status, saved.text).toBe(200);
    const unknown = await admin.request("PUT", "/api/settings/notifications", settings({ server: { kind: "mailbox", accountId: "no-such-mailbox" } }));
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.fields.map((f: { field: string }) => f.field)).toEqual(["server.accountId"]);
    const since = new Date();
    // Act
    const reply = await admin.post("/api/settings/notifications/test", {});
    // Assess
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.sent).toEqual([IT_DESK]);
    const got = await waitForMail(mail, catchall, (m) => m.subject?.includes("Test notification") === true && (m.to as { text: string }).text.includes(IT_DESK), { since });
    expect(got.headers.get("from")).toMatchObject({ value: [{ address: bob.email }] });
    expect(admin.transcript.join("\n")).not.toContain(bob.password);
  });

  it("lets the monitor, which may only read notification mail's and mailboxes' own secrets (as its IAM grant), mail through a mailbox saved before one secret per mailbox", async () => {
    // Prepare: alice's mailbox, its password kept the old way ("account/<id>") as before one secret per mailbox
    const box = await admin.post("/api/accounts", {
      email: alice.email,
      imap: { host: mail.host, port: mail.imapPort, security: "starttls", user: alice.email },
      smtp: { host: mail.host, port: mail.smtpPort, security: "starttls", user: alice.email },
      password: alice.password,
      syncEnabled: false,
    });
    expect(box.status, box.text).toBe(201);
    const files = new FileSecretStore(stack.secretDir);
    await files.put(`account/${box.body.id}`, alice.password);
    await files.delete(`mailbox/${box.body.id}`);
    // what functions/monitor.ts may do in AWS (sst.config.ts): GetSecretValue on these names, nothing else
    const read: string[] = [];
    const denied = (name: string) => Promise.reject(Object.assign(new Error(`AccessDeniedException: ${name}`), { name: "AccessDeniedException" }));
    const monitorSecrets: SecretStore = {
      get: (name) => (name === "notifications/smtp" || name.startsWith("mailbox/") ? (read.push(name), files.get(name)) : denied(name)),
      put: denied,
      create: denied,
      delete: denied,
    };
    const monitorDeps = {
      db: new Db(stack.tables, localDynamo(stack.dynamoEndpoint)),
      secrets: monitorSecrets,
      log: createLogger({ fn: "monitor" }, "error"),
      hostAllowance: "loopback" as const,
      ca: mail.caPem,
    };
    const event = { kind: "job.stalled" as const, jobType: "import", jobId: "j1", subject: "stalled.csv", heartbeatAt: new Date().toISOString(), at: new Date().toISOString() };
    // Act: an admin chooses the mailbox (the API readies its secret), then the monitor mails an event through it
    const saved = await admin.request(
      "PUT",
      "/api/settings/notifications",
      settings({ server: { kind: "mailbox", accountId: box.body.id }, fromAddress: "", notifyAdmins: false, extraRecipients: IT_DESK }),
    );
    expect(saved.status, saved.text).toBe(200);
    const since = new Date();
    const report = await mailEvent(monitorDeps, event);
    // Assess: sent as alice, through her server, having read only her mailbox's secret
    expect(report).toEqual({ sent: [IT_DESK], refused: [] });
    expect(read).toEqual([`mailbox/${box.body.id}`]);
    expect(await files.get(`account/${box.body.id}`)).toBeUndefined();
    const got = await waitForMail(mail, catchall, (m) => m.subject?.includes("job.stalled") === true && textOf(m).includes("stalled.csv"), { since });
    expect(got.headers.get("from")).toMatchObject({ value: [{ address: alice.email }] });
  });

  it("refuses a chosen mailbox without an outgoing server with a 400 naming it, in Japanese", async () => {
    const box = await admin.post("/api/accounts", {
      email: carol.email,
      imap: { host: mail.host, port: mail.imapPort, security: "starttls", user: carol.email },
      password: carol.password,
      syncEnabled: false,
    });
    expect(box.status, box.text).toBe(201);
    const ja = new ApiClient(stack.url, "ja");
    await ja.signIn(ADMIN.email, ADMIN.password);
    const reply = await ja.request("PUT", "/api/settings/notifications", settings({ server: { kind: "mailbox", accountId: box.body.id } }));
    expect(reply.status).toBe(400);
    expect(reply.body.error.fields).toEqual([
      { field: "server.accountId", code: "notification_mailbox_no_smtp", message: "選択したメールボックスに送信（SMTP）サーバーが設定されていません。" },
    ]);
  });
});

describe("the job monitor's recipients per job type", () => {
  const monitorWith = async (client: ApiClient, type: string, recipients: string) => {
    const types = (await client.get("/api/settings/monitor")).body.types;
    return client.request("PUT", "/api/settings/monitor", {
      types: { ...types, [type]: { ...types[type], notify: { normal: true, abnormal: true, longRunning: true }, recipients } },
    });
  };

  it("answers 400 naming each bad address of a type's recipients, in English and in Japanese, and saves nothing", async () => {
    const ja = new ApiClient(stack.url, "ja");
    await ja.signIn(ADMIN.email, ADMIN.password);
    const before = (await admin.get("/api/settings/monitor")).body;
    const en = await monitorWith(admin, "import", `${alice.email}; not-an-address ; x@`);
    const jp = await monitorWith(ja, "import", `${alice.email}；not-an-address`);
    expect(en.status).toBe(400);
    expect(en.body.error.fields).toEqual([
      { field: "types.import.recipients.1", code: "recipient_invalid", message: '"not-an-address" is not a valid email address.' },
      { field: "types.import.recipients.2", code: "recipient_invalid", message: '"x@" is not a valid email address.' },
    ]);
    expect(jp.status).toBe(400);
    expect(jp.body.error.fields).toEqual([{ field: "types.import.recipients.1", code: "recipient_invalid", message: "「not-an-address」は有効なメールアドレスではありません。" }]);
    expect((await admin.get("/api/settings/monitor")).body).toEqual(before);
  });

  it("mails a job type's ends to its own recipients instead of the notification settings' admins and extra addresses", async () => {
    // Prepare: notification mail (normal ends switched on) to the admins and bob + the IT desk; imports to alice alone
    expect((await admin.request("PUT", "/api/settings/notifications", settings({ events: { "job.succeeded": true } }))).status).toBe(200);
    const saved = await monitorWith(admin, "import", ` ${alice.email.toUpperCase()} ;`);
    expect(saved.status, saved.text).toBe(200);
    expect(saved.body.types.import.recipients).toBe(alice.email);
    expect(saved.body.types.sync.recipients).toBeUndefined(); // the others keep the default
    const since = new Date();
    // Act: a contact import (a run of type "import") ends normally
    const csv = Buffer.from(`name,primaryEmail\nRecipient Test,recipient-test-${Date.now()}@client.test\n`).toString("base64");
    const imported = await admin.post("/api/contacts/import", { filename: "per-type.csv", contentBase64: csv });
    expect(imported.status, imported.text).toBe(200);
    // Assess: alice has the mail; bob (an extra address) and carol (the admin) do not
    const toAlice = await waitForMail(mail, alice, (m) => m.subject?.includes("job.succeeded") === true && textOf(m).includes("per-type.csv"), { since });
    expect(textOf(toAlice)).not.toContain("recipients");
    await new Promise((ok) => setTimeout(ok, 2000));
    for (const other of [bob, carol]) expect((await readInbox(mail, other, since)).filter((m) => m.subject?.includes("job.succeeded"))).toEqual([]);
  });
});

describe("the job monitor's mails", () => {
  it("mails a long-running job once however often the monitor checks, and once more when it ends", async () => {
    // Prepare: a contact import running for 61 minutes (threshold 1 hour), beating all along;
    // imports mail to alice alone (the test above); the monitor mails through the private Postfix
    const db = new Db(stack.tables, localDynamo(stack.dynamoEndpoint));
    const t0 = Date.now() + 10 * 60_000; // past the checks the stack's own monitor made above
    const started = new Date(t0 - 61 * 60_000).toISOString();
    const run = { jobId: `long-${Date.now()}`, jobType: "import" as const, subject: "slow-import.csv", startedAt: started };
    await db.put("main", { ...keys.job(run.jobId), gsi1pk: keys.jobsOfType("import"), gsi1sk: started, ...run, status: "running", heartbeatAt: started });
    const log = createLogger({ fn: "monitor" }, "error");
    const notifier = mailNotifier({ db, secrets: new FileSecretStore(stack.secretDir), log, hostAllowance: "loopback", ca: mail.caPem });
    /** A check at t0 + i * 5 minutes, the run having beaten just before it (a live, long run: not stalled). */
    const check = async (i: number) => {
      const at = new Date(t0 + i * 5 * 60_000);
      // (only while it runs: an ended run keeps its end)
      await db.update("main", keys.job(run.jobId), {
        expression: "SET heartbeatAt = :h",
        names: { "#s": "status" },
        values: { ":h": at.toISOString(), ":r": "running" },
        condition: "#s = :r",
        returnValues: "NONE",
      });
      await runMonitor({ db, notifier, log }, at);
    };
    const since = new Date();
    // Act: three checks, 5 minutes apart
    for (let i = 0; i < 3; i++) await check(i);
    // Assess: one mail
    await waitForMail(mail, alice, (m) => m.subject?.includes("job.long_running") === true && textOf(m).includes("slow-import.csv"), { since });
    await new Promise((ok) => setTimeout(ok, 1500));
    const longMails = async () => (await readInbox(mail, alice, since)).filter((m) => textOf(m).includes("slow-import.csv"));
    expect((await longMails()).map((m) => m.subject?.includes("job.long_running"))).toEqual([true]);
    // Act 2: it ends; the next checks tell its resolution, once
    await endRun(db, run, "done");
    for (let i = 3; i < 5; i++) await check(i);
    await waitForMail(mail, alice, (m) => m.subject?.includes("job.resolved") === true && textOf(m).includes("slow-import.csv"), { since });
    await new Promise((ok) => setTimeout(ok, 1500));
    expect((await longMails()).map((m) => (m.subject?.includes("job.resolved") ? "resolved" : "long")).sort()).toEqual(["long", "resolved"]);
  }, 60_000);
});
