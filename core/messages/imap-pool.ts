import type { ImapFlow } from "imapflow";
import type { Logger } from "../shared/log";
import { closeImap, openImap, type ImapSettings } from "../sync/index";

/** How long an unused connection is kept for the next body fetch: a reader opening several messages in a row. */
export const IDLE_CLOSE_MS = 30_000;

interface Pooled {
  client: Promise<ImapFlow>;
  timer?: NodeJS.Timeout;
  users: number;
}

/**
 * A small per-process cache of IMAP connections for reading message bodies, keyed by account
 * and secretVersion (a new password gets a new key, so an old login is never reused after a
 * password change), closed after IDLE_CLOSE_MS unused. Opening a message costs a TLS
 * handshake and a LOGIN; a reader clicking through a thread would otherwise log in again for
 * each message, which providers count against the account (Gmail: 15 simultaneous
 * connections). Concurrent fetches share the connection: imapflow queues commands and the
 * mailbox lock serialises the SELECTs.
 */
export class ImapPool {
  private readonly pool = new Map<string, Pooled>();

  /**
   * Runs `work` with a connection for `key`, opening one with `settings()` when none is cached
   * (the caller checks the host policy inside settings(), so it runs before every new
   * connection). A connection that failed is dropped, never handed out again.
   */
  async use<T>(key: string, settings: () => Promise<ImapSettings>, log: Logger, work: (client: ImapFlow) => Promise<T>): Promise<T> {
    const reused = this.pool.has(key);
    try {
      return await this.run(key, settings, log, work);
    } catch (err) {
      // a kept connection may have died unseen (the server's idle timeout, a frozen Lambda
      // instance): it is dropped by now, and the work is tried once on a fresh login
      if (!reused) throw err;
      log.info("message.body.reconnect", { err });
      return this.run(key, settings, log, work);
    }
  }

  private async run<T>(key: string, settings: () => Promise<ImapSettings>, log: Logger, work: (client: ImapFlow) => Promise<T>): Promise<T> {
    let entry = this.pool.get(key);
    if (entry) {
      const client = await entry.client.catch(() => undefined);
      if (!client || !client.usable) {
        this.drop(key, entry);
        entry = undefined;
      }
    }
    if (!entry) {
      entry = { client: settings().then((s) => openImap(s, log)), users: 0 };
      this.pool.set(key, entry);
    }
    const current = entry;
    if (current.timer) clearTimeout(current.timer);
    current.users++;
    try {
      return await work(await current.client);
    } catch (err) {
      // not handed out again; closed once the fetches sharing it are done
      if (this.pool.get(key) === current) this.pool.delete(key);
      throw err;
    } finally {
      current.users--;
      if (current.users === 0) {
        if (this.pool.get(key) !== current) this.drop(key, current);
        else {
          current.timer = setTimeout(() => this.drop(key, current), IDLE_CLOSE_MS);
          current.timer.unref();
        }
      }
    }
  }

  /** Closes and forgets a connection (idle, failed, or the whole pool on shutdown). */
  private drop(key: string, entry: Pooled): void {
    if (this.pool.get(key) === entry) this.pool.delete(key);
    if (entry.timer) clearTimeout(entry.timer);
    entry.client
      .then(
        (c) => closeImap(c),
        () => undefined,
      )
      .catch(() => undefined);
  }

  /** Closes every cached connection. */
  closeAll(): void {
    for (const [key, entry] of [...this.pool]) this.drop(key, entry);
  }

  get size(): number {
    return this.pool.size;
  }
}

/** The process's pool: a Lambda instance or the local runtime keeps its connections between requests. */
export const bodyConnections = new ImapPool();
