import type { Db, Item } from "../store/db";
import { keys } from "../store/keys";
import { newId, nowIso } from "../shared/ids";
import type { JobQueue, ServerHint, SyncJobMessage } from "../queue/index";
import { jobTypeOf } from "./job-types";

/** "abandoned": the job's process died (or lost its lease); the job that took over says so, keeping its last counts. */
export type JobStatus = "queued" | "running" | "done" | "failed" | "skipped" | "continued" | "abandoned";

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
  await db.batchWrite(
    "main",
    jobs.map((job) => ({ put: queuedItem(job) })),
  );
}

function queuedItem(job: SyncJobMessage): Item {
  return {
    ...keys.job(job.jobId),
    gsi1pk: keys.jobsIndex(job.accountId),
    gsi1sk: job.enqueuedAt,
    jobId: job.jobId,
    jobType: jobTypeOf(job),
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
export async function enqueueNow(
  db: Db,
  queue: JobQueue,
  account: { id: string } & Parameters<typeof serverHint>[0],
  reason: SyncJobMessage["reason"] = "manual",
): Promise<SyncJobMessage> {
  const accountId = account.id;
  const job = newJob(accountId, reason, serverHint(account));
  await recordQueued(db, job);
  await queue.enqueue([{ job }]);
  await markQueued(db, job);
  return job;
}

/**
 * Notes on the account when its last job was queued (queuedAt): fan-out queues an account
 * again only an interval later. A field of the account item that core/jobs writes, as it
 * writes the lease (lease.ts).
 */
export async function markQueued(db: Db, job: SyncJobMessage): Promise<void> {
  await db.update("main", keys.account(job.accountId), { expression: "SET queuedAt = :q", values: { ":q": job.enqueuedAt }, condition: "attribute_exists(pk)" });
}

/**
 * A job's status as the console should show it: running while it holds the account's lease,
 * whatever its item says yet (the lease has its start); "abandoned" when its item still says
 * running but it holds no live lease and has not beaten for ENDING_GRACE_MS (its process died:
 * the job that takes the mailbox over will record it so); else what its item says. A job that
 * ends well releases its lease and writes its end side by side, within milliseconds.
 */
export function jobStatusNow(job: Item, account: { leaseJobId?: string; leaseUntil?: number }, now = Date.now()): string {
  if (account.leaseJobId === job.jobId && (account.leaseUntil ?? 0) > now / 1000) return "running";
  const beat = Date.parse((job.heartbeatAt as string | undefined) ?? "");
  if (job.status === "running" && !(beat > now - ENDING_GRACE_MS)) return "abandoned";
  return job.status as string;
}
const ENDING_GRACE_MS = 10_000;

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
