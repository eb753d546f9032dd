/**
 * The backfill requests: one item per address a contact gained, read by the sync to fetch that
 * address's past mail. Every write and read of them is here.
 */
import type { Db, Item } from "../store/db";
import { keys } from "../store/keys";
import { nowIso } from "../shared/ids";

/**
 * A pending backfill: `{ pk: "BACKFILL", sk: "<iso time>#<address>", address, contactId, at }`
 * in the Main table (keys.backfill). Written whenever a contact gains an address (create,
 * update, bulk upsert, CSV import) BEFORE the address enters the EMAIL# index, so the sync can
 * fetch that address's past mail (within the sync window) without a full resync. Sorted by
 * time: a reader keeps the last sk it handled and asks for what comes after.
 */
export const backfillKey = keys.backfill;
const BACKFILL_PK = backfillKey("", "").pk;
const BACKFILL_KEEP_SECONDS = 30 * 86_400;

export interface Backfill {
  /** The item's sort key: pass it to clearBackfill once the address's past mail is stored. */
  sk: string;
  address: string;
  contactId: string;
  at: string;
}

export async function recordBackfills(db: Db, contactId: string, addresses: string[]): Promise<void> {
  if (!addresses.length) return;
  const at = nowIso();
  // kept 30 days (DynamoDB's TTL tidies up): a mailbox that does not sync for longer than that
  // misses older requests, and with them the past mail of those new addresses
  const expiresAt = Math.floor(Date.parse(at) / 1000) + BACKFILL_KEEP_SECONDS;
  await db.batchWrite(
    "main",
    addresses.map((address) => ({ put: { ...backfillKey(at, address), address, contactId, at, expiresAt } })),
  );
}

/**
 * Addresses waiting for their past mail, oldest first: at most `limit` (default 100) records
 * after the sort key `after` (default: from the start).
 */
export async function pendingBackfills(db: Db, options: { after?: string; limit?: number } = {}): Promise<Backfill[]> {
  const items = await readBackfillRequests(db, options.after ?? "", { limit: options.limit ?? 100 });
  return items.map((i) => ({ sk: i.sk, address: i.address, contactId: i.contactId, at: i.at ?? String(i.sk).slice(0, String(i.sk).indexOf("#")) }));
}

/**
 * The one reader of the backfill requests: those whose sort key comes after `after` (from
 * `after` itself when `inclusive`), oldest first; all of them, or the first `limit`.
 */
export async function readBackfillRequests(db: Db, after: string, options: { inclusive?: boolean; limit?: number } = {}): Promise<Item[]> {
  const query = {
    KeyConditionExpression: `pk = :p AND sk ${options.inclusive ? ">=" : ">"} :s`,
    ExpressionAttributeValues: { ":p": BACKFILL_PK, ":s": after },
  };
  if (options.limit === undefined) return db.queryAll("main", query);
  return (await db.query("main", { ...query, Limit: options.limit })).items;
}

/** Whether any address was given a backfill request at or after `since` (ISO): one read of one item. */
export async function backfillRequestedSince(db: Db, since: string): Promise<boolean> {
  return (await readBackfillRequests(db, since, { inclusive: true, limit: 1 })).length > 0;
}

/** Marks one backfill done. Idempotent. */
export async function clearBackfill(db: Db, sk: string): Promise<void> {
  await db.delete("main", { pk: BACKFILL_PK, sk });
}
