import type { Item } from "../store/db";

/**
 * The kinds of background job the monitor watches. A mailbox sync and a contact's backfill run
 * as sync jobs on the sync queue (one record per job, indexed per mailbox); fan-out, a contact
 * import, a webhook delivery batch and the delivery of one sent message are "runs" recorded
 * per type (runs.ts).
 */
export const JOB_TYPES = ["sync", "backfill", "fanout", "import", "webhook", "send"] as const;
export type JobType = (typeof JOB_TYPES)[number];

/** The job types recorded as runs (one record per run, indexed per type), not per mailbox. */
export const RUN_TYPES = ["fanout", "import", "webhook", "send"] as const;
export type RunType = (typeof RUN_TYPES)[number];

export const isRunType = (type: JobType): type is RunType => (RUN_TYPES as readonly string[]).includes(type);

/**
 * A job record's type. Sync records written before types existed have none: a job queued
 * because a contact gained an address is a backfill, every other sync job a mailbox sync.
 */
export function jobTypeOf(job: Item): JobType {
  if (typeof job.jobType === "string" && (JOB_TYPES as readonly string[]).includes(job.jobType)) return job.jobType as JobType;
  return job.reason === "contact-added" ? "backfill" : "sync";
}
