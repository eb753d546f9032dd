import { DeleteCommand } from "@aws-sdk/lib-dynamodb";
import { isConditionFailure, type Db, type Item } from "../store/db";
import { keys } from "../store/keys";
import { AppError, type FieldProblem } from "../shared/errors";
import { newId, nowIso } from "../shared/ids";
import { normaliseEmail } from "./email-address";
import { deletePartition } from "../sharing/index";
import { primaryTaken, refuseInternalAddresses } from "./guards";
import { recordBackfills } from "./backfill-store";
import { contactCompaniesIndex, contactCompanyKey, contactEmails, contactKanaKey, searchKey, toContact } from "./contact-item";
import { kanaSortKey, normaliseReading } from "./reading";
import { kanaEntry } from "./kana-order";
export { contactEmails, searchKey };
import type { Contact, ContactInput, ContactPatch } from "./schema";

export { normaliseEmail, looksLikeEmail } from "./email-address";
export * from "./schema";

/*
 * How contacts are written (no transactions: dynalite has none, see store/keys.ts). This file
 * is the contact store: every write of a contact, its address index entries and its external-id
 * claim. Over 400 lines because create, update, delete and upsert share the versioned write and
 * the claim protocol below; search (search.ts), backfill requests (backfill-store.ts) and the
 * bulk paths (bulk.ts, csv-import.ts) live beside it.
 *
 * - The contact item carries a `version`; every change is a conditional put on the version it
 *   read, so two concurrent writers cannot both win: the loser re-reads and tries again.
 * - The EMAIL#<address> index is kept a SUPERSET of the contacts' addresses: an address is
 *   added to the index (and its backfill recorded) BEFORE the contact item claims it, and
 *   removed AFTER the contact item stops claiming it. A crash in between leaves an extra
 *   index entry (the sync then stores mail under an address nobody shows: harmless), never
 *   a missing one (which would silently lose mail: Twenty's "secondary emails not matched").
 *   Readers (search) verify each hit against the contact item.
 * - An external id is claimed with a conditional put of CONTACTEXT#<externalId> before the
 *   contact exists, so two concurrent upserts of one external id make one contact.
 */

/** A contact as stored, with the version its next write must match. */
interface Stored {
  contact: Contact;
  version: number | undefined;
}

const toStored = (item: Item): Stored => ({ contact: toContact(item), version: typeof item.version === "number" ? item.version : undefined });

/** Field problems of a contact's addresses: an address listed twice (after normalisation). */
export function addressProblems(primary: string, secondary: string[]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const seen = new Set<string>([normaliseEmail(primary)]);
  secondary.forEach((address, i) => {
    const n = normaliseEmail(address);
    if (seen.has(n)) problems.push({ field: `secondaryEmails.${i}`, key: "duplicate_email", params: { address } });
    seen.add(n);
  });
  return problems;
}

function checkDistinct(primary: string, secondary: string[]): void {
  const fields = addressProblems(primary, secondary);
  if (fields.length) throw new AppError("validation", "validation_failed", { fields });
}

async function readStored(db: Db, id: string): Promise<Stored | undefined> {
  const item = await db.get("main", keys.contact(id));
  return item ? toStored(item) : undefined;
}

/** Whether two states of a contact differ in anything a user or the CRM can set. */
const sameContent = (a: Contact, b: Contact): boolean =>
  a.name === b.name &&
  a.reading === b.reading &&
  a.company === b.company &&
  a.primaryEmail === b.primaryEmail &&
  a.externalId === b.externalId &&
  a.secondaryEmails.length === b.secondaryEmails.length &&
  a.secondaryEmails.every((e, i) => e === b.secondaryEmails[i]);

/**
 * Writes `next` over `before` (undefined: a new contact). Returns false when someone else
 * changed (or created) the contact since `before` was read; the caller re-reads and retries.
 */
