import { ChangeMessageVisibilityCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { AppError } from "../shared/errors";
import type { MailServerSettings } from "../mail/index";

export { shouldRetry } from "./retry-policy";

/** One sync job on the queue. `continuation` marks a job that picks up where one ran out of time. */
export interface SyncJobMessage {
  jobId: string;
  accountId: string;
  reason: "schedule" | "manual" | "continuation" | "contact-added";
  enqueuedAt: string;
  /**
   * Where the account's IMAP server was when the job was planned (no credentials): the job
   * opens the connection while it reads the account, and logs in only if the account still
   * says the same (core/sync/sync-account.ts).
   */
  server?: ServerHint;
}

/** An IMAP server's address and transport, nothing secret. */
export interface ServerHint {
  host: string;
  port: number;
  security: MailServerSettings["security"];
  allowInsecureCerts?: boolean;
}

/** JobQueue: where fan-out and "Sync now" put work for the sync function. */
export interface JobQueue {
  /** Enqueues jobs; `delaySeconds` spreads a tick's jobs over the interval (max 900 s). */
  enqueue(jobs: { job: SyncJobMessage; delaySeconds?: number }[]): Promise<void>;
  /** Makes a received job visible again only after `delaySeconds`: the retry's backoff. */
  retryLater?(receiptHandle: string, delaySeconds: number): Promise<void>;
}

/**
 * The wait before a failed job is tried again: 30 s, 60 s, 120 s ... up to 15 minutes, with
 * ±20 % jitter so jobs that failed together (a provider hiccup) do not return together.
 * After 3 receives the queue's redrive policy moves the job to the dead-letter queue.
 */
export function backoffSeconds(receiveCount: number, random: () => number = Math.random): number {
  const base = Math.min(900, 30 * 2 ** Math.max(0, receiveCount - 1));
  return Math.min(900, Math.round(base * (0.8 + 0.4 * random())));
}

/**
 * SQS adapter (AWS, and fauxqs locally: the endpoint comes from AWS_ENDPOINT_URL_SQS).
 * SendMessageBatch in tens; any failed entry fails the call so the caller can retry the tick.
 */
export class SqsJobQueue implements JobQueue {
  constructor(
    private readonly queueUrl: string,
    private readonly client: SQSClient = new SQSClient({}),
  ) {}

  async retryLater(receiptHandle: string, delaySeconds: number): Promise<void> {
    await this.client.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: this.queueUrl, ReceiptHandle: receiptHandle, VisibilityTimeout: Math.max(0, Math.min(43_200, Math.floor(delaySeconds))) }),
    );
  }

  async enqueue(jobs: { job: SyncJobMessage; delaySeconds?: number }[]): Promise<void> {
    if (jobs.length === 1) {
      const [{ job, delaySeconds }] = jobs as [{ job: SyncJobMessage; delaySeconds?: number }];
      await this.client.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(job), DelaySeconds: clampDelay(delaySeconds) }));
      return;
    }
    await sendInBatches(
      this.client,
      this.queueUrl,
      jobs.map(({ job, delaySeconds }) => ({ body: JSON.stringify(job), delaySeconds })),
    );
  }
}

/** SendMessageBatch in tens (SQS's most); any failed entry fails the call so the caller can retry. */
export async function sendInBatches(client: SQSClient, queueUrl: string, messages: { body: string; delaySeconds?: number }[]): Promise<void> {
  for (let i = 0; i < messages.length; i += 10) {
    const chunk = messages.slice(i, i + 10);
    const out = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: chunk.map(({ body, delaySeconds }, n) => ({ Id: String(n), MessageBody: body, DelaySeconds: clampDelay(delaySeconds) })),
      }),
    );
    if (out.Failed?.length) {
      throw new AppError("transient", "service_unavailable", { cause: new Error(`SendMessageBatch failed for ${out.Failed.length} entries: ${out.Failed[0]?.Code}`) });
    }
  }
}

export const clampDelay = (s?: number) => (s === undefined ? undefined : Math.max(0, Math.min(900, Math.floor(s))));

export function parseSyncJob(body: string): SyncJobMessage {
  const job = JSON.parse(body) as SyncJobMessage;
  if (!job || typeof job.accountId !== "string" || typeof job.jobId !== "string") throw new AppError("permanent", "invalid_value", { cause: new Error("malformed sync job") });
  return job;
}

export { DeadLetters, DEAD_LETTER_QUEUES, type DeadLetterMessage, type DeadLetterQueueName, type DeadLetterQueueRef } from "./dead-letters";
