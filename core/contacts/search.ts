/**
 * Listing and searching contacts: by exact address, by the start of a name or company, or the
 * whole list in name order a page at a time.
 */
import type { Db, Item } from "../store/db";
import { keys } from "../store/keys";
import { decodePageCursor, encodePageCursor } from "../shared/page-cursor";
import type { Contact } from "./schema";
import { contactCompaniesIndex, contactEmails, contactKanaIndex, searchKey, toContact } from "./contact-item";
import { normaliseEmail } from "./email-address";
import { ensureKanaOrder } from "./kana-order";
import { kanaFold, kanaSortKey } from "./reading";

/** Up to this many contacts, search reads them all and matches anywhere in any field. */
export const SMALL_LIST = 200;
export const MAX_PAGE = 500;

export interface ContactSearch {
  /** Free text: an address, or the start of a name or company. */
  q?: string;
  /** Page size, 1..500. Default 500. */
  limit?: number;
  /** nextCursor of the previous page (listing without q only). */
  cursor?: string;
  /** "name" (default): by name; "kana": 50音 order of the reading, else the name. */
  order?: "name" | "kana";
}

export interface ContactPage {
  items: Contact[];
  nextCursor: string | null;
}

/** A contact list cursor: exactly the index key DynamoDB returned, on one of these indexes. */
const isListKeyOn =
  (...indexes: string[]) =>
  (key: unknown): key is Item => {
    const k = (key ?? {}) as Item;
    return ["pk", "sk", "gsi1pk", "gsi1sk"].every((f) => typeof k[f] === "string") && Object.keys(k).length === 4 && indexes.includes(k.gsi1pk);
  };

/** The contacts of these ids in this order (one BatchGetItem per 100); ids of deleted contacts are left out. */
async function contactsByIds(db: Db, ids: string[]): Promise<Contact[]> {
  if (!ids.length) return [];
  const items = await db.batchGet(
    "main",
    ids.map((id) => keys.contact(id)),
  );
  const byId = new Map(items.map((i) => [i.id as string, toContact(i)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** Sorts contacts in 50音 order (the kana index's order). */
const byKana = (a: Contact, b: Contact) => {
  const ka = `${kanaSortKey(a.reading, a.name)}#${a.id}`;
  const kb = `${kanaSortKey(b.reading, b.name)}#${b.id}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

function indexQuery(gsi1pk: string, prefix: string | undefined, limit: number, start?: Item) {
  return {
    IndexName: "gsi1",
    KeyConditionExpression: prefix ? "gsi1pk = :p AND begins_with(gsi1sk, :s)" : "gsi1pk = :p",
    ExpressionAttributeValues: prefix ? { ":p": gsi1pk, ":s": prefix } : { ":p": gsi1pk },
    Limit: limit,
    ExclusiveStartKey: start,
  };
}

/**
 * Contacts in name order (`order` "kana": 50音 order of the reading, else the name), a page at a
 * time. With `q`:
 * - a list of up to SMALL_LIST contacts is read whole and matched anywhere in name, company
 *   and every address (case-insensitive), as before;
 * - a larger list is searched through indexes only: the exact address (EMAIL#<address>,
 *   primary or secondary), then names starting with q, then readings (else names) starting
 *   with q in kana folded to hiragana, then companies starting with q;
 *   each hit is re-checked against the contact item. At most `limit` results, no cursor.
 */
export async function searchContacts(db: Db, search: ContactSearch = {}): Promise<ContactPage> {
  const limit = Math.min(Math.max(search.limit ?? MAX_PAGE, 1), MAX_PAGE);
  const needle = search.q?.trim();
  // until contacts saved before the 50音 order have their entries, the list stays in name order
  const kana = search.order === "kana" && (await ensureKanaOrder(db));
  if (!needle) {
    // a cursor goes on in its own order: a list begun in name order while the 50音 entries were
    // being written ends in name order
    const accepted = search.order === "kana" ? isListKeyOn(contactKanaIndex, keys.contactsIndex) : isListKeyOn(keys.contactsIndex);
    const start = search.cursor ? decodePageCursor(search.cursor, accepted) : undefined;
    const index = start ? (start.gsi1pk as string) : kana ? contactKanaIndex : keys.contactsIndex;
    const page = await db.query("main", indexQuery(index, undefined, limit, start));
    const items =
      index === contactKanaIndex
        ? await contactsByIds(
            db,
            page.items.map((i) => i.contactId as string),
          )
        : page.items.map(toContact);
    return { items, nextCursor: page.lastKey ? encodePageCursor(page.lastKey) : null };
  }

  const probe = await db.query("main", indexQuery(keys.contactsIndex, undefined, SMALL_LIST));
  if (!probe.lastKey) {
    const lower = needle.toLowerCase();
    const folded = searchKey(needle);
    // kana typed either way finds either: "やまだ" finds the reading ヤマダ タロウ
    const kanaNeedle = kanaFold(needle);
    const items = probe.items
      .map(toContact)
      .filter((c) =>
        [c.name, c.reading ?? "", c.company ?? "", c.primaryEmail, ...c.secondaryEmails].some(
          (v) => v.toLowerCase().includes(lower) || searchKey(v).includes(folded) || kanaFold(v).includes(kanaNeedle),
        ),
      );
    return { items: (kana ? items.sort(byKana) : items).slice(0, limit), nextCursor: null };
  }

  const found = new Map<string, Contact>();
  const take = (c: Contact) => found.size < limit && !found.has(c.id) && found.set(c.id, c);
  if (needle.includes("@")) {
    const address = normaliseEmail(needle);
    const entry = await db.get("main", keys.contactEmail(address));
    const ids = entry?.contactIds ? [...(entry.contactIds as Set<string>)] : [];
    (await contactsByIds(db, ids))
      .filter((c) => contactEmails(c).includes(address))
      .sort((a, b) => a.name.localeCompare(b.name))
      .forEach(take);
  }
  const prefix = searchKey(needle);
  if (found.size < limit) {
    const byName = await db.query("main", indexQuery(keys.contactsIndex, prefix, limit));
    byName.items
      .map(toContact)
      .filter((c) => searchKey(c.name).startsWith(prefix))
      .forEach(take);
  }
  // readings (and kana names) starting with q, katakana and hiragana alike: the 50音 index
  const kanaPrefix = kanaFold(needle);
  if (found.size < limit && kanaPrefix && (await ensureKanaOrder(db))) {
    const byReading = await db.query("main", indexQuery(contactKanaIndex, kanaPrefix, limit));
    (
      await contactsByIds(
        db,
        byReading.items.map((i) => i.contactId as string).filter((id) => !found.has(id)),
      )
    )
      .filter((c) => kanaSortKey(c.reading, c.name).startsWith(kanaPrefix))
      .forEach(take);
  }
  if (found.size < limit) {
    const byCompany = await db.query("main", indexQuery(contactCompaniesIndex, prefix, limit));
    (
      await contactsByIds(
        db,
        byCompany.items.map((i) => i.contactId as string).filter((id) => !found.has(id)),
      )
    )
      .filter((c) => searchKey(c.company ?? "").startsWith(prefix))
      .forEach(take);
  }
  return { items: [...found.values()], nextCursor: null };
}

/** Contacts by name order; `q` as in searchContacts. The first page only. */
export async function listContacts(db: Db, q?: string): Promise<Contact[]> {
  return (await searchContacts(db, { q })).items;
}
