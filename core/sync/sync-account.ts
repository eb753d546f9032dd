import type { ImapFlow } from "imapflow";
import type { Db, Item } from "../store/db";
import { keys } from "../store/keys";
import type { SecretStore } from "../secrets/index";
import { shouldRetry, type JobQueue, type ServerHint, type SyncJobMessage } from "../queue/index";
import { AppError } from "../shared/errors";
import { nowIso } from "../shared/ids";
import type { Logger } from "../shared/log";
import { checkHost, detectSentFolder, ensureBound, imapPasswordStore, selectableFolders, type AccountRecord, type AccountState, type HostAllowance } from "../accounts/index";
import { normaliseEmail } from "../contacts/index";
import { closeImap, isAuthenticationProblem, LOGIN_WITHDRAWN, openImap, translateImapError, type EarlyCredentials } from "./imap-connection";
import { loadCursors, saveCursor, type FolderCursor } from "./cursors";
import { headerAddresses, participants, toMailRecord, type FetchedMessage, type MailRecord } from "./message-record";
import { ADDRESS_HEADERS, RECORD_HEADERS } from "./header-record";
import { pickPreviewPart, previewText, PREVIEW_BYTES, type PreviewPart } from "./mime-preview";
import { storeMessages } from "./store-messages";
import { passwordCache } from "./secret-cache";
import { ContactMatcher } from "./contact-matcher";
import { newJob, recordJob, recordQueued, serverHint, type JobCounts } from "./jobs";
import { fetchMissing, forgetSkips, retryUids, settleSkips, type Outcome, type SkipReason } from "./accounting";
import { firstSeenDates } from "./message-identity";
import { forgetBackfillCache, pendingBackfill, saveBackfillMarks, type BackfillPlan } from "./backfill-requests";
import { acquireLease, LEASE_SECONDS, LeaseKeeper, markAbandoned, newLeaseOwner, RELEASE, releaseLease, type Lease } from "./lease";
import { loadStoragePolicy } from "../sharing/index";

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

/** How often a running job saves its cursor and progress and beats its heart. */
const COMMIT_EVERY_MS = 1_000;
/** Up to this many new contact addresses, a backfill asks the server (SEARCH per address); above, it rescans the window. */
const BACKFILL_SEARCH_MAX = 5;

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
      const [stamp] = await Promise.all([finishSync(db, lease, "connected", null, nowIso()), recordJob(db, job.jobId, "done", { startedAt, endedAt: nowIso(), counts })]);
      if (stamp) keepEnd(account.id, stamp, await cursors);
      jobLog.info("sync.completed", { counts });
      return { status: "done", counts };
    }
    await finishSync(db, lease, "connected", null, nowIso());
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
    const state = isAuthenticationProblem(err.code) ? "authenticationError" : "connectError";
    released = true;
    await Promise.all([finishSync(db, lease, state, { code: err.code, params: err.params }), recordJob(db, job.jobId, "failed", { startedAt, endedAt: nowIso(), counts, error: err.code })]);
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
async function checkImapHost(host: string, allowance: HostAllowance): Promise<string> {
  try {
    return await checkHost(host, allowance, "imap.host");
  } catch (err) {
    throw err instanceof AppError && err.kind === "validation" ? new AppError("permanent", err.fields[0]?.key === "host_not_found" ? "imap_host_not_found" : "host_not_allowed", { cause: err }) : err;
  }
}

/**
 * The IMAP servers of the accounts this container synced lately: a job whose message does not
 * say where the server is (a "Sync now", a continuation) can still connect while it reads the
 * account. Nothing secret; bounded; a stale entry only costs a connection that is dropped.
 */
