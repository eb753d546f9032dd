import type { ImapFlow } from "imapflow";
import type { Db } from "../store/db";
import type { SecretStore } from "../secrets/index";
import { shouldRetry, type JobQueue, type SyncJobMessage } from "../queue/index";
import { AppError } from "../shared/errors";
import { nowIso } from "../shared/ids";
import type { Logger } from "../shared/log";
import {
  detectSentFolder,
  ensureBound,
  getPauseRule,
  imapPasswordStore,
  isPaused,
  maySendSavedPassword,
  recordJobEnd,
  saveBackfillMarks,
  saveSyncFolders,
  selectableFolders,
  type AccountRecord,
  type HostAllowance,
} from "../accounts/index";
import type { Notifier } from "../notifications/index";
import { closeImap, translateImapError } from "../mail/index";
import { loadCursors, type FolderCursor } from "../jobs/index";
import { passwordCache } from "./secret-cache";
import { ContactMatcher } from "./contact-matcher";
import { jobTypeOf, newJob, recordJob, recordQueued, serverHint, type JobCounts } from "../jobs/index";
import { forgetSkips } from "./accounting";
import { jobEndOf, needsFreshBackfill, planFolder, retriesRefusedJob } from "./plan";
import { pendingBackfill, type BackfillPlan } from "./backfill-requests";
import { acquireLease, LEASE_SECONDS, LeaseKeeper, markAbandoned, newLeaseOwner, releaseLease, type Lease } from "../jobs/index";
import { loadStoragePolicy } from "../sharing/index";
import type { MailEventSink } from "./store-messages";
import { FolderRun } from "./folder-run";
import type { JobEndReporter } from "../monitoring/index";
import { accessTokens, tellReconnectNeeded, type OAuthProviders } from "../oauth/index";
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
  /** Told when a job pauses the mailbox (mailbox.paused); none: the pause is only logged. */
  notifier?: Notifier;
  /** Told how each job that ran ended (the job monitor's normal and abnormal ends); none: not told. */
  jobEnded?: JobEndReporter;
  /** OAuth2 providers, for mailboxes connected with Google or Microsoft (core/oauth). */
  oauth?: OAuthProviders;
  /** The OAuth2 token endpoint's HTTP client (tests). Default: global fetch. */
  fetch?: typeof fetch;
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
  const keeper = new LeaseKeeper(
    db,
    lease,
    deps.remainingMs,
    (err) => log.warn("sync.lease.renew.failed", { jobId: job.jobId, err }),
    () => client?.close(),
  );
  const cursors = currentCursors(db, account, kept, taken.leftBehindBy, cursorsRead, readAt);
  cursors.catch(() => undefined);
  let password: string | undefined;
  const oauth = account.authMethod === "oauth2";
  try {
    // an OAuth2 mailbox reads as "" here (imapPasswordStore): its access token is got below, inside the job's error handling
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
  const startedAt = account.leaseStartedAt ?? nowIso();
  let released = false;
  try {
    // the access token from this process's memory, or one refresh shared by every job that needs it now
    const accessToken = oauth
      ? await accessTokens.get(deps, { id: account.id, oauthProvider: account.oauthProvider ?? undefined, secretVersion: account.secretVersion })
      : undefined;
    if (oauth ? !accessToken : !password) throw new AppError("permanent", "password_missing");
    // the password goes only to the server it was typed for (accounts/secret-binding.ts)
    await ensureBound(db, account);
    // what the folders need from DynamoDB is read while IMAP logs in
    const state = { cursors, backfill: pendingBackfill(db, account, deps.backfillSettleMs ?? 60_000, needsFreshBackfill(job)) };
    state.backfill.catch(() => undefined);
    // the connection opened early if it goes where the account says, else one opened now
    let connection = early;
    if (!early?.matches(account)) {
      early?.abandon();
      connection = openEarly(deps, job, serverHint(account)!);
    }
    client = await connection!.login(account, oauth ? "" : password!, accessToken);
    const continued = await syncFolders(deps, client, account, counts, jobLog, job.jobId, state);
    // LOGOUT is sent, not waited for: its answer says nothing the job needs (closeImap never throws)
    void closeImap(client);
    client = undefined;
    released = true;
    await keeper.stop();
    if (!continued) {
      // the job's end is recorded after its start (same item), alongside the account's state and the logout
      const [recorded] = await Promise.all([
        recordJobEnd(db, lease, account, "connected", null, nowIso()),
        recordJob(db, job.jobId, "done", { startedAt, endedAt: nowIso(), counts }),
      ]);
      if (recorded.stamp) keepEnd(account.id, recorded.stamp, await cursors);
      await tellFailing(deps, account, recorded);
      await deps.jobEnded?.({ ...ended(job, account), status: "done" });
      jobLog.info("sync.completed", { counts });
      return { status: "done", counts };
    }
    await tellFailing(deps, account, await recordJobEnd(db, lease, account, "connected", null, nowIso()));
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
    released = true;
    const end = jobEndOf(err.code);
    // the pause rule is read only when a login was refused: a quiet tick pays nothing for it
    const pauseAfter = end === "authenticationError" ? (await getPauseRule(db)).failedLogins : undefined;
    const [next] = await Promise.all([
      recordJobEnd(db, lease, account, end, { code: err.code, params: err.params }, undefined, pauseAfter),
      recordJob(db, job.jobId, "failed", { startedAt, endedAt: nowIso(), counts, error: err.code }),
    ]);
    await tellFailing(deps, account, next, err.code);
    if (end === "reconnectNeeded") await tellReconnectNeeded({ notifier: deps.notifier, log: jobLog }, account, err.code);
    jobLog.warn("sync.failed", { code: err.code, kind: err.kind, cause: err.cause });
    // (an ended OAuth2 grant was told as reconnect_needed just above)
    if (next.state === "paused" && !isPaused(account) && end !== "reconnectNeeded") {
      jobLog.warn("sync.paused", { failedLogins: next.authFailures });
      await deps.notifier?.notify({
        kind: "mailbox.paused",
        accountId: account.id,
        address: account.email,
        ownerId: account.ownerId,
        failedLogins: next.authFailures ?? 0,
        code: err.code,
        at: nowIso(),
      });
    }
    await deps.jobEnded?.({ ...ended(job, account), status: "failed", code: err.code, loginRefused: end === "authenticationError" });
    if (shouldRetry(err)) throw err;
    return { status: "failed", counts, error: err.code };
  } finally {
    if (!released) {
      await keeper.stop();
      await releaseLease(db, lease).catch(() => undefined);
    }
  }
}

