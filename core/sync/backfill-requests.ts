import type { Db, Item } from "../store/db";
import type { AccountRecord } from "../accounts/index";
import { readBackfillRequests } from "../contacts/index";

/*
 * Past mail for a contact's new address (core/contacts writes a BACKFILL request whenever a
 * contact gains one). Each account keeps two marks on its item:
 * - `backfillSeen`: every request at or below it has surely been taken by one of its jobs.
 *   A request's time is stamped before its write lands, so a job can read the partition
 *   before a slightly earlier-stamped request is there. The mark therefore never passes the
 *   job's start minus the settle time: a job takes every request it sees, at once, and the
 *   recent ones (which a late write could still precede) are taken again by the next job.
 *   Taking one twice costs a SEARCH; stored copies are idempotent.
 * - `backfillTaken`: the last request a finished job took, so the console can say whether a
 *   contact's past mail is still being fetched.
 * When a contact gains an address, every mailbox that can sync gets a job at once
 * (backfill-jobs.ts) instead of waiting for the schedule.
 */

/** What the job's folders search for, and the marks to save once every folder is done. */
export interface BackfillPlan {
  addresses: string[];
  /** The requests taken, for whoever announces a contact's backfill done (MailEventSink.backfillTaken). */
  requests?: { contactId: string; requestSk: string }[];
  marks?: { seen: string; taken: string };
}

/**
 * Addresses that contacts gained since this account last looked: past mail to and from them
 * is searched for in folders already synced. `fresh` skips this process's short-lived cache
 * (a job queued because a contact was just added must see that contact's request).
 */
export async function pendingBackfill(db: Db, account: AccountRecord, settleMs: number, fresh = false): Promise<BackfillPlan> {
  const after = account.backfillSeen ?? "";
  const items = await backfillRequestsAfter(db, after, settleMs, fresh);
  if (!items.length) return { addresses: [] };
  return {
    addresses: [...new Set(items.map((i) => i.address as string))],
    requests: items.map((i) => ({ contactId: i.contactId as string, requestSk: i.sk as string })),
    marks: backfillMarks(items[items.length - 1]!.sk as string, after, Date.now(), settleMs),
  };
}

/**
 * The marks after a job took every request up to `taken` (the last sort key it read), its
 * mark having been `after`: `seen` never passes the settle line (now - settleMs), so requests
 * stamped after that line are taken again by the next job. "<iso>" sorts before every
 * "<iso>#<address>" of the same instant.
 */
export function backfillMarks(taken: string, after: string, now: number, settleMs: number): { seen: string; taken: string } {
  const settled = new Date(now - settleMs).toISOString();
  const seen = taken < settled ? taken : settled > after ? settled : after;
  return { seen, taken };
}

/**
 * Every job of every mailbox asks the same question of the same partition ("any requests after
 * my mark?"), and once caught up every account has the same mark. The answer is kept for a
 * while per mark in this process: at most half the settle time, so no request stamped before
 * a cached read can be missed by the mark (which stays a settle time behind the job).
 */
const backfillCache = new Map<string, { at: number; items: Item[] }>();
async function backfillRequestsAfter(db: Db, after: string, settleMs: number, fresh: boolean): Promise<Item[]> {
  const ttl = Math.min(30_000, settleMs / 2);
  const hit = fresh ? undefined : backfillCache.get(after);
  if (hit && Date.now() - hit.at < ttl) return hit.items;
  const items = await readBackfillRequests(db, after);
  if (backfillCache.size > 100) backfillCache.clear();
  if (ttl > 0) backfillCache.set(after, { at: Date.now(), items });
  return items;
}

/** Forgets the cached requests (the state of a fresh Lambda container). */
export const forgetBackfillCache = (): void => backfillCache.clear();
