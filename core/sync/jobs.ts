import type { Db, Item } from "../store/db";
import { keys } from "../store/keys";
import { newId, nowIso } from "../shared/ids";
import type { JobQueue, ServerHint, SyncJobMessage } from "../queue/index";

export type JobStatus = "queued" | "running" | "done" | "failed" | "skipped" | "continued";

export interface JobCounts {
  folders: number;
  fetched: number;
  matched: number;
  written: number;
  skipped: number;
  /** UIDs listed by the folders' searches; each one ends stored (matched), unrelated, skipped or gone. */
  listed: number;
  /** Listed messages that involve no contact. */
  unrelated: number;
  /** Listed messages deleted on the server before they could be read. */
  gone: number;
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
  await db.update("main", keys.job(jobId), { expression, names, values, returnValues: "NONE" });
}

export function newJob(accountId: string, reason: SyncJobMessage["reason"], server?: ServerHint): SyncJobMessage {
  return { jobId: newId(), accountId, reason, enqueuedAt: nowIso(), ...(server ? { server } : {}) };
}

/** The account's IMAP server as a job message carries it (see SyncJobMessage.server); none for a record without one. */
export function serverHint(account: { imap?: { host: string; port: number; security: ServerHint["security"] }; allowInsecureCerts?: boolean }): ServerHint | undefined {
  const imap = account.imap;
  return imap?.host ? { host: imap.host, port: imap.port, security: imap.security, allowInsecureCerts: !!account.allowInsecureCerts } : undefined;
}

/** "Sync now": one job, at once. */
export async function enqueueNow(db: Db, queue: JobQueue, account: { id: string } & Parameters<typeof serverHint>[0], reason: SyncJobMessage["reason"] = "manual"): Promise<SyncJobMessage> {
  const accountId = account.id;
  const job = newJob(accountId, reason, serverHint(account));
  await recordQueued(db, job);
  await queue.enqueue([{ job }]);
  await db.update("main", keys.account(accountId), { expression: "SET queuedAt = :q", values: { ":q": job.enqueuedAt }, condition: "attribute_exists(pk)" });
  return job;
}

/**
 * Takes the account's sync lease: one job at a time per account. The lease expires on its own
 * (checked at read time), so a job that died leaves nothing stuck for longer than `seconds`.
 * Returns the account as it is now (one round trip for both) and the job that held the lease
 * before, if it never released it (it died or ran out of time; possibly an earlier delivery of
 * this same job); or why there is no lease.
 */
export async function acquireLease(
  db: Db,
  accountId: string,
  jobId: string,
  seconds: number,
): Promise<{ account: Item; leftBehindBy?: string } | { refused: "missing" | "disabled" | "held" }> {
  const now = Math.floor(Date.now() / 1000);
  const lease = { leaseJobId: jobId, leaseUntil: now + seconds, leaseStartedAt: new Date().toISOString() };
  // ALL_OLD: the account before this write (our lease fields are known), which also tells
  // whether an earlier job left its lease behind
  const before = await db.update("main", keys.account(accountId), {
    // the lease is also the record that the job started (leaseStartedAt): no separate write
    expression: "SET leaseJobId = :j, leaseUntil = :u, leaseStartedAt = :t",
    condition: "attribute_exists(pk) AND (attribute_not_exists(syncEnabled) OR syncEnabled <> :off) AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now OR leaseJobId = :j)",
    values: { ":j": jobId, ":u": lease.leaseUntil, ":now": now, ":off": false, ":t": lease.leaseStartedAt },
    returnValues: "ALL_OLD",
  });
  if (before !== false) {
    const previous = before.leaseJobId as string | undefined;
    return { account: { ...before, ...lease }, ...(previous ? { leftBehindBy: previous } : {}) };
  }
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
