/** A contact item: the contact it holds, its addresses, the form search compares names in, its company entry. */
import type { Item } from "../store/db";
import type { Contact } from "./schema";
import { normaliseEmail } from "./email-address";

/** The contact an item holds. */
export const toContact = (item: Item): Contact => ({
  id: item.id,
  name: item.name,
  reading: item.reading ?? null,
  company: item.company ?? null,
  primaryEmail: item.primaryEmail,
  secondaryEmails: item.secondaryEmails ?? [],
  externalId: item.externalId ?? null,
  createdAt: item.createdAt,
  updatedAt: item.updatedAt,
});

/**
 * The form names and companies are searched in: NFKC (full-width "ＡＢＣ" and half-width
 * katakana fold to what people type) and lower case.
 */
export const searchKey = (text: string): string => text.normalize("NFKC").toLowerCase();

/** Every address of a contact, normalised, primary first, each once. */
export const contactEmails = (c: Pick<Contact, "primaryEmail" | "secondaryEmails">): string[] => [...new Set([c.primaryEmail, ...c.secondaryEmails].map(normaliseEmail))];

/** Key of the company search entry: one item per contact with a company (not yet in keys.ts). */
export const contactCompanyKey = (contactId: string) => ({ pk: `CONTACT#${contactId}`, sk: "COMPANY" });
export const contactCompaniesIndex = "CONTACTCOMPANIES";

/**
 * Key of the 50音 order entry: one item per contact, whose gsi1sk is the kana sort key of its
 * reading (else its name), so the Japanese console pages through contacts in 50音 order with
 * the same index queries as the name order (not yet in keys.ts).
 */
export const contactKanaKey = (contactId: string) => ({ pk: `CONTACT#${contactId}`, sk: "KANA" });
export const contactKanaIndex = "CONTACTSKANA";
