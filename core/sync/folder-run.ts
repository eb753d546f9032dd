/**
 * One folder of one sync job (FolderRun): which UIDs to look at, fetching their headers in
 * chunks, matching them to contacts, storing the matches and saving the cursor after each
 * commit, then the rest of a first sync or a backfill. run-sync-job (sync-account.ts) opens the
 * connection and decides the folders; this file does the reading of one. What to read and
 * when to stop are decided in plan.ts (pure); this file does the I/O.
 * Over 400 lines because FolderRun's steps (window, chunks, matching, storing, accounting,
 * backfill) share one connection, cursor and job state; every decision among them is already
 * a pure function in plan.ts.
 */
import type { ImapFlow } from "imapflow";
import { AppError } from "../shared/errors";
import { nowIso } from "../shared/ids";
import type { Logger } from "../shared/log";
import { clearFirstSyncProgress, saveFirstSyncProgress, type AccountRecord } from "../accounts/index";
import { normaliseEmail } from "../contacts/index";
import { saveCursor, type FolderCursor } from "../jobs/index";
import { headerAddresses, participants, toMailRecord, type FetchedMessage, type MailRecord } from "./message-record";
import { pickPreviewPart, previewText, PREVIEW_BYTES, type PreviewPart } from "../mail/index";
import { storeMessages } from "./store-messages";
import { ContactMatcher } from "./contact-matcher";
import { recordJob, type JobCounts } from "../jobs/index";
import { fetchAnswered, fetchMissing, retryUids, settleSkips, type Outcome, type SkipReason } from "./accounting";
import { firstSeenDates } from "./message-identity";
import * as plan from "./plan";
import type { SyncDeps } from "./sync-account";

/** How often a running job saves its cursor and progress and beats its heart. */
const COMMIT_EVERY_MS = 1_000;

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
export class FolderRun {
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
      const since = plan.windowStart(Date.now(), this.account.initialSyncDays, this.deps.initialWindowDays);
      const search = async (query: object) => (await client.search(query, { uid: true })) || [];
      let inWindow: number[] | undefined;
      let finished: Promise<void> | undefined;
      if (plan.needsFirstSync(cursor)) {
        inWindow = (await search({ since, uid: plan.belowUidNext(uidNext) })).filter((u) => u < uidNext);
        plan.beginFirstSync(cursor, uidNext, inWindow);
        // not awaited: the next save (after the first chunk's writes) waits for it; the console
        // shows the progress bar (0 of the total) from now on
        this.save().catch(() => undefined);
        this.progress().catch(() => undefined);
      }
      // 1. new mail, oldest first, so lastUid can move after each durable chunk
      const fresh = plan.newMailUids(await search({ uid: plan.newMailRange(cursor) }), cursor.lastUid);
      const stoppedFresh = await this.process(fresh, false, (chunk) => {
        cursor.lastUid = Math.max(cursor.lastUid, chunk[chunk.length - 1]!);
      });
      if (stoppedFresh) return true;
      // 1b. messages skipped by earlier syncs, tried again (each a bounded number of times)
      const retry = retryUids(cursor.retry);
      if (retry.length && (await this.process(retry, false, () => undefined))) return true;
      // 2. the rest of the first sync, newest first
      if (cursor.initialBelow !== undefined) {
        const range = plan.firstSyncRange(cursor.initialBelow);
        const window = inWindow ?? (range ? await search({ since, uid: range }) : []);
        const { uids: older, doneBefore } = plan.resumeFirstSync(window, cursor);
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
      const look = plan.planBackfill(backfill, cursor.lastUid);
      if (look.kind === "search") {
        // a few addresses: the server finds their mail
        const found = new Set<number>();
        for (const address of look.addresses) for (const uid of await search(plan.addressQuery(address, since, look.range))) found.add(uid);
        if (await this.process(plan.newestFirst(found), true, () => undefined)) return true;
      } else if (look.kind === "scan") {
        // many: one light pass over the window, stored only for these addresses
        if (await this.process(plan.newestFirst(await search({ since, uid: look.range })), false, () => undefined, look.only)) return true;
      }
      cursor.uidNext = plan.finishedUidNext(uidNext, cursor.lastUid);
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
    const chunks = plan.chunksOf(uids, this.deps.chunkSize ?? plan.DEFAULT_CHUNK_SIZE);
    // prefiltered UIDs are candidates already: their details come in the same FETCH
    const query = prefiltered ? plan.FULL_FETCH : plan.LIGHT_FETCH;
    const fetch = (chunk: number[]) => fetchAnswered(this.client, chunk, query, plan.uidSet);
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
        if (plan.stopsForDeadline(i + 1 < chunks.length, this.deps.remainingMs(), this.deps.safetyMs)) {
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
      const details = await fetchAnswered(
        this.client,
        needDetails.map((c) => c.msg.uid),
        plan.DETAIL_FETCH,
        plan.uidSet,
      );
      const byUid = new Map(details.map((d) => [d.uid, d]));
      // no answer is no proof of deletion: imapflow drops a response it cannot parse
      const again = new Map(
        (
          await this.fetchAgain(
            needDetails.filter((c) => !byUid.has(c.msg.uid)).map((c) => c.msg.uid),
            outcomes,
          )
        ).map((m) => [m.uid, m]),
      );
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
    const { found, gone, unreadable } = await fetchMissing(this.client, uids, plan.uidSet);
    for (const uid of gone) outcomes.set(uid, { outcome: "gone" });
    for (const uid of unreadable) outcomes.set(uid, { outcome: "skipped", reason: "unreadable" });
    // stored with what is known (header fields, size), without attachments or preview
    if (found.length)
      this.log.warn("sync.structure.unreadable", {
        folder: this.folder,
        uids: found.map((m) => m.uid).slice(0, 20),
        count: found.length,
        gone: gone.length,
        unreadable: unreadable.length,
      });
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
    const received = (await this.client.fetchAll(plan.uidSet(undated.map((w) => w.uid)), { uid: true, headers: ["received"] }, { uid: true })) as FetchedMessage[];
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
      work.length
        ? storeMessages(
            this.deps.db,
            work.map((w) => ({ record: w.record, contacts: w.contacts, source: { ...source, uid: w.uid } })),
            this.deps.mailEvents,
          )
        : 0,
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
      const fetched = (await this.client.fetchAll(
        plan.uidSet(items.map((i) => i.uid)),
        { uid: true, bodyParts: [{ key: section, start: 0, maxLength: PREVIEW_BYTES }] },
        { uid: true },
      )) as FetchedMessage[];
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
    if (finished) return this.progressWrites(() => clearFirstSyncProgress(db, this.account.id));
    const progress = { folder: this.folder, done: this.cursor.initialDone ?? 0, total: this.cursor.initialTotal ?? 0 };
    return this.progressWrites(() => saveFirstSyncProgress(db, this.account.id, progress));
  }
}

/** Runs the writes given to it one after another, in the order given; each call answers when its write is done. */
function inOrder(): (write: () => Promise<unknown>) => Promise<void> {
  let last: Promise<void> = Promise.resolve();
  return (write) => (last = last.then(async () => void (await write())));
}
