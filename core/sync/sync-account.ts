import type { ImapFlow } from "imapflow";
import type { Db } from "../store/db";
import { keys } from "../store/keys";
import type { SecretStore } from "../secrets/index";
import { shouldRetry, type JobQueue, type SyncJobMessage } from "../queue/index";
import { AppError } from "../shared/errors";
import { nowIso } from "../shared/ids";
import type { Logger } from "../shared/log";
import { afterJob, detectSentFolder, ensureBound, imapPasswordStore, maySendSavedPassword, selectableFolders, type AccountRecord, type HostAllowance, type JobEnd } from "../accounts/index";
import { closeImap, isAuthenticationProblem, translateImapError } from "../mail/index";
import { loadCursors, type FolderCursor } from "../jobs/index";
import { passwordCache } from "./secret-cache";
import { ContactMatcher } from "./contact-matcher";
import { newJob, recordJob, recordQueued, serverHint, type JobCounts } from "../jobs/index";
import { forgetSkips, retryUids } from "./accounting";
import { pendingBackfill, saveBackfillMarks, type BackfillPlan } from "./backfill-requests";
import { acquireLease, LEASE_SECONDS, LeaseKeeper, markAbandoned, newLeaseOwner, RELEASE, releaseLease, type Lease } from "../jobs/index";
import { loadStoragePolicy } from "../sharing/index";
import type { MailEventSink } from "./store-messages";
import { FolderRun } from "./folder-run";
import { currentCursors, keepEnd, lastEnds, openEarly, recentServers } from "./warm-state";
export { forgetProcessState } from "./warm-state";

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
  /** Told about every write batch of stored copies (webhooks' mail.added); none: nothing is emitted. */
  mailEvents?: MailEventSink;
  /** Sees every IMAP command line the job sends (tests and benchmarks count them). */
  imapCommandLog?: (line: string) => void;
  /** Messages fetched per FETCH command. Default 500. */
  chunkSize?: number;
  /** Stop and enqueue a continuation when less than this is left. Default 60 s. */
  safetyMs?: number;
  /**
   * How late a contact's backfill request may land after the time stamped on it (ms): each job
   * takes every request it sees, and takes the ones younger than this again next time.
   * Default 60 s.
   */
  backfillSettleMs?: number;
  /** How far back the first sync of a folder reaches when the account does not say. Default 90 days. */
  initialWindowDays?: number;
  /** The account lease's length in seconds, renewed while the job works (lease.ts). Default 60. */
  leaseSeconds?: number;
}

export type SyncOutcome = { status: "done" | "skipped" | "failed" | "continued" | "abandoned"; counts: JobCounts; error?: string };

/**
 * Runs one sync job for one account. Permanent failures (wrong password, untrusted
 * certificate...) are recorded on the account and the job ends: retrying would not help and
 * could lock the mailbox. Transient failures throw, so the queue redelivers with backoff.
 */
