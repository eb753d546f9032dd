import { randomBytes } from "node:crypto";
import type { Db, Item } from "../../store/db";
import { keys } from "../../store/keys";
import type { SecretStore } from "../../secrets/index";
import { AppError, fieldError } from "../../shared/errors";
import { newId, nowIso } from "../../shared/ids";
import { checkHost, refusedReason, type HostAllowance } from "../../accounts/index";
import * as users from "../../users/index";
import type { Notifier } from "../../notifications/index";
import type { Webhook, WebhookEventType, WebhookInput } from "./schema";

/** The signing secret lives in the secret store, never in a database item. */
export const webhookSecretName = (id: string) => `webhook/${id}`;

const toWebhook = (item: Item): Webhook => ({
  id: item.id,
  url: item.url,
  events: item.events,
  userId: item.userId,
  createdAt: item.createdAt,
  createdBy: item.createdBy,
  disabledAt: item.disabledAt ?? null,
  failingSince: item.failingSince ?? null,
});

/**
 * Where a webhook may point: https, to a host the host policy allows (as for mail servers).
 * Plain http only to an internal address the policy lets through (ALLOW_PRIVATE_HOSTS=loopback
 * locally: a receiver on 127.0.0.1); never in AWS, where internal addresses are refused.
 * Returns the address to connect to (the DNS-rebinding gap is closed the same way as for IMAP).
 */
export async function checkWebhookUrl(raw: string, allowance: HostAllowance, field = "url"): Promise<{ url: URL; address: string }> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw fieldError(field, "webhook_url_invalid");
  }
  if ((url.protocol !== "https:" && url.protocol !== "http:") || url.username || url.password) throw fieldError(field, "webhook_url_invalid");
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const address = await checkHost(host, allowance, field);
  if (url.protocol === "http:" && !refusedReason(address, "none")) throw fieldError(field, "webhook_https_required");
  return { url, address };
}

export async function createWebhook(
  deps: { db: Db; secrets: SecretStore; hostAllowance: HostAllowance },
  actor: users.User,
  input: WebhookInput,
): Promise<Webhook & { secret: string }> {
  await checkWebhookUrl(input.url, deps.hostAllowance);
  if (!(await users.getUser(deps.db, input.userId))) throw fieldError("userId", "api_key_user_unknown");
  const id = newId();
  const secret = `whsec_${randomBytes(32).toString("base64url")}`;
  const webhook: Webhook = {
    id,
    url: input.url,
    events: [...new Set(input.events)],
    userId: input.userId,
    createdAt: nowIso(),
    createdBy: actor.id,
    disabledAt: null,
    failingSince: null,
  };
  // the secret first: an endpoint item never exists without its secret
  await deps.secrets.put(webhookSecretName(id), secret);
  const { disabledAt: _d, failingSince: _f, ...stored } = webhook;
  await deps.db.put("main", { ...keys.webhook(id), gsi1pk: keys.webhooksIndex, gsi1sk: `${webhook.createdAt}#${id}`, ...stored });
  forgetSubscriptions();
  return { ...webhook, secret };
}

export async function listWebhooks(db: Db): Promise<Webhook[]> {
  return (await db.queryIndex(keys.webhooksIndex)).map(toWebhook);
}

export async function getWebhook(db: Db, id: string): Promise<Webhook> {
  const item = await db.get("main", keys.webhook(id));
  if (!item) throw new AppError("notFound", "webhook_not_found");
  return toWebhook(item);
}

export async function deleteWebhook(deps: { db: Db; secrets: SecretStore }, id: string): Promise<void> {
  await getWebhook(deps.db, id);
  await deps.db.delete("main", keys.webhook(id));
  await deps.secrets.delete(webhookSecretName(id));
  forgetSubscriptions();
}

