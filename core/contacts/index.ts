import type { Db, Item } from "../store/db";
import { keys } from "../store/keys";
import { AppError } from "../shared/errors";
import { newId, nowIso } from "../shared/ids";
import { normaliseEmail } from "./email-address";
import type { Contact, ContactInput, ContactPatch } from "./schema";

export { normaliseEmail, looksLikeEmail } from "./email-address";
export * from "./schema";

const toContact = (item: Item): Contact => ({
  id: item.id,
  name: item.name,
  company: item.company ?? null,
  primaryEmail: item.primaryEmail,
  secondaryEmails: item.secondaryEmails ?? [],
  externalId: item.externalId ?? null,
  createdAt: item.createdAt,
  updatedAt: item.updatedAt,
});

/** Every address of a contact, normalised, primary first, each once. */
export const contactEmails = (c: Pick<Contact, "primaryEmail" | "secondaryEmails">): string[] => [
  ...new Set([c.primaryEmail, ...c.secondaryEmails].map(normaliseEmail)),
];

function checkDistinct(primary: string, secondary: string[]): void {
  const seen = new Set<string>([normaliseEmail(primary)]);
  secondary.forEach((address, i) => {
    const n = normaliseEmail(address);
    if (seen.has(n)) throw new AppError("validation", "validation_failed", { fields: [{ field: `secondaryEmails.${i}`, key: "duplicate_email", params: { address } }] });
    seen.add(n);
  });
}

export async function createContact(db: Db, input: ContactInput): Promise<Contact> {
  const secondary = input.secondaryEmails ?? [];
  checkDistinct(input.primaryEmail, secondary);
  const now = nowIso();
  const contact: Contact = {
    id: newId(),
    name: input.name,
    company: input.company ?? null,
    primaryEmail: normaliseEmail(input.primaryEmail),
    secondaryEmails: secondary.map(normaliseEmail),
    externalId: input.externalId ?? null,
    createdAt: now,
    updatedAt: now,
  };
  await db.put("main", { ...keys.contact(contact.id), gsi1pk: keys.contactsIndex, gsi1sk: `${contact.name.toLowerCase()}#${contact.id}`, ...contact });
  await indexEmails(db, contact.id, contactEmails(contact), []);
  return contact;
}

export async function getContact(db: Db, id: string): Promise<Contact> {
  const item = await db.get("main", keys.contact(id));
  if (!item) throw new AppError("notFound", "contact_not_found");
  return toContact(item);
}

export async function updateContact(db: Db, id: string, patch: ContactPatch): Promise<Contact> {
  const before = await getContact(db, id);
  const next: Contact = {
    ...before,
    name: patch.name ?? before.name,
    company: patch.company === undefined ? before.company : patch.company,
    primaryEmail: patch.primaryEmail ? normaliseEmail(patch.primaryEmail) : before.primaryEmail,
    secondaryEmails: patch.secondaryEmails ? patch.secondaryEmails.map(normaliseEmail) : before.secondaryEmails,
    externalId: patch.externalId === undefined ? before.externalId : patch.externalId,
    updatedAt: nowIso(),
  };
  checkDistinct(next.primaryEmail, next.secondaryEmails);
  await db.put("main", { ...keys.contact(id), gsi1pk: keys.contactsIndex, gsi1sk: `${next.name.toLowerCase()}#${id}`, ...next });
  await indexEmails(db, id, contactEmails(next), contactEmails(before));
  return next;
}

export async function deleteContact(db: Db, id: string): Promise<void> {
  const before = await getContact(db, id);
  await indexEmails(db, id, [], contactEmails(before));
  await db.delete("main", keys.contact(id));
}

/** Contacts by name order; `q` filters on name, company and any address (case-insensitive). */
export async function listContacts(db: Db, q?: string): Promise<Contact[]> {
  const all = (await db.queryIndex(keys.contactsIndex)).map(toContact);
  const needle = q?.trim().toLowerCase();
  if (!needle) return all;
  return all.filter((c) => [c.name, c.company ?? "", c.primaryEmail, ...c.secondaryEmails].some((v) => v.toLowerCase().includes(needle)));
}

/** Keeps the EMAIL#<address> index in step: ADD/DELETE on a string set is idempotent. */
async function indexEmails(db: Db, contactId: string, now: string[], before: string[]): Promise<void> {
  const added = now.filter((e) => !before.includes(e));
  const removed = before.filter((e) => !now.includes(e));
  for (const email of added) {
    await db.update("main", keys.contactEmail(email), { expression: "ADD contactIds :c SET email = :e", values: { ":c": new Set([contactId]), ":e": email } });
  }
  for (const email of removed) {
    await db.update("main", keys.contactEmail(email), { expression: "DELETE contactIds :c", values: { ":c": new Set([contactId]) } });
  }
}

/** Which of these (normalised) addresses belong to a contact: one BatchGetItem per 100. */
export async function matchContactEmails(db: Db, addresses: Iterable<string>): Promise<Set<string>> {
  const unique = [...new Set(addresses)];
  if (!unique.length) return new Set();
  const items = await db.batchGet("main", unique.map((e) => keys.contactEmail(e)));
  return new Set(items.filter((i) => i.contactIds && i.contactIds.size > 0).map((i) => i.email as string));
}
