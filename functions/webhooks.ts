import middy from "@middy/core";
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { deliver, parseDeliveryJob, type DeliveryDeps } from "../core/integrations/index";
import { shouldRetry } from "../core/queue/index";
import { buildRuntime, linkedWebhookQueue } from "../core/runtime/index";

let deps: DeliveryDeps | undefined;

/**
 * WebhookQueue -> one delivery per record (core/integrations/webhooks/deliver.ts). A receiver's
 * failure is retried by deliver itself (a new queued message with a growing delay, up to 24
 * hours); a record is reported failed here only when our own side failed (DynamoDB, the secret
 * store), so SQS redelivers it, and after 5 receives moves it to the dead-letter queue.
 * Environment: WEBHOOK_RETRY_BASE_SECONDS (first retry's wait, default 30),
 * WEBHOOK_GIVE_UP_SECONDS (retry window and disable threshold, default 86400).
 */
export const handler = middy<SQSEvent, SQSBatchResponse, Error, Context>().handler(async (event) => {
  if (!deps) {
    const runtime = buildRuntime("webhooks");
    const queue = linkedWebhookQueue();
    if (!queue) throw new Error("WebhookQueue is not linked");
    const env = process.env;
    deps = {
      db: runtime.db,
      secrets: runtime.secrets,
      queue,
      log: runtime.log,
      hostAllowance: runtime.hostAllowance,
      notifier: runtime.notifier,
      retryBaseSeconds: positive(env.WEBHOOK_RETRY_BASE_SECONDS, 30),
      giveUpAfterMs: positive(env.WEBHOOK_GIVE_UP_SECONDS, 86_400) * 1000,
    };
  }
  const d = deps;
  const outcomes = await Promise.all(
    event.Records.map(async (record) => {
      try {
        await deliver(d, parseDeliveryJob(record.body));
        return undefined;
      } catch (err) {
        if (!shouldRetry(err)) {
          d.log.error("webhooks.record.dropped", { messageId: record.messageId, err });
          return undefined;
        }
        d.log.warn("webhooks.record.failed", { messageId: record.messageId, err });
        return { itemIdentifier: record.messageId };
      }
    }),
  );
  return { batchItemFailures: outcomes.filter((o): o is { itemIdentifier: string } => !!o) };
});

function positive(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}
