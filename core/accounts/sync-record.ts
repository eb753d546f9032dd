/**
 * What the sync records on the account item, behind named functions: only core/accounts writes
 * the account item (core/store/keys.ts), so its shape changes in one module. The sync decides
 * when to call these, the state machine (state-machine.ts) which state follows, and these how
 * the item changes. The lease fields on the same item are core/jobs' (lease.ts); the end of a
 * job releases the lease in the same update as its state, with the release core/jobs defines.
 */
import type { Db } from "../store/db";
import { keys } from "../store/keys";
import { nowIso } from "../shared/ids";
import { RELEASE, type Lease } from "../jobs/index";
import type { AccountRecord } from "./index";
import { afterJob, duringFirstSync, failingAfterJob, type FailingFacts, type JobEnd, type StateFacts } from "./state-machine";

/** A failure as the account keeps it: a code and its parameters, shown in any language. */
export type SyncError = { code: string; params?: Record<string, string | number> };

/**
 * The marks of the backfill of contacts' new addresses an account item carries (the sync's
 * core/sync/backfill-requests.ts explains them).
 */
export type BackfillFields = Pick<AccountRecord, "backfillSeen" | "backfillTaken" | "backfillJobAt">;

/**
 * The end of a job in one write: the account's state, last error, last sync time, the count of
 * authentication failures in a row, and the lease released. If the lease was lost meanwhile
 * (it expired and another job took it), only the state is recorded. `pauseAfter` is the
 * organisation's pause threshold, read by the caller when a login was refused, and stored
 * beside the count so isPaused judges the item by the rule it was counted under. The failing
 * incident's bookkeeping (state-machine.ts, failingAfterJob) is written in the same update.
 * Returns the updatedAt it stamped when it released the lease, the state it wrote, and whether
 * the mailbox now counts as failing or recovered (to tell operations).
 */
export async function recordJobEnd(
  db: Db,
  lease: Lease,
  account: Pick<StateFacts, "authFailures"> & FailingFacts,
  end: JobEnd,
  error: SyncError | null,
  syncedAt?: string,
  pauseAfter?: number,
): Promise<{ stamp?: string; state: JobEnd | "paused"; authFailures?: number; failing?: "failing" | "recovered"; connectFailures?: number; failingSince?: string | null }> {
  const { accountId } = lease;
  // the lease keeps other jobs off the mailbox, so the count read with it is still the current one
  const next = afterJob(account, end, pauseAfter);
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
  if (end === "authenticationError" && pauseAfter !== undefined) {
    expression += ", pauseAfter = :pauseAfter";
    values[":pauseAfter"] = pauseAfter;
  }
  const failing = failingAfterJob(account, end, values[":u"] as string);
  if (failing.facts) {
    expression += ", connectFailures = :cf, failingSince = :fs, failingToldAt = :ft";
    Object.assign(values, { ":cf": failing.facts.connectFailures, ":fs": failing.facts.failingSince, ":ft": failing.facts.failingToldAt });
  }
  const result = {
    state: next.state as JobEnd | "paused",
    authFailures: next.authFailures,
    failing: failing.tell,
    connectFailures: failing.facts?.connectFailures,
    failingSince: failing.facts?.failingSince,
  };
  const done = await db.update("main", keys.account(accountId), {
    expression: `${expression} ${RELEASE.remove}`,
    names: { "#state": "state" },
    values,
    condition: `attribute_exists(pk) AND ${RELEASE.condition}`,
    returnValues: "NONE",
  });
  if (done !== false) return { ...result, stamp: values[":u"] as string };
  delete values[":owner"];
  await db.update("main", keys.account(accountId), { expression, names: { "#state": "state" }, values, condition: "attribute_exists(pk)", returnValues: "NONE" });
  return result;
}

/** The folders a first job discovered (INBOX and the \\Sent one), remembered so later jobs need no LIST. */
export async function saveSyncFolders(db: Db, accountId: string, folders: string[], sentFolder: string | null): Promise<void> {
  await db.update("main", keys.account(accountId), {
    expression: "SET syncFolders = :f, sentFolder = :s",
    values: { ":f": folders, ":s": sentFolder },
    condition: "attribute_exists(pk)",
  });
}

/** The first sync's progress in one folder, for the console's progress bar; the account shows as syncing meanwhile. */
export async function saveFirstSyncProgress(db: Db, accountId: string, progress: { folder: string; done: number; total: number }): Promise<void> {
  const values = { ":p": { ...progress, at: nowIso() }, ":s": duringFirstSync() };
  await db.update("main", keys.account(accountId), {
    expression: "SET syncProgress = :p, #state = :s",
    names: { "#state": "state" },
    values,
    condition: "attribute_exists(pk)",
    returnValues: "NONE",
  });
}

/** The first sync of a folder finished: no progress bar any more. */
export async function clearFirstSyncProgress(db: Db, accountId: string): Promise<void> {
  await db.update("main", keys.account(accountId), { expression: "REMOVE syncProgress", condition: "attribute_exists(pk)", returnValues: "NONE" });
}

/**
 * Claims `at` as the start of the account's next backfill job, if its planned start is still
 * the one read (`account.backfillJobAt`): false when a concurrent request claimed it first.
 */
export async function claimBackfillJobSlot(db: Db, account: { id: string } & BackfillFields, at: string): Promise<boolean> {
  const claimed = await db.update("main", keys.account(account.id), {
    expression: "SET backfillJobAt = :at",
    condition: account.backfillJobAt ? "backfillJobAt = :was" : "attribute_exists(pk) AND attribute_not_exists(backfillJobAt)",
    values: { ":at": at, ...(account.backfillJobAt ? { ":was": account.backfillJobAt } : {}) },
    returnValues: "NONE",
  });
  return claimed !== false;
}

/** Saves a finished job's backfill marks (BackfillFields' seen and taken). */
export async function saveBackfillMarks(db: Db, accountId: string, marks: { seen: string; taken: string }): Promise<void> {
  await db.update("main", keys.account(accountId), {
    expression: "SET backfillSeen = :s, backfillTaken = :t",
    values: { ":s": marks.seen, ":t": marks.taken },
    condition: "attribute_exists(pk)",
  });
}