async function writeContact(db: Db, before: Stored | undefined, next: Contact): Promise<boolean> {
  const now = contactEmails(next);
  const old = before ? contactEmails(before.contact) : [];
  const added = now.filter((e) => !old.includes(e));
  const removed = old.filter((e) => !now.includes(e));

  // 1. Superset first: the backfill record, then the index entry, for every new address.
  await recordBackfills(db, next.id, added);
  for (const email of added) await indexAdd(db, email, next.id);

  // 2. The contact item, on the version read.
  const version = (before?.version ?? 0) + 1;
  const item = { ...keys.contact(next.id), gsi1pk: keys.contactsIndex, gsi1sk: `${searchKey(next.name)}#${next.id}`, ...next, version };
  const condition = !before
    ? { expression: "attribute_not_exists(pk)" }
    : before.version === undefined
      ? { expression: "attribute_exists(pk) AND attribute_not_exists(version)" }
      : { expression: "version = :v", values: { ":v": before.version } };
  if (!(await db.put("main", item, condition))) return false;

  // 3. Only now drop what the contact no longer claims. A concurrent writer may have re-added
  //    one of these addresses between our write and this DELETE: re-read and put it back.
  for (const email of removed) await indexRemove(db, email, next.id);
  if (removed.length) {
    const current = await readStored(db, next.id);
    const still = current ? contactEmails(current.contact).filter((e) => removed.includes(e)) : [];
    for (const email of still) await indexAdd(db, email, next.id);
  }

  // 4. The company search entry (a hint: search re-checks the contact's company).
  if (!before || searchKey(before.contact.company ?? "") !== searchKey(next.company ?? "")) {
    if (next.company) {
      await db.put("main", { ...contactCompanyKey(next.id), gsi1pk: contactCompaniesIndex, gsi1sk: `${searchKey(next.company)}#${next.id}`, contactId: next.id });
    } else if (before?.contact.company) {
      await db.delete("main", contactCompanyKey(next.id));
    }
  }

  // 5. The 50音 order entry (a hint like the company entry: the list reads the contact item).
  if (!before || kanaSortKey(before.contact.reading, before.contact.name) !== kanaSortKey(next.reading, next.name)) await db.put("main", kanaEntry(item));
  return true;
}

/** A reading as stored: normalised, and null when empty (undefined: not given). */
const storedReading = (reading: string | null | undefined): string | null | undefined => (reading === undefined ? undefined : reading ? normaliseReading(reading) || null : null);

/** Retries a read-modify-write a few times when another writer got there first. */
async function withRetries<T>(attempt: () => Promise<T | false>): Promise<T> {
  for (let i = 0; i < 6; i++) {
    const result = await attempt();
    if (result !== false) return result;
    await new Promise((r) => setTimeout(r, 5 * 2 ** i * Math.random()));
  }
  throw new AppError("transient", "service_unavailable", { cause: new Error("contact kept changing under a concurrent writer") });
}

// ---------------------------------------------------------------------------------------------
// External ids

/** A claim older than this whose contact never took the id is a crash's leftover: it may be taken. */
const STALE_CLAIM_MS = 5 * 60_000;

/** Whether a CONTACTEXT claim still binds: its contact holds the id, or it is young enough to be in flight. */
const claimIsLive = (claim: Item, holder: Item | undefined, externalId: string): boolean =>
  holder?.externalId === externalId || Date.now() - Date.parse(claim.claimedAt ?? "") < STALE_CLAIM_MS;

/**
 * Claims `externalId` for `contactId`. True when it is (now) this contact's; false when
 * another contact holds it.
 */
async function claimExternalId(db: Db, externalId: string, contactId: string): Promise<boolean> {
  const key = keys.contactExternal(externalId);
  for (let i = 0; i < 3; i++) {
    const claimedAt = nowIso();
    if (await db.put("main", { ...key, contactId, claimedAt }, { expression: "attribute_not_exists(pk)" })) return true;
    const claim = await db.get("main", key);
    if (!claim) continue;
    if (claim.contactId === contactId) return true;
    if (claimIsLive(claim, await db.get("main", keys.contact(claim.contactId)), externalId)) return false;
    if (await db.put("main", { ...key, contactId, claimedAt }, { expression: "contactId = :c", values: { ":c": claim.contactId } })) return true;
  }
  return false;
}

/**
 * Deletes the CONTACTEXT claim only while it still names this contact (and, given
 * `claimedAt`, was not renewed since). Db.delete takes no expression values, hence the
 * document client directly.
 */
async function releaseClaim(db: Db, externalId: string, contactId: string, claimedAt?: string): Promise<void> {
  try {
    await db.doc.send(
      new DeleteCommand({
        TableName: db.tables.main,
        Key: keys.contactExternal(externalId),
        ConditionExpression: claimedAt ? "contactId = :c AND claimedAt = :t" : "contactId = :c",
        ExpressionAttributeValues: claimedAt ? { ":c": contactId, ":t": claimedAt } : { ":c": contactId },
      }),
    );
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
  }
}