const recentServers = {
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
function openEarly(deps: SyncDeps, job: SyncJobMessage, hint: ServerHint) {
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
    login(account: AccountRecord, pass: string): Promise<ImapFlow> {
      settled = true;
      give({ user: account.imap.user, pass, provider: account.provider });
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

/** Lambda hosts keep time with the Amazon Time Sync Service (well under a millisecond apart); ample slack. */
const CLOCK_SLACK_MS = 250;

/**
 * What this process knows of the accounts it synced: the updatedAt that its last job's end
 * stamped on the account, and the cursors that job left (saved before that stamp). While the
 * account still carries the stamp and no job has left a lease behind since, no other job has
 * moved a cursor, so a tick needs no cursor read: the account, which the lease returns, says so.
 */
const lastEnds = new Map<string, { stamp: string; cursors: Map<string, FolderCursor> }>();
function keepEnd(accountId: string, stamp: string, cursors: Map<string, FolderCursor>): void {
  if (lastEnds.size >= 5_000) lastEnds.clear();
  lastEnds.set(accountId, { stamp, cursors: new Map(cursors) });
}

/**
 * The account's cursors as the last job left them: this process's own copy when nothing has
 * happened since (see lastEnds); else the read started before the lease, if it began after the
 * last job's end stamp (a job saves its cursors before that; CLOCK_SLACK_MS for the clocks of
 * two containers); else a fresh read. A wrong guess would only redo work: writes are idempotent.
 */
function currentCursors(
  db: Db,
  account: AccountRecord,
  kept: { stamp: string; cursors: Map<string, FolderCursor> } | undefined,
  leftBehindBy: string | undefined,
  early: Promise<Map<string, FolderCursor>> | undefined,
  readAt: number,
): Promise<Map<string, FolderCursor>> {
  const ours = kept?.stamp === account.updatedAt;
  if (!leftBehindBy && ours && kept) return Promise.resolve(new Map(kept.cursors));
  if (!leftBehindBy && early && Date.parse(account.updatedAt ?? "") < readAt - (ours ? 0 : CLOCK_SLACK_MS)) return early;
  return loadCursors(db, account.id);
}

/** Failed logins in a row after which a mailbox is paused until its credentials change (seed 001: providers lock accounts). */
export const AUTH_FAILURES_BEFORE_PAUSE = 3;

/**
 * The end of a job in one write: the account's state, last error, last sync time, the count of
 * authentication failures in a row, and the lease released. If the lease was lost meanwhile
 * (it expired and another job took it), only the state is recorded. Returns the updatedAt it
 * stamped when it released the lease.
 */
async function finishSync(db: Db, lease: Lease, state: AccountState, error: { code: string; params?: Record<string, string | number> } | null, syncedAt?: string): Promise<string | undefined> {
  const { accountId } = lease;
  const auth = state === "authenticationError";
  const values: Record<string, unknown> = { ":s": state, ":e": error, ":u": nowIso(), ":owner": lease.owner };
  let expression = "SET #state = :s, lastError = :e, updatedAt = :u";
  if (syncedAt) {
    expression += ", lastSyncAt = :t";
    values[":t"] = syncedAt;
  }
  if (auth) {
    expression += ", authFailures = if_not_exists(authFailures, :zero) + :one";
    values[":zero"] = 0;
    values[":one"] = 1;
  } else if (state === "connected") {
    expression += ", authFailures = :zero";
    values[":zero"] = 0;
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

/**
 * What every new message costs: its address header fields, enough to see who it involves.
 * imapflow's parsing is CPU-bound and every item (and every header name, echoed back) in a
 * FETCH response is a token to parse, so this is kept to the minimum.
 */
const LIGHT_FETCH = { uid: true, headers: ADDRESS_HEADERS };
/**
 * Fetched only for messages that involve a contact: the other header fields of the record,
 * arrival time and size, BODYSTRUCTURE (attachments, where the text is) and the first
 * PREVIEW_BYTES of part 1, where the text is in most mail (a single-part message, or the
 * text/plain first part of an alternative). A message whose text is elsewhere gets a second,
 * exact fetch. No ENVELOPE: the record is built from the raw header fields (header-record.ts).
 */
const DETAIL_FETCH = {
  uid: true,
  internalDate: true,
  size: true,
  bodyStructure: true,
  headers: RECORD_HEADERS.filter((h) => !ADDRESS_HEADERS.includes(h)),
  bodyParts: [{ key: "1", start: 0, maxLength: PREVIEW_BYTES }],
};
/** Both at once, for UIDs already known to involve a contact (found by a backfill SEARCH). */
const FULL_FETCH = { ...DETAIL_FETCH, headers: RECORD_HEADERS };

/** Each listed UID's outcome in one chunk (accounting.ts). */
type Outcomes = Map<number, { outcome: Outcome; reason?: SkipReason; detail?: string }>;
type Selected = { matched: Set<string>; messages: FetchedMessage[] };

interface Prepared {
  uid: number;
  msg: FetchedMessage;
  record: MailRecord;
  /** The contact addresses it involves (normalised). */
  contacts: string[];
}

/** One folder of one job: new mail first (ascending), then the rest of the first sync (newest first). */
class FolderRun {
  private readonly own: Set<string>;
  /** This folder's listed UIDs and how each ended, for the end-of-folder log. */
  private readonly tally = { listed: 0, stored: 0, unrelated: 0, skipped: 0, gone: 0 };

  constructor(
    private readonly deps: SyncDeps,
    private readonly client: ImapFlow,
    private readonly account: AccountRecord,
    private readonly folder: string,
    private readonly cursor: FolderCursor,
    private readonly counts: JobCounts,
    private readonly log: Logger,
    private readonly matcher: ContactMatcher,
    private readonly jobId: string,
  ) {
    // the mailbox's own addresses are never "participants" to match
    this.own = new Set([account.email, normaliseEmail(account.imap.user), ...(account.aliases ?? [])]);
  }

  /** Returns true when it stopped for lack of time; the cursor is saved either way. */
  async sync(uidNext: number, backfill: string[]): Promise<boolean> {
    const { client, cursor } = this;
    const lock = await client.getMailboxLock(this.folder, { readOnly: true });
    try {
      const since = new Date(Date.now() - (this.account.initialSyncDays ?? this.deps.initialWindowDays ?? 90) * 86_400_000);
      let inWindow: number[] | undefined;
      let finished: Promise<void> | undefined;
      if (cursor.lastUid === 0 && cursor.initialBelow === undefined) {
        // First sync: everything at or above UIDNEXT is new mail; below it, the window's
        // messages go newest first so the console shows recent history soonest.
        inWindow = ((await client.search({ since, uid: `1:${Math.max(1, uidNext - 1)}` }, { uid: true })) || []).filter((u) => u < uidNext);
        Object.assign(cursor, { lastUid: Math.max(0, uidNext - 1), uidNext, initialBelow: uidNext, initialTotal: inWindow.length, initialDone: 0 });
        // not awaited: the next save (after the first chunk's writes) waits for it; the console
        // shows the progress bar (0 of the total) from now on
        this.save().catch(() => undefined);
        this.progress().catch(() => undefined);
      }
      // 1. new mail, oldest first, so lastUid can move after each durable chunk
      const fresh = ((await client.search({ uid: `${cursor.lastUid + 1}:*` }, { uid: true })) || []).filter((u) => u > cursor.lastUid).sort((a, b) => a - b);
      const stoppedFresh = await this.process(fresh, false, (chunk) => {
        cursor.lastUid = Math.max(cursor.lastUid, chunk[chunk.length - 1]!);
      });
      if (stoppedFresh) return true;
      // 1b. messages skipped by earlier syncs, tried again (each a bounded number of times)
      const retry = retryUids(cursor.retry);
      if (retry.length && (await this.process(retry, false, () => undefined))) return true;
      // 2. the rest of the first sync, newest first
      if (cursor.initialBelow !== undefined) {
        const below = cursor.initialBelow;
        const window = inWindow ?? (below > 1 ? (await client.search({ since, uid: `1:${below - 1}` }, { uid: true })) || [] : []);
        const older = window.filter((u) => u < below).sort((a, b) => b - a);
        const doneBefore = (cursor.initialTotal ?? older.length) - older.length;
        let done = 0;
        const stoppedInitial = await this.process(older, false, (chunk) => {
          cursor.initialBelow = chunk[chunk.length - 1]!;
          done += chunk.length;
          cursor.initialDone = doneBefore + done;
        });
        if (stoppedInitial) return true;
        delete cursor.initialBelow;
        finished = this.progress(true);
        finished.catch(() => undefined); // awaited below, with the cursor's last save
      }
      // 3. past mail of addresses contacts just gained, within the window and below what was seen
      if (backfill.length && cursor.lastUid > 0) {
        const seen = `1:${cursor.lastUid}`;
        if (backfill.length <= BACKFILL_SEARCH_MAX) {
          // a few addresses: the server finds their mail
          const found = new Set<number>();
          for (const address of backfill) {
            const query = { since, uid: seen, or: [{ from: address }, { to: address }, { cc: address }, { bcc: address }] };
            for (const uid of (await client.search(query, { uid: true })) || []) found.add(uid);
          }
          if (await this.process([...found].sort((a, b) => b - a), true, () => undefined)) return true;
        } else {
          // many (a bulk import of contacts): one light pass over the window, matched against
          // just these addresses, costs less than a SEARCH per address and is bounded by the
          // mailbox, not by the import
          const window = ((await client.search({ since, uid: seen }, { uid: true })) || []).sort((a, b) => b - a);
          if (await this.process(window, false, () => undefined, new Set(backfill))) return true;
        }
      }
      cursor.uidNext = Math.max(uidNext, cursor.lastUid + 1);
      await Promise.all([this.save(), finished]);
      this.log.info("sync.folder.accounted", { folder: this.folder, ...this.tally });
      return false;
    } finally {
      lock.release();
    }
  }

  /**
   * Fetches and stores `uids` in chunks, in the given order, as a pipeline: the next chunk's
   * FETCH is sent while this one is matched, and a chunk's DynamoDB writes run while the next
   * chunk's IMAP work goes on. A chunk's `advance` (the cursor's move, in memory) happens only
   * once its writes are durable, so a crash anywhere re-reads at most what was not saved.
   * The cursor, the first sync's progress and the job's heartbeat are saved every
   * COMMIT_EVERY_MS (and when the job stops for time; the caller saves at the end): redoing a
   * second's work after a crash costs less than 20 writes a second would.
   */
  private async process(uids: number[], prefiltered: boolean, advance: (chunk: number[]) => void, only?: Set<string>): Promise<boolean> {
    const size = this.deps.chunkSize ?? 500;
    const chunks: number[][] = [];
    for (let i = 0; i < uids.length; i += size) chunks.push(uids.slice(i, i + size));
    // prefiltered UIDs are candidates already: their details come in the same FETCH
    const query = prefiltered ? FULL_FETCH : LIGHT_FETCH;
    const fetch = (chunk: number[]) => this.client.fetchAll(uidSet(chunk), query as any, { uid: true }) as Promise<FetchedMessage[]>;
    let next = chunks.length ? fetch(chunks[0]!) : undefined;
    // Chunks whose items are being written, oldest first. A chunk's writes start as soon as its
    // records are ready; it is committed once they are durable, in order.
    const writing: { chunk: number[]; done: Promise<void>; outcomes: Outcomes }[] = [];
    const commitOldest = async (save: boolean) => {
      const { chunk, done, outcomes } = writing.shift()!;
      await done;
      // every UID listed ended one way or another, or the cursor stays before this chunk
      const unaccounted = chunk.filter((u) => !outcomes.has(u));
      if (unaccounted.length) {
        this.log.error("sync.unaccounted", { folder: this.folder, uids: unaccounted.slice(0, 20), count: unaccounted.length });
        throw new AppError("transient", "sync_unaccounted", { params: { folder: this.folder, count: unaccounted.length } });
      }
      advance(chunk);
      if (save || Date.now() - this.committedAt >= COMMIT_EVERY_MS) await this.commit();
    };
    try {
      for (let i = 0; i < chunks.length; i++) {
        const fetched = await next!;
        // This chunk's detail FETCH is sent first, the next chunk's FETCH right behind it: the
        // details never wait for the next chunk, and the connection never idles.
        const outcomes: Outcomes = new Map();
        const pending = this.select(chunks[i]!, fetched, prefiltered, outcomes, only);
        next = i + 1 < chunks.length ? fetch(chunks[i + 1]!) : undefined;
        next?.catch(() => undefined); // awaited next round; a failure there surfaces then
        const prepared = await this.prepare(pending, outcomes);
        const done = this.write(prepared, outcomes);
        done.catch(() => undefined); // awaited in commitOldest()
        writing.push({ chunk: chunks[i]!, done, outcomes });
        // at most two chunks' writes in flight: this one's, and the one before it until committed
        while (writing.length > 1) await commitOldest(false);
        if (i + 1 < chunks.length && this.deps.remainingMs() < (this.deps.safetyMs ?? 60_000)) {
          while (writing.length) await commitOldest(writing.length === 1);
          await next?.catch(() => undefined);
          return true;
        }
      }
      while (writing.length) await commitOldest(false);
      return false;
    } finally {
      // never leave a write running behind a failure
      await Promise.all(writing.map((w) => w.done.catch(() => undefined)));
    }
  }

  /**
   * Picks the messages of a light chunk that involve a contact and sends their detail FETCH
   * (not awaited: the caller queues the next chunk's FETCH behind it). A message either FETCH
   * did not answer for is asked for again without BODYSTRUCTURE (fetchMissing): only those
   * cost a round trip more. Each message's outcome, once known, goes into `outcomes`.
   */
  private select(chunk: number[], fetched: FetchedMessage[], prefiltered: boolean, outcomes: Outcomes, only?: Set<string>): Promise<Selected> {
    this.counts.fetched += fetched.length;
    this.counts.listed += chunk.length;
    this.tally.listed += chunk.length;
    const run = async () => {
      const answered = new Set(fetched.map((m) => m.uid));
      const missing = chunk.filter((u) => !answered.has(u));
      // what the fallback found has every header field a record needs: no detail FETCH for it
      const complete = new Set<number>();
      if (missing.length) {
        const again = await this.fetchAgain(missing, outcomes);
        for (const m of again) complete.add(m.uid);
        fetched = [...fetched, ...again];
      }
      const light = fetched.map((m) => ({ msg: m, all: headerAddresses(m.headers) }));
      const addressed = light.filter((l) => {
        if (l.all.length) return true;
        outcomes.set(l.msg.uid, { outcome: "skipped", reason: "no_addresses" });
        return false;
      });
      const own = addressed.map((l) => ({ msg: l.msg, addresses: l.all.filter((a) => !this.own.has(a)) }));
      // `only`: a backfill pass, which stores mail for these addresses and no others (the rest is stored already)
      const all = own.flatMap((l) => l.addresses);
      const known = only ? new Set(all.filter((a) => only.has(a))) : this.matcher.matchKnown(all);
      const matched = known ?? (await this.matcher.match(all));
      const candidates = own.filter((l) => {
        if (l.addresses.some((a) => matched.has(a))) return true;
        outcomes.set(l.msg.uid, { outcome: "unrelated" });
        return false;
      });
      const needDetails = prefiltered ? [] : candidates.filter((c) => !complete.has(c.msg.uid));
      if (!needDetails.length) return { matched, messages: candidates.map((c) => c.msg) };
      const details = (await this.client.fetchAll(uidSet(needDetails.map((c) => c.msg.uid)), DETAIL_FETCH as any, { uid: true })) as FetchedMessage[];
      const byUid = new Map(details.map((d) => [d.uid, d]));
      // no answer is no proof of deletion: imapflow drops a response it cannot parse
      const again = new Map((await this.fetchAgain(needDetails.filter((c) => !byUid.has(c.msg.uid)).map((c) => c.msg.uid), outcomes)).map((m) => [m.uid, m]));
      const messages = candidates.flatMap(({ msg }) => {
        if (prefiltered || complete.has(msg.uid)) return [msg];
        const d = byUid.get(msg.uid);
        if (!d) return again.has(msg.uid) ? [again.get(msg.uid)!] : [];
        return [{ ...d, headers: Buffer.concat([msg.headers ?? Buffer.alloc(0), d.headers ?? Buffer.alloc(0)]) }];
      });
      return { matched, messages };
    };
    const p = run();
    p.catch(() => undefined); // awaited by prepare()
    return p;
  }

  /** fetchMissing for `uids`: the gone and the unreadable get their outcome; what was found is returned. */
  private async fetchAgain(uids: number[], outcomes: Outcomes): Promise<FetchedMessage[]> {
    if (!uids.length) return [];
    const { found, gone, unreadable } = await fetchMissing(this.client, uids, uidSet);
    for (const uid of gone) outcomes.set(uid, { outcome: "gone" });
    for (const uid of unreadable) outcomes.set(uid, { outcome: "skipped", reason: "unreadable" });
    // stored with what is known (header fields, size), without attachments or preview
    if (found.length) this.log.warn("sync.structure.unreadable", { folder: this.folder, uids: found.map((m) => m.uid).slice(0, 20), count: found.length, gone: gone.length, unreadable: unreadable.length });
    return found;
  }

  /** Builds the records of the selected messages (details in hand) and their previews. */
  private async prepare(pending: Promise<Selected>, outcomes: Outcomes): Promise<Prepared[]> {
    const { counts } = this;
    const { matched, messages } = await pending;
    // backfill candidates skip the matcher: the policy is applied here to every path
    const storable = await this.matcher.policy();
    const work: Prepared[] = [];
    for (const msg of messages) {
      let record: MailRecord;
      try {
        record = toMailRecord(msg);
      } catch (err) {
        // one unreadable message never blocks the rest: it is recorded with its reason
        outcomes.set(msg.uid, { outcome: "skipped", reason: "unparsable", detail: String((err as Error)?.message ?? err) });
        continue;
      }
      // the parsed address lists have the final word on who the message involves
      const contacts = participants(record).filter((a) => !this.own.has(a) && matched.has(a) && storable(a));
      if (contacts.length) work.push({ uid: msg.uid, msg, record, contacts });
      else outcomes.set(msg.uid, { outcome: "unrelated" });
    }
    counts.matched += work.length;
    if (work.length) await Promise.all([this.addPreviews(work), this.dateUndated(work)]);
    for (const w of work) outcomes.set(w.uid, { outcome: "stored" });
    return work;
  }

  /**
   * Mail without a Date header: the earliest Received: date (fetched only for these), else the
   * date the first copy was seen (message-identity.ts). Never INTERNALDATE, which a rebuilt
   * mailbox changes.
   */
  private async dateUndated(work: Prepared[]): Promise<void> {
    const undated = work.filter((w) => w.record.undated);
    if (!undated.length) return;
    const received = (await this.client.fetchAll(uidSet(undated.map((w) => w.uid)), { uid: true, headers: ["received"] } as any, { uid: true })) as FetchedMessage[];
    const byUid = new Map(received.map((m) => [m.uid, m.headers]));
    for (const w of undated) {
      const extra = byUid.get(w.uid);
      if (!extra?.length) continue;
      const again = toMailRecord({ ...w.msg, headers: Buffer.concat([w.msg.headers ?? Buffer.alloc(0), extra]) });
      Object.assign(w.record, { messageKey: again.messageKey, date: again.date, undated: again.undated });
    }
    const still = undated.filter((w) => w.record.undated).map((w) => w.record);
    const dates = await firstSeenDates(this.deps.db, still);
    for (const r of still) r.date = dates.get(r.messageKey) ?? r.date;
  }

  private async write(work: Prepared[], outcomes: Outcomes): Promise<void> {
    const source = { accountId: this.account.id, ownerId: this.account.ownerId, folder: this.folder, uidValidity: this.cursor.uidValidity, own: this.own };
    // not `+= await`: that would read the count before the await, and two chunks write at once
    const [written] = await Promise.all([
      work.length ? storeMessages(this.deps.db, work.map((w) => ({ record: w.record, contacts: w.contacts, source: { ...source, uid: w.uid } }))) : 0,
      this.settle(outcomes),
    ]);
    this.counts.written += written;
  }

  /** Counts a chunk's outcomes and records its skipped messages (settleSkips). */
  private async settle(outcomes: Outcomes): Promise<void> {
    for (const { outcome } of outcomes.values()) {
      this.tally[outcome]++;
      if (outcome !== "stored") this.counts[outcome]++;
    }
    const retry = (this.cursor.retry ??= {});
    const needed = [...outcomes].some(([uid, o]) => o.outcome === "skipped" || retry[uid] !== undefined);
    if (needed) await settleSkips(this.deps.db, { accountId: this.account.id, folder: this.folder, uidValidity: this.cursor.uidValidity }, outcomes, retry);
    if (!Object.keys(retry).length) delete this.cursor.retry;
    for (const [uid, o] of outcomes) if (o.outcome === "skipped") this.log.warn("sync.message.skipped", { folder: this.folder, uid, reason: o.reason, detail: o.detail });
  }

  /** One partial FETCH per distinct part section, only for messages that will be stored. */
  private async addPreviews(work: Prepared[]): Promise<void> {
    const bySection = new Map<string, { uid: number; record: MailRecord; part: PreviewPart }[]>();
    for (const w of work) {
      const part = pickPreviewPart(w.msg.bodyStructure);
      if (!part) continue;
      const early = part.part === "1" ? w.msg.bodyParts?.get("1") : undefined;
      if (early) {
        // fetched with the details (DETAIL_FETCH): no second round trip
        try {
          w.record.preview = previewText(early, part, !!w.msg.binaryParts?.has("1"));
        } catch (err) {
          this.log.debug("sync.preview.failed", { uid: w.uid, err });
        }
        continue;
      }
      const list = bySection.get(part.part) ?? [];
      list.push({ uid: w.uid, record: w.record, part });
      bySection.set(part.part, list);
    }
    for (const [section, items] of bySection) {
      const byUid = new Map(items.map((i) => [i.uid, i]));
      const fetched = (await this.client.fetchAll(uidSet(items.map((i) => i.uid)), { uid: true, bodyParts: [{ key: section, start: 0, maxLength: PREVIEW_BYTES }] }, { uid: true })) as FetchedMessage[];
      for (const m of fetched) {
        const item = byUid.get(m.uid);
        const raw = m.bodyParts?.get(section) ?? [...(m.bodyParts?.values() ?? [])][0];
        if (!item || !raw) continue;
        try {
          item.record.preview = previewText(raw, item.part, !!m.binaryParts?.has(section));
        } catch (err) {
          this.log.debug("sync.preview.failed", { uid: m.uid, err });
        }
      }
    }
  }

  private committedAt = Date.now();
  /** Saves where the folder stands, the first sync's progress and the job's heartbeat, side by side. */
  private async commit(): Promise<void> {
    this.committedAt = Date.now();
    this.cursor.updatedAt = nowIso();
    await Promise.all([
      this.save(),
      this.cursor.initialBelow !== undefined ? this.progress() : undefined,
      recordJob(this.deps.db, this.jobId, "running", { counts: this.counts, accountId: this.account.id }),
    ]);
  }

  /**
   * Cursor saves and progress writes each land in the order they were asked for (each waits for
   * the one before), so a slow early write never overwrites a later position or brings back a
   * finished progress bar; one that fails fails every later one, and the job with it.
   */
  private readonly cursorWrites = inOrder();
  private readonly progressWrites = inOrder();

  /** Saves the cursor as it is now. */
  private save(): Promise<void> {
    const snapshot = { ...this.cursor };
    return this.cursorWrites(() => saveCursor(this.deps.db, this.account.id, snapshot));
  }

  /** The first sync's progress on the account, for the console's progress bar (removed when finished). */
  private progress(finished = false): Promise<void> {
    const { db } = this.deps;
    const key = keys.account(this.account.id);
    if (finished) return this.progressWrites(() => db.update("main", key, { expression: "REMOVE syncProgress", condition: "attribute_exists(pk)", returnValues: "NONE" }));
    const values = { ":p": { folder: this.folder, done: this.cursor.initialDone ?? 0, total: this.cursor.initialTotal ?? 0, at: nowIso() }, ":s": "syncing" };
    return this.progressWrites(() => db.update("main", key, { expression: "SET syncProgress = :p, #state = :s", names: { "#state": "state" }, values, condition: "attribute_exists(pk)", returnValues: "NONE" }));
  }
}

/** Runs the writes given to it one after another, in the order given; each call answers when its write is done. */
function inOrder(): (write: () => Promise<unknown>) => Promise<void> {
  let last: Promise<void> = Promise.resolve();
  return (write) => (last = last.then(async () => void (await write())));
}

/** A UID set in IMAP's compact form: runs of consecutive UIDs as ranges ("1:500,502"). */
export function uidSet(uids: number[]): string {
  const sorted = [...uids].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(j > i ? `${sorted[i]}:${sorted[j]}` : String(sorted[i]));
    i = j + 1;
  }
  return parts.join(",");
}
