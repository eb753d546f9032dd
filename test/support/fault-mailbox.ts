import { QueryCommand } from "@aws-sdk/client-dynamodb";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";

/**
 * A mailbox for fault tests: `count` small messages, most of them exchanged with one of the
 * CRM's contacts (some with two), some with strangers, 1 in 10 in Sent; and the contact-message
 * pairs the Mail table must hold after a sync, each exactly once.
 */
export function faultMailbox(owner: string, count: number, contacts: string[]) {
  const inbox: string[] = [];
  const sent: string[] = [];
  const expected: string[] = [];
  for (let i = 0; i < count; i++) {
    const a = i % 7 === 6 ? `stranger${i % 13}@elsewhere.test` : contacts[i % contacts.length]!;
    const b = i % 5 === 0 ? contacts[(i * 7 + 3) % contacts.length]! : undefined;
    const id = `<f${i}@faults.test>`;
    const outgoing = i % 10 === 9;
    const from = outgoing ? owner : a;
    const to = outgoing ? a : owner;
    const text = [
      `From: ${from}`,
      `To: ${to}`,
      ...(b && b !== a ? [`Cc: ${b}`] : []),
      `Subject: Fault test ${i}`,
      `Date: ${new Date(Date.now() - (count - i) * 60_000).toUTCString()}`,
      `Message-ID: ${id}`,
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=utf-8",
      "",
      `Message ${i}.`,
      "",
    ].join("\r\n");
    (outgoing ? sent : inbox).push(text);
    for (const address of new Set([a, ...(b ? [b] : [])])) if (contacts.includes(address)) expected.push(`${address} ${id}`);
  }
  return { inbox, sent, expected: expected.sort() };
}

/** The contact-message pairs the Mail table holds for one account, one line per item (duplicates show twice). */
export async function storedPairs(ddb: DynamoDBClient, table: string, accountId: string, contacts: string[]): Promise<string[]> {
  const pairs: string[] = [];
  for (const contact of contacts) {
    let start: Record<string, any> | undefined;
    do {
      const out = await ddb.send(new QueryCommand({ TableName: table, KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": { S: contact } }, ExclusiveStartKey: start }));
      for (const item of out.Items ?? []) if (item.sk?.S?.endsWith(`#${accountId}`)) pairs.push(`${contact} ${item.messageId?.S ?? "?"}`);
      start = out.LastEvaluatedKey;
    } while (start);
  }
  return pairs.sort();
}
