import middy from "@middy/core";
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { backoffSeconds, parseSyncJob } from "../core/queue/index";
import { runSyncJob } from "../core/sync/index";
import { buildRuntime, type Runtime } from "../core/runtime/index";

let rt: Runtime | undefined;

/**
 * SQS -> one sync job per record. Records run one after another (each holds an IMAP
 * connection); a record that fails transiently is reported in batchItemFailures so only it is
 * redelivered, and after 3 receives SQS moves it to the dead-letter queue.
 */
export const handler = middy<SQSEvent, SQSBatchResponse, Error, Context>().handler(async (event, context) => {
  rt ??= buildRuntime("sync");
  const runtime = rt;
  const batchItemFailures: SQSBatchResponse["batchItemFailures"] = [];
  for (const record of event.Records) {
    try {
      const job = parseSyncJob(record.body);
      await runSyncJob(
        { db: runtime.db, secrets: runtime.secrets, queue: runtime.queue, log: runtime.log, hostAllowance: runtime.hostAllowance, imapCa: runtime.imapCa, remainingMs: () => context.getRemainingTimeInMillis() },
        job,
      );
    } catch (err) {
      const receives = Number(record.attributes?.ApproximateReceiveCount ?? 1);
      const delay = backoffSeconds(receives);
      runtime.log.warn("sync.record.failed", { messageId: record.messageId, receiveCount: receives, retryInSeconds: delay, err });
      // back off before the retry instead of the queue's fixed visibility timeout
      await runtime.queue.retryLater(record.receiptHandle, delay).catch((e) => runtime.log.warn("sync.backoff.failed", { err: e }));
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
});