export async function runSyncJob(deps: SyncDeps, job: SyncJobMessage): Promise<SyncOutcome> {
  const { db, log } = deps;
  const counts: JobCounts = { folders: 0, fetched: 0, matched: 0, written: 0, skipped: 0, listed: 0, unrelated: 0, gone: 0 };
  // A quiet tick's cost is mostly round trips, so everything that does not depend on the
  // account starts at once: the lease (which returns the account), the password, the cursors,
  // and, where the server is known (the job message or this container's last job), the IMAP
  // connection up to the login. The login waits for the lease: no credential is sent for a
  // mailbox that was deleted, disabled or moved meanwhile.
  // the cache is keyed by account; it reads the IMAP password from the mailbox's one secret
  const secretName = job.accountId;
  const secretStore = imapPasswordStore(deps);
  const kept = lastEnds.get(job.accountId);
  lastEnds.delete(job.accountId); // kept again only if this job ends well
  const readAt = Date.now();
  const cursorsRead = kept?.cursors ? undefined : loadCursors(db, job.accountId);
  cursorsRead?.catch(() => undefined);
  const hint = job.server ?? recentServers.get(job.accountId);
  const early = hint ? openEarly(deps, job, hint) : undefined;
  const lease: Lease = { accountId: job.accountId, jobId: job.jobId, owner: newLeaseOwner(), seconds: deps.leaseSeconds ?? LEASE_SECONDS };
  const [taken, secret] = await Promise.all([acquireLease(db, lease, deps.remainingMs()), passwordCache.read(secretStore, secretName)]).catch((err) => {
    early?.abandon();
    throw err;
  });
  if ("refused" in taken) {
    early?.abandon();
    // another delivery of this very job is running it: dropped, and its record is that job's
    if (taken.refused === "duplicate") {
      log.info("sync.duplicate.dropped", { jobId: job.jobId, accountId: job.accountId });
      return { status: "skipped", counts };
    }
    const note = { missing: "account deleted", disabled: "disabled", held: "another job holds the account" }[taken.refused];
    await recordJob(db, job.jobId, "skipped", { endedAt: nowIso(), note });
    await retryBackfillJob(deps, job, taken.refused);
    return { status: "skipped", counts };
  }
  const account = taken.account as AccountRecord;
  recentServers.remember(account);
  // a job whose lease ran out under it (its process died) ends as "abandoned", with its last counts
  if (taken.leftBehindBy && taken.leftBehindBy !== job.jobId) {
    markAbandoned(db, taken.leftBehindBy, job.jobId, taken.leftBehindStartedAt).catch((err) => log.warn("sync.abandon.failed", { jobId: taken.leftBehindBy, err }));
  }
  if (!maySendSavedPassword(account)) {
    // paused after repeated refused logins: nothing logs in until a new password is saved
    early?.abandon();
    await releaseLease(db, lease).catch(() => undefined);
    await recordJob(db, job.jobId, "skipped", { endedAt: nowIso(), note: "paused" });
    log.info("sync.paused.skipped", { jobId: job.jobId, accountId: account.id });
    return { status: "skipped", counts };
  }
  let client: ImapFlow | undefined;
  // a lease lost to another job (ours outlived its renewals) stops this one: its connection is cut
  const keeper = new LeaseKeeper(db, lease, deps.remainingMs, (err) => log.warn("sync.lease.renew.failed", { jobId: job.jobId, err }), () => client?.close());
  const cursors = currentCursors(db, account, kept, taken.leftBehindBy, cursorsRead, readAt);
  cursors.catch(() => undefined);
  let password: string | undefined;
  try {
    password = await passwordCache.confirm(secretStore, secretName, secret, account.secretVersion);
  } catch (err) {
    early?.abandon();
    await keeper.stop();
    await releaseLease(db, lease).catch(() => undefined);
    throw err;
  }
  const jobLog = log.child({ jobId: job.jobId, accountId: account.id });
  // The job's start is on the account (the lease's leaseStartedAt); the job item gets
  // a heartbeat every second while it works (FolderRun.commit) and its end, so a quiet tick
  // writes it once, beside the logout.
  const startedAt = (account as AccountRecord & { leaseStartedAt?: string }).leaseStartedAt ?? nowIso();
  let released = false;
  try {
    if (!password) throw new AppError("permanent", "password_missing");
    // the password goes only to the server it was typed for (accounts/secret-binding.ts)
    await ensureBound(db, account);
    // what the folders need from DynamoDB is read while IMAP logs in
    // a job queued for a contact just added, or by "Sync now", must see the newest requests
    const fresh = job.reason === "contact-added" || job.reason === "manual";
    const state = { cursors, backfill: pendingBackfill(db, account, deps.backfillSettleMs ?? 60_000, fresh) };
    state.backfill.catch(() => undefined);
    // the connection opened early if it goes where the account says, else one opened now
    let connection = early;
    if (!early?.matches(account)) {
      early?.abandon();
      connection = openEarly(deps, job, serverHint(account)!);
    }
    client = await connection!.login(account, password);
    const continued = await syncFolders(deps, client, account, counts, jobLog, job.jobId, state);
    // LOGOUT is sent, not waited for: its answer says nothing the job needs (closeImap never throws)
    void closeImap(client);
    client = undefined;
    released = true;
    await keeper.stop();
    if (!continued) {
      // the job's end is recorded after its start (same item), alongside the account's state and the logout
      const [stamp] = await Promise.all([finishSync(db, lease, account, "connected", null, nowIso()), recordJob(db, job.jobId, "done", { startedAt, endedAt: nowIso(), counts })]);
      if (stamp) keepEnd(account.id, stamp, await cursors);
      jobLog.info("sync.completed", { counts });
      return { status: "done", counts };
    }
    await finishSync(db, lease, account, "connected", null, nowIso());
    const next = newJob(account.id, "continuation", serverHint(account));
    await recordQueued(db, next);
    await deps.queue.enqueue([{ job: next }]);
    await recordJob(db, job.jobId, "continued", { startedAt, endedAt: nowIso(), counts, continuationJobId: next.jobId });
    jobLog.info("sync.continued", { counts, next: next.jobId });
    return { status: "continued", counts };
  } catch (raw) {
    early?.abandon();
    const err = raw instanceof AppError ? raw : translateImapError(raw);
    if (client) client.close();
    await keeper.stop();
    if (keeper.lost) {
      // another job took the mailbox over: it owns the account's state now; this one's record says what became of it
      released = true;
      await recordJob(db, job.jobId, "abandoned", { startedAt, endedAt: nowIso(), counts, note: "lease lost" }).catch(() => undefined);
      jobLog.warn("sync.lease.lost", { counts });
      return { status: "abandoned", counts };
    }
    const end = isAuthenticationProblem(err.code) ? "authenticationError" : "connectError";
    released = true;
    await Promise.all([finishSync(db, lease, account, end, { code: err.code, params: err.params }), recordJob(db, job.jobId, "failed", { startedAt, endedAt: nowIso(), counts, error: err.code })]);
    jobLog.warn("sync.failed", { code: err.code, kind: err.kind, cause: err.cause });
    if (shouldRetry(err)) throw err;
    return { status: "failed", counts, error: err.code };
  } finally {
    if (!released) {
      await keeper.stop();
      await releaseLease(db, lease).catch(() => undefined);
    }
  }
}

