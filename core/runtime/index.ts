import { Resource } from "sst";
import { Db } from "../store/db";
import { AwsSecretStore, FileSecretStore, type SecretStore } from "../secrets/index";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DeadLetters, SqsJobQueue, type DeadLetterQueueRef } from "../queue/index";
import { SqsWebhookQueue, withWebhookEvents } from "../integrations/index";
import { parseAllowance, type HostAllowance } from "../mail/index";
import { createLogger, type Logger } from "../shared/log";
import { readConfig } from "../shared/config";
import type { Notifier } from "../notifications/index";
import { mailNotifier } from "../notification-mail/index";
import { countingNotifier } from "../monitoring/index";
import { LocalAttachmentStore, S3AttachmentStore, SqsSendQueue, type AttachmentStore } from "../sending/index";
import { oauthProvidersFrom, type OAuthProviders } from "../oauth/index";

/**
 * Builds the adapters a handler needs, once per cold start, from the linked resources
 * (`Resource` from "sst": in AWS injected by SST, locally fed by SST_RESOURCE_* variables)
 * and a few environment variables. The same code runs in both worlds: local endpoints come
 * from AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL_SQS, which the AWS SDK reads itself.
 *
 * Environment:
 * - SECRET_BACKEND: "aws" (Secrets Manager, default) or "file" (local encrypted store)
 * - SECRET_PREFIX: Secrets Manager name prefix, "<app>/<stage>/" (the IAM policy's scope)
 * - LOCAL_SECRET_DIR: the file store's directory (SECRET_BACKEND=file)
 * - ALLOW_PRIVATE_HOSTS: "loopback" or "private" to let mailbox hosts resolve there (default: neither)
 * - SYNC_INTERVAL_MINUTES: minutes between two syncs of an account, 1..60 (default 5; a bad
 *   value fails the cold start with the error the deploy and `npm start` give, core/shared/config.ts)
 * - SYNC_ON_CONTACT_CHANGE: "off" to leave a contact's new address to the schedule instead of
 *   queuing a sync of every mailbox at once (tests that drive their own jobs; default on)
 * - SYNC_ON_SAVE: "off" to leave a mailbox saved with new settings to the schedule instead of
 *   queuing its sync at once (tests that drive their own jobs; default on)
 * - IMAP_EXTRA_CA_PEM: PEM text of an extra CA to trust for IMAP (e.g. a company CA)
 * - LOG_LEVEL: debug | info | warn | error (default info)
 * - OAUTH_*: the OAuth2 providers (core/oauth/providers.ts); in AWS the client ids and secrets
 *   come from the GoogleClientId/-Secret and MicrosoftClientId/-Secret links (sst.Secret)
 */
