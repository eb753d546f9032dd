/**
 * The sync's decisions, free of I/O: which folders need work and from where (UIDs past the
 * cursor, a new UIDVALIDITY), where a cut job resumes, how a backfill looks for a contact's new
 * addresses, when a job stops for the function's deadline and what follows it. The job
 * (sync-account.ts) and the folder run (folder-run.ts) ask here and do the talking to IMAP and
 * DynamoDB; test/unit/sync-plan.test.ts pins every rule.
 */
import type { FolderCursor } from "../jobs/index";
import type { SyncJobMessage } from "../queue/index";
import type { JobEnd } from "../accounts/index";
import { isAuthenticationProblem, PREVIEW_BYTES } from "../mail/index";
import { RECONNECT_CODE } from "../oauth/index";
import { retryUids } from "./accounting";
import { ADDRESS_HEADERS, RECORD_HEADERS } from "./header-record";

/** Up to this many new contact addresses, a backfill asks the server (SEARCH per address); above, it rescans the window. */
export const BACKFILL_SEARCH_MAX = 5;
/** Messages fetched per FETCH command unless the job says otherwise. */
export const DEFAULT_CHUNK_SIZE = 500;
/** Stop and queue a continuation when less than this is left of the function's time, unless the job says otherwise. */
export const DEFAULT_SAFETY_MS = 60_000;
/** How far back the first sync of a folder reaches when neither the account nor the job says. */
export const DEFAULT_WINDOW_DAYS = 90;

/**
 * What every new message costs: its address header fields, enough to see who it involves.
 * imapflow's parsing is CPU-bound and every item (and every header name, echoed back) in a
 * FETCH response is a token to parse, so this is kept to the minimum.
 */
export const LIGHT_FETCH = { uid: true, headers: ADDRESS_HEADERS };
/**
 * Fetched only for messages that involve a contact: the other header fields of the record,
 * arrival time and size, BODYSTRUCTURE (attachments, where the text is) and the first
 * PREVIEW_BYTES of part 1, where the text is in most mail (a single-part message, or the
 * text/plain first part of an alternative). A message whose text is elsewhere gets a second,
 * exact fetch. No ENVELOPE: the record is built from the raw header fields (header-record.ts).
 */
export const DETAIL_FETCH = {
  uid: true,
  internalDate: true,
  size: true,
  bodyStructure: true,
  headers: RECORD_HEADERS.filter((h) => !ADDRESS_HEADERS.includes(h)),
  bodyParts: [{ key: "1", start: 0, maxLength: PREVIEW_BYTES }],
};
/** Both at once, for UIDs already known to involve a contact (found by a backfill SEARCH). */
export const FULL_FETCH = { ...DETAIL_FETCH, headers: RECORD_HEADERS };

/** What STATUS said of a folder (imapflow's answer, numbers as it gives them). */
export interface FolderStatus {
  uidNext?: number;
  uidValidity?: number | bigint | string;
  highestModseq?: number | bigint | string;
}

/** What to do with one folder: nothing (STATUS was all it cost), or a run from `cursor`. */
export type FolderPlan =
  | { action: "skip" }
  | {
      action: "sync";
      /** Where the run starts: the saved cursor, or a fresh one when there was none or its UIDs mean nothing now. */
      cursor: FolderCursor;
      uidNext: number;
      /** The folder's UIDVALIDITY changed: the old UIDs (and the skips recorded under them) name nothing now. */
      uidValidityChanged: boolean;
      /** Contacts' new addresses to look for in what the cursor has already seen. */
      backfill: string[];
    };

/**
 * A folder's plan from its STATUS and its saved cursor. Nothing new (same UIDVALIDITY, UIDNEXT
 * not past the cursor's, no first sync under way, no skipped message waiting for a retry) and
 * nothing to backfill: skip. A new UIDVALIDITY rebuilds the folder from a fresh cursor (items
 * are keyed by message, not UID, so rebuilding writes no duplicates); a rebuild reads the whole
 * window anyway, so it needs no backfill.
 */
export function planFolder(folder: string, status: FolderStatus, before: FolderCursor | undefined, backfill: string[], now: string): FolderPlan {
  const uidValidity = String(status.uidValidity);
  const uidNext = Number(status.uidNext ?? 0);
  const valid = !!before && before.uidValidity === uidValidity;
  const quiet = valid && before.uidNext >= uidNext && before.initialBelow === undefined && !retryUids(before.retry).length;
  if (quiet && !backfill.length) return { action: "skip" };
  const cursor: FolderCursor = valid ? { ...before } : { folder, uidValidity, uidNext: 0, lastUid: 0, updatedAt: now };
  if (status.highestModseq !== undefined) cursor.highestModseq = String(status.highestModseq);
  return { action: "sync", cursor, uidNext, uidValidityChanged: !!before && !valid, backfill: valid ? backfill : [] };
}

