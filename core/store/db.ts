import { DynamoDBClient, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type BatchWriteCommandInput,
  type QueryCommandInput,
} from "@aws-sdk/lib-dynamodb";
import { AppError } from "../shared/errors";
import { TABLE_KEYS } from "./keys";

/** The two tables the product uses, by their real names. */
export interface TableNames {
  main: string;
  mail: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- items are whatever DynamoDB returns; each store narrows its own.
export type Item = Record<string, any>;

type WriteRequests = NonNullable<BatchWriteCommandInput["RequestItems"]>[string];

/**
 * A DynamoDB client without the SDK's logger middleware: with the default no-op logger it
 * still copies every request and response through the schema's sensitive-data filter, only to
 * drop the result (about a tenth of the SDK's CPU in a first sync of 10,000 messages). We log
 * what matters ourselves (core/shared/log.ts). (cacheMiddleware would save as much again, but
 * the document client refuses it.)
 */
export function dynamoClient(config: DynamoDBClientConfig = {}): DynamoDBClient {
  const client = new DynamoDBClient(config);
  client.middlewareStack.remove("loggerMiddleware");
  return client;
}

/**
 * A thin wrapper over the DynamoDB document client: the same code talks to DynamoDB in AWS
 * and to dynalite locally (the endpoint comes from AWS_ENDPOINT_URL_DYNAMODB there).
 * Throttling and service errors become transient AppErrors; a failed condition is reported
 * as `false` to the caller, who knows what it means.
 */
export class Db {
  readonly doc: DynamoDBDocumentClient;

