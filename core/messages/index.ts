import { z } from "zod";
import type { Db, Item } from "../store/db";
import { keys } from "../store/keys";
import { decodePageCursor, encodePageCursor } from "../shared/page-cursor";
import { contactEmails } from "../contacts/index";
import type { Contact } from "../contacts/index";
import { joinThreads } from "./threads";
import { SharingGate, type Reader } from "../sharing/index";
import { localizeFailure } from "../mail/index";
import type { Lang } from "../shared/i18n";

const addressOut = z.object({ name: z.string().nullable(), address: z.string() });

export const messageSummary = z.object({
  id: z.string(),
  date: z.string(),
  /** From the mailbox's side: it wrote (sent), the contact wrote (received), or someone else wrote with the contact among the recipients (copy). */
  direction: z.enum(["sent", "received", "copy"]),
  subject: z.string(),
  counterpart: addressOut,
  from: addressOut.nullable(),
  to: z.array(addressOut),
  cc: z.array(addressOut),
  owners: z.array(z.object({ userId: z.string(), accountId: z.string(), email: z.string().nullable(), name: z.string().nullable() })),
  preview: z.string().nullable(),
  /** The conversation: the same for every message of it shown together (joined through References / In-Reply-To). */
  threadId: z.string(),
  /** The keys it joins its conversation through: pass them with threadId to join conversations across pages. */
  threadLinks: z.array(z.string()),
  /**
   * Mail written in the CRM (core/sending), until the sync reads it back from Sent: queued,
   * sent or failed, and why it failed with what to do. Null for mail the sync stored.
   */
  sending: z
    .object({
      id: z.string(),
      status: z.enum(["queued", "sent", "failed"]),
      failure: z.object({ code: z.string(), message: z.string(), cause: z.string(), fix: z.string() }).nullable(),
    })
    .nullable(),
});
export type MessageSummary = z.infer<typeof messageSummary>;

export const messagePage = z.object({ items: z.array(messageSummary), nextCursor: z.string().nullable() });

export interface HistoryOptions {
  limit?: number;
  cursor?: string;
  /** Only mail from mailboxes of this user ("filter by sharing user"), among the copies the reader may see. */
  ownerId?: string;
  /** The language of sending failures' texts (default English). */
  lang?: Lang;
}

/** A history cursor: the sort key of the last message shown. */
const isHistoryPosition = (p: unknown): p is { sk: string } => typeof (p as { sk?: unknown } | null)?.sk === "string";

/**
 * A contact's email history as `reader` may see it (core/sharing: only the copies the reader
 * may see make a message, name its owners and match the owner filter), newest first, over
 * all of its addresses. Each address is its
 * own partition, read newest first; the copies of one message (one per mailbox holding it)
 * sit side by side and are folded into one message naming every owner. Pages are merged by
 * the message's sort key (date#messageKey), and one message that names two of the contact's
 * addresses is shown once (by that sort key).
 */
export async function contactHistory(db: Db, contact: Contact, reader: Reader, options: HistoryOptions = {}): Promise<z.infer<typeof messagePage>> {
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 200);
  const before = options.cursor ? decodePageCursor(options.cursor, isHistoryPosition).sk : undefined;
  const gate = new SharingGate(db, reader);
  const perAddress = await Promise.all(contactEmails(contact).map((email) => readPartition(db, gate, contact.id, email, before, limit, options.ownerId)));
  const merged = perAddress.flatMap((p) => p.messages).sort((a, b) => (a.sk < b.sk ? 1 : a.sk > b.sk ? -1 : 0));
  // One entry per message sort key (<date>#<messageKey>), the key the pages are cut on: a
  // message under two of the contact's addresses is shown once, and two different messages
  // that share a Message-ID (same key, different dates) are both shown, on every page size.
  // (De-duplicating by messageKey alone hid one of them only when both fell in one page.)
  const unique: Item[] = [];
  for (const item of merged) {
    if (unique.length && unique[unique.length - 1]!.sk === item.sk) continue; // merged is sorted: equal keys are adjacent
    unique.push(item);
  }
  const page = unique.slice(0, limit);
  const more = perAddress.some((p) => p.more) || unique.length > limit;
  return {
    items: await summarise(db, page, options.lang),
    nextCursor: more && page.length ? encodePageCursor({ sk: page[page.length - 1]!.sk }) : null,
  };
}

/** The sort key shared by every copy of one message (date#messageKey, without the account). */
export const messageSortKey = (copySk: string): string => copySk.slice(0, copySk.lastIndexOf("#"));

/** Folds side-by-side copies into messages: the first copy's fields, `sk` the message's, `owners` all copies. */
export function foldCopies(copies: Item[]): Item[] {
  const messages: Item[] = [];
  for (const copy of copies) {
    const sk = messageSortKey(copy.sk);
    const last = messages[messages.length - 1];
    if (last && last.sk === sk) last.owners.push(copy);
    else messages.push({ ...copy, sk, owners: [copy] });
  }
  return messages;
}

/**
 * Reads one address's messages below `before` until it has `limit` messages (after the
 * sharing rule and the owner filter) and has seen the next message begin, so no returned
 * message is missing a copy; or until the partition ends. A message none of whose copies the
 * reader may see is skipped as if it were not there.
 */
