import { describe, expect, it } from "vitest";
import type { FolderCursor } from "../../core/jobs/index";
import {
  backfillJobStart,
  beginFirstSync,
  belowUidNext,
  chunksOf,
  CLOCK_SLACK_MS,
  cursorSource,
  finishedUidNext,
  firstSyncRange,
  jobEndOf,
  needsFirstSync,
  needsFreshBackfill,
  newMailRange,
  newMailUids,
  newestFirst,
  planBackfill,
  planFolder,
  resumeFirstSync,
  retriesRefusedJob,
  stopsForDeadline,
  uidSet,
  windowStart,
} from "../../core/sync/plan";

const NOW = "2026-11-30T01:00:00.000Z";
const cursor = (over: Partial<FolderCursor> = {}): FolderCursor => ({
  folder: "INBOX",
  uidValidity: "7",
  uidNext: 101,
  lastUid: 100,
  updatedAt: "2026-11-29T00:00:00.000Z",
  ...over,
});

describe("which folders a job reads, and from where", () => {
  it("skips a folder whose UIDNEXT has not moved past the cursor's: STATUS was all it cost", () => {
    // Prepare / Act
    const plan = planFolder("INBOX", { uidNext: 101, uidValidity: 7 }, cursor(), [], NOW);
    // Assess
    expect(plan).toEqual({ action: "skip" });
  });

  it("reads a folder with new mail from the saved cursor, without changing the saved one", () => {
    const before = cursor();
    const plan = planFolder("INBOX", { uidNext: 105, uidValidity: 7, highestModseq: 900n }, before, [], NOW);
    expect(plan).toEqual({ action: "sync", cursor: { ...before, highestModseq: "900" }, uidNext: 105, uidValidityChanged: false, backfill: [] });
    if (plan.action === "sync") expect(plan.cursor).not.toBe(before);
    expect(before.highestModseq).toBeUndefined();
  });

  it("reads a quiet folder again while its first sync is unfinished or a skipped message waits for a retry", () => {
    expect(planFolder("INBOX", { uidNext: 101, uidValidity: 7 }, cursor({ initialBelow: 40 }), [], NOW).action).toBe("sync");
    expect(planFolder("INBOX", { uidNext: 101, uidValidity: 7 }, cursor({ retry: { "55": 1 } }), [], NOW).action).toBe("sync");
  });

  it("reads a quiet folder for contacts' new addresses", () => {
    const plan = planFolder("INBOX", { uidNext: 101, uidValidity: 7 }, cursor(), ["new@client.test"], NOW);
    expect(plan).toMatchObject({ action: "sync", backfill: ["new@client.test"], uidValidityChanged: false });
  });

  it("rebuilds a folder from a fresh cursor when its UIDVALIDITY changed, with no backfill (the rebuild reads the window)", () => {
    const plan = planFolder("INBOX", { uidNext: 30, uidValidity: 8 }, cursor({ retry: { "55": 1 } }), ["new@client.test"], NOW);
    expect(plan).toEqual({
      action: "sync",
      cursor: { folder: "INBOX", uidValidity: "8", uidNext: 0, lastUid: 0, updatedAt: NOW },
      uidNext: 30,
      uidValidityChanged: true,
      backfill: [],
    });
  });

  it("starts a folder never seen from a fresh cursor, which is not a UIDVALIDITY change", () => {
    const plan = planFolder("Sent", { uidNext: 12, uidValidity: 3 }, undefined, [], NOW);
    expect(plan).toMatchObject({ action: "sync", cursor: { folder: "Sent", uidValidity: "3", lastUid: 0 }, uidValidityChanged: false });
    if (plan.action === "sync") expect(needsFirstSync(plan.cursor)).toBe(true);
  });
});

describe("the first sync and its resumption", () => {
  it("reaches back the account's window, else the job's default, else 90 days", () => {
    const now = Date.parse(NOW);
    expect(windowStart(now, 30, 7).toISOString()).toBe("2026-10-31T01:00:00.000Z");
    expect(windowStart(now, undefined, 7).toISOString()).toBe("2026-11-23T01:00:00.000Z");
    expect(windowStart(now, undefined, undefined).toISOString()).toBe("2026-09-01T01:00:00.000Z");
  });

  it("takes everything at or above UIDNEXT as new mail and reads the window below it newest first", () => {
    // Prepare
    const fresh = { folder: "INBOX", uidValidity: "7", uidNext: 0, lastUid: 0, updatedAt: NOW };
    // Act
    const started = beginFirstSync(fresh, 101, [3, 50, 99]);
    // Assess
    expect(belowUidNext(101)).toBe("1:100");
    expect(belowUidNext(1)).toBe("1:1");
    expect(started).toMatchObject({ lastUid: 100, uidNext: 101, initialBelow: 101, initialTotal: 3, initialDone: 0 });
    expect(needsFirstSync(started)).toBe(false);
    expect(newMailRange(started)).toBe("101:*");
  });

  it("counts only UIDs past the cursor as new mail, oldest first (a SEARCH of n:* answers the highest UID when none is above n)", () => {
    expect(newMailUids([100], 100)).toEqual([]);
    expect(newMailUids([104, 101, 100, 102], 100)).toEqual([101, 102, 104]);
  });

  it("resumes a cut first sync below the last durable chunk, keeping the count done before", () => {
    // the window had 10 messages; a job stored 6 of them (newest first) before it was cut at UID 40
    const cut = cursor({ initialBelow: 40, initialTotal: 10, initialDone: 6 });
    const left = resumeFirstSync([12, 60, 39, 5, 40, 80], cut);
    expect(left).toEqual({ uids: [39, 12, 5], doneBefore: 7 });
    expect(firstSyncRange(40)).toBe("1:39");
    expect(firstSyncRange(1)).toBeUndefined();
  });

  it("resumes from this process's own cursors only while the account carries its last job's end stamp and no job left a lease behind", () => {
    const stamp = "2026-11-30T00:55:00.000Z";
    const readAt = Date.parse(stamp) + 10_000;
    expect(cursorSource({ updatedAt: stamp, keptStamp: stamp, leftBehind: false, earlyReadAt: readAt })).toBe("kept");
    // a job died holding the lease: it may have moved cursors after any stamp
    expect(cursorSource({ updatedAt: stamp, keptStamp: stamp, leftBehind: true, earlyReadAt: readAt })).toBe("read");
    // another process ended a job since: the read started before the lease is good if it began after that end
    expect(cursorSource({ updatedAt: stamp, keptStamp: "2026-11-30T00:50:00.000Z", leftBehind: false, earlyReadAt: readAt })).toBe("early");
    expect(cursorSource({ updatedAt: stamp, leftBehind: false, earlyReadAt: Date.parse(stamp) + CLOCK_SLACK_MS })).toBe("read");
    expect(cursorSource({ updatedAt: stamp, leftBehind: false })).toBe("read");
    expect(cursorSource({ leftBehind: false, earlyReadAt: readAt })).toBe("read");
  });

  it("saves a finished folder's UIDNEXT past the last UID stored", () => {
    expect(finishedUidNext(101, 100)).toBe(101);
    expect(finishedUidNext(101, 120)).toBe(121);
  });
});

