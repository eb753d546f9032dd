import type { SecretStore } from "../secrets/index";

/** What the cache reads through: a store, or a view of one (the IMAP password in a mailbox's one secret). */
type Readable = Pick<SecretStore, "get">;

/**
 * Mailbox passwords as the sync reads them: from the SecretStore, kept in this process's
 * memory (a warm Lambda container) for a few minutes, tagged with the account's
 * `secretVersion`. A tick reads the password alongside its lease; when the lease shows another
 * version the cached value is dropped and the password read again, so a changed password is
 * used at once. Saves a Secrets Manager call (10-30 ms, and a billed request) on most ticks,
 * as AWS's own guidance on secret caching recommends.
 */
export class SecretCache {
  private readonly entries = new Map<string, { value: string; version: string | undefined; at: number }>();

  /** @param ttlMs how long a value is kept at most. Default 5 minutes. */
  constructor(private readonly ttlMs = 5 * 60_000) {}

  /** The cached value (any version) or a fresh read; `confirm` then checks the version. */
  async read(store: Readable, name: string): Promise<{ value: string | undefined; version: string | undefined; cached: boolean }> {
    const hit = this.entries.get(name);
    if (hit && Date.now() - hit.at < this.ttlMs) return { value: hit.value, version: hit.version, cached: true };
    const value = await store.get(name);
    return { value, version: undefined, cached: false };
  }

  /** Returns the value for `version`, reading again if what was read belongs to another version. */
  async confirm(
    store: Readable,
    name: string,
    read: { value: string | undefined; version: string | undefined; cached: boolean },
    version: string | undefined,
  ): Promise<string | undefined> {
    let value = read.value;
    if (read.cached && read.version !== version) value = await store.get(name);
    if (value === undefined) this.entries.delete(name);
    else this.entries.set(name, { value, version, at: read.cached && read.version === version ? this.entries.get(name)!.at : Date.now() });
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}

/** One cache per process: the sync handler's warm container. */
export const passwordCache = new SecretCache();
