import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startLocalStack, type LocalStack } from "../../core/local/stack";
import { localDynamo, localSqs } from "../../core/local/emulators";
import { Db } from "../../core/store/db";
import { keys } from "../../core/store/keys";
import { FileSecretStore } from "../../core/secrets/index";
import { createLogger } from "../../core/shared/log";
import { updateCredentials } from "../../core/accounts/index";
import { recentRuns } from "../../core/jobs/index";
import { DeadLetters } from "../../core/queue/index";
import { runMonitor } from "../../core/monitoring/index";
import { queueMessage } from "../../core/sending/index";
import type { OpsEvent } from "../../core/notifications/index";
import { resetUser } from "../harness/mail-servers";
import { ApiClient, eventually } from "../support/api-client";
import { readMessages } from "../support/mailbox-reader";
import { waitForMail } from "../support/read-mail";

/**
 * The send job type under the job monitor, against the private Postfix and Dovecot: every
 * delivery attempt of functions/send.ts is a run (start, heartbeat, end, outcome), an abnormal
 * end is mailed to the send type's own recipients, and a message whose job ran out of receives
 * is listed from the send dead-letter queue, told once, and sent when an admin redrives it.
 */
const mail = inject("mail");
const ADMIN = { email: "admin@example.test", password: "admin-password-123" };
const { alice, bob, carol, catchall } = mail.users;
const IT_DESK = "it-desk@elsewhere.test";

let stack: LocalStack;
let api: ApiClient;
let db: Db;
let sqs: SQSClient;
let aliceAccount = "";
let catchallAccount = "";

const server = (u: { email: string; password: string }) => ({
  imap: { host: mail.host, port: mail.imapsPort, security: "tls", user: u.email },
  smtp: { host: mail.host, port: mail.smtpPort, security: "starttls", user: u.email },
  password: u.password,
});
const sendRuns = async () => (await recentRuns(db, "send", { limit: 50 })) as Record<string, any>[];
const waitForSend = (id: string, status: string) =>
  eventually(async () => {
    const r = await api.get(`/api/sends/${id}`);
    return r.body.status === status ? r.body : undefined;
  }, 30_000);

beforeAll(async () => {
  await Promise.all([carol, catchall].map((u) => resetUser(mail, u.email)));
  stack = await startLocalStack({ schedule: false, admin: ADMIN, imapCaPem: mail.caPem });
  db = new Db(stack.tables, localDynamo(stack.dynamoEndpoint));
  sqs = localSqs(stack.sqsEndpoint);
  api = new ApiClient(stack.url);
  await api.signIn(ADMIN.email, ADMIN.password);
  const a = await api.post("/api/accounts", { email: alice.email, initialSyncDays: 1, syncEnabled: false, ...server(alice) });
  expect(a.status, a.text).toBe(201);
  aliceAccount = a.body.id;
  const c = await api.post("/api/accounts", { email: catchall.email, initialSyncDays: 1, syncEnabled: false, ...server(catchall) });
  expect(c.status, c.text).toBe(201);
  catchallAccount = c.body.id;
  // notification mail through the private Postfix to the IT desk; the send type names its own recipient (bob)
  const saved = await api.request("PUT", "/api/settings/notifications", {
    enabled: true,
    server: { kind: "smtp", host: mail.host, port: mail.smtpPort, security: "starttls", user: bob.email, password: bob.password },
    fromAddress: bob.email,
    fromName: "CRM Mail Sync",
    notifyAdmins: false,
    extraRecipients: IT_DESK,
    events: {},
    timeZone: "Asia/Tokyo",
  });
  expect(saved.status, saved.text).toBe(200);
  const types = (await api.get("/api/settings/monitor")).body.types;
  expect(types.send).toMatchObject({ enabled: true, notify: { abnormal: true } });
  const monitor = await api.request("PUT", "/api/settings/monitor", { types: { ...types, send: { ...types.send, recipients: bob.email } } });
  expect(monitor.status, monitor.text).toBe(200);
}, 240_000);

afterAll(async () => {
  sqs?.destroy();
  await stack?.stop();
});

