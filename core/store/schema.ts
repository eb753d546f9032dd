import type { CreateTableCommandInput } from "@aws-sdk/client-dynamodb";
import { TABLE_KEYS } from "./keys";

/**
 * Table definitions as CreateTable input, used by the local runtime and tests to create the
 * same tables sst.config.ts declares (same keys, same gsi1). Pay per request in both worlds.
 */
export function tableDefinition(tableName: string): CreateTableCommandInput {
  const s = (name: string) => ({ AttributeName: name, AttributeType: "S" as const });
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [s(TABLE_KEYS.pk), s(TABLE_KEYS.sk), s(TABLE_KEYS.gsi1pk), s(TABLE_KEYS.gsi1sk)],
    KeySchema: [
      { AttributeName: TABLE_KEYS.pk, KeyType: "HASH" },
      { AttributeName: TABLE_KEYS.sk, KeyType: "RANGE" },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: TABLE_KEYS.gsi1,
        KeySchema: [
          { AttributeName: TABLE_KEYS.gsi1pk, KeyType: "HASH" },
          { AttributeName: TABLE_KEYS.gsi1sk, KeyType: "RANGE" },
        ],
        Projection: { ProjectionType: "ALL" },
      },
    ],
  };
}