/** The oldest date the first sync reaches: the account's window, else the job's default, else 90 days. */
export function windowStart(now: number, accountDays: number | undefined, defaultDays: number | undefined): Date {
  return new Date(now - (accountDays ?? defaultDays ?? DEFAULT_WINDOW_DAYS) * 86_400_000);
}

/** A folder never read (no UID stored, no first sync under way) starts with its first sync. */
export const needsFirstSync = (cursor: FolderCursor): boolean => cursor.lastUid === 0 && cursor.initialBelow === undefined;

/** The UIDs the first sync's window SEARCH covers: everything below UIDNEXT (at or above it is new mail). */
export const belowUidNext = (uidNext: number): string => `1:${Math.max(1, uidNext - 1)}`;

/**
 * The cursor at the start of a first sync, given the window's UIDs below UIDNEXT: everything at
 * or above UIDNEXT is new mail, read oldest first from lastUid; below it the window is read
 * newest first (initialBelow moves down), so the console shows recent history soonest.
 */
export function beginFirstSync(cursor: FolderCursor, uidNext: number, inWindow: number[]): FolderCursor {
  return Object.assign(cursor, { lastUid: Math.max(0, uidNext - 1), uidNext, initialBelow: uidNext, initialTotal: inWindow.length, initialDone: 0 });
}

/** The SEARCH range for new mail: past the last UID durably stored. */
export const newMailRange = (cursor: FolderCursor): string => `${cursor.lastUid + 1}:*`;

/**
 * New mail in the order it is read: ascending, so lastUid can move after each durable chunk.
 * A SEARCH of "n:*" also answers the highest UID when n is above it (RFC 3501: "*" is the
 * largest UID in use), so only UIDs past the cursor count.
 */
export const newMailUids = (found: number[], lastUid: number): number[] => found.filter((u) => u > lastUid).sort((a, b) => a - b);

/**
 * What is left of a first sync cut short (a job that stopped for time, a dropped connection,
 * a killed process): the window's UIDs below initialBelow, newest first, and how many the
 * earlier jobs did (for the progress bar: the total stays the one counted at the start).
 */
export function resumeFirstSync(window: number[], cursor: FolderCursor): { uids: number[]; doneBefore: number } {
  const below = cursor.initialBelow ?? 0;
  const uids = window.filter((u) => u < below).sort((a, b) => b - a);
  return { uids, doneBefore: (cursor.initialTotal ?? uids.length) - uids.length };
}

/** The SEARCH range of the rest of a first sync: below initialBelow; none when nothing is below. */
export const firstSyncRange = (initialBelow: number): string | undefined => (initialBelow > 1 ? `1:${initialBelow - 1}` : undefined);

/**
 * How a backfill looks for contacts' new addresses in what the folder has seen (UIDs up to
 * lastUid): none before anything was seen; a SEARCH per address for a few; one light pass over
 * the window, matched against just these addresses, for many (a bulk import of contacts costs
 * less that way than a SEARCH per address, and is bounded by the mailbox, not by the import).
 */
export type BackfillSearch = { kind: "none" } | { kind: "search"; range: string; addresses: string[] } | { kind: "scan"; range: string; only: Set<string> };
export function planBackfill(addresses: string[], lastUid: number): BackfillSearch {
  if (!addresses.length || lastUid <= 0) return { kind: "none" };
  const range = `1:${lastUid}`;
  return addresses.length <= BACKFILL_SEARCH_MAX ? { kind: "search", range, addresses } : { kind: "scan", range, only: new Set(addresses) };
}

/** The IMAP SEARCH for one address's mail within the window and a UID range. */
export const addressQuery = (address: string, since: Date, range: string) => ({ since, uid: range, or: [{ from: address }, { to: address }, { cc: address }, { bcc: address }] });

/** UIDs found by SEARCH, highest first: a backfill shows recent mail soonest. */
export const newestFirst = (uids: Iterable<number>): number[] => [...uids].sort((a, b) => b - a);

