import type { Db } from "../store/db";
import { keys } from "../store/keys";
import type { JobQueue, SyncJobMessage } from "../queue/index";
import { listAllAccounts, maySync, type AccountRecord } from "../accounts/index";
import type { Logger } from "../shared/log";
import { mapPool } from "../shared/pool";
import { markQueued, newJob, recordQueuedMany, serverHint } from "../jobs/index";

export interface FanOutDeps {
  db: Db;
  queue: JobQueue;
  log: Logger;
  /** Minutes between two syncs of one account (the schedule's rate). */
  intervalMinutes: number;
  now?: () => Date;
}

/** Due: able to sync, no job holding the lease, and the interval has passed since it was last queued. */
export function isDue(account: AccountRecord, now: Date, intervalMinutes: number): boolean {
  if (!maySync(account)) return false; // enabled, has a password, not paused
  const nowSec = now.getTime() / 1000;
  if (account.leaseUntil && account.leaseUntil > nowSec) return false;
  // 30 s of slack so a tick that fires a little early does not skip an account for a whole interval
  const spacing = intervalMinutes * 60_000 - 30_000;
  return !account.queuedAt || now.getTime() - new Date(account.queuedAt).getTime() >= spacing;
}

/**
 * One tick: picks the due accounts and enqueues one job each (SendMessageBatch), spread
 * evenly over the interval with DelaySeconds so a tick does not open every IMAP connection in
 * the same second. SQS caps a delay at 15 minutes, so longer intervals spread over 15.
 */
export async function fanOut(deps: FanOutDeps): Promise<{ due: number; enqueued: SyncJobMessage[] }> {
  const now = deps.now?.() ?? new Date();
  // a removed user's mailboxes stop syncing until an admin gives them to someone (the console says so)
  const [all, users] = await Promise.all([listAllAccounts(deps.db), deps.db.queryIndex(keys.usersIndex)]);
  const owners = new Set(users.map((u) => u.id as string));
  const orphaned = all.filter((a) => !owners.has(a.ownerId));
  if (orphaned.length) deps.log.warn("fanout.owner.missing", { accountIds: orphaned.map((a) => a.id) });
  const accounts = all.filter((a) => owners.has(a.ownerId) && isDue(a, now, deps.intervalMinutes));
  const window = Math.min(900, deps.intervalMinutes * 60);
  const step = accounts.length > 1 ? window / accounts.length : 0;
  const planned = accounts.map((a, i) => ({ job: newJob(a.id, "schedule", serverHint(a)), delaySeconds: Math.floor(i * step) }));
  // one round trip per 25 job records and 10 messages, and the accounts marked 8 at a time:
  // a tick stays short with thousands of mailboxes
  await recordQueuedMany(
    deps.db,
    planned.map((p) => p.job),
  );
  if (planned.length) await deps.queue.enqueue(planned);
  await mapPool(planned, 8, ({ job }) => markQueued(deps.db, job));
  deps.log.info("fanout.completed", { due: accounts.length, enqueued: planned.length });
  return { due: accounts.length, enqueued: planned.map((p) => p.job) };
}