/** How long after it was queued a contact's backfill job keeps waiting for a busy mailbox: a lease's length. */
const BACKFILL_RETRY_SECONDS = 60;

/**
 * A job queued because a contact gained an address found another job holding the mailbox:
 * that job may have read the requests before this contact's was written, so this one tries
 * again a minute later (for as long as a lease lasts) rather than leave the contact's past
 * mail to the next scheduled sync.
 */
async function retryBackfillJob(deps: SyncDeps, job: SyncJobMessage, refused: "missing" | "disabled" | "held"): Promise<void> {
  if (refused !== "held" || job.reason !== "contact-added") return;
  if (Date.now() - Date.parse(job.enqueuedAt) > LEASE_SECONDS * 1000) return;
  const again = { ...job, jobId: newJob(job.accountId, job.reason).jobId };
  await recordQueued(deps.db, again);
  await deps.queue.enqueue([{ job: again, delaySeconds: BACKFILL_RETRY_SECONDS }]);
}

/**
 * The end of a job in one write: the account's state, last error, last sync time, the count of
 * authentication failures in a row, and the lease released. If the lease was lost meanwhile
 * (it expired and another job took it), only the state is recorded. Returns the updatedAt it
 * stamped when it released the lease.
 */
async function finishSync(db: Db, lease: Lease, account: AccountRecord, end: JobEnd, error: { code: string; params?: Record<string, string | number> } | null, syncedAt?: string): Promise<string | undefined> {
  const { accountId } = lease;
  // the lease keeps other jobs off the mailbox, so the count read with it is still the current one
  const next = afterJob(account, end);
  const values: Record<string, unknown> = { ":s": next.state, ":e": error, ":u": nowIso(), ":owner": lease.owner };
  let expression = "SET #state = :s, lastError = :e, updatedAt = :u";
  if (syncedAt) {
    expression += ", lastSyncAt = :t";
    values[":t"] = syncedAt;
  }
  if (next.authFailures !== undefined) {
    expression += ", authFailures = :failures";
    values[":failures"] = next.authFailures;
  }
  const done = await db.update("main", keys.account(accountId), {
    expression: `${expression} ${RELEASE.remove}`,
    names: { "#state": "state" },
    values,
    condition: `attribute_exists(pk) AND ${RELEASE.condition}`,
    returnValues: "NONE",
  });
  if (done !== false) return values[":u"] as string;
  delete values[":owner"];
  await db.update("main", keys.account(accountId), { expression, names: { "#state": "state" }, values, condition: "attribute_exists(pk)", returnValues: "NONE" });
  return undefined;
}
/** Returns true when it stopped early for lack of time (a continuation must follow). */
async function syncFolders(
  deps: SyncDeps,
  client: ImapFlow,
  account: AccountRecord,
  counts: JobCounts,
  log: Logger,
  jobId: string,
  state: { cursors: Promise<Map<string, FolderCursor>>; backfill: Promise<BackfillPlan> },
): Promise<boolean> {
  const folders = account.syncFolders?.length ? account.syncFolders : await discoverFolders(deps.db, client, account);
  const [cursors, backfill] = await Promise.all([state.cursors, state.backfill]);
  // what this mailbox may store (excluded domains, internal addresses): read once per job, on first need
  const matcher = new ContactMatcher(deps.db, () => loadStoragePolicy(deps.db, account));
  for (const folder of folders) {
    counts.folders++;
    const status = await client.status(folder, { uidNext: true, uidValidity: true, messages: true, highestModseq: true });
    if (!status) continue;
    const uidValidity = String(status.uidValidity);
    const before = cursors.get(folder);
    const valid = before && before.uidValidity === uidValidity;
    const quiet = valid && before.uidNext >= Number(status.uidNext ?? 0) && before.initialBelow === undefined && !retryUids(before.retry).length;
    if (quiet && !backfill.addresses.length) continue; // nothing new: STATUS was all it cost
    if (before && !valid) {
      log.warn("sync.uidvalidity.changed", { folder, from: before.uidValidity, to: uidValidity });
      await forgetSkips(deps.db, account.id, folder); // the old UIDs name nothing now
    }
    // A new UIDVALIDITY means the old UIDs mean nothing: rebuild the folder. Items are keyed by
    // message, not UID, so rebuilding writes no duplicates.
    const cursor: FolderCursor = valid ? { ...before } : { folder, uidValidity, uidNext: 0, lastUid: 0, updatedAt: nowIso() };
    if (status.highestModseq !== undefined) cursor.highestModseq = String(status.highestModseq);
    matcher.warm(); // read while the folder is opened and searched
    const run = new FolderRun(deps, client, account, folder, cursor, counts, log, matcher, jobId);
    if (await run.sync(Number(status.uidNext ?? 0), valid ? backfill.addresses : [])) return true;
    cursors.set(folder, cursor); // as saved: what the next job of this process starts from
  }
  if (backfill.marks) await saveBackfillMarks(deps.db, account.id, backfill.marks);
  // after the marks: the contact's backfill reads as done to whoever looks next
  if (backfill.requests?.length) await deps.mailEvents?.backfillTaken?.(backfill.requests);
  return false;
}

/** INBOX and the folder the server marks \\Sent (RFC 6154), remembered on the account. */
async function discoverFolders(db: Db, client: ImapFlow, account: AccountRecord): Promise<string[]> {
  const list = await client.list();
  // the connection test's rule: the folder the server marks \\Sent (any case), else a known name
  const sent = account.sentFolder ?? detectSentFolder(selectableFolders(list)) ?? null;
  const folders = ["INBOX", ...(sent && sent !== "INBOX" ? [sent] : [])];
  await db.update("main", keys.account(account.id), {
    expression: "SET syncFolders = :f, sentFolder = :s",
    values: { ":f": folders, ":s": sent },
    condition: "attribute_exists(pk)",
  });
  return folders;
}
