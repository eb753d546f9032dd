import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceInUseException } from "@aws-sdk/client-dynamodb";
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { buildApp } from "fauxqs";
import { tableDefinition } from "../store/schema";

const require = createRequire(import.meta.url);
const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };
export const LOCAL_REGION = "us-east-1";

export interface Emulator {
  endpoint: string;
  close(): Promise<void>;
}

/**
 * dynalite: DynamoDB's wire protocol in-process. With `path` the data lives in LevelDB
 * there and survives a restart; without it, in memory (tests). Bound to 127.0.0.1 only.
 */
export async function startDynalite(options: { path?: string; port?: number } = {}): Promise<Emulator> {
  const dynalite = require("dynalite") as (opts: object) => import("node:http").Server;
  const server = dynalite({ path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // dynalite keeps LevelDB open until its server closes; idle keep-alive sockets would hold it
        (server as any).closeAllConnections?.();
      }),
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
  return new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
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
