/**
 * The 50音 order entries (contact-item.ts contactKanaKey): writeContact keeps one per contact,
 * and contacts saved before this order existed get theirs here, the first times the order is
 * needed. A marker item records how far that pass has come and then that it is done, so later
 * lists cost one GetItem per cold start, not a scan.
 */
import type { Db, Item } from "../store/db";
import { keys } from "../store/keys";
import { mapPool } from "../shared/pool";
import { nowIso } from "../shared/ids";
import { contactKanaIndex, contactKanaKey, toContact } from "./contact-item";
import { kanaSortKey } from "./reading";

/** The pass's progress and end (keys.ts: META / KANA_ORDER): `done`, or `after`, the contacts index key to go on from. */
const KANA_ORDER = { pk: "META", sk: "KANA_ORDER" };
/** Databases this process has seen done: the marker is read once per cold start, not per list. */
const done = new WeakSet<Db>();
/**
 * How long one request spends on the pass: well inside API Gateway's 30 s, so a large CRM
 * (about 1,500 contacts a second at 8 puts in flight) is done over a few requests, never a timeout.
 */
const PASS_BUDGET_MS = 8_000;

/** The 50音 entry of a contact item. */
export const kanaEntry = (item: Item): Item => {
  const c = toContact(item);
  return { ...contactKanaKey(c.id), gsi1pk: contactKanaIndex, gsi1sk: `${kanaSortKey(c.reading, c.name)}#${c.id}`, contactId: c.id };
};

/**
 * Writes the missing entries of contacts saved before the 50音 order existed: one pass over the
 * contacts index, a page at a time, its position saved after each page so the next request goes
 * on from there. Each put is conditional on "no entry yet", so a contact changed meanwhile (whose
 * write put the current entry) keeps that one; two passes at once are harmless. True once every
 * contact has its entry; false while the pass is under way (the caller lists by name meanwhile).
 */
export async function ensureKanaOrder(db: Db, budgetMs = PASS_BUDGET_MS): Promise<boolean> {
  if (done.has(db)) return true;
  const marker = await db.get("main", KANA_ORDER);
  if (!marker?.done) {
    const until = Date.now() + budgetMs;
    let start = marker?.after as Item | undefined;
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
      await db.put("main", start ? { ...KANA_ORDER, after: start, at: nowIso() } : { ...KANA_ORDER, done: true, at: nowIso() });
    } while (start && Date.now() < until);
    if (start) return false;
  }
  done.add(db);
  return true;
}
