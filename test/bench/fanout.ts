import { SendMessageBatchCommand } from "@aws-sdk/client-sqs";
import { ensureQueues, localSqs, startFauxqs } from "../../core/local/emulators";
import type { Db, Item } from "../../core/store/db";
import { keys } from "../../core/store/keys";
import { SqsJobQueue } from "../../core/queue/index";
import { createLogger } from "../../core/shared/log";
import { fanOut } from "../../core/sync/fanout";
import { newJob, serverHint } from "../../core/jobs/jobs";
import type { AccountRecord } from "../../core/accounts/index";

/**
 * Fan-out of `count` due mailboxes (copies of a real account item) on dynalite and fauxqs:
 * our tick (list the accounts, record a job each, enqueue them spread over the interval, mark
 * each account) against a raw SendMessageBatch loop sending the same job messages to the same
 * emulator and nothing else. Peak heap is sampled during our tick.
 */
export async function measureFanOut(db: Db, template: Item, count = 10_000) {
  const sqs = await startFauxqs();
  try {
    const { queueUrl } = await ensureQueues(sqs.endpoint, "bench-fanout", 360);
    const client = localSqs(sqs.endpoint);
    await db.put("main", {
      ...keys.user("fanout-owner"),
      gsi1pk: keys.usersIndex,
      gsi1sk: "fanout-owner@bench.test",
      id: "fanout-owner",
      email: "fanout-owner@bench.test",
      name: "Owner",
      role: "member",
    });
    const accounts: Item[] = [];
    for (let i = 0; i < count; i++) {
      const id = `fanout-${String(i).padStart(5, "0")}`;
      accounts.push({
        ...template,
        ...keys.account(id),
        gsi1pk: keys.accountsIndex,
        gsi1sk: `fanout-owner#${id}`,
        id,
        ownerId: "fanout-owner",
        email: `m${i}@fanout.test`,
        state: "connected",
        syncEnabled: true,
        queuedAt: undefined,
        leaseUntil: undefined,
        leaseJobId: undefined,
      });
    }
    await db.batchWrite(
      "main",
      accounts.map((item) => ({ put: JSON.parse(JSON.stringify(item)) as Item })),
    );

    // the raw loop: the same messages, 10 per SendMessageBatch, one request after the other
    const bodies = accounts.map((a) => JSON.stringify(newJob(a.id as string, "schedule", serverHint(a as unknown as AccountRecord))));
    let t = process.hrtime.bigint();
    for (let i = 0; i < bodies.length; i += 10) {
      await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: bodies.slice(i, i + 10).map((b, n) => ({ Id: String(n), MessageBody: b, DelaySeconds: 0 })) }));
    }
    const rawMs = Number(process.hrtime.bigint() - t) / 1e6;

    (globalThis as { gc?: () => void }).gc?.();
    const base = process.memoryUsage().heapUsed;
    let peak = base;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 5);
    t = process.hrtime.bigint();
    const tick = await fanOut({ db, queue: new SqsJobQueue(queueUrl, client), log: createLogger({ fn: "bench" }, "warn"), intervalMinutes: 5 });
    const oursMs = Number(process.hrtime.bigint() - t) / 1e6;
    clearInterval(sampler);
    const ours = tick.enqueued.filter((j) => j.accountId.startsWith("fanout-")).length;
    if (ours !== count) throw new Error(`fan-out queued ${ours} of ${count}`);
    return { count, rawMs, oursMs, heapMb: (peak - base) / 2 ** 20 };
  } finally {
    await sqs.close();
  }
}
