import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from "@aws-sdk/client-sqs";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { lambdaContext } from "./lambda-context";
import { LOCAL_REGION } from "./emulators";

type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

/**
 * The local stand-in for Lambda's SQS event source mapping: long-polls the queue, hands the
 * batch to the SAME sync handler as a real SQS event, and deletes only the records it did not
 * report in batchItemFailures. The rest become visible again after the visibility timeout, and
 * after 3 receives the queue's redrive policy moves them to the dead-letter queue, as in AWS.
 */
export function startPoller(options: { sqs: SQSClient; queueUrl: string; handler: SqsHandler; batchSize?: number; timeoutMs?: number; onError?: (err: unknown) => void }) {
  let running = true;
  let idle: Promise<void> = Promise.resolve();
  const arn = `arn:aws:sqs:${LOCAL_REGION}:000000000000:${options.queueUrl.split("/").pop()}`;
  const loop = async () => {
    while (running) {
      try {
        const out = await options.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: options.queueUrl,
            MaxNumberOfMessages: options.batchSize ?? 5,
            WaitTimeSeconds: 1,
            MessageSystemAttributeNames: ["All"],
            MessageAttributeNames: ["All"],
          }),
        );
        const messages = out.Messages ?? [];
        if (!messages.length || !running) continue;
        const event: SQSEvent = { Records: messages.map((m) => toRecord(m, arn)) };
        let failed = new Set<string>();
        try {
          const result = await options.handler(event, lambdaContext("sync", options.timeoutMs ?? 300_000));
          failed = new Set((result?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
        } catch (err) {
          // a thrown handler fails the whole batch, as Lambda does
          failed = new Set(messages.map((m) => m.MessageId!));
          options.onError?.(err);
        }
        const done = messages.filter((m) => !failed.has(m.MessageId!));
        if (done.length) {
          await options.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: options.queueUrl, Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
        }
      } catch (err) {
        if (!running) break;
        options.onError?.(err);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  };
  idle = loop();
  return {
    async stop() {
      running = false;
      await idle;
    },
  };
}

function toRecord(m: Message, arn: string): SQSRecord {
  const a = m.Attributes ?? {};
  return {
    messageId: m.MessageId!,
    receiptHandle: m.ReceiptHandle!,
    body: m.Body ?? "",
    attributes: {
      ApproximateReceiveCount: a.ApproximateReceiveCount ?? "1",
      SentTimestamp: a.SentTimestamp ?? String(Date.now()),
      SenderId: a.SenderId ?? "local",
      ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: m.MD5OfBody ?? "",
    eventSource: "aws:sqs",
    eventSourceARN: arn,
    awsRegion: LOCAL_REGION,
  };
}