const externalIdTaken = () => new AppError("conflict", "contact_external_id_taken", { fields: [{ field: "externalId", key: "external_id_taken" }] });

// ---------------------------------------------------------------------------------------------
// Create, read, update, delete

/** The addresses of a contact as fields, for the checks that name them. */
const addressFields = (primary: string, secondary: string[]) => [
  { field: "primaryEmail", address: primary },
  ...secondary.map((address, i) => ({ field: `secondaryEmails.${i}`, address })),
];

export async function createContact(db: Db, input: ContactInput): Promise<Contact> {
  const secondary = input.secondaryEmails ?? [];
  checkDistinct(input.primaryEmail, secondary);
  await refuseInternalAddresses(db, addressFields(normaliseEmail(input.primaryEmail), secondary.map(normaliseEmail)));
  // one contact per primary address: a second one would split the history silently
  const existing = (await byPrimaryEmail(db, normaliseEmail(input.primaryEmail)))[0];
  if (existing) throw primaryTaken(existing.contact);
  const now = nowIso();
  const contact: Contact = {
    id: newId(),
    name: input.name,
    reading: storedReading(input.reading) ?? null,
    company: input.company || null,
    primaryEmail: normaliseEmail(input.primaryEmail),
    secondaryEmails: secondary.map(normaliseEmail),
    externalId: input.externalId ?? null,
    createdAt: now,
    updatedAt: now,
  };
  if (contact.externalId && !(await claimExternalId(db, contact.externalId, contact.id))) throw externalIdTaken();
  // A fresh id cannot collide; the condition only guards against the impossible.
  if (!(await writeContact(db, undefined, contact))) throw new AppError("transient", "service_unavailable");
  return contact;
}

export async function getContact(db: Db, id: string): Promise<Contact> {
  const stored = await readStored(db, id);
  if (!stored) throw new AppError("notFound", "contact_not_found");
  return stored.contact;
}

export async function updateContact(db: Db, id: string, patch: ContactPatch): Promise<Contact> {
  let claimed: string | undefined;
  const result = await withRetries(async () => {
    const before = await readStored(db, id);
    if (!before) throw new AppError("notFound", "contact_not_found");
    const b = before.contact;
    const next: Contact = {
      ...b,
      name: patch.name ?? b.name,
      reading: patch.reading === undefined ? b.reading : (storedReading(patch.reading) ?? null),
      company: patch.company === undefined ? b.company : patch.company || null,
      primaryEmail: patch.primaryEmail ? normaliseEmail(patch.primaryEmail) : b.primaryEmail,
      secondaryEmails: patch.secondaryEmails ? patch.secondaryEmails.map(normaliseEmail) : b.secondaryEmails,
      externalId: patch.externalId === undefined ? b.externalId : patch.externalId || null,
      updatedAt: nowIso(),
    };
    checkDistinct(next.primaryEmail, next.secondaryEmails);
    if (sameContent(b, next)) return { before: b, after: b };
    const old = new Set(contactEmails(b));
    await refuseInternalAddresses(
      db,
      addressFields(next.primaryEmail, next.secondaryEmails).filter((f) => !old.has(f.address)),
    );
    if (next.primaryEmail !== b.primaryEmail) {
      const existing = (await byPrimaryEmail(db, next.primaryEmail)).find((s) => s.contact.id !== id);
      if (existing) throw primaryTaken(existing.contact);
    }
    if (next.externalId && next.externalId !== b.externalId && claimed !== next.externalId) {
      if (!(await claimExternalId(db, next.externalId, id))) throw externalIdTaken();
      claimed = next.externalId;
    }
    return (await writeContact(db, before, next)) ? { before: b, after: next } : false;
  });
  if (result.before.externalId && result.before.externalId !== result.after.externalId) await releaseClaim(db, result.before.externalId, id);
  return result.after;
}

