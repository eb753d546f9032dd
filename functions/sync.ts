import middy from "@middy/core";
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { backoffSeconds, parseSyncJob, shouldRetry } from "../core/queue/index";
import { runSyncJob, type MailEventSink } from "../core/sync/index";
import { buildRuntime, linkedWebhookQueue, type Runtime } from "../core/runtime/index";
import { webhookEmitter } from "../core/integrations/index";
import { cachedMonitorSettings, jobEndReporter, type JobEndReporter, type MonitorSettings } from "../core/monitoring/index";

let rt: Runtime | undefined;
let mailEvents: MailEventSink | undefined;
let jobEnded: JobEndReporter | undefined;
let monitorSettings: (() => Promise<MonitorSettings>) | undefined;

/**
 * SQS -> one sync job per record. The records of a batch (up to 5, one account each: the
 * account lease keeps two jobs off one mailbox) run side by side, so each gets the whole
 * invocation's time budget and the IMAP round trips overlap. Each job's account lease lasts no
 * longer than this invocation (getRemainingTimeInMillis), and a job stops and enqueues its
 * continuation before the deadline. A record that fails in a way a retry can help (shouldRetry)
 * is hidden for a growing backoff and reported in batchItemFailures, so only it is
 * redelivered; after 3 receives SQS moves it to the dead-letter queue.
 */
export const handler = middy<SQSEvent, SQSBatchResponse, Error, Context>().handler(async (event, context) => {
  rt ??= buildRuntime("sync");
  const runtime = rt;
  // webhooks' mail.added: queued per write batch when the webhook queue is linked
  const webhookQueue = mailEvents ? undefined : linkedWebhookQueue();
  if (webhookQueue) mailEvents = webhookEmitter({ db: runtime.db, queue: webhookQueue, log: runtime.log });
  monitorSettings ??= cachedMonitorSettings(runtime.db);
  jobEnded ??= jobEndReporter(runtime, monitorSettings);
  // read (at most once a minute) while the jobs take their leases, so telling a job's end adds no round trip
  monitorSettings().catch(() => undefined);
  const deps = {
    jobEnded,
    db: runtime.db,
    secrets: runtime.secrets,
    queue: runtime.queue,
    log: runtime.log,
    hostAllowance: runtime.hostAllowance,
    imapCa: runtime.imapCa,
    mailEvents,
    oauth: runtime.oauth,
    notifier: runtime.notifier,
    remainingMs: () => context.getRemainingTimeInMillis(),
  };
  const outcomes = await Promise.all(
    event.Records.map(async (record) => {
      try {
        await runSyncJob(deps, parseSyncJob(record.body));
        return undefined;
      } catch (err) {
        // nothing a retry can mend (a malformed job): dropped, loudly
        if (!shouldRetry(err)) {
          runtime.log.error("sync.record.dropped", { messageId: record.messageId, err });
          return undefined;
        }
        const receives = Number(record.attributes?.ApproximateReceiveCount ?? 1);
        const delay = backoffSeconds(receives);
        runtime.log.warn("sync.record.failed", { messageId: record.messageId, receiveCount: receives, retryInSeconds: delay, err });
        // back off before the retry instead of the queue's fixed visibility timeout
        await runtime.queue.retryLater(record.receiptHandle, delay).catch((e) => runtime.log.warn("sync.backoff.failed", { err: e }));
        return { itemIdentifier: record.messageId };
      }
    }),
  );
  return { batchItemFailures: outcomes.filter((o): o is { itemIdentifier: string } => !!o) };
});
