import { z } from "zod";
import type { Db, Item } from "../store/db";
import { keys } from "../store/keys";
import { AppError } from "../shared/errors";
import { contactEmails } from "../contacts/index";
import type { Contact } from "../contacts/schema";

const addressOut = z.object({ name: z.string().nullable(), address: z.string() });

export const messageSummary = z.object({
  id: z.string(),
  date: z.string(),
  direction: z.enum(["sent", "received"]),
  subject: z.string(),
  counterpart: addressOut,
  from: addressOut.nullable(),
  to: z.array(addressOut),
  cc: z.array(addressOut),
  owners: z.array(z.object({ userId: z.string(), accountId: z.string(), email: z.string().nullable() })),
  preview: z.string().nullable(),
  threadId: z.string(),
});
export type MessageSummary = z.infer<typeof messageSummary>;

export const messagePage = z.object({ items: z.array(messageSummary), nextCursor: z.string().nullable() });

export interface HistoryOptions {
  limit?: number;
  cursor?: string;
  /** Only mail from mailboxes of this user ("filter by sharing user"). */
  ownerId?: string;
}

const decodeCursor = (cursor: string): string => {
  try {
    const sk = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")).sk;
    if (typeof sk === "string") return sk;
  } catch {
    /* fall through */
  }
  throw new AppError("validation", "validation_failed", { fields: [{ field: "cursor", key: "invalid_cursor" }] });
};
const encodeCursor = (sk: string) => Buffer.from(JSON.stringify({ sk }), "utf8").toString("base64url");

/**
 * A contact's email history, newest first, over all of its addresses. Each address is its
 * own partition; pages are merged by sort key (date#messageKey) and one message that names
 * two of the contact's addresses is shown once.
 */
export async function contactHistory(db: Db, contact: Contact, options: HistoryOptions = {}): Promise<z.infer<typeof messagePage>> {
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 200);
  const before = options.cursor ? decodeCursor(options.cursor) : undefined;
  const pages = await Promise.all(
    contactEmails(contact).map((email) =>
      db.query("mail", {
        KeyConditionExpression: before ? "pk = :p AND sk < :c" : "pk = :p",
        ExpressionAttributeValues: before ? { ":p": email, ":c": before } : { ":p": email },
        ScanIndexForward: false,
        // over-read a little: duplicates across addresses and the owner filter drop some
        Limit: limit + 1,
        ...(options.ownerId ? { FilterExpression: "contains(owners, :o)", ExpressionAttributeValues: { ":p": email, ":o": options.ownerId, ...(before ? { ":c": before } : {}) } } : {}),
      }),
    ),
  );
  const merged = pages.flatMap((p) => p.items).sort((a, b) => (a.sk < b.sk ? 1 : a.sk > b.sk ? -1 : 0));
  const seen = new Set<string>();
  const unique: Item[] = [];
  for (const item of merged) {
    if (seen.has(item.messageKey)) continue;
    seen.add(item.messageKey);
    unique.push(item);
  }
  const page = unique.slice(0, limit);
  const exhausted = pages.every((p) => !p.lastKey) && unique.length <= limit;
  const accounts = await accountEmails(db, page);
  return {
    items: page.map((item) => toSummary(item, accounts)),
    nextCursor: exhausted || !page.length ? null : encodeCursor(page[page.length - 1]!.sk),
  };
}

async function accountEmails(db: Db, items: Item[]): Promise<Map<string, string>> {
  const ids = new Set<string>();
  for (const item of items) for (const a of item.accounts ?? []) ids.add(a);
  const found = await db.batchGet("main", [...ids].map((id) => keys.account(id)));
  return new Map(found.map((a) => [a.id as string, a.email as string]));
}

function toSummary(item: Item, accounts: Map<string, string>): MessageSummary {
  const received = item.direction === "received";
  const to: { name: string | null; address: string }[] = item.to ?? [];
  const cc: { name: string | null; address: string }[] = item.cc ?? [];
  const contactSide = received ? item.from : [...to, ...cc].find((a) => a.address === item.contactEmail);
  const owners = Object.entries(item)
    .filter(([k]) => k.startsWith("src_"))
    .map(([k, v]) => ({ userId: (v as Item).ownerId as string, accountId: k.slice(4), email: accounts.get(k.slice(4)) ?? null }));
  return {
    id: `${encodeURIComponent(item.pk)}|${item.sk}`,
    date: item.date,
    direction: received ? "received" : "sent",
    subject: item.subject ?? "",
    counterpart: contactSide ?? { name: null, address: item.contactEmail },
    from: item.from ?? null,
    to,
    cc,
    owners,
    preview: item.preview ?? null,
    threadId: item.threadKey,
  };
}