export async function deleteContact(db: Db, id: string): Promise<void> {
  const before = await getContact(db, id);
  // The claim as it is now: if a bulk upsert re-creates the contact meanwhile, it renews the
  // claim, and the release below (conditional on this claimedAt) leaves it alone.
  const claim = before.externalId ? await db.get("main", keys.contactExternal(before.externalId)) : undefined;
  // The contact first, its index entries after: the index stays a superset (see above).
  await db.delete("main", keys.contact(id));
  for (const email of contactEmails(before)) await indexRemove(db, email, id);
  // what only this contact held: the copies under an address no other contact has
  for (const email of contactEmails(before)) {
    const left = await db.get("main", keys.contactEmail(email));
    if (!left?.contactIds?.size) {
      await deletePartition(db, email);
      // conditional: a contact gaining this address meanwhile has added itself to the entry first
      await db.delete("main", keys.contactEmail(email), "attribute_not_exists(contactIds)");
    }
  }
  if (before.company) await db.delete("main", contactCompanyKey(id));
  await db.delete("main", contactKanaKey(id));
  if (before.externalId && claim?.contactId === id) await releaseClaim(db, before.externalId, id, claim.claimedAt);
}

// ---------------------------------------------------------------------------------------------
// Upsert (bulk API, CSV import)

/** A contact's full state as the CRM or a file gives it. */
export interface ContactState {
  name: string;
  /** undefined: keep the stored reading (the bulk API, a CSV without a reading column); null: none. */
  reading?: string | null;
  /** undefined: keep the stored company (a CSV without a company column); null: none. */
  company?: string | null;
  primaryEmail: string;
  /** undefined: keep the stored secondary addresses. */
  secondaryEmails?: string[];
  externalId?: string | null;
}

export type UpsertStatus = "created" | "updated" | "unchanged";
export interface UpsertResult {
  status: UpsertStatus;
  contact: Contact;
}

function merged(before: Contact | undefined, state: ContactState, id: string): Contact {
  const now = nowIso();
  return {
    id,
    name: state.name,
    reading: state.reading === undefined ? (before?.reading ?? null) : (storedReading(state.reading) ?? null),
    company: state.company === undefined ? (before?.company ?? null) : state.company || null,
    primaryEmail: normaliseEmail(state.primaryEmail),
    secondaryEmails: state.secondaryEmails === undefined ? (before?.secondaryEmails ?? []) : state.secondaryEmails.map(normaliseEmail),
    externalId: state.externalId === undefined ? (before?.externalId ?? null) : state.externalId,
    createdAt: before?.createdAt ?? now,
    updatedAt: now,
  };
}

/** What a caller may already know about an external id (from one BatchGetItem for many rows). */
export interface KnownExternal {
  claim?: Item;
  contact?: Item;
}

/**
 * Creates or updates the contact holding `state.externalId` (required). Idempotent: the same
 * state again answers "unchanged" and writes nothing. Two concurrent calls for one external
 * id make one contact: the CONTACTEXT claim is a conditional put, and the contact item a
 * conditional put on "not there yet" or on the version read.
 */
export async function upsertByExternalId(db: Db, state: ContactState & { externalId: string }, known?: KnownExternal): Promise<UpsertResult> {
  checkDistinct(state.primaryEmail, state.secondaryEmails ?? []);
  let hint = known;
  return withRetries(async () => {
    const key = keys.contactExternal(state.externalId);
    let claim = hint ? hint.claim : await db.get("main", key);
    let before: Stored | undefined;
    if (!claim) {
      const id = newId();
      if (!(await db.put("main", { ...key, contactId: id, claimedAt: nowIso() }, { expression: "attribute_not_exists(pk)" }))) {
        hint = undefined;
        return false;
      }
      claim = { contactId: id };
    } else {
      const item = hint?.contact ?? (await db.get("main", keys.contact(claim.contactId)));
      if (item && item.externalId !== state.externalId) {
        // The claim is left over from a change of external id that never finished; once it is
        // stale, replace it with a new contact's, else wait for the change to land.
        hint = undefined;
        if (claimIsLive(claim, item, state.externalId)) return false;
        const id = newId();
        const replaced = await db.put("main", { ...key, contactId: id, claimedAt: nowIso() }, { expression: "contactId = :c", values: { ":c": claim.contactId } });
        if (!replaced) return false;
        claim = { contactId: id };
      } else if (item) {
        before = toStored(item);
      } else {
        // A claim whose contact is missing: its creator is still writing it, or crashed, or
        // the contact is being deleted. Renew the claim (so a delete that read it does not
        // release it under us), then write on "not there yet": exactly one writer wins.
        const renewed = await db.put("main", { ...key, contactId: claim.contactId, claimedAt: nowIso() }, { expression: "contactId = :c", values: { ":c": claim.contactId } });
        if (!renewed) {
          hint = undefined;
          return false;
        }
      }
    }
    hint = undefined;
    const next = merged(before?.contact, state, claim.contactId);
    if (before && sameContent(before.contact, next)) return { status: "unchanged" as const, contact: before.contact };
    if (!(await writeContact(db, before, next))) return false;
    return { status: before ? ("updated" as const) : ("created" as const), contact: next };
  });
}