/** Enables a disabled endpoint again (its failure run starts over). */
export async function enableWebhook(db: Db, id: string): Promise<Webhook> {
  await getWebhook(db, id);
  await db.update("main", keys.webhook(id), { expression: "REMOVE disabledAt, failingSince", returnValues: "NONE" });
  forgetSubscriptions();
  return getWebhook(db, id);
}

/**
 * How long the sync trusts its list of subscribed endpoints (per process). The sync asks
 * "does any endpoint want mail.added?" for every write batch; one Query per 30 s instead of
 * one per batch keeps the hot path as it was. A new endpoint may miss up to 30 s of mail from
 * a sync already running: delivery is for what happens from now on, and the history holds
 * everything anyway.
 */
export const SUBSCRIPTIONS_TTL_MS = 30_000;
let cached: { at: number; endpoints: Webhook[] } | undefined;

/** Forgets the cached subscriptions of this process (a change made here is seen at once). */
export function forgetSubscriptions(): void {
  cached = undefined;
}

/** The enabled endpoints subscribed to `type`, from the per-process cache. */
export async function subscribers(db: Db, type: WebhookEventType): Promise<Webhook[]> {
  if (!cached || Date.now() - cached.at > SUBSCRIPTIONS_TTL_MS) cached = { at: Date.now(), endpoints: await listWebhooks(db) };
  return cached.endpoints.filter((w) => !w.disabledAt && (type === "webhook.test" || w.events.includes(type as never)));
}

/** A delivery got a 2xx: the endpoint's failure run is over. */
export async function markHealthy(db: Db, webhook: Webhook): Promise<void> {
  if (webhook.failingSince) await db.update("main", keys.webhook(webhook.id), { expression: "REMOVE failingSince", returnValues: "NONE" });
}

/**
 * A delivery failed: starts the endpoint's failure run, or, when the run has lasted
 * `disableAfterMs` (24 hours), disables the endpoint and records a notification for its
 * owner, which the console shows, and tells operations (`webhook.endpoint_disabled` through the
 * notifier: the owner's notification mail) once, by the delivery that disabled it.
 * Returns whether the endpoint is now disabled.
 */
export async function markFailing(db: Db, webhook: Webhook, disableAfterMs: number, notifier?: Notifier): Promise<boolean> {
  const now = nowIso();
  if (!webhook.failingSince) {
    await db.update("main", keys.webhook(webhook.id), { expression: "SET failingSince = if_not_exists(failingSince, :now)", values: { ":now": now }, returnValues: "NONE" });
    return false;
  }
  if (Date.now() - Date.parse(webhook.failingSince) < disableAfterMs) return false;
  const disabled = await db.update("main", keys.webhook(webhook.id), {
    expression: "SET disabledAt = :now",
    condition: "attribute_exists(pk) AND attribute_not_exists(disabledAt)",
    values: { ":now": now },
    returnValues: "NONE",
  });
  if (disabled !== false) {
    await db.put("main", {
      ...keys.notification(now, newId()),
      kind: "webhook_disabled",
      at: now,
      userId: webhook.createdBy,
      webhookId: webhook.id,
      url: webhook.url,
      failingSince: webhook.failingSince,
    });
    await notifier?.notify({ kind: "webhook.endpoint_disabled", endpointId: webhook.id, url: webhook.url, ownerId: webhook.createdBy, at: now });
  }
  forgetSubscriptions();
  return true;
}

/** The notifications recorded for `userId` in the last `days` days, newest first. */
export async function notificationsFor(db: Db, userId: string, days = 14): Promise<{ kind: string; at: string; webhookId?: string; url?: string }[]> {
  const out: Item[] = [];
  for (let d = 0; d < days; d++) {
    const day = new Date(Date.now() - d * 86_400_000).toISOString().slice(0, 10);
    out.push(...(await db.queryAll("main", { KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": keys.notificationsOf(day) }, ScanIndexForward: false })));
  }
  return out.filter((n) => n.userId === userId).map((n) => ({ kind: n.kind, at: n.at, webhookId: n.webhookId, url: n.url }));
}
