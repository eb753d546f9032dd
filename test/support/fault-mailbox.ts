import { QueryCommand } from "@aws-sdk/client-dynamodb";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { localDynamo } from "../../core/local/emulators";
import type { SyncJobMessage } from "../../core/queue/index";
import { createLogger } from "../../core/shared/log";
import { newJob, recordQueued, type SyncDeps } from "../../core/sync/index";
import type { MailServersInfo } from "../harness/mail-servers";
import { startSyncStack } from "./sync-stack";
import { startRelay } from "./tcp-relay";
import { plain } from "./corpus";

/**
 * A mailbox for fault tests: `count` small messages, most of them exchanged with one of the
 * CRM's contacts (some with two), some with strangers, 1 in 10 in Sent; and the contact-message
 * pairs the Mail table must hold after a sync, each exactly once.
 */
export function faultMailbox(owner: string, count: number, contacts: string[]) {
  const inbox: Buffer[] = [];
  const sent: Buffer[] = [];
  const expected: string[] = [];
  for (let i = 0; i < count; i++) {
    const a = i % 7 === 6 ? `stranger${i % 13}@elsewhere.test` : contacts[i % contacts.length]!;
    const b = i % 5 === 0 ? contacts[(i * 7 + 3) % contacts.length]! : undefined;
    const id = `<f${i}@faults.test>`;
    const outgoing = i % 10 === 9;
    const from = outgoing ? owner : a;
    const to = outgoing ? a : owner;
    const text = plain(
      { from, to, ...(b && b !== a ? { cc: b } : {}), subject: `Fault test ${i}`, date: new Date(Date.now() - (count - i) * 60_000), messageId: id },
      `Message ${i}.`,
    );
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
      const out = await ddb.send(
        new QueryCommand({ TableName: table, KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": { S: contact } }, ExclusiveStartKey: start }),
      );
      for (const item of out.Items ?? []) if (item.sk?.S?.endsWith(`#${accountId}`)) pairs.push(`${contact} ${item.messageId?.S ?? "?"}`);
      start = out.LastEvaluatedKey;
    } while (start);
  }
  return pairs.sort();
}

/**
 * What both fault tests stand on: the local stack, the contacts, a relay in front of Dovecot's
 * IMAP port, sync dependencies writing to the stack's dynalite, and mailbox records for one
 * Dovecot user reached through the relay (one at a time: a new one replaces the last).
 */
export async function startFaultStack(mail: MailServersInfo, user: { email: string; password: string }, contacts: string[], extra: Partial<SyncDeps> = {}) {
  const { stack, api, db, deps } = await startSyncStack(mail, { deps: { log: createLogger({ fn: "faults" }, "error"), ...extra } });
  for (const email of contacts) {
    const reply = await api.post("/api/contacts", { name: email.split("@")[0], primaryEmail: email });
    if (reply.status !== 201) throw new Error(`contact ${email}: ${reply.status} ${reply.text}`);
  }
  const relay = await startRelay({ host: mail.host, port: mail.imapPort });
  let previous: string | undefined;
  return {
    stack,
    api,
    db,
    deps,
    relay,
    /** A new mailbox record (the last one deleted), first sync still to do. */
    async newAccount(): Promise<string> {
      const plan = relay.plan;
      relay.plan = () => undefined; // the connection test of the save is not what is tested
      try {
        if (previous) await api.request("DELETE", `/api/accounts/${previous}`);
        const reply = await api.post("/api/accounts", {
          email: user.email,
          imap: { host: "127.0.0.1", port: relay.port, security: "starttls", user: user.email },
          password: user.password,
          syncEnabled: false,
          initialSyncDays: 365,
        });
        if (reply.status !== 201) throw new Error(`account: ${reply.status} ${reply.text}`);
        if ((await api.patch(`/api/accounts/${reply.body.id}`, { syncEnabled: true })).status !== 200) throw new Error("account: not enabled");
        previous = reply.body.id;
        return reply.body.id;
      } finally {
        relay.plan = plan;
      }
    },
    /** A job recorded as queued, as fan-out and "Sync now" record theirs (the job index lists it). */
    async queued(accountId: string): Promise<SyncJobMessage> {
      const job = newJob(accountId, "schedule");
      await recordQueued(db, job);
      return job;
    },
    async pairs(accountId: string): Promise<string[]> {
      const ddb = localDynamo(stack.dynamoEndpoint);
      try {
        return await storedPairs(ddb, stack.tables.mail, accountId, contacts);
      } finally {
        ddb.destroy();
      }
    },
    async stop(): Promise<void> {
      await relay.close();
      await stack.stop();
    },
  };
}
