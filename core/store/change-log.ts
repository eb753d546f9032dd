import { randomUUID } from "node:crypto";
import type { Item } from "./db";
import { CHANGE_LOG_DAYS, keys } from "./keys";

/** Copy sort keys per change item: far below DynamoDB's 400 KB item limit even for long keys. */
const COPIES_PER_ITEM = 1000;

/**
 * What a change item says of its copies: `copies` were written (the sync, core/sync/store-messages.ts),
 * `removed` were deleted (disconnect, an excluded domain: core/sharing/copies.ts).
 */
export type ChangeKind = "copies" | "removed";

/**
 * The change items of a write or delete batch: for each contact address it touched, which
 * copies (their sort keys), in ONE item per address and batch (not one per copy, which would
 * double the sync's write cost), so a CRM can poll a contact's changes
 * (core/messages/changes.ts). To be written after the copies are written or deleted, so a
 * change never names a copy in a state not yet reached.
 */
export function changeItems(copies: Item[], now = new Date(), kind: ChangeKind = "copies"): Item[] {
  const byAddress = new Map<string, string[]>();
  for (const copy of copies) {
    const list = byAddress.get(copy.pk) ?? [];
    list.push(copy.sk);
    byAddress.set(copy.pk, list);
  }
  const at = now.toISOString();
  const expiresAt = Math.floor(now.getTime() / 1000) + CHANGE_LOG_DAYS * 86_400;
  const items: Item[] = [];
  for (const [email, sks] of byAddress) {
    for (let i = 0; i < sks.length; i += COPIES_PER_ITEM) {
      // the random tail keeps two batches of the same millisecond (two mailboxes) apart
      items.push({ ...keys.contactChange(email, at, randomUUID().slice(0, 8)), [kind]: sks.slice(i, i + COPIES_PER_ITEM), expiresAt });
    }
  }
  return items;
}
