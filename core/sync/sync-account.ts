import type { ImapFlow } from "imapflow";
import type { Db } from "../store/db";
import { keys } from "../store/keys";
import { accountSecretName, type SecretStore } from "../secrets/index";
import type { JobQueue, SyncJobMessage } from "../queue/index";
import { AppError } from "../shared/errors";
import { nowIso } from "../shared/ids";
import type { Logger } from "../shared/log";
import { checkHost, getAccountRecord, recordAccountState, type AccountRecord, type HostAllowance } from "../accounts/index";
import { matchContactEmails, normaliseEmail } from "../contacts/index";
import { closeImap, openImap, translateImapError } from "./imap-connection";
import { loadCursors, saveCursor, type FolderCursor } from "./cursors";
import { participants, toMailRecord, type FetchedMessage } from "./message-record";
import { storeMessage } from "./store-messages";
import { acquireLease, newJob, recordJob, recordQueued, releaseLease, type JobCounts } from "./jobs";

export interface SyncDeps {
  db: Db;
  secrets: SecretStore;
  queue: JobQueue;
  log: Logger;
  hostAllowance: HostAllowance;
  /** Milliseconds left before the function is stopped (Lambda's getRemainingTimeInMillis). */
  remainingMs: () => number;
  /** Extra trusted CA (PEM) for IMAP servers, e.g. a company CA; tests pass their own. */
  imapCa?: string;
  /** Messages fetched per FETCH command. Default 500. */
  chunkSize?: number;
  /** Stop and enqueue a continuation when less than this is left. Default 60 s. */
  safetyMs?: number;
  /** How far back the first sync of a folder reaches when the account does not say. Default 90 days. */
  initialWindowDays?: number;
}

export type SyncOutcome = { status: "done" | "skipped" | "failed" | "continued"; counts: JobCounts; error?: string };

const LEASE_SECONDS = 15 * 60;
const WRITE_CONCURRENCY = 8;

/**
 * Runs one sync job for one account. Permanent failures (wrong password, untrusted
 * certificate...) are recorded on the account and the job ends: retrying would not help and
 * could lock the mailbox. Transient failures throw, so the queue redelivers with backoff.
 */
export async function runSyncJob(deps: SyncDeps, job: SyncJobMessage): Promise<SyncOutcome> {
  const { db, log } = deps;
  const counts: JobCounts = { folders: 0, fetched: 0, matched: 0, written: 0, skipped: 0 };
  const account = await getAccountRecord(db, job.accountId);
  if (!account || account.syncEnabled === false) {
    await recordJob(db, job.jobId, "skipped", { endedAt: nowIso(), note: account ? "disabled" : "account deleted" });
    return { status: "skipped", counts };
  }
  if (!(await acquireLease(db, account.id, job.jobId, LEASE_SECONDS))) {
    await recordJob(db, job.jobId, "skipped", { endedAt: nowIso(), note: "another job holds the account" });
    return { status: "skipped", counts };
  }
  const jobLog = log.child({ jobId: job.jobId, accountId: account.id });
  await recordJob(db, job.jobId, "running", { startedAt: nowIso(), accountId: account.id });
  let client: ImapFlow | undefined;
  try {
    const password = await deps.secrets.get(accountSecretName(account.id));
    if (!password) throw new AppError("permanent", "password_missing");
    let address: string;
    try {
      address = await checkHost(account.imap.host, deps.hostAllowance, "imap.host");
    } catch (err) {
      throw err instanceof AppError && err.kind === "validation" ? new AppError("permanent", err.fields[0]?.key === "host_not_found" ? "imap_host_not_found" : "host_not_allowed", { cause: err }) : err;
    }
    client = await openImap({ ...account.imap, address, password, allowInsecureCerts: account.allowInsecureCerts, ca: deps.imapCa }, jobLog);
    const continued = await syncFolders(deps, client, account, counts, jobLog);
    await closeImap(client);
    client = undefined;
    const syncedAt = nowIso();
    await recordAccountState(db, account.id, "connected", null, syncedAt);
    if (continued) {
      const next = newJob(account.id, "continuation");
      await recordQueued(db, next);
      await releaseLease(db, account.id, job.jobId);
      await deps.queue.enqueue([{ job: next }]);
      await recordJob(db, job.jobId, "continued", { endedAt: nowIso(), counts, continuationJobId: next.jobId });
      jobLog.info("sync.continued", { counts, next: next.jobId });
      return { status: "continued", counts };
    }
    await recordJob(db, job.jobId, "done", { endedAt: nowIso(), counts });
    jobLog.info("sync.completed", { counts });
    return { status: "done", counts };
  } catch (raw) {
    const err = raw instanceof AppError ? raw : translateImapError(raw);
    if (client) client.close();
    const state = err.code === "imap_auth_failed" || err.code === "password_missing" ? "authenticationError" : "connectError";
    await recordAccountState(db, account.id, state, { code: err.code, params: err.params });
    await recordJob(db, job.jobId, "failed", { endedAt: nowIso(), counts, error: err.code });
    jobLog.warn("sync.failed", { code: err.code, kind: err.kind, cause: err.cause });
    if (err.kind === "transient") throw err;
    return { status: "failed", counts, error: err.code };
  } finally {
    await releaseLease(db, account.id, job.jobId).catch(() => undefined);
  }
}

