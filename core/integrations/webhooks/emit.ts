import type { Db, Item } from "../../store/db";
import { keys } from "../../store/keys";
import type { Logger } from "../../shared/log";
import { digest, newId, nowIso } from "../../shared/ids";
import { messageSortKey } from "../../messages/index";
import type { MailEventSink } from "../../sync/index";
import { subscribers } from "./endpoints";
import { deliveryIdAt, type WebhookQueue } from "./queue";
import type { DeliveryJob, MailAddedData, Webhook, WebhookEvent } from "./schema";


/**
 * Turns stored copies into `mail.added` deliveries: one event per (copy, contact holding its
 * address), one queued delivery per subscribed endpoint, all of a write batch in SendMessageBatch
 * calls of ten. With no endpoint subscribed (the usual case) it costs nothing but the cached
 * subscription check (endpoints.ts). The event id derives from the contact and the copy's key,
 * so a copy written again (a redelivered job, a resync) makes the same event id: receivers
 * deduplicate on it. The sharing rule is applied at delivery, with the mailbox's owner then.
 * A failure to queue is logged, not thrown: the copies are stored and the sync goes on; the
 * events are lost for push, never for the history (a CRM can still read it).
 */
export function webhookEmitter(deps: { db: Db; queue: WebhookQueue; log: Logger }): MailEventSink {
  return {
    async mailStored(copies) {
      try {
        const endpoints = await subscribers(deps.db, "mail.added");
        if (!endpoints.length || !copies.length) return;
        const jobs = await mailAddedJobs(deps.db, copies, endpoints);
        if (jobs.length) await deps.queue.send(jobs.map((job) => ({ job })));
      } catch (err) {
        deps.log.warn("webhooks.emit_failed", { copies: copies.length, err });
      }
    },
  };
}

async function mailAddedJobs(db: Db, copies: Item[], endpoints: Webhook[]): Promise<DeliveryJob[]> {
  const addresses = [...new Set(copies.map((c) => c.pk as string))];
  const entries = await db.batchGet("main", addresses.map((a) => keys.contactEmail(a)));
  const holders = new Map<string, string[]>(entries.map((e) => [e.email as string, e.contactIds ? [...(e.contactIds as Set<string>)] : []]));
  const contactIds = [...new Set([...holders.values()].flat())];
  const contacts = new Map((await db.batchGet("main", contactIds.map((id) => keys.contact(id)), ["id", "externalId"])).map((c) => [c.id as string, (c.externalId as string | null) ?? null]));
  const now = Date.now(), createdAt = nowIso();
  const jobs: DeliveryJob[] = [];
  for (const copy of copies) {
    for (const contactId of holders.get(copy.pk) ?? []) {
      const data: MailAddedData = {
        contactId,
        contactExternalId: contacts.get(contactId) ?? null,
        contactEmail: copy.pk,
        // the id GET /api/messages/{id} takes (all copies of the message share it)
        messageId: `${encodeURIComponent(copy.pk)}|${messageSortKey(copy.sk)}`,
        internetMessageId: copy.messageId ?? null,
        direction: copy.direction,
        date: copy.date,
        subject: copy.subject ?? "",
        accountId: copy.accountId,
        ownerId: copy.ownerId,
      };
      const event: WebhookEvent = { id: `evt_${digest(`mail.added:${contactId}:${copy.sk}`)}`, type: "mail.added", createdAt, data: { ...data } };
      for (const endpoint of endpoints) {
        jobs.push({ deliveryId: deliveryIdAt(now, newId()), endpointId: endpoint.id, event, attempt: 1, firstAt: createdAt, copy: { pk: copy.pk, accountId: copy.accountId } });
      }
    }
  }
  return jobs;
}

/** A `webhook.test` event for one endpoint (the console's button): delivered like any other. */
export function testEventJob(endpointId: string): DeliveryJob {
  const createdAt = nowIso();
  return {
    deliveryId: deliveryIdAt(Date.now(), newId()),
    endpointId,
    event: { id: `evt_${newId()}`, type: "webhook.test", createdAt, data: { message: "A test event from CRM Mail Sync." } },
    attempt: 1,
    firstAt: createdAt,
  };
}
