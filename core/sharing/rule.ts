/**
 * THE SHARING RULE: who may see a mailbox's copy of a message. Pure, so every read path
 * (history, one message, its text, the owner filter and the counts built from them) asks the
 * same question the same way; core/sharing/gate.ts loads what it needs.
 *
 * - The reader always sees copies from mailboxes they own.
 * - A colleague's copy is visible when that mailbox is "public", or "custom" and the contact
 *   the copy is filed under is among the mailbox's chosen contacts.
 * - "private" means the owner only: admins included (an admin manages mailboxes, not mail).
 * - A copy whose mailbox no longer exists is never shown (old data from before deletion
 *   removed copies, or a deletion cut short).
 * - A copy under an address in one of the mailbox's excluded domains is the owner's only,
 *   whatever the mode (such copies are removed when the domain is added; this covers the rest).
 */

export const sharingModes = ["private", "custom", "public"] as const;
export type SharingMode = (typeof sharingModes)[number];

export interface Reader {
  id: string;
  role: "admin" | "member";
}

/** What the rule needs to know about a mailbox. */
export interface MailboxSharing {
  id: string;
  ownerId: string;
  sharing?: { mode?: SharingMode; contactIds?: string[]; excludedDomains?: string[] } | null;
}

export const domainOf = (address: string): string => address.slice(address.lastIndexOf("@") + 1).toLowerCase();

/** Whether `address` is in one of `domains` or a subdomain of one (mail.example.com is in example.com). */
export function inDomains(address: string, domains: Iterable<string>): boolean {
  const domain = domainOf(address);
  for (const d of domains) if (domain === d || domain.endsWith(`.${d}`)) return true;
  return false;
}

/**
 * May `reader` see the copy that `mailbox` wrote under `contactEmail`, an address held by the
 * contacts `contactIds`? `mailbox` undefined: the mailbox is gone.
 */
export function copyVisible(reader: Reader, mailbox: MailboxSharing | undefined, contactEmail: string, contactIds: Iterable<string>): boolean {
  if (!mailbox) return false;
  if (mailbox.ownerId === reader.id) return true;
  const sharing = mailbox.sharing ?? {};
  if (inDomains(contactEmail, sharing.excludedDomains ?? [])) return false;
  const mode = sharing.mode ?? "private";
  if (mode === "public") return true;
  if (mode === "custom") {
    const chosen = new Set(sharing.contactIds ?? []);
    for (const id of contactIds) if (chosen.has(id)) return true;
  }
  return false;
}

const rank: Record<SharingMode, number> = { private: 0, custom: 1, public: 2 };

type Sharing = { mode: SharingMode; contactIds?: string[]; excludedDomains?: string[] };

/**
 * Does going from `before` to `after` show anything to someone who could not see it?
 * A wider mode, a custom contact added (while staying custom), or an excluded domain dropped.
 */
export function widens(before: Sharing, after: Sharing): boolean {
  if (rank[after.mode] > rank[before.mode]) return true;
  if (after.mode === "custom" && before.mode === "custom") {
    const had = new Set(before.contactIds ?? []);
    if ((after.contactIds ?? []).some((id) => !had.has(id))) return true;
  }
  if (after.mode !== "private") {
    const kept = new Set(after.excludedDomains ?? []);
    if ((before.excludedDomains ?? []).some((d) => !kept.has(d))) return true;
  }
  return false;
}

/**
 * Only a mailbox's owner may widen its sharing (it is their mail); an admin may narrow it
 * (to stop a leak at once). Anyone else may not change it at all.
 */
export function mayChangeSharing(actor: Reader, ownerId: string, before: Sharing, after: Sharing): boolean {
  if (actor.id === ownerId) return true;
  return actor.role === "admin" && !widens(before, after);
}
