/**
 * What a warm process (a reused Lambda container, or npm start) remembers between sync jobs of
 * one mailbox, to save round trips: the server it logged in to (so the next job can connect
 * while it reads the account), the cursors the last job left, cached passwords and backfill
 * reads. Each memory is checked against the stored account before it is trusted.
 */
import type { ImapFlow } from "imapflow";
import type { Db } from "../store/db";
import { type ServerHint, type SyncJobMessage } from "../queue/index";
import { AppError } from "../shared/errors";
import { checkHost, type AccountRecord, type HostAllowance } from "../accounts/index";
import { LOGIN_WITHDRAWN, openImap, type EarlyCredentials } from "../mail/index";
import { loadCursors, type FolderCursor } from "../jobs/index";
import { passwordCache } from "./secret-cache";
import { serverHint } from "../jobs/index";
import { forgetBackfillCache } from "./backfill-requests";
import { cursorSource } from "./plan";

import type { SyncDeps } from "./sync-account";

/**
 * Forgets what this process learned from earlier jobs (the cursors it left, the servers it
 * saw, cached passwords, the backfill requests it read): the state of a Lambda container that
 * has not synced these accounts yet. For the benchmark, which measures ticks both ways.
 */
export function forgetProcessState(): void {
  lastEnds.clear();
  recentServers.entries.clear();
  passwordCache.clear();
  forgetBackfillCache();
}

/** The host policy for the IMAP host, as a permanent sync failure when it refuses. */
export async function checkImapHost(host: string, allowance: HostAllowance): Promise<string> {
  try {
    return await checkHost(host, allowance, "imap.host");
  } catch (err) {
    throw err instanceof AppError && err.kind === "validation"
      ? new AppError("permanent", err.fields[0]?.key === "host_not_found" ? "imap_host_not_found" : "host_not_allowed", { cause: err })
      : err;
  }
}

/**
 * The IMAP servers of the accounts this container synced lately: a job whose message does not
 * say where the server is (a "Sync now", a continuation) can still connect while it reads the
 * account. Nothing secret; bounded; a stale entry only costs a connection that is dropped.
 */
export const recentServers = {
  entries: new Map<string, ServerHint>(),
  remember(account: AccountRecord) {
    const hint = serverHint(account);
    if (!hint) return;
    if (this.entries.size >= 5_000) this.entries.clear();
    this.entries.set(account.id, hint);
  },
  get(accountId: string): ServerHint | undefined {
    return this.entries.get(accountId);
  },
};

const sameServer = (a: ServerHint, b: ServerHint) => a.host === b.host && a.port === b.port && a.security === b.security && !!a.allowInsecureCerts === !!b.allowInsecureCerts;

/**
 * Starts an IMAP connection to `hint`, possibly before the account is read: host policy, TCP,
 * TLS, greeting and ID go ahead; the login waits for `login` (after the lease, with the
 * account's user and password) or is never sent (`abandon`). A connection opened early is used
 * only when the account's server is the one expected (`matches`); otherwise the job opens one
 * to the account's server the same way and logs in at once.
 */
export function openEarly(deps: SyncDeps, job: SyncJobMessage, hint: ServerHint) {
  let give!: (auth: EarlyCredentials | null) => void;
  const credentials = new Promise<EarlyCredentials | null>((resolve) => (give = resolve));
  const log = deps.log.child({ jobId: job.jobId, accountId: job.accountId });
  let instance: ImapFlow | undefined;
  let settled = false;
  let abandoned = false;
  const client = checkImapHost(hint.host, deps.hostAllowance).then((address) => {
    if (abandoned) throw new AppError("permanent", LOGIN_WITHDRAWN); // given up before it began
    return openImap({ ...hint, address, user: "", password: "", credentials, ca: deps.imapCa, commandLog: deps.imapCommandLog, created: (c) => (instance = c) }, log);
  });
  client.catch(() => undefined); // awaited by login(); nobody waits after abandon()
  return {
    matches: (account: AccountRecord) => {
      const now = serverHint(account);
      return !!now && sameServer(hint, now);
    },
    login(account: AccountRecord, pass: string, accessToken?: string): Promise<ImapFlow> {
      settled = true;
      give({ user: account.imap.user, pass, accessToken, provider: account.provider });
      return client;
    },
    /** Drops the connection at once, never logging in (safe to call more than once, or after login). */
    abandon(): void {
      if (settled) return;
      settled = abandoned = true;
      give(null);
      try {
        instance?.close();
      } catch {
        /* already closed */
      }
    },
  };
}

/**
 * What this process knows of the accounts it synced: the updatedAt that its last job's end
 * stamped on the account, and the cursors that job left (saved before that stamp). While the
 * account still carries the stamp and no job has left a lease behind since, no other job has
 * moved a cursor, so a tick needs no cursor read: the account, which the lease returns, says so.
 */
export const lastEnds = new Map<string, { stamp: string; cursors: Map<string, FolderCursor> }>();
export function keepEnd(accountId: string, stamp: string, cursors: Map<string, FolderCursor>): void {
  if (lastEnds.size >= 5_000) lastEnds.clear();
  lastEnds.set(accountId, { stamp, cursors: new Map(cursors) });
}

/** The account's cursors as the last job left them, from where plan.ts cursorSource trusts them. */
export function currentCursors(
  db: Db,
  account: AccountRecord,
  kept: { stamp: string; cursors: Map<string, FolderCursor> } | undefined,
  leftBehindBy: string | undefined,
  early: Promise<Map<string, FolderCursor>> | undefined,
  readAt: number,
): Promise<Map<string, FolderCursor>> {
  const source = cursorSource({ updatedAt: account.updatedAt, keptStamp: kept?.stamp, leftBehind: !!leftBehindBy, earlyReadAt: early ? readAt : undefined });
  if (source === "kept") return Promise.resolve(new Map(kept!.cursors));
  if (source === "early") return early!;
  return loadCursors(db, account.id);
}
