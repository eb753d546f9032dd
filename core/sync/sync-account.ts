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
import { participants, toMailRecord, type FetchedMessage, type MailRecord } from "./message-record";
import { pickPreviewPart, previewText, PREVIEW_BYTES, type PreviewPart } from "./mime-preview";
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
  /** Sees every IMAP command line the job sends (tests and benchmarks count them). */
  imapCommandLog?: (line: string) => void;
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
    client = await openImap({ ...account.imap, address, password, allowInsecureCerts: account.allowInsecureCerts, ca: deps.imapCa, commandLog: deps.imapCommandLog }, jobLog);
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
  const folders = account.syncFolders?.length ? account.syncFolders : await discoverFolders(deps.db, client, account);
  const backfill = await pendingBackfill(deps.db, account);
  for (const folder of folders) {
    counts.folders++;
    const status = await client.status(folder, { uidNext: true, uidValidity: true, messages: true, highestModseq: true });
    if (!status) continue;
    const uidValidity = String(status.uidValidity);
    const before = cursors.get(folder);
    const valid = before && before.uidValidity === uidValidity;
    const quiet = valid && before.uidNext >= Number(status.uidNext ?? 0) && before.initialBelow === undefined;
    if (quiet && !backfill.addresses.length) continue; // nothing new: STATUS was all it cost
    if (before && !valid) log.warn("sync.uidvalidity.changed", { folder, from: before.uidValidity, to: uidValidity });
    // A new UIDVALIDITY means the old UIDs mean nothing: rebuild the folder. Items are keyed by
    // message, not UID, so rebuilding writes no duplicates.
    const cursor: FolderCursor = valid ? { ...before } : { folder, uidValidity, uidNext: 0, lastUid: 0, updatedAt: nowIso() };
    if (status.highestModseq !== undefined) cursor.highestModseq = String(status.highestModseq);
    const run = new FolderRun(deps, client, account, folder, cursor, counts, log);
    if (await run.sync(Number(status.uidNext ?? 0), valid ? backfill.addresses : [])) return true;
  }
  if (backfill.upTo) {
    await deps.db.update("main", keys.account(account.id), { expression: "SET backfillSeen = :b", values: { ":b": backfill.upTo }, condition: "attribute_exists(pk)" });
  }
  return false;
}

/**
 * Addresses that contacts gained since this account last looked (core/contacts records them):
 * past mail to and from them is searched for in folders already synced.
 */
async function pendingBackfill(db: Db, account: AccountRecord & { backfillSeen?: string }): Promise<{ addresses: string[]; upTo?: string }> {
  const items = await db.queryAll("main", {
    KeyConditionExpression: "pk = :p AND sk > :s",
    ExpressionAttributeValues: { ":p": "BACKFILL", ":s": account.backfillSeen ?? "" },
  });
  if (!items.length) return { addresses: [] };
  return { addresses: [...new Set(items.map((i) => i.address as string))], upTo: items[items.length - 1]!.sk };
}

/** INBOX and the folder the server marks \\Sent (RFC 6154), remembered on the account. */
async function discoverFolders(db: Db, client: ImapFlow, account: AccountRecord): Promise<string[]> {
  const list = await client.list();
  const sent = account.sentFolder ?? list.find((m) => m.specialUse === "\\Sent")?.path ?? null;
  const folders = ["INBOX", ...(sent && sent !== "INBOX" ? [sent] : [])];
  await db.update("main", keys.account(account.id), {
    expression: "SET syncFolders = :f, sentFolder = :s",
    values: { ":f": folders, ":s": sent },
    condition: "attribute_exists(pk)",
  });
  return folders;
}

const FETCH_QUERY = { uid: true, envelope: true, internalDate: true, size: true, bodyStructure: true, headers: ["references"] } as const;

/** One folder of one job: new mail first (ascending), then the rest of the first sync (newest first). */
class FolderRun {
  private readonly own: Set<string>;