/**
 * The CSV import's rule for a row without an external id: update the contact whose PRIMARY
 * address is this one (the oldest, if several), else create one. An existing external id is
 * kept. Not safe against two concurrent imports of the same new address (no claim exists for
 * primary addresses): each could create it.
 */
export async function upsertByPrimaryEmail(db: Db, state: ContactState): Promise<UpsertResult> {
  checkDistinct(state.primaryEmail, state.secondaryEmails ?? []);
  const address = normaliseEmail(state.primaryEmail);
  return withRetries(async () => {
    const before = (await byPrimaryEmail(db, address))[0];
    const next = merged(before?.contact, { ...state, externalId: before ? before.contact.externalId : (state.externalId ?? null) }, before?.contact.id ?? newId());
    if (before && sameContent(before.contact, next)) return { status: "unchanged" as const, contact: before.contact };
    if (!(await writeContact(db, before, next))) return false;
    return { status: before ? ("updated" as const) : ("created" as const), contact: next };
  });
}

/** The contacts whose primary address is this one, oldest first. */
async function byPrimaryEmail(db: Db, address: string): Promise<Stored[]> {
  const index = await db.get("main", keys.contactEmail(address));
  const ids = index?.contactIds ? [...(index.contactIds as Set<string>)] : [];
  const candidates = ids.length
    ? (
        await db.batchGet(
          "main",
          ids.map((id) => keys.contact(id)),
        )
      ).map(toStored)
    : [];
  return candidates
    .filter((s) => s.contact.primaryEmail === address)
    .sort((a, b) => a.contact.createdAt.localeCompare(b.contact.createdAt) || a.contact.id.localeCompare(b.contact.id));
}

/**
 * A new external id whose primary address belongs to a contact without one (typed in by hand
 * before the CRM was connected) takes that contact over instead of making a second one.
 * Undefined when there is none, or when another contact got the external id first.
 */
async function adoptByPrimaryEmail(db: Db, state: ContactState & { externalId: string }): Promise<UpsertResult | undefined> {
  const address = normaliseEmail(state.primaryEmail);
  const orphan = (await byPrimaryEmail(db, address)).find((s) => !s.contact.externalId);
  if (!orphan) return undefined;
  const id = orphan.contact.id;
  if (!(await claimExternalId(db, state.externalId, id))) return undefined;
  const result = await withRetries(async () => {
    const before = await readStored(db, id);
    if (!before || (before.contact.externalId && before.contact.externalId !== state.externalId)) return null;
    const next = merged(before.contact, state, id);
    if (sameContent(before.contact, next)) return { status: "unchanged" as const, contact: before.contact };
    return (await writeContact(db, before, next)) ? { status: "updated" as const, contact: next } : false;
  });
  if (result) return result;
  await releaseClaim(db, state.externalId, id);
  return undefined;
}

/**
 * The rule of bulk upsert and CSV import for one row:
 * - with an external id: the contact holding it; else (the id is new) the contact with this
 *   primary address and no external id yet; else a new contact, unless another contact has
 *   this primary address (the row is refused: one contact per primary address);
 * - without one: the contact whose primary address this is; else a new contact.
 */
export async function upsertContact(db: Db, state: ContactState, known?: KnownExternal): Promise<UpsertResult> {
  const externalId = state.externalId;
  if (!externalId) return upsertByPrimaryEmail(db, state);
  checkDistinct(state.primaryEmail, state.secondaryEmails ?? []);
  const claim = known ? known.claim : await db.get("main", keys.contactExternal(externalId));
  if (!claim) {
    const adopted = await adoptByPrimaryEmail(db, { ...state, externalId });
    if (adopted) return adopted;
    // one contact per primary address: a new external id does not make a second contact for an
    // address another CRM record already holds (the row is refused, naming that contact)
    const holder = (await byPrimaryEmail(db, normaliseEmail(state.primaryEmail))).find((c) => c.contact.externalId !== externalId);
    if (holder) throw primaryTaken(holder.contact);
    known = undefined; // the claims may have moved meanwhile
  }
  return upsertByExternalId(db, { ...state, externalId }, known);
}

