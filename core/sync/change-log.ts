import { randomUUID } from "node:crypto";
import type { Db, Item } from "../store/db";
import { CHANGE_LOG_DAYS, keys } from "../store/keys";

/** Copy sort keys per change item: far below DynamoDB's 400 KB item limit even for long keys. */
const COPIES_PER_ITEM = 1000;

/**
 * Notes, for each contact address a write batch stored copies under, which copies it wrote:
 * ONE item per address and batch (not one per copy, which would double the sync's write
 * cost), so a CRM can poll a contact's new mail (core/messages/changes.ts). Written after the
 * copies, so a change never names a copy that is not stored yet.
 */
export async function logChanges(db: Db, copies: Item[], now = new Date()): Promise<void> {
  const byAddress = new Map<string, string[]>();
  for (const copy of copies) {
    const list = byAddress.get(copy.pk) ?? [];
    list.push(copy.sk);
    byAddress.set(copy.pk, list);
  }
  const at = now.toISOString();
  const expiresAt = Math.floor(now.getTime() / 1000) + CHANGE_LOG_DAYS * 86_400;
  const puts: Item[] = [];
  for (const [email, sks] of byAddress) {
    for (let i = 0; i < sks.length; i += COPIES_PER_ITEM) {
      // the random tail keeps two batches of the same millisecond (two mailboxes) apart
      puts.push({ ...keys.contactChange(email, at, randomUUID().slice(0, 8)), copies: sks.slice(i, i + COPIES_PER_ITEM), expiresAt });
    }
  }
  for (let i = 0; i < puts.length; i += 25) await db.batchWrite("main", puts.slice(i, i + 25).map((put) => ({ put })));
}