  constructor(
    private readonly deps: SyncDeps,
    private readonly client: ImapFlow,
    private readonly account: AccountRecord,
    private readonly folder: string,
    private readonly cursor: FolderCursor,
    private readonly counts: JobCounts,
    private readonly log: Logger,
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
      if (cursor.lastUid === 0 && cursor.initialBelow === undefined) {
        // First sync: everything at or above UIDNEXT is new mail; below it, the window's
        // messages go newest first so the console shows recent history soonest.
        const inWindow = ((await client.search({ since, uid: `1:${Math.max(1, uidNext - 1)}` }, { uid: true })) || []).filter((u) => u < uidNext);
        Object.assign(cursor, { lastUid: Math.max(0, uidNext - 1), uidNext, initialBelow: uidNext, initialTotal: inWindow.length, initialDone: 0 });
        await this.save();
      }
      // 1. new mail, oldest first, so lastUid can move after each durable chunk
      const fresh = ((await client.search({ uid: `${cursor.lastUid + 1}:*` }, { uid: true })) || []).filter((u) => u > cursor.lastUid).sort((a, b) => a - b);
      const stoppedFresh = await this.process(fresh, async (chunk) => {
        cursor.lastUid = Math.max(cursor.lastUid, chunk[chunk.length - 1]!);
      });
      if (stoppedFresh) return true;
      // 2. the rest of the first sync, newest first
      if (cursor.initialBelow !== undefined) {
        const below = cursor.initialBelow;
        const older = below > 1 ? ((await client.search({ since, uid: `1:${below - 1}` }, { uid: true })) || []).filter((u) => u < below).sort((a, b) => b - a) : [];
        const stoppedInitial = await this.process(older, async (chunk) => {
          cursor.initialBelow = chunk[chunk.length - 1]!;
          cursor.initialDone = (cursor.initialDone ?? 0) + chunk.length;
          await this.progress();
        });
        if (stoppedInitial) return true;
        delete cursor.initialBelow;
        await this.progress(true);
      }
      // 3. past mail of addresses contacts just gained, within the window and below what was seen
      if (backfill.length) {
        const found = new Set<number>();
        for (const address of backfill) {
          const query = { since, uid: `1:${Math.max(1, cursor.lastUid)}`, or: [{ from: address }, { to: address }, { cc: address }, { bcc: address }] };
          for (const uid of (await client.search(query, { uid: true })) || []) found.add(uid);
        }
        if (await this.process([...found].sort((a, b) => b - a), async () => undefined)) return true;
      }
      cursor.uidNext = Math.max(uidNext, cursor.lastUid + 1);
      await this.save();
      return false;
    } finally {
      lock.release();
    }
  }

  /**
   * Fetches and stores `uids` in chunks, in the given order. The next chunk's FETCH is sent
   * while this chunk is matched and written, so the IMAP connection never waits on DynamoDB.
   * After each chunk is durable, `advance` moves the cursor and it is saved.
   */
  private async process(uids: number[], advance: (chunk: number[]) => Promise<void>): Promise<boolean> {
    const size = this.deps.chunkSize ?? 500;
    const chunks: number[][] = [];
    for (let i = 0; i < uids.length; i += size) chunks.push(uids.slice(i, i + size));
    const fetch = (chunk: number[]) => this.client.fetchAll(chunk.join(","), FETCH_QUERY as any, { uid: true }) as Promise<FetchedMessage[]>;
    let next = chunks.length ? fetch(chunks[0]!) : undefined;
    for (let i = 0; i < chunks.length; i++) {
      const fetched = await next!;
      next = i + 1 < chunks.length ? fetch(chunks[i + 1]!) : undefined;
      next?.catch(() => undefined); // awaited next round; a failure there surfaces then
      await this.store(fetched);
      await advance(chunks[i]!);
      this.cursor.updatedAt = nowIso();
      await this.save();
      if (i + 1 < chunks.length && this.deps.remainingMs() < (this.deps.safetyMs ?? 60_000)) {
        await next?.catch(() => undefined);
        return true;
      }
    }
    return false;
  }

  private async store(fetched: FetchedMessage[]): Promise<void> {
    const { deps, counts } = this;
    counts.fetched += fetched.length;
    const records: { uid: number; msg: FetchedMessage; record: MailRecord }[] = [];
    for (const msg of fetched) {
      try {
        records.push({ uid: msg.uid, msg, record: toMailRecord(msg) });
      } catch (err) {
        // one unreadable message never blocks the rest: it is recorded with its reason
        counts.skipped++;
        await deps.db.put("main", { ...keys.skipped(this.account.id, this.folder, msg.uid), reason: String((err as Error)?.message ?? err).slice(0, 500), at: nowIso() });
      }
    }
    const matched = await matchContactEmails(deps.db, records.flatMap((r) => participants(r.record).filter((a) => !this.own.has(a))));
    const work = records
      .map((r) => ({ ...r, contacts: participants(r.record).filter((a) => !this.own.has(a) && matched.has(a)) }))
      .filter((r) => r.contacts.length);
    counts.matched += work.length;
    await this.addPreviews(work);
    await pool(work, WRITE_CONCURRENCY, async (w) => {
      // not "counts.written += await ...": that reads the counter before the await and loses
      // the other workers' increments
      const written = await storeMessage(deps.db, w.record, w.contacts, {
        accountId: this.account.id,
        ownerId: this.account.ownerId,
        folder: this.folder,
        uid: w.uid,
        uidValidity: this.cursor.uidValidity,
      });
      counts.written += written;
    });
  }

  /** One partial FETCH per distinct part section, only for messages that will be stored. */
  private async addPreviews(work: { uid: number; msg: FetchedMessage; record: MailRecord }[]): Promise<void> {
    const bySection = new Map<string, { uid: number; record: MailRecord; part: PreviewPart }[]>();
    for (const w of work) {
      const part = pickPreviewPart(w.msg.bodyStructure);
      if (!part) continue;
      const list = bySection.get(part.part) ?? [];
      list.push({ uid: w.uid, record: w.record, part });
      bySection.set(part.part, list);
    }
    for (const [section, items] of bySection) {
      const byUid = new Map(items.map((i) => [i.uid, i]));
      const fetched = (await this.client.fetchAll(items.map((i) => i.uid).join(","), { uid: true, bodyParts: [{ key: section, start: 0, maxLength: PREVIEW_BYTES }] }, { uid: true })) as FetchedMessage[];
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

  private save(): Promise<void> {
    return saveCursor(this.deps.db, this.account.id, this.cursor);
  }

  /** The first sync's progress on the account, for the console's progress bar. */
  private async progress(finished = false): Promise<void> {
    const { db } = this.deps;
    if (finished) {
      await db.update("main", keys.account(this.account.id), { expression: "REMOVE syncProgress", condition: "attribute_exists(pk)" });
      return;
    }
    await db.update("main", keys.account(this.account.id), {
      expression: "SET syncProgress = :p, #state = :s",
      names: { "#state": "state" },
      values: { ":p": { folder: this.folder, done: this.cursor.initialDone ?? 0, total: this.cursor.initialTotal ?? 0, at: nowIso() }, ":s": "syncing" },
      condition: "attribute_exists(pk)",
    });
  }
}

async function pool<T>(items: T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
}
