import type { Db, Item } from "../../store/db";
import { keys } from "../../store/keys";
import type { Logger } from "../../shared/log";
import { digest, newId, nowIso } from "../../shared/ids";
import { messageSortKey } from "../../messages/index";
import { backfillStatus, type MailEventSink } from "../../sync/index";
import type { OutgoingRecord, SendEventSink, SendFailure } from "../../sending/index";
import type { Notifier, OpsEvent } from "../../notifications/index";
import { subscribers } from "./endpoints";
import { deliveryIdAt, type WebhookQueue } from "./queue";
import type { DeliveryJob, MailAddedData, Webhook, WebhookEvent, WebhookEventType } from "./schema";

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
        const jobs = await mailJobs(deps.db, copies, endpoints, "mail.added");
        if (jobs.length) await deps.queue.send(jobs.map((job) => ({ job })));
      } catch (err) {
        deps.log.warn("webhooks.emit_failed", { copies: copies.length, err });
      }
    },
    async backfillTaken(requests) {
      try {
        if (!requests.length || !(await subscribers(deps.db, "contact.backfill_done")).length) return;
        await emitBackfillsDone(deps, requests);
      } catch (err) {
        deps.log.warn("webhooks.emit_failed", { type: "contact.backfill_done", err });
      }
    },
  };
}

type EmitDeps = { db: Db; queue: WebhookQueue; log: Logger };

/**
 * Queues one event that is not about a stored copy (a mailbox's state, a contact's backfill)
 * for every endpoint subscribed to its type. The id is the caller's, derived from what
 * happened, so the same happening told twice is one event for the receiver.
 */
export async function emitEvent(deps: EmitDeps, type: WebhookEventType, id: string, data: Record<string, unknown>): Promise<number> {
  const endpoints = await subscribers(deps.db, type);
  if (!endpoints.length) return 0;
  const createdAt = nowIso(),
    now = Date.now();
  const event: WebhookEvent = { id, type, createdAt, data };
  await deps.queue.send(endpoints.map((endpoint) => ({ job: { deliveryId: deliveryIdAt(now, newId()), endpointId: endpoint.id, event, attempt: 1, firstAt: createdAt } })));
  return endpoints.length;
}

/**
 * A job took these contacts' backfill requests (one mailbox searched its folders for their
 * new addresses). A contact's backfill is done when no mailbox able to sync still has a
 * request of it to take (backfillStatus, what the contact page shows): the job that takes the
 * last one announces it. Two mailboxes finishing at once may both see it done: the event id
 * (contact and its latest request) is the same, and receivers deduplicate on it.
 */
async function emitBackfillsDone(deps: EmitDeps, requests: { contactId: string; requestSk: string }[]): Promise<void> {
  const latest = new Map<string, string>();
  for (const r of requests) if ((latest.get(r.contactId) ?? "") < r.requestSk) latest.set(r.contactId, r.requestSk);
  const contacts = await deps.db.batchGet(
    "main",
    [...latest.keys()].map((id) => keys.contact(id)),
  );
  for (const contact of contacts) {
    const status = await backfillStatus(deps.db, { id: contact.id as string, createdAt: contact.createdAt as string });
    if (status.pending) continue;
    const requestSk = latest.get(contact.id as string)!;
    await emitEvent(deps, "contact.backfill_done", `evt_${digest(`contact.backfill_done:${contact.id}:${requestSk}`)}`, {
      contactId: contact.id,
      contactExternalId: (contact.externalId as string | null) ?? null,
      // the request's time: mail to and from the addresses the contact had by then is now in its history
      requestedAt: requestSk.slice(0, requestSk.indexOf("#")),
    });
  }
}

/**
 * Operations events a CRM also hears of, as webhook events: a mailbox pausing (its password
 * refused, nothing syncs until it is updated) and resuming. Wraps the notifier every producer
 * already tells, so no producer knows of webhooks; a failure to queue is logged, never thrown.
 */
export function withWebhookEvents(inner: Notifier, deps: EmitDeps): Notifier {
  return {
    async notify(event: OpsEvent) {
      await inner.notify(event);
      if (event.kind !== "mailbox.paused" && event.kind !== "mailbox.resumed") return;
      const { kind, ...data } = event;
      try {
        await emitEvent(deps, kind, `evt_${digest(`${kind}:${event.accountId}:${event.at}`)}`, data);
      } catch (err) {
        deps.log.warn("webhooks.emit_failed", { type: kind, accountId: event.accountId, err });
      }
    },
  };
}

/** One event per (copy, contact holding its address) of a mail event type, for each endpoint; `extra` joins the data. */
async function mailJobs(
  db: Db,
  copies: Item[],
  endpoints: Webhook[],
  type: "mail.added" | "mail.sent" | "mail.failed",
  extra: Record<string, unknown> = {},
): Promise<DeliveryJob[]> {
  const addresses = [...new Set(copies.map((c) => c.pk as string))];
  const entries = await db.batchGet(
    "main",
    addresses.map((a) => keys.contactEmail(a)),
  );
  const holders = new Map<string, string[]>(entries.map((e) => [e.email as string, e.contactIds ? [...(e.contactIds as Set<string>)] : []]));
  const contactIds = [...new Set([...holders.values()].flat())];
  const contacts = new Map(
    (
      await db.batchGet(
        "main",
        contactIds.map((id) => keys.contact(id)),
        ["id", "externalId"],
      )
    ).map((c) => [c.id as string, (c.externalId as string | null) ?? null]),
  );
  const now = Date.now(),
    createdAt = nowIso();
  const jobs: DeliveryJob[] = [];
  // oldest mail first: SQS keeps no strict order, but a batch queued in date order mostly
  // arrives in it, so a receiver rarely sees a reply before the mail it answers
  const byDate = [...copies].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  for (const copy of byDate) {
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
      const event: WebhookEvent = { id: `evt_${digest(`${type}:${contactId}:${copy.sk}`)}`, type, createdAt, data: { ...data, ...extra } };
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

/**
 * A message written in the CRM (core/sending) was sent, or failed for good: `mail.sent` /
 * `mail.failed` for each recipient contact, with the data of `mail.added` plus the send's id
 * (and the failure's code), checked at delivery against the endpoint's integration user like
 * any mail event (the copy is the sender's mailbox's). The event id derives from the type, the
 * contact and the copy: told twice, it is one event for the receiver.
 */
export function sendEventEmitter(deps: EmitDeps): SendEventSink {
  return {
    async sendEnded(record: OutgoingRecord, status: "sent" | "failed", failure?: SendFailure) {
      const type = status === "sent" ? "mail.sent" : "mail.failed";
      try {
        const endpoints = await subscribers(deps.db, type);
        if (!endpoints.length || !record.contactEmails.length) return;
        const copies: Item[] = record.contactEmails.map((email) => ({
          pk: email,
          sk: record.copySk,
          accountId: record.accountId,
          ownerId: record.userId,
          date: record.date,
          subject: record.subject,
          messageId: record.messageId,
          direction: "sent",
        }));
        const jobs = await mailJobs(deps.db, copies, endpoints, type, { sendId: record.sendId, ...(failure ? { failureCode: failure.code } : {}) });
        if (jobs.length) await deps.queue.send(jobs.map((job) => ({ job })));
      } catch (err) {
        deps.log.warn("webhooks.emit_failed", { type, sendId: record.sendId, err });
      }
    },
  };
}
