import middy from "@middy/core";
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { deliverTracked, parseSendJob, type DeliverDeps } from "../core/sending/index";
import { jobEndReporter, type JobEndReporter } from "../core/monitoring/index";
import { shouldRetry } from "../core/queue/index";
import { attachmentStore, buildRuntime, linkedSendQueue, linkedWebhookQueue, type Runtime } from "../core/runtime/index";
import { sendEventEmitter } from "../core/integrations/index";

let rt: Runtime | undefined;
let deps: (DeliverDeps & { jobEnded: JobEndReporter }) | undefined;
let queue: ReturnType<typeof linkedSendQueue>;

/**
 * SendQueue -> one delivery per record (core/sending/deliver.ts), which sends each message at
 * most once whatever SQS redelivers, recorded as a run of the job monitor's "send" type
 * (core/sending/tracked-delivery.ts). A transient failure (throttled, server unavailable) comes
 * back here as "retry": the record is hidden for the backoff and reported failed, so only it
 * returns; a failure of our own side (DynamoDB) is retried the same way; after 6 receives SQS
 * moves the job to the dead-letter queue (the record says queued: the alarm tells operations).
 */
export const handler = middy<SQSEvent, SQSBatchResponse, Error, Context>().handler(async (event) => {
  rt ??= buildRuntime("send");
  const runtime = rt;
  deps ??= {
    db: runtime.db,
    secrets: runtime.secrets,
    log: runtime.log,
    hostAllowance: runtime.hostAllowance,
    ca: runtime.imapCa,
    attachments: attachmentStore(),
    oauth: runtime.oauth,
    notifier: runtime.notifier,
    events: sendEvents(runtime),
    // each attempt is a run of the job monitor's "send" type; its abnormal end is told per the type's settings
    jobEnded: jobEndReporter(runtime),
  };
  queue ??= linkedSendQueue();
  const d = deps;
  const outcomes = await Promise.all(
    event.Records.map(async (record) => {
      let delay: number;
      try {
        const result = await deliverTracked(d, parseSendJob(record.body));
        if (result.outcome !== "retry") return undefined;
        delay = result.delaySeconds;
      } catch (err) {
        if (!shouldRetry(err)) {
          runtime.log.error("send.record.dropped", { messageId: record.messageId, err });
          return undefined;
        }
        delay = 30;
        runtime.log.warn("send.record.failed", { messageId: record.messageId, err });
      }
      // back off before the retry instead of the queue's fixed visibility timeout
      if (queue) await queue.retryLater(record.receiptHandle, delay).catch((e) => runtime.log.warn("send.backoff.failed", { err: e }));
      return { itemIdentifier: record.messageId };
    }),
  );
  return { batchItemFailures: outcomes.filter((o): o is { itemIdentifier: string } => !!o) };
});

/** webhooks' mail.sent / mail.failed, where the webhook queue is linked */
function sendEvents(runtime: Runtime) {
  const queue = linkedWebhookQueue();
  return queue ? sendEventEmitter({ db: runtime.db, queue, log: runtime.log }) : undefined;
}