describe("backfill of contacts' new addresses", () => {
  it("asks the server per address for a few, and scans the window once for many", () => {
    expect(planBackfill([], 100)).toEqual({ kind: "none" });
    expect(planBackfill(["a@x.test"], 0)).toEqual({ kind: "none" });
    expect(planBackfill(["a@x.test", "b@x.test"], 100)).toEqual({ kind: "search", range: "1:100", addresses: ["a@x.test", "b@x.test"] });
    const many = Array.from({ length: 6 }, (_, i) => `c${i}@x.test`);
    expect(planBackfill(many, 100)).toEqual({ kind: "scan", range: "1:100", only: new Set(many) });
    expect(newestFirst(new Set([3, 9, 1]))).toEqual([9, 3, 1]);
  });

  it("starts a mailbox's backfill job now, a minute after the previous one, or not at all when one is still to start", () => {
    const now = Date.parse(NOW);
    expect(backfillJobStart(now, undefined)?.toISOString()).toBe(NOW);
    expect(backfillJobStart(now, "2026-11-30T00:59:30.000Z")?.toISOString()).toBe("2026-11-30T01:00:30.000Z");
    expect(backfillJobStart(now, "2026-11-30T00:50:00.000Z")?.toISOString()).toBe(NOW);
    expect(backfillJobStart(now, "2026-11-30T01:00:20.000Z")).toBeUndefined();
  });

  it("reads the newest requests for a contact's job and Sync now, and may use the cache for scheduled ones", () => {
    expect(needsFreshBackfill({ reason: "contact-added" })).toBe(true);
    expect(needsFreshBackfill({ reason: "manual" })).toBe(true);
    expect(needsFreshBackfill({ reason: "schedule" })).toBe(false);
    expect(needsFreshBackfill({ reason: "continuation" })).toBe(false);
  });

  it("tries a contact's job again only when another job held the mailbox, and only within a lease's length", () => {
    const now = Date.parse(NOW);
    const job = { reason: "contact-added" as const, enqueuedAt: "2026-11-30T00:59:30.000Z" };
    expect(retriesRefusedJob(job, "held", now, 60)).toBe(true);
    expect(retriesRefusedJob(job, "disabled", now, 60)).toBe(false);
    expect(retriesRefusedJob({ ...job, reason: "schedule" }, "held", now, 60)).toBe(false);
    expect(retriesRefusedJob({ ...job, enqueuedAt: "2026-11-30T00:58:59.000Z" }, "held", now, 60)).toBe(false);
  });
});

describe("how a failed job ends", () => {
  it("counts a refused sign-in or a missing password towards the pause, and any other failure as a connection error", () => {
    expect(jobEndOf("diag.auth_failed")).toBe("authenticationError");
    expect(jobEndOf("password_missing")).toBe("authenticationError");
    expect(jobEndOf("diag.timeout")).toBe("connectError");
    expect(jobEndOf("sync_unaccounted")).toBe("connectError");
  });
});

describe("chunks and the function's deadline", () => {
  it("cuts UIDs into FETCH chunks in the order given", () => {
    expect(chunksOf([5, 4, 3, 2, 1], 2)).toEqual([[5, 4], [3, 2], [1]]);
    expect(chunksOf([], 500)).toEqual([]);
  });

  it("stops before the next chunk only when one is still to come and less than the safety margin is left", () => {
    expect(stopsForDeadline(true, 59_999)).toBe(true);
    expect(stopsForDeadline(true, 60_000)).toBe(false);
    expect(stopsForDeadline(false, 1)).toBe(false);
    expect(stopsForDeadline(true, 1_000, 500)).toBe(false);
  });

  it("writes UID sets in IMAP's compact form", () => {
    expect(uidSet([5, 1, 2, 3, 7, 8])).toBe("1:3,5,7:8");
    expect(uidSet([42])).toBe("42");
  });
});