/**
 * What upsertContact would do with `state`, without writing: the import preview says which rows
 * create a contact, which update one and which change nothing; it throws what upsertContact
 * would throw for a row it refuses. Reads what upsertContact reads
 * (the external id's claim, else the contacts with that primary address); a write between the
 * preview and the import can still change the answer.
 */
export async function predictUpsert(db: Db, state: ContactState, known?: KnownExternal): Promise<UpsertStatus> {
  const against = (before: Contact | undefined, next: (b: Contact) => Contact): UpsertStatus => (!before ? "created" : sameContent(before, next(before)) ? "unchanged" : "updated");
  const address = normaliseEmail(state.primaryEmail);
  if (state.externalId) {
    const claim = known ? known.claim : await db.get("main", keys.contactExternal(state.externalId));
    if (claim) {
      const item = known?.contact ?? (await db.get("main", keys.contact(claim.contactId)));
      return against(item ? toContact(item) : undefined, (b) => merged(b, state, b.id));
    }
    // no claim yet: it adopts a contact with this primary address and no external id, or creates
    // one; unless another CRM record holds the address, where upsertContact refuses the row
    const holders = await byPrimaryEmail(db, address);
    const orphan = holders.find((c) => !c.contact.externalId);
    const holder = holders.find((c) => c.contact.externalId !== state.externalId);
    if (!orphan && holder) throw primaryTaken(holder.contact);
    return against(orphan?.contact, (b) => merged(b, state, b.id));
  }
  const before = (await byPrimaryEmail(db, address))[0]?.contact;
  return against(before, (b) => merged(b, { ...state, externalId: b.externalId }, b.id));
}

/** The claims and contacts of many external ids, with two BatchGetItem rounds per 100. */
export async function readExternal(db: Db, externalIds: string[]): Promise<Map<string, KnownExternal>> {
  const unique = [...new Set(externalIds)];
  const claims = await db.batchGet(
    "main",
    unique.map((e) => keys.contactExternal(e)),
  );
  const byId = new Map<string, Item>();
  const contactIds = claims.map((c) => c.contactId as string);
  for (const item of await db.batchGet(
    "main",
    [...new Set(contactIds)].map((id) => keys.contact(id)),
  ))
    byId.set(item.id, item);
  const out = new Map<string, KnownExternal>(unique.map((e) => [e, {}]));
  for (const claim of claims) {
    const externalId = (claim.pk as string).slice("CONTACTEXT#".length);
    out.set(externalId, { claim, contact: byId.get(claim.contactId) });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The EMAIL#<address> index and backfills

/** ADD/DELETE on a string set is idempotent: a retried write changes nothing. */
const indexAdd = (db: Db, email: string, contactId: string) =>
  db.update("main", keys.contactEmail(email), { expression: "ADD contactIds :c SET email = :e", values: { ":c": new Set([contactId]), ":e": email } });
const indexRemove = (db: Db, email: string, contactId: string) =>
  db.update("main", keys.contactEmail(email), { expression: "DELETE contactIds :c", values: { ":c": new Set([contactId]) } });

/** Which of these (normalised) addresses belong to a contact: one BatchGetItem per 100. */
export async function matchContactEmails(db: Db, addresses: Iterable<string>): Promise<Set<string>> {
  const unique = [...new Set(addresses)];
  if (!unique.length) return new Set();
  const items = await db.batchGet(
    "main",
    unique.map((e) => keys.contactEmail(e)),
  );
  return new Set(items.filter((i) => i.contactIds && i.contactIds.size > 0).map((i) => i.email as string));
}
export { bulkUpsert } from "./bulk";
export { planImport, previewImport, runImport } from "./csv-import";
export { rejectedRowsCsv, templateCsv } from "./csv-files";
export { backfillKey, backfillRequestedSince, clearBackfill, pendingBackfills, readBackfillRequests, type Backfill } from "./backfill-store";
export { listContacts, MAX_PAGE, searchContacts, SMALL_LIST, type ContactPage, type ContactSearch } from "./search";
