import { GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureQueues, ensureTables, localDynamo, localSqs, startDynalite, startFauxqs, type Emulator } from "../../core/local/emulators";
import { Db } from "../../core/store/db";
import { keys } from "../../core/store/keys";
import { SqsJobQueue } from "../../core/queue/index";
import { createLogger } from "../../core/shared/log";
import { fanOut } from "../../core/sync/fanout";

/** One tick of the schedule over many mailboxes, on dynalite and fauxqs. */
let dynamo: Emulator, sqs: Emulator;
let db: Db;
let queueUrl = "";
const ACCOUNTS = 30;

beforeAll(async () => {
  dynamo = await startDynalite();
  sqs = await startFauxqs();
  await ensureTables(dynamo.endpoint, ["fo-main", "fo-mail"]);
  db = new Db({ main: "fo-main", mail: "fo-mail" }, localDynamo(dynamo.endpoint));
  queueUrl = (await ensureQueues(sqs.endpoint, "fo", 30)).queueUrl;
  // the mailboxes' owner (a removed owner's mailboxes are skipped: see the last test)
  await db.put("main", { ...keys.user("u"), gsi1pk: keys.usersIndex, gsi1sk: "u@example.test", id: "u", email: "u@example.test", name: "U", role: "member" });
  for (let i = 0; i < ACCOUNTS; i++) {
    const id = `acc${i}`;
    await db.put("main", { ...keys.account(id), gsi1pk: keys.accountsIndex, gsi1sk: `u#${id}`, id, ownerId: "u", syncEnabled: i !== 0, state: "connected" });
  }
});
afterAll(async () => {
  await dynamo?.close();
  await sqs?.close();
});

describe("fanOut", () => {
  it("queues one job per due mailbox, spread over the interval, records each, and none again within the interval", async () => {
    const queue = new SqsJobQueue(queueUrl, localSqs(sqs.endpoint));
    const deps = { db, queue, log: createLogger({}, "warn"), intervalMinutes: 5 };
    const first = await fanOut(deps);
    expect(first.due).toBe(ACCOUNTS - 1); // acc0 has sync off
    expect(new Set(first.enqueued.map((j) => j.accountId)).size).toBe(ACCOUNTS - 1);
    const attrs = await localSqs(sqs.endpoint).send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesDelayed"] }),
    );
    expect(Number(attrs.Attributes!.ApproximateNumberOfMessages) + Number(attrs.Attributes!.ApproximateNumberOfMessagesDelayed)).toBe(ACCOUNTS - 1);
    // spread: all but the first are delayed
    expect(Number(attrs.Attributes!.ApproximateNumberOfMessagesDelayed)).toBeGreaterThanOrEqual(ACCOUNTS - 2);
    for (const job of first.enqueued) {
      expect((await db.get("main", keys.job(job.jobId)))?.status).toBe("queued");
      expect((await db.get("main", keys.account(job.accountId)))?.queuedAt).toBe(job.enqueuedAt);
    }
    expect((await fanOut(deps)).enqueued).toEqual([]);
  });

  it("skips the mailboxes of a removed user until an admin gives them to someone", async () => {
    const queue = new SqsJobQueue(queueUrl, localSqs(sqs.endpoint));
    const deps = { db, queue, log: createLogger({}, "warn"), intervalMinutes: 5 };
    await db.put("main", { ...keys.account("orphan"), gsi1pk: keys.accountsIndex, gsi1sk: "gone#orphan", id: "orphan", ownerId: "gone", state: "connected" });
    expect((await fanOut(deps)).enqueued.map((j) => j.accountId)).not.toContain("orphan");
    await db.update("main", keys.account("orphan"), { expression: "SET ownerId = :o", values: { ":o": "u" } });
    expect((await fanOut(deps)).enqueued.map((j) => j.accountId)).toEqual(["orphan"]);
  });
});
