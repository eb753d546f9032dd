import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { AddressInfo } from "node:net";
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceInUseException } from "@aws-sdk/client-dynamodb";
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { buildApp } from "fauxqs";
import { tableDefinition } from "../store/schema";
import { dynamoClient } from "../store/db";

const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };
export const LOCAL_REGION = "us-east-1";

export interface Emulator {
  endpoint: string;
  close(): Promise<void>;
}

/**
 * dynalite: DynamoDB's wire protocol, in a worker thread (see dynalite-worker.cjs). With `path`
 * the data lives in LevelDB there and survives a restart; without it, in memory (tests).
 * Bound to 127.0.0.1 only.
 */
export async function startDynalite(options: { path?: string; port?: number } = {}): Promise<Emulator> {
  const worker = new Worker(fileURLToPath(new URL("./dynalite-worker.cjs", import.meta.url)), { workerData: { path: options.path, port: options.port ?? 0 } });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once("error", reject);
    worker.once("message", (m: { port?: number; error?: string }) => (m.port ? resolve(m.port) : reject(new Error(`dynalite: ${m.error}`))));
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async close() {
      // close the server first so LevelDB is flushed and unlocked, then end the thread
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 3000);
        worker.once("message", () => {
          clearTimeout(timer);
          resolve();
        });
        worker.postMessage("close");
      });
      await worker.terminate();
    },
  };
}

/**
 * fauxqs: SQS's wire protocol. Its startFauxqs() and CLI bind 0.0.0.0, so we build the app
 * and listen on 127.0.0.1 ourselves. Queues are in memory: jobs are re-planned by the schedule.
 */
export async function startFauxqs(options: { port?: number } = {}): Promise<Emulator> {
  const app = buildApp({ logger: false, host: "127.0.0.1", defaultRegion: LOCAL_REGION });
  await app.listen({ host: "127.0.0.1", port: options.port ?? 0 });
  const { port } = app.server.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}`, close: async () => void (await app.close()) };
}

export function localDynamo(endpoint: string): DynamoDBClient {
  return dynamoClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
}

export function localSqs(endpoint: string): SQSClient {
  return new SQSClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, useQueueUrlAsEndpoint: false });
}

/** Creates the tables sst.config.ts declares, if they are not there yet. */
export async function ensureTables(endpoint: string, names: string[]): Promise<void> {
  const client = localDynamo(endpoint);
  for (const name of names) {
    try {
      await client.send(new CreateTableCommand(tableDefinition(name)));
    } catch (err) {
      if (!(err instanceof ResourceInUseException)) throw err;
    }
    await client.send(new DescribeTableCommand({ TableName: name }));
  }
  client.destroy();
}

export interface LocalQueues {
  queueUrl: string;
  dlqUrl: string;
}

/** The webhook queue and its dead-letter queue, with the same redrive as in AWS (5 receives; receivers' failures are retried by re-sending, see functions/webhooks.ts). */
export async function ensureWebhookQueues(endpoint: string, prefix: string): Promise<LocalQueues> {
  const sqs = localSqs(endpoint);
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${prefix}-WebhookDeadLetterQueue`, Attributes: { MessageRetentionPeriod: "1209600" } }));
  const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl!, AttributeNames: ["QueueArn"] }))).Attributes!.QueueArn!;
  const main = await sqs.send(
    new CreateQueueCommand({
      QueueName: `${prefix}-WebhookQueue`,
      Attributes: { VisibilityTimeout: "60", RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 5 }) },
    }),
  );
  sqs.destroy();
  return { queueUrl: main.QueueUrl!, dlqUrl: dlq.QueueUrl! };
}

/**
 * The send queue and its dead-letter queue, with the same redrive as in AWS (6 receives: five
 * attempts with backoff, core/sending/deliver.ts, and one to spare for our own side failing).
 */
export async function ensureSendQueues(endpoint: string, prefix: string): Promise<LocalQueues> {
  const sqs = localSqs(endpoint);
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${prefix}-SendDeadLetterQueue`, Attributes: { MessageRetentionPeriod: "1209600" } }));
  const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl!, AttributeNames: ["QueueArn"] }))).Attributes!.QueueArn!;
  const main = await sqs.send(
    new CreateQueueCommand({
      QueueName: `${prefix}-SendQueue`,
      Attributes: { VisibilityTimeout: "120", RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 6 }) },
    }),
  );
  sqs.destroy();
  return { queueUrl: main.QueueUrl!, dlqUrl: dlq.QueueUrl! };
}

/** The sync queue and its dead-letter queue, with the same redrive as in AWS (3 receives). */
export async function ensureQueues(endpoint: string, prefix: string, visibilitySeconds: number): Promise<LocalQueues> {
  const sqs = localSqs(endpoint);
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${prefix}-SyncDeadLetterQueue`, Attributes: { MessageRetentionPeriod: "1209600" } }));
  const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl!, AttributeNames: ["QueueArn"] }))).Attributes!.QueueArn!;
  const main = await sqs.send(
    new CreateQueueCommand({
      QueueName: `${prefix}-SyncQueue`,
      Attributes: {
        VisibilityTimeout: String(visibilitySeconds),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 }),
      },
    }),
  );
  sqs.destroy();
  return { queueUrl: main.QueueUrl!, dlqUrl: dlq.QueueUrl! };
}
