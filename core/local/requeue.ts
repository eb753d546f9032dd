import type { Db } from "../store/db";
import type { JobQueue, SyncJobMessage } from "../queue/index";
import type { Logger } from "../shared/log";
import { listAllAccounts } from "../accounts/index";
import { markAbandoned, newJob, recentJobs, recordJob, recordQueued, serverHint } from "../sync/index";

/**
 * `npm start` keeps its queue in memory (fauxqs), so a restart loses the jobs on it; their
 * records, in dynalite, survive. At start, each mailbox with an unfinished job gets one job on
 * the new queue: the newest queued one again, as it was, or a new one in place of a job that was
 * running when the process stopped (that one ends "abandoned", with its last counts). One per
 * mailbox is enough: a job syncs everything new, and the lease runs one at a time anyway; older
 * queued records end "skipped", naming the job that does their work.
 *
 * A lease still live belongs to the process that stopped (one process owns a data directory),
 * so the job waits, with DelaySeconds, until it has expired.
 */
export async function requeueUnfinished(deps: { db: Db; queue: JobQueue; log: Logger; now?: number }): Promise<SyncJobMessage[]> {
  const { db, queue, log } = deps;
  const now = deps.now ?? Date.now();
  const planned: { job: SyncJobMessage; delaySeconds?: number }[] = [];
  for (const account of await listAllAccounts(db)) {
    if (account.syncEnabled === false) continue;
    const unfinished = (await recentJobs(db, account.id, 10)).filter((j) => j.status === "queued" || j.status === "running");
    if (!unfinished.length) continue;
    const queued = unfinished.find((j) => j.status === "queued");
    const job: SyncJobMessage = queued
      ? {
          jobId: queued.jobId as string,
          accountId: account.id,
          reason: queued.reason as SyncJobMessage["reason"],
          enqueuedAt: queued.enqueuedAt as string,
          ...(serverHint(account) ? { server: serverHint(account) } : {}),
        }
      : newJob(account.id, "continuation", serverHint(account));
    if (!queued) await recordQueued(db, job);
    for (const other of unfinished) {
      if (other.jobId === job.jobId) continue;
      if (other.status === "running") await markAbandoned(db, other.jobId as string, job.jobId, other.startedAt as string | undefined);
      else await recordJob(db, other.jobId as string, "skipped", { endedAt: new Date(now).toISOString(), note: `restart: done by ${job.jobId}` });
    }
    const leftSeconds = (account.leaseUntil ?? 0) - now / 1000;
    planned.push({ job, ...(leftSeconds > 0 ? { delaySeconds: Math.ceil(leftSeconds) + 1 } : {}) });
  }
  if (planned.length) await queue.enqueue(planned);
  if (planned.length) log.info("local.jobs.requeued", { jobs: planned.length });
  return planned.map((p) => p.job);
}
