import type { Db } from "../store/db";
import { keys } from "../store/keys";
import { inDomains } from "./rule";

/**
 * What the sync may store, decided before anything is written:
 * - nothing under an address in the organisation's excluded domains (set by admins; the
 *   company's own domains are the usual entry: internal mail is never logged) or in the
 *   mailbox's own excluded domains;
 * - nothing under an address of a user or of a connected mailbox (its address and aliases),
 *   even if someone made it a contact: otherwise any member could add a colleague's address as
 *   a contact and read that colleague's internal mail through shared histories. The contact API
 *   refuses such addresses too (core/contacts); this covers contacts made before that.
 */

export async function getExcludedDomains(db: Db): Promise<string[]> {
  const item = await db.get("main", keys.excludedDomains);
  return (item?.domains as string[]) ?? [];
}

/** Saves the organisation's list; answers the domains it adds (their stored copies are to be removed). */
export async function setExcludedDomains(db: Db, domains: string[], by: string): Promise<{ domains: string[]; added: string[] }> {
  const before = new Set(await getExcludedDomains(db));
  const next = [...new Set(domains)].sort();
  await db.put("main", { ...keys.excludedDomains, domains: next, updatedBy: by, updatedAt: new Date().toISOString() });
  return { domains: next, added: next.filter((d) => !before.has(d)) };
}

/** Every address of a user or a connected mailbox (and its aliases), lower-cased. */
export async function internalAddresses(db: Db): Promise<Set<string>> {
  const [users, accounts] = await Promise.all([db.queryIndex(keys.usersIndex), db.queryIndex(keys.accountsIndex)]);
  const out = new Set<string>();
  for (const u of users) if (u.email) out.add(String(u.email).toLowerCase());
  for (const a of accounts) {
    if (a.email) out.add(String(a.email).toLowerCase());
    for (const alias of (a.aliases as string[]) ?? []) out.add(alias.toLowerCase());
  }
  return out;
}

/** Which contact addresses one mailbox's sync may store copies under. */
export type Storable = (contactEmail: string) => boolean;

export async function loadStoragePolicy(db: Db, mailbox: { sharing?: { excludedDomains?: string[] } | null }): Promise<Storable> {
  const [org, internal] = await Promise.all([getExcludedDomains(db), internalAddresses(db)]);
  const domains = [...org, ...(mailbox.sharing?.excludedDomains ?? [])];
  return (address) => !internal.has(address) && !inDomains(address, domains);
}
