import type { Db } from "../store/db";
import { recentJobs } from "../jobs/index";
import { listAllAccounts } from "../accounts/index";

export interface StalledJob {
  jobId: string;
  accountId: string;
  status: string;
  since: string;
}

/**
 * Jobs of any account still "queued" or "running" whose last sign of life (heartbeat, else
 * start, else enqueue) is older than the threshold. One query per account on its job index.
 */
export async function findStalledJobs(db: Db, options: { olderThanMinutes: number; now?: Date }): Promise<StalledJob[]> {
  const cutoff = (options.now ?? new Date()).getTime() - options.olderThanMinutes * 60_000;
  const out: StalledJob[] = [];
  for (const account of await listAllAccounts(db)) {
    for (const job of await recentJobs(db, account.id, 5)) {
      if (job.status !== "queued" && job.status !== "running") continue;
      const since = job.heartbeatAt ?? job.startedAt ?? job.enqueuedAt;
      if (since && new Date(since).getTime() < cutoff) out.push({ jobId: job.jobId, accountId: account.id, status: job.status, since });
    }
  }
  return out;
}
