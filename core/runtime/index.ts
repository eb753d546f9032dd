import { Resource } from "sst";
import { Db } from "../store/db";
import { AwsSecretStore, FileSecretStore, type SecretStore } from "../secrets/index";
import { SQSClient } from "@aws-sdk/client-sqs";
import { SqsJobQueue } from "../queue/index";
import { SqsWebhookQueue, withWebhookEvents } from "../integrations/index";
import { parseAllowance, type HostAllowance } from "../mail/index";
import { createLogger, type Logger } from "../shared/log";
import { readConfig } from "../shared/config";
import { logNotifier, type Notifier } from "../notifications/index";

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
 * - IMAP_EXTRA_CA_PEM: PEM text of an extra CA to trust for IMAP (e.g. a company CA)
 * - LOG_LEVEL: debug | info | warn | error (default info)
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
  /** Where operations events go (core/notifications). */
  notifier: Notifier;
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

export function buildRuntime(fn: string): Runtime {
  const env = process.env;
  const log = createLogger({ fn });
  const secrets =
    env.SECRET_BACKEND === "file"
      ? new FileSecretStore(required(env.LOCAL_SECRET_DIR, "LOCAL_SECRET_DIR"))
      : new AwsSecretStore(required(env.SECRET_PREFIX, "SECRET_PREFIX"));
  const config = readConfig(env);
  const db = new Db({ main: linked("Main").name, mail: linked("Mail").name });
  // mailbox paused/resumed reach a CRM's webhooks too, where the webhook queue is linked
  const webhookQueue = linkedWebhookQueue();
  const notifier = webhookQueue ? withWebhookEvents(logNotifier(log), { db, queue: webhookQueue, log }) : logNotifier(log);
  return {
    db,
    secrets,
    // With an endpoint override (fauxqs) the queue URL's host is not an SQS endpoint: don't route by it
    queue: new SqsJobQueue(linked("SyncQueue").url, new SQSClient({ useQueueUrlAsEndpoint: !env.AWS_ENDPOINT_URL_SQS })),
    log,
    hostAllowance: parseAllowance(env.ALLOW_PRIVATE_HOSTS),
    intervalMinutes: config.SYNC_INTERVAL_MINUTES,
    syncOnContactChange: env.SYNC_ON_CONTACT_CHANGE !== "off",
    imapCa: env.IMAP_EXTRA_CA_PEM || undefined,
    notifier,
  };
}

function required(value: string | undefined, name: string): string {
  if (!value) throw new Error(`${name} must be set`);
  return value;
}
