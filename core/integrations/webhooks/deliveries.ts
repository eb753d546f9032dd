import type { Db, Item } from "../../store/db";
import { keys } from "../../store/keys";
import { AppError } from "../../shared/errors";
import { newId, nowIso } from "../../shared/ids";
import { getWebhook } from "./endpoints";
import { testEventJob } from "./emit";
import { deliveryIdAt, type WebhookQueue } from "./queue";
import type { Delivery, DeliveryJob } from "./schema";

const toDelivery = (i: Item): Delivery => ({
  id: i.id,
  eventId: i.eventId,
  type: i.type,
  status: i.status,
  attempts: i.attempts,
  responseCode: i.responseCode ?? null,
  durationMs: i.durationMs ?? null,
  createdAt: i.createdAt,
  lastAttemptAt: i.lastAttemptAt ?? null,
});

/** An endpoint's deliveries, newest first (at most `limit`, default 100). */
export async function listDeliveries(db: Db, webhookId: string, limit = 100): Promise<Delivery[]> {
  await getWebhook(db, webhookId);
  const { items } = await db.query("main", {
    KeyConditionExpression: "pk = :p",
    ExpressionAttributeValues: { ":p": keys.webhookDeliveriesOf(webhookId) },
    ScanIndexForward: false,
    Limit: limit,
  });
  return items.map(toDelivery);
}

/** The same event again, as a new delivery (same event id: the receiver can tell it is not new). */
const again = (job: DeliveryJob): DeliveryJob => ({ ...job, deliveryId: deliveryIdAt(Date.now(), newId()), attempt: 1, firstAt: nowIso() });

export async function resendDelivery(db: Db, queue: WebhookQueue, webhookId: string, deliveryId: string): Promise<void> {
  await getWebhook(db, webhookId);
  const item = await db.get("main", keys.webhookDelivery(webhookId, deliveryId));
  if (!item?.job) throw new AppError("notFound", "webhook_delivery_not_found");
  await queue.send([{ job: again(item.job as DeliveryJob) }]);
}

/** The most deliveries one replay queues. */
export const REPLAY_MAX = 1000;

/**
 * Queues again every event delivered (or tried) between `from` and `to` (ISO), oldest first,
 * each once as a new delivery of the same event: an event queued twice (a copy stored again
 * by a backfill or a redelivered job makes the same event id) is replayed once. Returns how
 * many were queued (at most REPLAY_MAX).
 */
export async function replayDeliveries(db: Db, queue: WebhookQueue, webhookId: string, from: string, to: string): Promise<number> {
  await getWebhook(db, webhookId);
  const items = await db.queryAll("main", {
    KeyConditionExpression: "pk = :p AND sk BETWEEN :a AND :b",
    ExpressionAttributeValues: { ":p": keys.webhookDeliveriesOf(webhookId), ":a": deliveryIdAt(Date.parse(from), ""), ":b": deliveryIdAt(Date.parse(to), "~") },
  });
  const seen = new Set<string>();
  const once = items.filter((i) => i.job && !seen.has(i.eventId as string) && seen.add(i.eventId as string));
  const jobs = once.slice(0, REPLAY_MAX).map((i) => ({ job: again(i.job as DeliveryJob) }));
  if (jobs.length) await queue.send(jobs);
  return jobs.length;
}

/** Queues a `webhook.test` event for the endpoint (a disabled endpoint gets nothing, as for any event). */
export async function sendTestEvent(db: Db, queue: WebhookQueue, webhookId: string): Promise<string> {
  await getWebhook(db, webhookId);
  const job = testEventJob(webhookId);
  await queue.send([{ job }]);
  return job.event.id;
}
