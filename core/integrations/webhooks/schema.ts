import { z } from "zod";

/**
 * Webhook event types, dotted lowercase. `mail.added` is emitted by the sync (one event per
 * copy a mailbox stores under a contact); `mailbox.paused` / `mailbox.resumed` when a mailbox
 * pauses after refused logins and resumes on a new password (withWebhookEvents, emit.ts);
 * `contact.backfill_done` when every mailbox has searched a contact's new addresses;
 * `mail.sent` / `mail.failed` when a message written in the CRM went out or failed for good
 * (core/sending, sendEventEmitter); `webhook.test` by the console's "send a test event".
 */
export const WEBHOOK_EVENTS = ["mail.added", "mail.sent", "mail.failed", "mailbox.paused", "mailbox.resumed", "contact.backfill_done"] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number] | "webhook.test";

/** What `mail.added` says about a message: its ids and headers' summary, never its body. */
export interface MailAddedData {
  contactId: string;
  contactExternalId: string | null;
  contactEmail: string;
  /** The id GET /api/messages/{id} takes. */
  messageId: string;
  /** The Message-ID header, when the message had one. */
  internetMessageId: string | null;
  direction: "sent" | "received" | "copy";
  date: string;
  subject: string;
  accountId: string;
  ownerId: string;
}

/** The JSON a receiver gets; `id` is the same on every retry and resend: deduplicate on it. */
export interface WebhookEvent {
  id: string;
  type: WebhookEventType;
  createdAt: string;
  data: Record<string, unknown>;
}

/** One queued delivery: an event for one endpoint. `firstAt` bounds the retries (24 hours). */
export interface DeliveryJob {
  deliveryId: string;
  endpointId: string;
  event: WebhookEvent;
  attempt: number;
  firstAt: string;
  /** For mail events: the copy the sharing rule is checked against at delivery. */
  copy?: { pk: string; accountId: string };
}

export const webhookInput = z.strictObject({
  url: z.string().trim().min(1).max(2000),
  events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).max(WEBHOOK_EVENTS.length),
  /** The user whose sharing rule decides which mail events the endpoint gets. */
  userId: z.string().trim().min(1).max(64),
});
export type WebhookInput = z.infer<typeof webhookInput>;

export const webhookOutput = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENTS)),
  userId: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
  /** Set once it kept failing for the disable window (24 hours); a disabled endpoint gets nothing. */
  disabledAt: z.string().nullable(),
  /** When the current run of failures began; null after a success. */
  failingSince: z.string().nullable(),
});
export type Webhook = z.infer<typeof webhookOutput>;

export const createdWebhookOutput = webhookOutput.extend({ secret: z.string().describe("The signing secret: shown this once") });

export const deliveryOutput = z.object({
  id: z.string(),
  eventId: z.string(),
  type: z.string(),
  status: z.enum(["delivered", "retrying", "failed"]),
  attempts: z.number(),
  responseCode: z.number().nullable(),
  durationMs: z.number().nullable(),
  createdAt: z.string(),
  lastAttemptAt: z.string().nullable(),
});
export type Delivery = z.infer<typeof deliveryOutput>;