/** Returns true when it stopped early for lack of time (a continuation must follow). */
async function syncFolders(deps: SyncDeps, client: ImapFlow, account: AccountRecord, counts: JobCounts, log: Logger): Promise<boolean> {
  const cursors = await loadCursors(deps.db, account.id);
  const folders = account.syncFolders?.length ? account.syncFolders : await discoverFolders(deps.db, client, account.id);
  for (const folder of folders) {
    counts.folders++;
    const status = await client.status(folder, { uidNext: true, uidValidity: true, messages: true, highestModseq: true });
    if (!status) continue;
    const uidValidity = String(status.uidValidity);
    const before = cursors.get(folder);
    const valid = before && before.uidValidity === uidValidity;
    if (valid && before.uidNext >= (status.uidNext ?? 0)) continue; // nothing new: STATUS was all it cost
    if (before && !valid) log.warn("sync.uidvalidity.changed", { folder, from: before.uidValidity, to: uidValidity });
    const cursor: FolderCursor = valid
      ? { ...before }
      : { folder, uidValidity, uidNext: 0, lastUid: 0, updatedAt: nowIso() };
    const stopped = await syncFolder(deps, client, account, folder, cursor, Number(status.uidNext ?? 0), counts, log);
    if (stopped) return true;
  }
  return false;
}

/** INBOX and the folder the server marks \Sent (RFC 6154), remembered on the account. */
async function discoverFolders(db: Db, client: ImapFlow, accountId: string): Promise<string[]> {
  const list = await client.list();
  const sent = list.find((m) => m.specialUse === "\\Sent");
  const folders = ["INBOX", ...(sent ? [sent.path] : [])];
  await db.update("main", keys.account(accountId), { expression: "SET syncFolders = :f", values: { ":f": folders }, condition: "attribute_exists(pk)" });
  return folders;
}

async function syncFolder(
  deps: SyncDeps,
  client: ImapFlow,
  account: AccountRecord,
  folder: string,
  cursor: FolderCursor,
  uidNext: number,
  counts: JobCounts,
  log: Logger,
): Promise<boolean> {
  // the mailbox's own addresses are never "participants" to match
  const own = new Set([account.email, normaliseEmail(account.imap.user), ...(account.aliases ?? [])]);
  const lock = await client.getMailboxLock(folder, { readOnly: true });
  try {
    const firstSync = cursor.lastUid === 0;
    const since = new Date(Date.now() - (account.initialSyncDays ?? deps.initialWindowDays ?? 90) * 86_400_000);
    const found = (await client.search(firstSync ? { since } : { uid: `${cursor.lastUid + 1}:*` }, { uid: true })) || [];
    // "N:*" always matches the highest UID, even below N (RFC 3501 6.4.4): keep only new ones
    const uids = found.filter((u) => u > cursor.lastUid).sort((a, b) => a - b);
    const chunk = deps.chunkSize ?? 500;
    for (let i = 0; i < uids.length; i += chunk) {
      const batch = uids.slice(i, i + chunk);
      const fetched = (await client.fetchAll(batch.join(","), { uid: true, envelope: true, internalDate: true, size: true, headers: ["references"] }, { uid: true })) as FetchedMessage[];
      counts.fetched += fetched.length;
      const records = fetched.map((m) => ({ uid: m.uid, record: toMailRecord(m) }));
      const matched = await matchContactEmails(deps.db, records.flatMap((r) => participants(r.record).filter((a) => !own.has(a))));
      const work = records
        .map((r) => ({ ...r, contacts: participants(r.record).filter((a) => !own.has(a) && matched.has(a)) }))
        .filter((r) => r.contacts.length);
      counts.matched += work.length;
      await pool(work, WRITE_CONCURRENCY, async (w) => {
        counts.written += await storeMessage(deps.db, w.record, w.contacts, { accountId: account.id, ownerId: account.ownerId, folder, uid: w.uid, uidValidity: cursor.uidValidity });
      });
      // The cursor moves only after this batch's items are durably written.
      cursor.lastUid = batch[batch.length - 1]!;
      cursor.updatedAt = nowIso();
      await saveCursor(deps.db, account.id, cursor);
      if (i + chunk < uids.length && deps.remainingMs() < (deps.safetyMs ?? 60_000)) return true;
    }
    // Everything below UIDNEXT has now been considered: outside the first sync's window counts
    // as considered, or the next sync would reach back past the window.
    cursor.lastUid = Math.max(cursor.lastUid, uidNext - 1);
    cursor.uidNext = Math.max(uidNext, cursor.lastUid + 1);
    cursor.updatedAt = nowIso();
    await saveCursor(deps.db, account.id, cursor);
    return false;
  } finally {
    lock.release();
  }
}

async function pool<T>(items: T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
}
