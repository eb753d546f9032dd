import type { Db } from "../store/db";
import { keys } from "../store/keys";
import { matchContactEmails } from "../contacts/index";
import type { Storable } from "../sharing/index";

/** Up to this many contacts, a job reads the whole address directory once instead of asking per address. */
export const DIRECTORY_SNAPSHOT_LIMIT = 20_000;

/**
 * Answers "which of these addresses belong to a contact?" for one sync job. A CRM of up to
 * DIRECTORY_SNAPSHOT_LIMIT contacts is read once, on first need (one paged Query of the
 * contacts index), and matched in memory; a larger one is asked with BatchGetItem, and every
 * answer is remembered for the rest of the job. A contact added mid-job is picked up by the
 * backfill of the next one.
 *
 * With a storage policy (core/sharing: excluded domains, addresses of users and mailboxes),
 * an address the policy refuses is never a match: this is where the sync decides under which
 * contacts a message is stored, so nothing excluded is ever written.
 */
export class ContactMatcher {
  private directory?: Set<string> | null;
  private loading?: Promise<Set<string> | null>;
  private readonly known = new Map<string, boolean>();

  private storable?: Storable;
  private policyLoading?: Promise<Storable>;

  constructor(
    private readonly db: Db,
    private readonly loadPolicy?: () => Promise<Storable>,
  ) {}

  /** Starts reading the directory now (a folder has new mail), so the first match does not wait for it. */
  warm(): void {
    this.loading ??= this.snapshot();
    this.loading.catch(() => undefined); // a failure surfaces in match()
    if (this.loadPolicy) {
      this.policyLoading ??= this.loadPolicy();
      this.policyLoading.catch(() => undefined);
    }
  }

  async match(addresses: Iterable<string>): Promise<Set<string>> {
    if (this.directory === undefined) this.directory = await (this.loading ??= this.snapshot());
    if (this.loadPolicy && !this.storable) this.storable = await (this.policyLoading ??= this.loadPolicy());
    const storable = this.storable;
    const unique = [...new Set(addresses)].filter((a) => !storable || storable(a));
    if (this.directory) return new Set(unique.filter((a) => this.directory!.has(a)));
    const unknown = unique.filter((a) => !this.known.has(a));
    if (unknown.length) {
      const found = await matchContactEmails(this.db, unknown);
      for (const a of unknown) this.known.set(a, found.has(a));
    }
    return new Set(unique.filter((a) => this.known.get(a)));
  }

  /** The storage policy (every address allowed without one); loads it on first need. */
  async policy(): Promise<Storable> {
    if (!this.loadPolicy) return () => true;
    return (this.storable ??= await (this.policyLoading ??= this.loadPolicy()));
  }

  /** The answer without waiting, when the directory is already in memory; else undefined. */
  matchKnown(addresses: Iterable<string>): Set<string> | undefined {
    if (!this.directory || (this.loadPolicy && !this.storable)) return undefined;
    const directory = this.directory;
    const storable = this.storable;
    return new Set([...addresses].filter((a) => directory.has(a) && (!storable || storable(a))));
  }

  private async snapshot(): Promise<Set<string> | null> {
    const addresses = new Set<string>();
    let start: Record<string, unknown> | undefined;
    let contacts = 0;
    do {
      const page = await this.db.query("main", {
        IndexName: "gsi1",
        KeyConditionExpression: "gsi1pk = :p",
        ExpressionAttributeValues: { ":p": keys.contactsIndex },
        ProjectionExpression: "primaryEmail, secondaryEmails",
        ExclusiveStartKey: start,
      });
      for (const c of page.items) {
        addresses.add(c.primaryEmail);
        for (const e of c.secondaryEmails ?? []) addresses.add(e);
      }
      contacts += page.items.length;
      if (contacts > DIRECTORY_SNAPSHOT_LIMIT) return null;
      start = page.lastKey;
    } while (start);
    return addresses;
  }
}
