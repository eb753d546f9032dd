import type { Db, Item } from "../store/db";
import { keys } from "../store/keys";
import { copyVisible, type MailboxSharing, type Reader } from "./rule";

/**
 * The small loader the sharing rule needs: the mailboxes (accounts) behind the copies being
 * read, fetched once per request with BatchGetItem and remembered, and the contacts holding an
 * address when the caller does not already know them. One gate per request.
 *
 * Owners are resolved here from the account, not from the copy: a copy's `ownerId` is the
 * owner at the time it was written, and an admin may have given the mailbox to someone else
 * since. Reading the account costs nothing extra (the rule needs it anyway), where rewriting
 * every copy on an owner change would touch thousands of items and could be cut short.
 */
export class SharingGate {
  private readonly mailboxes = new Map<string, MailboxSharing | undefined>();

  constructor(
    private readonly db: Db,
    readonly reader: Reader,
  ) {}

  /** Loads the mailboxes of these copies that are not known yet (one BatchGetItem). */
  async load(copies: Iterable<Item>): Promise<void> {
    const missing = new Set<string>();
    for (const c of copies) if (!this.mailboxes.has(c.accountId)) missing.add(c.accountId);
    if (!missing.size) return;
    const found = await this.db.batchGet(
      "main",
      [...missing].map((id) => keys.account(id)),
      ["id", "ownerId", "sharing"],
    );
    for (const row of found) this.mailboxes.set(row.id, row as MailboxSharing);
    for (const id of missing) if (!this.mailboxes.has(id)) this.mailboxes.set(id, undefined);
  }

  /** The copy's mailbox's owner now; undefined when the mailbox is gone. Call load() first. */
  ownerOf(copy: Item): string | undefined {
    return this.mailboxes.get(copy.accountId)?.ownerId;
  }

  /** The rule for one loaded copy filed under `copy.pk`, an address of the contacts `contactIds`. */
  visible(copy: Item, contactIds: Iterable<string>): boolean {
    return copyVisible(this.reader, this.mailboxes.get(copy.accountId), copy.pk, contactIds);
  }

  /**
   * The copies of one message the reader may see, each with `ownerId` set to its mailbox's
   * owner now (see above). Loads their mailboxes if needed.
   */
  async filter(copies: Item[], contactIds: Iterable<string>): Promise<Item[]> {
    await this.load(copies);
    const ids = [...contactIds];
    return copies.filter((c) => this.visible(c, ids)).map((c) => ({ ...c, ownerId: this.ownerOf(c) }));
  }
}

/** The contacts holding an address (its EMAIL# index entry), for a copy read without its contact. */
export async function contactsHolding(db: Db, address: string): Promise<string[]> {
  const entry = await db.get("main", keys.contactEmail(address));
  return entry?.contactIds ? [...(entry.contactIds as Set<string>)] : [];
}
