/**
 * The 50音 order entries (contact-item.ts contactKanaKey): writeContact keeps one per contact,
 * and contacts saved before this order existed get theirs here, once, the first time the order
 * is needed. A marker item says it is done, so later lists cost one GetItem, not a scan.
 */
import type { Db, Item } from "../store/db";
import { keys } from "../store/keys";
import { mapPool } from "../shared/pool";
import { nowIso } from "../shared/ids";
import { contactKanaIndex, contactKanaKey, toContact } from "./contact-item";
import { kanaSortKey } from "./reading";

/** Marks that every contact has its 50音 entry (keys.ts: META / KANA_ORDER). */
const KANA_ORDER_DONE = { pk: "META", sk: "KANA_ORDER" };
/** Databases this process has seen done: the marker is read once per cold start, not per list. */
const done = new WeakSet<Db>();

/** The 50音 entry of a contact item. */
export const kanaEntry = (item: Item): Item => {
  const c = toContact(item);
  return { ...contactKanaKey(c.id), gsi1pk: contactKanaIndex, gsi1sk: `${kanaSortKey(c.reading, c.name)}#${c.id}`, contactId: c.id };
};

/**
 * Writes the missing entries of contacts saved before the 50音 order existed: one pass over the
 * contacts index. Each put is conditional on "no entry yet", so a contact changed meanwhile
 * (whose write put the current entry) keeps that one; two passes at once are harmless.
 */
export async function ensureKanaOrder(db: Db): Promise<void> {
  if (done.has(db)) return;
  if (!(await db.get("main", KANA_ORDER_DONE))) {
    let start: Item | undefined;
    do {
      const page = await db.query("main", {
        IndexName: "gsi1",
        KeyConditionExpression: "gsi1pk = :p",
        ExpressionAttributeValues: { ":p": keys.contactsIndex },
        Limit: 500,
        ExclusiveStartKey: start,
      });
      await mapPool(page.items, 8, (item) => db.put("main", kanaEntry(item), { expression: "attribute_not_exists(pk)" }));
      start = page.lastKey;
    } while (start);
    await db.put("main", { ...KANA_ORDER_DONE, at: nowIso() });
  }
  done.add(db);
}
