import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
  type SQSClient,
} from "@aws-sdk/client-sqs";

/**
 * The dead-letter queues (sync: after 3 receives, webhook: after 5, send: after 6) as operations see them:
 * how many messages wait, what they are, and one sent back to its queue by an admin.
 *
 * SQS has no "peek": listing receives the messages with a visibility timeout and then makes
 * them visible again at once (ChangeMessageVisibilityBatch to 0), so a list never hides them
 * from a redrive or the next list. Redriving one is SendMessage of its body to the source queue,
 * then DeleteMessage from the dead-letter queue: at worst (a failure between the two) the job
 * is on both queues, and the sync's lease and idempotent writes make a job run twice harmless.
 */
export type DeadLetterQueueName = "sync" | "webhook" | "send";
export const DEAD_LETTER_QUEUES: readonly DeadLetterQueueName[] = ["sync", "webhook", "send"];

export interface DeadLetterQueueRef {
  name: DeadLetterQueueName;
  /** The dead-letter queue. */
  url: string;
  /** The queue its messages came from, where a redrive sends them. */
  sourceUrl: string;
}

export interface DeadLetterMessage {
  messageId: string;
  body: string;
  /** How often SQS handed it out in all (its source queue's receives, then ours). */
  receiveCount: number;
  /** When it was first sent (to the source queue), ISO. */
  sentAt: string | null;
}

const HIDE_SECONDS = 30;

export class DeadLetters {
  constructor(
    private readonly client: SQSClient,
    readonly queues: readonly DeadLetterQueueRef[],
  ) {}

  private queue(name: DeadLetterQueueName): DeadLetterQueueRef {
    const found = this.queues.find((q) => q.name === name);
    if (!found) throw new Error(`dead-letter queue ${name} is not linked`);
    return found;
  }

  /** Messages waiting (SQS's approximate count: visible and in flight). */
  async count(name: DeadLetterQueueName): Promise<number> {
    const out = await this.client.send(
      new GetQueueAttributesCommand({ QueueUrl: this.queue(name).url, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }),
    );
    return Number(out.Attributes?.ApproximateNumberOfMessages ?? 0) + Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
  }

  /** Up to `max` messages, oldest first as SQS returns them; all visible again when it returns. */
  async list(name: DeadLetterQueueName, max = 50): Promise<DeadLetterMessage[]> {
    const { url } = this.queue(name);
    const seen = new Map<string, DeadLetterMessage>();
    const handles: string[] = [];
    try {
      while (seen.size < max) {
        const batch = await this.receive(url, Math.min(10, max - seen.size));
        if (!batch.length) break;
        for (const m of batch) {
          if (m.ReceiptHandle) handles.push(m.ReceiptHandle);
          if (m.MessageId && !seen.has(m.MessageId)) seen.set(m.MessageId, toMessage(m));
        }
      }
    } finally {
      await this.showAgain(url, handles);
    }
    return [...seen.values()];
  }

  /** Sends one message back to its source queue and removes it here; false when it is not (any longer) in the queue. */
  async redrive(name: DeadLetterQueueName, messageId: string): Promise<boolean> {
    const { url, sourceUrl } = this.queue(name);
    const handles: string[] = [];
    try {
      for (let round = 0; round < 100; round++) {
        const batch = await this.receive(url, 10);
        if (!batch.length) return false;
        const found = batch.find((m) => m.MessageId === messageId);
        for (const m of batch) if (m !== found && m.ReceiptHandle) handles.push(m.ReceiptHandle);
        if (found) {
          await this.client.send(new SendMessageCommand({ QueueUrl: sourceUrl, MessageBody: found.Body ?? "" }));
          await this.client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: found.ReceiptHandle! }));
          return true;
        }
      }
      return false;
    } finally {
      await this.showAgain(url, handles);
    }
  }

  private async receive(url: string, max: number): Promise<Message[]> {
    const out = await this.client.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: max,
        VisibilityTimeout: HIDE_SECONDS,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ["ApproximateReceiveCount", "SentTimestamp"],
      }),
    );
    return out.Messages ?? [];
  }

  private async showAgain(url: string, handles: string[]): Promise<void> {
    for (let i = 0; i < handles.length; i += 10) {
      const chunk = handles.slice(i, i + 10);
      // best effort: a message not shown again now is visible again after HIDE_SECONDS anyway
      await this.client
        .send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: url, Entries: chunk.map((h, n) => ({ Id: String(n), ReceiptHandle: h, VisibilityTimeout: 0 })) }))
        .catch(() => undefined);
    }
  }
}

function toMessage(m: Message): DeadLetterMessage {
  const sent = Number(m.Attributes?.SentTimestamp);
  return {
    messageId: m.MessageId!,
    body: m.Body ?? "",
    receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 0),
    sentAt: Number.isFinite(sent) && sent > 0 ? new Date(sent).toISOString() : null,
  };
}