/**
 * Tells operations that a mailbox keeps failing (not its password: the server) or that it syncs
 * again after it was told so, as the job's end decided (state-machine.ts, failingAfterJob).
 */
async function tellFailing(
  deps: SyncDeps,
  account: AccountRecord,
  recorded: { failing?: "failing" | "recovered"; connectFailures?: number; failingSince?: string | null },
  code?: string,
): Promise<void> {
  if (!recorded.failing) return;
  const base = { accountId: account.id, address: account.email, ownerId: account.ownerId, at: nowIso() };
  deps.log.warn(`sync.${recorded.failing}`, { accountId: account.id, failedRuns: recorded.connectFailures });
  if (recorded.failing === "failing")
    await deps.notifier?.notify({
      kind: "mailbox.failing",
      ...base,
      code: code ?? "diag.unknown",
      failedRuns: recorded.connectFailures ?? 0,
      since: recorded.failingSince ?? base.at,
    });
  else await deps.notifier?.notify({ kind: "mailbox.recovered", ...base, since: account.failingSince ?? account.failingToldAt ?? base.at });
}

/** What the job monitor is told of every end: the job, its mailbox, and how its previous job ended (the same failure again is no new incident). */
const ended = (job: SyncJobMessage, account: AccountRecord) => ({
  jobType: jobTypeOf(job),
  jobId: job.jobId,
  subject: account.email,
  previousCode: account.lastError?.code ?? null,
});

/** How long after it was queued a contact's backfill job keeps waiting for a busy mailbox: a lease's length. */
const BACKFILL_RETRY_SECONDS = 60;

/**
 * A job queued because a contact gained an address found another job holding the mailbox:
 * that job may have read the requests before this contact's was written, so this one tries
 * again a minute later (for as long as a lease lasts) rather than leave the contact's past
 * mail to the next scheduled sync.
 */
async function retryBackfillJob(deps: SyncDeps, job: SyncJobMessage, refused: "missing" | "disabled" | "held"): Promise<void> {
  if (!retriesRefusedJob(job, refused, Date.now(), LEASE_SECONDS)) return;
  const again = { ...job, jobId: newJob(job.accountId, job.reason).jobId };
  await recordQueued(deps.db, again);
  await deps.queue.enqueue([{ job: again, delaySeconds: BACKFILL_RETRY_SECONDS }]);
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
    const plan = planFolder(folder, status, cursors.get(folder), backfill.addresses, nowIso());
    if (plan.action === "skip") continue; // nothing new: STATUS was all it cost
    if (plan.uidValidityChanged) {
      log.warn("sync.uidvalidity.changed", { folder, from: cursors.get(folder)!.uidValidity, to: plan.cursor.uidValidity });
      await forgetSkips(deps.db, account.id, folder); // the old UIDs name nothing now
    }
    matcher.warm(); // read while the folder is opened and searched
    const run = new FolderRun(deps, client, account, folder, plan.cursor, counts, log, matcher, jobId);
    if (await run.sync(plan.uidNext, plan.backfill)) return true;
    cursors.set(folder, plan.cursor); // as saved: what the next job of this process starts from
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
  await saveSyncFolders(db, account.id, folders, sent);
  return folders;
}
