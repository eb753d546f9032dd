import type { Db, Item } from "../store/db";
import { keys } from "../store/keys";
import { mapPool } from "../shared/pool";
import type { MailRecord } from "./message-record";
import { markPartitions } from "../sharing/index";
import { changeItems } from "../store/change-log";

/**
 * A port for whoever wants to hear of stored copies (webhooks' mail.added, core/integrations):
 * told about every write batch once its copies are stored.
 */
export interface MailEventSink {
  mailStored(copies: Item[]): Promise<void>;
  /** A job searched its mailbox for these contacts' new addresses (the backfill requests it took, by sort key). */
  backfillTaken?(requests: { contactId: string; requestSk: string }[]): Promise<void>;
}

export interface MessageSource {
  accountId: string;
  ownerId: string;
  folder: string;
  uid: number;
  uidValidity: string;
  /** The mailbox's own addresses (its address, login and aliases, normalised): mail From one of them is "sent". */
  own: ReadonlySet<string>;
}

/**
 * Whose mail a copy is, from this mailbox's side: "sent" when the mailbox (or one of its
 * aliases) wrote it, "received" when the contact did, else "copy": someone else wrote and the
 * contact was only among the recipients (a customer writing to a colleague with this contact
 * in Cc). A message without a From is taken as the mailbox's own, as before.
 */
export type Direction = "sent" | "received" | "copy";
export function copyDirection(from: string | undefined, contactEmail: string, own: ReadonlySet<string>): Direction {
  if (from === contactEmail) return "received";
  return from === undefined || own.has(from) ? "sent" : "copy";
}

/**
 * The item one mailbox's copy of a message makes under one contact address: the message's
 * metadata (derived from the message alone, so every copy carries the same) and where this
 * mailbox holds it. Its sort key extends the message's key with the account, so the copies
 * of one message sit side by side and the history shows them as one message naming every
 * owner. One plain put per copy, written with BatchWriteItem: idempotent, so a redelivered or
 * concurrent job never makes a duplicate. Direction: see copyDirection.
 */
export function copyItem(record: MailRecord, contactEmail: string, source: MessageSource): Item {
  // no index entry: nothing reads mail by thread across contacts, and an index entry would
  // double the write cost of every copy. Written out without spreads: built for every copy.
  const key = keys.mailCopy(contactEmail, record.date, record.messageKey, source.accountId);
  return {
    pk: key.pk,
    sk: key.sk,
    messageKey: record.messageKey,
    messageId: record.messageId,
    threadKey: record.threadKey,
    threadRefs: record.threadRefs,
    inReplyTo: record.inReplyTo,
    date: record.date,
    subject: record.subject,
    from: record.from,
    to: record.to,
    cc: record.cc,
    direction: copyDirection(record.from?.address, contactEmail, source.own),
    size: record.size,
    contactEmail,
    preview: record.preview ?? null,
    attachments: record.attachments ?? [],
    accountId: source.accountId,
    ownerId: source.ownerId,
    folder: source.folder,
    uid: source.uid,
    uidValidity: source.uidValidity,
  };
}

/** BatchWriteItem calls in flight per job: measured here, 8 beat 4 by ~10 % and 16 gained nothing more. */
const WRITE_CONCURRENCY = 8;

/** Writes the items of many messages in BatchWriteItem calls of 25, WRITE_CONCURRENCY at a time, after their partition markers and before their change items. */
export async function storeMessages(
  db: Db,
  entries: { record: MailRecord; contacts: string[]; source: MessageSource; /** Fields added to each copy (core/sending: sendId, sendStatus). */ extra?: Item }[],
  events?: MailEventSink,
): Promise<number> {
  const items = entries.flatMap((e) => e.contacts.map((c) => (e.extra ? { ...copyItem(e.record, c, e.source), ...e.extra } : copyItem(e.record, c, e.source))));
  // where each account writes, noted first so no copy is ever written that cannot be found
  // again to delete (see keys.ts, MAILPK#); a marker without copies costs nothing
  const byAccount = new Map<string, Set<string>>();
  for (const e of entries) {
    const set = byAccount.get(e.source.accountId) ?? new Set<string>();
    for (const c of e.contacts) set.add(c);
    byAccount.set(e.source.accountId, set);
  }
  for (const [accountId, emails] of byAccount) await markPartitions(db, accountId, emails);
  await putAll(db, "mail", items);
  // then the contacts' change logs (keys.ts, CHANGES#), naming only copies now stored
  await putAll(db, "main", changeItems(items));
  // after the writes: an event never announces a copy that is not stored (webhooks, at least once)
  if (events) await events.mailStored(items);
  return entries.reduce((n, e) => n + e.contacts.length, 0);
}

async function putAll(db: Db, table: "mail" | "main", items: Item[]): Promise<void> {
  const batches: Item[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  await mapPool(batches, WRITE_CONCURRENCY, (batch) =>
    db.batchWrite(
      table,
      batch.map((put) => ({ put })),
    ),
  );
}
