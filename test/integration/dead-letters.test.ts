import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalStack, type LocalStack } from "../../core/local/stack";
import { localDynamo, localSqs } from "../../core/local/emulators";
import { Db } from "../../core/store/db";
import { keys } from "../../core/store/keys";
import { createLogger } from "../../core/shared/log";
import { DeadLetters } from "../../core/queue/index";
import { recordJob, recordQueued } from "../../core/jobs/index";
import { runMonitor } from "../../core/monitoring/index";
import type { Notifier, OpsEvent } from "../../core/notifications/index";
import { ApiClient, eventually } from "../support/api-client";

/**
 * Dead letters on fauxqs: a sync job in the dead-letter queue is listed with its last error
 * (in the reader's language), told once by the monitor, and sent back to the sync queue by an
 * admin, where the sync worker takes it; the monitor's settings refuse bad values with a 400.
 */
const admin = { email: "ops@example.test", password: "ops-password-123" };
let stack: LocalStack;
let api: ApiClient;
let db: Db;
let sqs: SQSClient;
const events: OpsEvent[] = [];
const notifier: Notifier = { notify: async (e) => void events.push(e) };
const log = createLogger({ fn: "dead-letters-test" }, "error");

beforeAll(async () => {
  stack = await startLocalStack({ schedule: false, admin });
  api = new ApiClient(stack.url);
  await api.signIn(admin.email, admin.password);
  db = new Db(stack.tables, localDynamo(stack.dynamoEndpoint));
  sqs = localSqs(stack.sqsEndpoint);
}, 60_000);
afterAll(async () => {
  sqs?.destroy();
  await stack?.stop();
});

describe("a sync job in the dead-letter queue", () => {
  it("is listed with its last error, told once, and sent back to the sync queue by an admin", async () => {
    // Prepare: a job that failed with a timeout three times, as the queue's redrive leaves it
    const job = { jobId: "dl-job-1", accountId: "gone-account", reason: "schedule" as const, enqueuedAt: new Date().toISOString() };
    await recordQueued(db, job);
    await recordJob(db, job.jobId, "failed", { error: "diag.timeout", endedAt: new Date().toISOString() });
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: stack.dlqUrl, MessageBody: JSON.stringify(job) }));

    // Act + Assess: listed (twice: listing leaves it in the queue), in Japanese
    api.lang = "ja";
    for (let i = 0; i < 2; i++) {
      const listed = await api.get("/api/dead-letters?queue=sync");
      expect(listed.status).toBe(200);
      expect(listed.body.items).toEqual([
        expect.objectContaining({
          queue: "sync",
          messageId: sent.MessageId,
          jobId: "dl-job-1",
          subject: "gone-account",
          lastError: { code: "diag.timeout", message: expect.stringMatching(/[\u3040-\u30ff\u4e00-\u9fff]/) },
        }),
      ]);
    }
    api.lang = "en";

    // the monitor tells it once, however often it checks
    const deadLetters = new DeadLetters(sqs, [{ name: "sync", url: stack.dlqUrl, sourceUrl: stack.queueUrl }]);
    const t0 = Date.now();
    await runMonitor({ db, notifier, log, deadLetters }, new Date(t0));
    await runMonitor({ db, notifier, log, deadLetters }, new Date(t0 + 5 * 60_000));
    expect(events).toEqual([expect.objectContaining({ kind: "deadletter.not_empty", queue: "sync", count: 1 })]);
    expect((await api.get("/api/operations/overview")).body.deadLetters).toEqual(expect.arrayContaining([{ queue: "sync", count: 1 }]));

    // redriven: gone from the dead-letter queue, and the sync worker takes it from the sync queue
    const redriven = await api.post(`/api/dead-letters/sync/${encodeURIComponent(sent.MessageId!)}/redrive`);
    expect(redriven.status).toBe(200);
    expect((await api.get("/api/dead-letters?queue=sync")).body.items).toEqual([]);
    const ran = await eventually(async () => {
      const record = await db.get("main", keys.job("dl-job-1"));
      return record?.status === "skipped" ? record : undefined;
    }, 20_000);
    expect(ran.note).toBe("account deleted");
    // a second redrive of the same message finds nothing
    const again = await api.post(`/api/dead-letters/sync/${encodeURIComponent(sent.MessageId!)}/redrive`);
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe("dead_letter_not_found");

    // the queue is empty at the next check: the incident closes
    const report = await runMonitor({ db, notifier, log, deadLetters }, new Date(t0 + 10 * 60_000));
    expect(report.resolved).toEqual([expect.objectContaining({ kind: "deadletter", subject: "sync" })]);
  }, 60_000);

  it("refuses an unknown queue with a 400 naming it", async () => {
    const reply = await api.post("/api/dead-letters/mail/abc/redrive");
    expect(reply.status).toBe(400);
    expect(reply.body.error.fields).toEqual([expect.objectContaining({ field: "queue" })]);
  });
});

describe("the job monitor's settings", () => {
  it("start at every type watched every 5 minutes and save what an admin sets", async () => {
    const got = await api.get("/api/settings/monitor");
    expect(got.status).toBe(200);
    expect(got.body.types.sync).toEqual({ enabled: true, intervalMinutes: 5, longRunningHours: 1, notify: { normal: false, abnormal: true, longRunning: true } });
    const types = { ...got.body.types, import: { enabled: true, intervalMinutes: 30, longRunningHours: 6, notify: { normal: true, abnormal: true, longRunning: false } } };
    const saved = await api.request("PUT", "/api/settings/monitor", { types });
    expect(saved.status).toBe(200);
    expect((await api.get("/api/settings/monitor")).body.types.import).toEqual(types.import);
  });

  it.each([
    ["intervalMinutes", 7, /multiple of 5/],
    ["intervalMinutes", 65, /60/],
    ["longRunningHours", 0, /1/],
    ["longRunningHours", 25, /24/],
  ])("refuses %s = %s with a 400 naming the field, in the user's language", async (field, value, words) => {
    const types = (await api.get("/api/settings/monitor")).body.types;
    const reply = await api.request("PUT", "/api/settings/monitor", { types: { ...types, sync: { ...types.sync, [field]: value } } });
    expect(reply.status).toBe(400);
    const problem = reply.body.error.fields.find((f: { field: string }) => f.field === `types.sync.${field}`);
    expect(problem?.message).toMatch(words);
    api.lang = "ja";
    const ja = await api.request("PUT", "/api/settings/monitor", { types: { ...types, sync: { ...types.sync, [field]: value } } });
    api.lang = "en";
    expect(ja.body.error.fields[0].message).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
    // nothing was saved
    expect((await api.get("/api/settings/monitor")).body.types.sync[field]).not.toBe(value);
  });
});