export interface Runtime {
  db: Db;
  secrets: SecretStore;
  queue: SqsJobQueue;
  log: Logger;
  hostAllowance: HostAllowance;
  intervalMinutes: number;
  /** Queue a sync of every mailbox when a contact gains an address (SYNC_ON_CONTACT_CHANGE). */
  syncOnContactChange: boolean;
  imapCa?: string;
  /** Queue a mailbox's sync as soon as it is saved with new settings (SYNC_ON_SAVE). */
  syncOnSave: boolean;
  /** Where operations events go (core/notifications): logged, mailed per the notification settings, and paused mailboxes and lockouts counted as metrics on the way. */
  notifier: Notifier;
  /** The dead-letter queues linked to this function (monitor, api), for listing and redriving; none linked: undefined. */
  deadLetters?: DeadLetters;
  /** The OAuth2 providers configured (client id and secret present); none: no "Connect with" button. */
  oauth: OAuthProviders;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- SST links are typed only inside sst.config.ts.
const linked = (name: string): any => (Resource as unknown as Record<string, any>)[name];

/** A linked resource that may be absent (returns undefined instead of throwing). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as linked() above.
export function optionalLink(name: string): any {
  try {
    return linked(name);
  } catch {
    return undefined;
  }
}

/** The webhook queue (WebhookQueue link), for functions that emit or deliver webhook events; undefined when not linked. */
export function linkedWebhookQueue(): SqsWebhookQueue | undefined {
  const link = optionalLink("WebhookQueue");
  return link ? new SqsWebhookQueue(link.url, new SQSClient({ useQueueUrlAsEndpoint: !process.env.AWS_ENDPOINT_URL_SQS })) : undefined;
}

/** The send queue (SendQueue link), for the API (queues) and functions/send.ts; undefined when not linked. */
export function linkedSendQueue(): SqsSendQueue | undefined {
  const link = optionalLink("SendQueue");
  return link ? new SqsSendQueue(link.url, new SQSClient({ useQueueUrlAsEndpoint: !process.env.AWS_ENDPOINT_URL_SQS })) : undefined;
}

/**
 * Where attachments are uploaded: the AttachmentBucket link (S3) in AWS; locally a folder
 * (LOCAL_UPLOAD_DIR) behind the gateway's upload URL (LOCAL_UPLOAD_URL, signed with
 * LOCAL_UPLOAD_SECRET); undefined when neither is configured.
 */
export function attachmentStore(): AttachmentStore | undefined {
  const env = process.env;
  if (env.LOCAL_UPLOAD_DIR && env.LOCAL_UPLOAD_URL && env.LOCAL_UPLOAD_SECRET) return new LocalAttachmentStore(env.LOCAL_UPLOAD_DIR, env.LOCAL_UPLOAD_URL, env.LOCAL_UPLOAD_SECRET);
  const bucket = optionalLink("AttachmentBucket");
  return bucket ? new S3AttachmentStore(bucket.name) : undefined;
}

export function buildRuntime(fn: string): Runtime {
  const env = process.env;
  const log = createLogger({ fn });
  const secrets =
    env.SECRET_BACKEND === "file" ? new FileSecretStore(required(env.LOCAL_SECRET_DIR, "LOCAL_SECRET_DIR")) : new AwsSecretStore(required(env.SECRET_PREFIX, "SECRET_PREFIX"));
  const config = readConfig(env);
  const db = new Db({ main: linked("Main").name, mail: linked("Mail").name });
  const hostAllowance = parseAllowance(env.ALLOW_PRIVATE_HOSTS);
  // every event is logged and mailed per the notification settings; mailbox paused/resumed
  // reach a CRM's webhooks too, where the webhook queue is linked
  const mailed = mailNotifier({ db, secrets, log, hostAllowance, ca: env.IMAP_EXTRA_CA_PEM || undefined });
  const webhookQueue = linkedWebhookQueue();
  const notifier = webhookQueue ? withWebhookEvents(mailed, { db, queue: webhookQueue, log }) : mailed;
  return {
    db,
    secrets,
    // With an endpoint override (fauxqs) the queue URL's host is not an SQS endpoint: don't route by it
    queue: new SqsJobQueue(linked("SyncQueue").url, new SQSClient({ useQueueUrlAsEndpoint: !env.AWS_ENDPOINT_URL_SQS })),
    log,
    hostAllowance,
    intervalMinutes: config.SYNC_INTERVAL_MINUTES,
    syncOnContactChange: env.SYNC_ON_CONTACT_CHANGE !== "off",
    imapCa: env.IMAP_EXTRA_CA_PEM || undefined,
    syncOnSave: env.SYNC_ON_SAVE !== "off",
    // paused mailboxes and lockouts are counted as metrics (and so alarmed on) whoever reports them
    notifier: countingNotifier(notifier),
    deadLetters: linkedDeadLetters(),
    oauth: oauthProvidersFrom(env, {
      googleClientId: optionalLink("GoogleClientId")?.value,
      googleClientSecret: optionalLink("GoogleClientSecret")?.value,
      microsoftClientId: optionalLink("MicrosoftClientId")?.value,
      microsoftClientSecret: optionalLink("MicrosoftClientSecret")?.value,
    }),
  };
}

/** The dead-letter queues this function is linked to, each with the queue it feeds back into. */
function linkedDeadLetters(): DeadLetters | undefined {
  const refs: DeadLetterQueueRef[] = [];
  const pairs = [
    ["sync", "SyncDeadLetterQueue", "SyncQueue"],
    ["webhook", "WebhookDeadLetterQueue", "WebhookQueue"],
    ["send", "SendDeadLetterQueue", "SendQueue"],
  ] as const;
  for (const [name, dlq, source] of pairs) {
    const url = optionalLink(dlq)?.url,
      sourceUrl = optionalLink(source)?.url;
    if (url && sourceUrl) refs.push({ name, url, sourceUrl });
  }
  return refs.length ? new DeadLetters(new SQSClient({ useQueueUrlAsEndpoint: !process.env.AWS_ENDPOINT_URL_SQS }), refs) : undefined;
}

function required(value: string | undefined, name: string): string {
  if (!value) throw new Error(`${name} must be set`);
  return value;
}
