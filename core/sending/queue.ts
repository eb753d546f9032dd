import { ChangeMessageVisibilityCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { AppError } from "../shared/errors";
import { clampDelay } from "../queue/index";

/** One send job: the record says everything else (core/sending/outbox.ts). */
export interface SendJob {
  sendId: string;
}

/** SendQueue: where queued messages wait for functions/send.ts. */
export interface SendQueue {
  enqueue(job: SendJob, delaySeconds?: number): Promise<void>;
}

/** SQS adapter (AWS, and fauxqs locally). */
export class SqsSendQueue implements SendQueue {
  constructor(
    private readonly queueUrl: string,
    private readonly client: SQSClient = new SQSClient({}),
  ) {}

  async enqueue(job: SendJob, delaySeconds?: number): Promise<void> {
    await this.client.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(job), DelaySeconds: clampDelay(delaySeconds) }));
  }

  /** Hides a received job for `delaySeconds` (the retry's backoff) before SQS hands it out again. */
  async retryLater(receiptHandle: string, delaySeconds: number): Promise<void> {
    await this.client.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: this.queueUrl, ReceiptHandle: receiptHandle, VisibilityTimeout: Math.max(0, Math.min(43_200, Math.floor(delaySeconds))) }),
    );
  }
}

export function parseSendJob(body: string): SendJob {
  let job: SendJob | undefined;
  try {
    job = JSON.parse(body) as SendJob;
  } catch {
    job = undefined;
  }
  if (!job || typeof job.sendId !== "string" || !job.sendId) throw new AppError("permanent", "invalid_value", { cause: new Error("malformed send job") });
  return job;
}