  constructor(
    readonly tables: TableNames,
    client: DynamoDBClient = dynamoClient(),
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async get(table: keyof TableNames, key: Item, consistent = true): Promise<Item | undefined> {
    const out = await this.call(() => this.doc.send(new GetCommand({ TableName: this.tables[table], Key: key, ConsistentRead: consistent })));
    return out.Item;
  }

  async put(table: keyof TableNames, item: Item, condition?: { expression: string; names?: Record<string, string>; values?: Item }): Promise<boolean> {
    return this.conditional(() =>
      this.doc.send(
        new PutCommand({
          TableName: this.tables[table],
          Item: item,
          ConditionExpression: condition?.expression,
          ExpressionAttributeNames: condition?.names,
          ExpressionAttributeValues: condition?.values,
        }),
      ),
    );
  }

  async update(
    table: keyof TableNames,
    key: Item,
    update: { expression: string; names?: Record<string, string>; values?: Item; condition?: string; returnValues?: "ALL_NEW" | "ALL_OLD" | "NONE" },
  ): Promise<Item | false> {
    try {
      const out = await this.call(() =>
        this.doc.send(
          new UpdateCommand({
            TableName: this.tables[table],
            Key: key,
            UpdateExpression: update.expression,
            ConditionExpression: update.condition,
            ExpressionAttributeNames: update.names,
            ExpressionAttributeValues: update.values && Object.keys(update.values).length ? update.values : undefined,
            // ALL_NEW unless asked: the item as it is now; NONE for writes whose result nobody reads
            ReturnValues: update.returnValues ?? "ALL_NEW",
          }),
        ),
      );
      return out.Attributes ?? {};
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async delete(table: keyof TableNames, key: Item, condition?: string): Promise<boolean> {
    return this.conditional(() => this.doc.send(new DeleteCommand({ TableName: this.tables[table], Key: key, ConditionExpression: condition })));
  }

  async query(table: keyof TableNames, input: Omit<QueryCommandInput, "TableName">): Promise<{ items: Item[]; lastKey?: Item }> {
    const out = await this.call(() => this.doc.send(new QueryCommand({ TableName: this.tables[table], ...input })));
    return { items: out.Items ?? [], lastKey: out.LastEvaluatedKey };
  }

  /** Every item of a query, following pages. Only for bounded sets (users, accounts). */
  async queryAll(table: keyof TableNames, input: Omit<QueryCommandInput, "TableName">): Promise<Item[]> {
    const all: Item[] = [];
    let start: Item | undefined;
    do {
      const page = await this.query(table, { ...input, ExclusiveStartKey: start });
      all.push(...page.items);
      start = page.lastKey;
    } while (start);
    return all;
  }

  queryIndex(gsi1pk: string, options: { limit?: number; forward?: boolean; beginsWith?: string } = {}): Promise<Item[]> {
    const names: Record<string, string> = { "#p": TABLE_KEYS.gsi1pk };
    const values: Item = { ":p": gsi1pk };
    let expr = "#p = :p";
    if (options.beginsWith) {
      names["#s"] = TABLE_KEYS.gsi1sk;
      values[":s"] = options.beginsWith;
      expr += " AND begins_with(#s, :s)";
    }
    return this.queryAll("main", {
      IndexName: TABLE_KEYS.gsi1,
      KeyConditionExpression: expr,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ScanIndexForward: options.forward ?? true,
      Limit: options.limit,
    });
  }

  /** BatchGetItem in chunks of 100, retrying UnprocessedKeys with backoff. */
  /** `attributes`: read only these (e.g. never a user's password hash when only the name is wanted). */
  async batchGet(table: keyof TableNames, keyList: Item[], attributes?: string[]): Promise<Item[]> {
    const projection = attributes?.length
      ? { ProjectionExpression: attributes.map((_, i) => `#a${i}`).join(", "), ExpressionAttributeNames: Object.fromEntries(attributes.map((a, i) => [`#a${i}`, a])) }
      : {};
    const found: Item[] = [];
    for (let i = 0; i < keyList.length; i += 100) {
      let pending: Item[] | undefined = keyList.slice(i, i + 100);
      for (let attempt = 0; pending && pending.length; attempt++) {
        if (attempt > 0) await backoff(attempt);
        if (attempt > 8) throw new AppError("transient", "service_unavailable", { cause: new Error("BatchGetItem kept returning UnprocessedKeys") });
        const name = this.tables[table];
        const out = await this.call(() => this.doc.send(new BatchGetCommand({ RequestItems: { [name]: { Keys: pending!, ...projection } } })));
        found.push(...(out.Responses?.[name] ?? []));
        pending = out.UnprocessedKeys?.[name]?.Keys as Item[] | undefined;
      }
    }
    return found;
  }

  /** BatchWriteItem (puts and deletes) in chunks of 25, retrying UnprocessedItems until all are durable. */
  async batchWrite(table: keyof TableNames, requests: ({ put: Item } | { delete: Item })[]): Promise<void> {
    const name = this.tables[table];
    for (let i = 0; i < requests.length; i += 25) {
      let pending: WriteRequests | undefined = requests.slice(i, i + 25).map((r) => ("put" in r ? { PutRequest: { Item: r.put } } : { DeleteRequest: { Key: r.delete } }));
      for (let attempt = 0; pending && pending.length; attempt++) {
        if (attempt > 0) await backoff(attempt);
        if (attempt > 8) throw new AppError("transient", "service_unavailable", { cause: new Error("BatchWriteItem kept returning UnprocessedItems") });
        const out = await this.call(() => this.doc.send(new BatchWriteCommand({ RequestItems: { [name]: pending! } })));
        pending = out.UnprocessedItems?.[name];
      }
    }
  }

  private async conditional(fn: () => Promise<unknown>): Promise<boolean> {
    try {
      await this.call(fn);
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (isConditionFailure(err)) throw err;
      const name = (err as { name?: string }).name ?? "";
      if (
        /Throttl|ProvisionedThroughputExceeded|RequestLimitExceeded|InternalServerError|ServiceUnavailable|ECONNREFUSED|ECONNRESET|TimeoutError/.test(
          name + String((err as { code?: unknown } | null)?.code ?? ""),
        )
      ) {
        throw new AppError("transient", "service_unavailable", { cause: err });
      }
      throw err;
    }
  }
}

export const isConditionFailure = (err: unknown): boolean => (err as { name?: string })?.name === "ConditionalCheckFailedException";

const backoff = (attempt: number) => new Promise((r) => setTimeout(r, Math.min(2000, 25 * 2 ** attempt) * (0.5 + Math.random() / 2)));
