import type { Db, Item } from "../store/db";
import { keys } from "../store/keys";
import { newId, nowIso } from "../shared/ids";
import type { JobQueue, SyncJobMessage } from "../queue/index";

export type JobStatus = "queued" | "running" | "done" | "failed" | "skipped" | "continued";

export interface JobCounts {
  folders: number;
  fetched: number;
  matched: number;
  written: number;
  skipped: number;
}

/** Records a queued job; every job records its start, heartbeats and end on the same item. */
export async function recordQueued(db: Db, job: SyncJobMessage): Promise<void> {
  await db.put("main", queuedItem(job));
}

/** Many queued jobs at once: BatchWriteItem in 25s (fan-out plans one job per due account). */
export async function recordQueuedMany(db: Db, jobs: SyncJobMessage[]): Promise<void> {
  await db.batchWrite("main", jobs.map((job) => ({ put: queuedItem(job) })));
}

function queuedItem(job: SyncJobMessage): Item {
  return {
    ...keys.job(job.jobId),
    gsi1pk: keys.jobsIndex(job.accountId),
    gsi1sk: job.enqueuedAt,
    jobId: job.jobId,
    accountId: job.accountId,
    reason: job.reason,
    status: "queued",
    enqueuedAt: job.enqueuedAt,
  };
}

export async function recordJob(db: Db, jobId: string, status: JobStatus, fields: Record<string, unknown> = {}): Promise<void> {
  const names: Record<string, string> = { "#status": "status" };
  const values: Record<string, unknown> = { ":s": status, ":h": nowIso() };
  let expression = "SET #status = :s, heartbeatAt = :h";
  Object.entries(fields).forEach(([k, v], i) => {
    names[`#f${i}`] = k;
    values[`:f${i}`] = v;
    expression += `, #f${i} = :f${i}`;
  });
  await db.update("main", keys.job(jobId), { expression, names, values });
}

export function newJob(accountId: string, reason: SyncJobMessage["reason"]): SyncJobMessage {
  return { jobId: newId(), accountId, reason, enqueuedAt: nowIso() };
}

/** "Sync now": one job, at once. */
export async function enqueueNow(db: Db, queue: JobQueue, accountId: string, reason: SyncJobMessage["reason"] = "manual"): Promise<SyncJobMessage> {
  const job = newJob(accountId, reason);
  await recordQueued(db, job);
  await queue.enqueue([{ job }]);
  await db.update("main", keys.account(accountId), { expression: "SET queuedAt = :q", values: { ":q": job.enqueuedAt }, condition: "attribute_exists(pk)" });
  return job;
}

/**
 * Takes the account's sync lease: one job at a time per account. The lease expires on its own
 * (checked at read time), so a job that died leaves nothing stuck for longer than `seconds`.
 * Returns the account as it is now (one round trip for both), or why there is no lease.
 */
export async function acquireLease(db: Db, accountId: string, jobId: string, seconds: number): Promise<{ account: Item } | { refused: "missing" | "disabled" | "held" }> {
  const now = Math.floor(Date.now() / 1000);
  const out = await db.update("main", keys.account(accountId), {
    // the lease is also the record that the job started (leaseStartedAt): no separate write
    expression: "SET leaseJobId = :j, leaseUntil = :u, leaseStartedAt = :t",
    condition: "attribute_exists(pk) AND (attribute_not_exists(syncEnabled) OR syncEnabled <> :off) AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now OR leaseJobId = :j)",
    values: { ":j": jobId, ":u": now + seconds, ":now": now, ":off": false, ":t": new Date().toISOString() },
  });
  if (out !== false) return { account: out };
  const current = await db.get("main", keys.account(accountId));
  return { refused: !current ? "missing" : current.syncEnabled === false ? "disabled" : "held" };
}

export async function releaseLease(db: Db, accountId: string, jobId: string): Promise<void> {
  await db.update("main", keys.account(accountId), {
    expression: "REMOVE leaseJobId, leaseUntil, leaseStartedAt",
    condition: "leaseJobId = :j",
    values: { ":j": jobId },
  });
}

/** An account's latest jobs, newest first (its job index). */
export async function recentJobs(db: Db, accountId: string, limit: number): Promise<Item[]> {
  const page = await db.query("main", {
    IndexName: "gsi1",
    KeyConditionExpression: "gsi1pk = :p",
    ExpressionAttributeValues: { ":p": keys.jobsIndex(accountId) },
    ScanIndexForward: false,
    Limit: limit,
  });
  return page.items;
}
