import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";
import type { Db, Item } from "../../store/db";
import { keys } from "../../store/keys";
import type { SecretStore } from "../../secrets/index";
import type { HostAllowance } from "../../accounts/index";
import { SharingGate } from "../../sharing/index";
import type { Logger } from "../../shared/log";
import type { Notifier } from "../../notifications/index";
import { nowIso } from "../../shared/ids";
import * as users from "../../users/index";
import { checkWebhookUrl, markFailing, markHealthy, webhookSecretName } from "./endpoints";
import { SIGNATURE_HEADER, signatureHeader } from "./sign";
import type { WebhookQueue } from "./queue";
import type { Delivery, DeliveryJob, Webhook } from "./schema";

export interface DeliveryDeps {
  db: Db;
  secrets: SecretStore;
  queue: WebhookQueue;
  log: Logger;
  hostAllowance: HostAllowance;
  /** Told when an endpoint is disabled (its owner's notification). */
  notifier?: Notifier;
  /** First retry's wait; doubles per attempt up to SQS's 15-minute delay. Default 30 s. */
  retryBaseSeconds?: number;
  /** Retries stop, and an endpoint failing this long is disabled, after this. Default 24 hours. */
  giveUpAfterMs?: number;
  /** A receiver must answer within this. Default 10 s. */
  timeoutMs?: number;
}

const DAY_MS = 24 * 3600 * 1000;
/** A delivery record is kept this long (DynamoDB's TTL tidies up). */
const DELIVERY_RECORD_SECONDS = 30 * 24 * 3600;

/** The wait before attempt `attempt + 1`: base, 2×base, 4×base ... at most 900 s (SQS's longest delay). */
export const retryDelaySeconds = (attempt: number, base = 30): number => Math.min(900, base * 2 ** Math.max(0, attempt - 1));

/**
 * Delivers one queued event to one endpoint: at least once (a crash redelivers the SQS
 * message; receivers deduplicate on the event id). Mail events go through the sharing rule of
 * the endpoint's integration user first: a copy that user may not see is dropped unsent.
 * A non-2xx answer, a timeout or a refused address is retried with a doubling wait, as a new
 * queued message, for up to 24 hours from the first attempt; an endpoint that keeps failing
 * that long is disabled (markFailing). Each attempt updates the delivery's record (status,
 * response code, time taken) that the console lists.
 */
export async function deliver(deps: DeliveryDeps, job: DeliveryJob): Promise<Delivery["status"] | "dropped"> {
  const item = await deps.db.get("main", keys.webhook(job.endpointId));
  if (!item || item.disabledAt) return "dropped";
  const webhook = item as Webhook;
  const event = await visibleEvent(deps.db, webhook, job);
  if (!event) return "dropped";
  const secret = await deps.secrets.get(webhookSecretName(webhook.id));
  if (!secret) return "dropped";
  const body = JSON.stringify(event);
  const started = Date.now();
  let responseCode: number | null = null;
  try {
    const { url, address } = await checkWebhookUrl(webhook.url, deps.hostAllowance);
    responseCode = await post(
      url,
      address,
      body,
      { [SIGNATURE_HEADER]: signatureHeader(secret, body), "x-webhook-id": event.id, "x-webhook-event": event.type },
      deps.timeoutMs ?? 10_000,
    );
  } catch (err) {
    deps.log.info("webhooks.delivery_error", { endpointId: webhook.id, eventId: event.id, err });
  }
  const durationMs = Date.now() - started;
  const ok = responseCode !== null && responseCode >= 200 && responseCode < 300;
  let status: Delivery["status"] = "delivered";
  if (ok) await markHealthy(deps.db, webhook);
  else {
    const disabled = await markFailing(deps.db, webhook, deps.giveUpAfterMs ?? DAY_MS, deps.notifier);
    const within = Date.now() - Date.parse(job.firstAt) < (deps.giveUpAfterMs ?? DAY_MS);
    status = !disabled && within ? "retrying" : "failed";
    if (status === "retrying") await deps.queue.send([{ job: { ...job, attempt: job.attempt + 1 }, delaySeconds: retryDelaySeconds(job.attempt, deps.retryBaseSeconds) }]);
  }
  await record(deps.db, job, { status, responseCode, durationMs });
  return status;
}

/** The event as the endpoint's integration user may see it; undefined when the sharing rule hides it (or the user is gone). */
async function visibleEvent(db: Db, webhook: Webhook, job: DeliveryJob): Promise<DeliveryJob["event"] | undefined> {
  if (!job.copy) return job.event;
  const user = await users.getUser(db, webhook.userId);
  if (!user) return undefined;
  const gate = new SharingGate(db, user);
  const copy: Item = { pk: job.copy.pk, accountId: job.copy.accountId };
  await gate.load([copy]);
  if (!gate.visible(copy, [String(job.event.data.contactId)])) return undefined;
  // the mailbox's owner now, as the history shows it (an admin may have given it to someone else)
  return { ...job.event, data: { ...job.event.data, ownerId: gate.ownerOf(copy) ?? job.event.data.ownerId } };
}

/** POSTs to the checked address (the host name kept for TLS and Host): no second DNS lookup to rebind. */
function post(url: URL, address: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<number> {
  const lookup: LookupFunction = (_host, options, cb) => {
    const family = address.includes(":") ? 6 : 4;
    if ((options as { all?: boolean }).all) (cb as unknown as (err: null, all: { address: string; family: number }[]) => void)(null, [{ address, family }]);
    else cb(null, address, family);
  };
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      {
        method: "POST",
        lookup,
        timeout: timeoutMs,
        headers: { "content-type": "application/json", "user-agent": "crm-mail-sync-webhooks", "content-length": Buffer.byteLength(body), ...headers },
      },
      (res) => {
        res.resume(); // the answer's body is not read: only its status counts
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error("webhook receiver timed out")));
    req.on("error", reject);
    req.end(body);
  });
}

async function record(db: Db, job: DeliveryJob, outcome: { status: Delivery["status"]; responseCode: number | null; durationMs: number }): Promise<void> {
  await db.put("main", {
    ...keys.webhookDelivery(job.endpointId, job.deliveryId),
    id: job.deliveryId,
    eventId: job.event.id,
    type: job.event.type,
    ...outcome,
    attempts: job.attempt,
    createdAt: job.firstAt,
    lastAttemptAt: nowIso(),
    job,
    expiresAt: Math.floor(Date.now() / 1000) + DELIVERY_RECORD_SECONDS,
  });
}