/** The UIDNEXT a finished folder saves: the server's, or past the last UID stored if that is higher. */
export const finishedUidNext = (uidNext: number, lastUid: number): number => Math.max(uidNext, lastUid + 1);

/** `uids` in FETCH commands of `size` each, in the order given. */
export function chunksOf(uids: number[], size: number): number[][] {
  const chunks: number[][] = [];
  for (let i = 0; i < uids.length; i += size) chunks.push(uids.slice(i, i + size));
  return chunks;
}

/**
 * Whether a job stops before its next chunk for the function's deadline: only when a chunk is
 * still to come and less than the safety margin is left (the margin pays for committing what is
 * in flight, the logout and queuing the continuation).
 */
export const stopsForDeadline = (moreToCome: boolean, remainingMs: number, safetyMs = DEFAULT_SAFETY_MS): boolean => moreToCome && remainingMs < safetyMs;

/**
 * A job queued for a contact just added, or by "Sync now", must see the newest backfill
 * requests, not this process's short-lived cache of them.
 */
export const needsFreshBackfill = (job: Pick<SyncJobMessage, "reason">): boolean => job.reason === "contact-added" || job.reason === "manual";

/**
 * Whether a job refused its lease is tried again later: only a contact's backfill job that found
 * another job holding the mailbox (that job may have read the requests before this contact's was
 * written), and only while it is younger than a lease (after that, the holder has surely seen it).
 */
export function retriesRefusedJob(job: Pick<SyncJobMessage, "reason" | "enqueuedAt">, refused: string, now: number, leaseSeconds: number): boolean {
  return refused === "held" && job.reason === "contact-added" && now - Date.parse(job.enqueuedAt) <= leaseSeconds * 1000;
}

/**
 * How a failed job ends for the account's state (the state machine takes it from there): a
 * refused sign-in (or no saved password) counts towards the pause, anything else is a
 * connection error that leaves the count alone.
 */
export const jobEndOf = (errorCode: string): JobEnd =>
  // an ended OAuth2 grant (core/oauth's RECONNECT_CODE) pauses the mailbox at once: no retry can help
  errorCode === RECONNECT_CODE ? "reconnectNeeded" : isAuthenticationProblem(errorCode) ? "authenticationError" : "connectError";

/** Two backfill jobs of one mailbox start at least this far apart: a CRM adding contacts one by one costs one job a minute per mailbox, not one per contact. */
export const BACKFILL_JOB_SPACING_MS = 60_000;

/**
 * When a mailbox's job for a contact's new address starts: none needed when one is planned to
 * start after now (that job will see the request); otherwise now, or BACKFILL_JOB_SPACING_MS
 * after the previous one's planned start.
 */
export function backfillJobStart(now: number, plannedAt: string | undefined): Date | undefined {
  const last = plannedAt ? Date.parse(plannedAt) : 0;
  if (last >= now) return undefined;
  return new Date(Math.max(now, last + BACKFILL_JOB_SPACING_MS));
}

/** Lambda hosts keep time with the Amazon Time Sync Service (well under a millisecond apart); ample slack. */
export const CLOCK_SLACK_MS = 250;

/**
 * Where a job takes its cursors from, to resume where the last job left them: this process's
 * own copy ("kept") when the account still carries the updatedAt stamp its last job's end put
 * there (warm-state.ts lastEnds); else the read started before the lease ("early"), if it began
 * after the last job's end stamp (a job saves its cursors before that; CLOCK_SLACK_MS for the
 * clocks of two containers); else a fresh read. Never a copy when a job left its lease behind
 * (it died mid-folder and may have moved cursors). A wrong guess would only redo work: writes
 * are idempotent.
 */
export function cursorSource(facts: { updatedAt?: string; keptStamp?: string; leftBehind: boolean; earlyReadAt?: number }): "kept" | "early" | "read" {
  if (facts.leftBehind) return "read";
  const ours = facts.keptStamp !== undefined && facts.keptStamp === facts.updatedAt;
  if (ours) return "kept";
  if (facts.earlyReadAt !== undefined && Date.parse(facts.updatedAt ?? "") < facts.earlyReadAt - CLOCK_SLACK_MS) return "early";
  return "read";
}

/** A UID set in IMAP's compact form: runs of consecutive UIDs as ranges ("1:500,502"). */
export function uidSet(uids: number[]): string {
  const sorted = [...uids].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(j > i ? `${sorted[i]}:${sorted[j]}` : String(sorted[i]));
    i = j + 1;
  }
  return parts.join(",");
}