describe("the send job type", () => {
  it("records each delivery as a run: its start, heartbeat, end and outcome", async () => {
    // Act: a message sent from the console, delivered by functions/send.ts
    const reply = await api.post("/api/sends", { accountId: aliceAccount, to: [carol.email], subject: `Tracked ${Date.now()}`, text: "hello" });
    expect(reply.status, reply.text).toBe(202);
    await waitForSend(reply.body.id, "sent");
    // Assess
    const run = await eventually(async () => (await sendRuns()).find((r) => r.subject === reply.body.id && r.status === "done"), 10_000);
    expect(run).toMatchObject({ jobType: "send", status: "done", counts: { sent: 1 }, error: null });
    expect(Date.parse(run.startedAt)).toBeLessThanOrEqual(Date.parse(run.endedAt));
    expect(run.heartbeatAt).toBe(run.endedAt);
  });

  it("mails an abnormal end to the send type's own recipients through Postfix, and shows it among the failed runs", async () => {
    // Prepare: the server now refuses the mailbox's saved password (changed at the provider)
    await updateCredentials({ secrets: new FileSecretStore(stack.secretDir) }, catchallAccount, { imap: "not-the-password" });
    await db.update("main", keys.account(catchallAccount), { expression: "SET secretVersion = :v", values: { ":v": `changed-${Date.now()}` } });
    const since = new Date();
    // Act
    const reply = await api.post("/api/sends", { accountId: catchallAccount, to: [carol.email], subject: "Refused login", text: "x" });
    expect(reply.status, reply.text).toBe(202);
    await waitForSend(reply.body.id, "failed");
    // Assess: the run failed with the diagnosis; bob (the type's recipient) has the mail
    const run = await eventually(async () => (await sendRuns()).find((r) => r.subject === reply.body.id && r.status === "failed"), 10_000);
    expect(run).toMatchObject({ jobType: "send", error: "auth_failed", counts: { failed: 1 } });
    const got = await waitForMail(mail, bob, (m) => m.subject?.includes("job.failed") === true && (m.text ?? "").includes(reply.body.id), { since });
    expect(got.text).toContain("auth_failed");
    const failed = (await api.get("/api/operations/overview")).body.failedRuns;
    expect(failed).toEqual(expect.arrayContaining([expect.objectContaining({ jobType: "send", subject: reply.body.id, error: expect.objectContaining({ code: "auth_failed" }) })]));
    await updateCredentials({ secrets: new FileSecretStore(stack.secretDir) }, catchallAccount, { imap: catchall.password });
  });

  it("lists a message from the send dead-letter queue with its mailbox, recipients and last error, tells it once, and sends it when redriven", async () => {
    // Prepare: a message whose job ran out of receives (its record still queued, with the last attempt's failure)
    const me = (await api.get("/api/session")).body.user;
    const subject = `Dead-lettered ${Date.now()}`;
    const record = await queueMessage(
      { db, queue: { enqueue: async () => undefined }, log: createLogger({ fn: "send-monitor-test" }, "error") },
      { id: me.id, role: "admin" },
      {
        accountId: aliceAccount,
        to: [carol.email],
        subject,
        text: "from the dead letters",
      },
    );
    await db.update("main", keys.outgoing(record.sendId), {
      expression: "SET failure = :f",
      values: { ":f": { code: "connection_refused", kind: "transient", params: {}, at: new Date().toISOString() } },
    });
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: stack.sendDlqUrl, MessageBody: JSON.stringify({ sendId: record.sendId }) }));
    // Act + Assess: listed, counted on the overview
    const listed = await api.get("/api/dead-letters?queue=send");
    expect(listed.status, listed.text).toBe(200);
    expect(listed.body.items).toEqual([
      expect.objectContaining({
        queue: "send",
        messageId: sent.MessageId,
        jobId: record.sendId,
        subject: `${alice.email} → ${carol.email}`,
        lastError: expect.objectContaining({ code: "connection_refused" }),
      }),
    ]);
    expect((await api.get("/api/operations/overview")).body.deadLetters).toEqual(expect.arrayContaining([{ queue: "send", count: 1 }]));
    // the monitor tells it once, to the send type's recipients
    const events: OpsEvent[] = [];
    const deadLetters = new DeadLetters(sqs, [{ name: "send", url: stack.sendDlqUrl, sourceUrl: stack.sendQueueUrl }]);
    const monitorDeps = { db, notifier: { notify: async (e: OpsEvent) => void events.push(e) }, log: createLogger({ fn: "monitor" }, "error"), deadLetters };
    const t0 = Date.now();
    await runMonitor(monitorDeps, new Date(t0));
    await runMonitor(monitorDeps, new Date(t0 + 5 * 60_000));
    expect(events.filter((e) => e.kind === "deadletter.not_empty")).toEqual([expect.objectContaining({ queue: "send", count: 1, recipients: [bob.email] })]);
    // redriven: off the dead-letter queue, and functions/send.ts sends it
    const redriven = await api.post(`/api/dead-letters/send/${encodeURIComponent(sent.MessageId!)}/redrive`);
    expect(redriven.status, redriven.text).toBe(200);
    expect((await api.get("/api/dead-letters?queue=send")).body.items).toEqual([]);
    await waitForSend(record.sendId, "sent");
    expect(await readMessages(mail, carol, "INBOX", "message-id", record.messageId)).toHaveLength(1);
    const report = await runMonitor(monitorDeps, new Date(t0 + 10 * 60_000));
    expect(report.resolved).toEqual([expect.objectContaining({ kind: "deadletter", subject: "send" })]);
  }, 90_000);
});