async function readPartition(
  db: Db,
  gate: SharingGate,
  contactId: string,
  email: string,
  before: string | undefined,
  limit: number,
  ownerId?: string,
): Promise<{ messages: Item[]; more: boolean }> {
  const messages: Item[] = [];
  let current: Item[] = []; // the copies of the message being read
  const close = () => {
    const visible = current.filter((c) => gate.visible(c, [contactId])).map((c) => ({ ...c, ownerId: gate.ownerOf(c) }));
    const [message] = foldCopies(visible);
    current = [];
    if (message && (!ownerId || message.owners.some((o: Item) => o.ownerId === ownerId))) messages.push(message);
  };
  let start: Item | undefined;
  do {
    const page = await db.query("mail", {
      KeyConditionExpression: before ? "pk = :p AND sk < :c" : "pk = :p",
      ExpressionAttributeValues: before ? { ":p": email, ":c": before } : { ":p": email },
      ScanIndexForward: false,
      Limit: Math.min(500, (limit + 1) * 2),
      ExclusiveStartKey: start,
    });
    await gate.load(page.items);
    for (const item of page.items) {
      if (current.length && messageSortKey(current[0]!.sk) !== messageSortKey(item.sk)) {
        close();
        if (messages.length >= limit) return { messages, more: true };
      }
      current.push(item);
    }
    start = page.lastKey;
  } while (start);
  close();
  return { messages, more: false };
}

/** Folded messages (their copies under `owners`) as the API shows them. */
export async function summarise(db: Db, items: Item[], lang: Lang = "en"): Promise<MessageSummary[]> {
  const owners = await ownerDetails(db, items);
  const threads = joinThreads(items.map((item) => ({ date: item.date, threadKey: item.threadKey, links: threadLinks(item) })));
  return items.map((item, i) => ({ ...toSummary(item, owners), threadId: threads[i]!, sending: sendingOf(item, lang) }));
}

/** The sending status a copy written by core/sending carries (the sync's own copies have none). */
function sendingOf(item: Item, lang: Lang): MessageSummary["sending"] {
  const copy = ((item.owners as Item[] | undefined) ?? [item]).find((o) => o.sendId);
  if (!copy) return null;
  const failure = copy.sendFailure as { code: string; params?: Record<string, string | number> } | undefined;
  return { id: copy.sendId, status: copy.sendStatus ?? "queued", failure: failure ? localizeFailure(failure.code, failure.params ?? {}, lang) : null };
}

/**
 * What a message joins its conversation through. Items stored before threadRefs existed have
 * their own Message-ID's key (messageKey): a reply that named only this message as its root
 * stored that same key as its threadKey, so old items join those replies too.
 */
const threadLinks = (item: Item): string[] => item.threadRefs ?? (item.messageId ? [item.messageKey] : []);

/**
 * A message's direction over all its copies: each copy's is from its own mailbox's side, so a
 * colleague's mail to the contact is "sent" in the colleague's mailbox and "copy" in a
 * mailbox it was only copied to: the writer's side wins. Items stored before "copy" existed
 * keep the direction they were stored with.
 */
function foldedDirection(item: Item): MessageSummary["direction"] {
  if (item.direction === "received") return "received";
  const copies: Item[] = item.owners ?? [item];
  return copies.some((o) => o.direction !== "copy") ? "sent" : "copy";
}

/** The mailbox address of every account and the name of every user owning a copy: one BatchGetItem. */
async function ownerDetails(db: Db, items: Item[]): Promise<{ accounts: Map<string, string>; users: Map<string, string> }> {
  const accountIds = new Set<string>();
  const userIds = new Set<string>();
  for (const item of items) {
    for (const o of item.owners ?? []) {
      accountIds.add(o.accountId);
      userIds.add(o.ownerId);
    }
  }
  const found = await db.batchGet("main", [...[...accountIds].map((id) => keys.account(id)), ...[...userIds].map((id) => keys.user(id))], ["sk", "id", "email", "name"]);
  const accounts = new Map<string, string>();
  const users = new Map<string, string>();
  for (const row of found) {
    if (row.sk === keys.account("").sk) accounts.set(row.id as string, row.email as string);
    else if (row.sk === keys.user("").sk && row.name) users.set(row.id as string, row.name as string);
  }
  return { accounts, users };
}

function toSummary(item: Item, { accounts, users }: { accounts: Map<string, string>; users: Map<string, string> }): Omit<MessageSummary, "sending"> {
  const direction = foldedDirection(item);
  const received = direction === "received";
  const to: { name: string | null; address: string }[] = item.to ?? [];
  const cc: { name: string | null; address: string }[] = item.cc ?? [];
  const contactSide = received ? item.from : [...to, ...cc].find((a) => a.address === item.contactEmail);
  const owners = (item.owners as Item[]).map((o) => ({
    userId: o.ownerId as string,
    accountId: o.accountId as string,
    email: accounts.get(o.accountId) ?? null,
    name: users.get(o.ownerId) ?? null,
  }));
  return {
    id: `${encodeURIComponent(item.pk)}|${item.sk}`,
    date: item.date,
    direction,
    subject: item.subject ?? "",
    counterpart: contactSide ?? { name: null, address: item.contactEmail },
    from: item.from ?? null,
    to,
    cc,
    owners,
    preview: item.preview ?? null,
    threadId: item.threadKey,
    threadLinks: threadLinks(item),
  };
}
export { fetchMessageText, loadMessage } from "./body";
export { contactChanges, CHANGES_SETTLE_MS, type ContactChanges } from "./changes";
