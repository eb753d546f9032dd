import { z } from "zod";
import type { Db } from "../store/db";
import { hasMessage, translate, type Lang } from "../shared/i18n";
import { jobStatusNow, jobTypeOf, recentJobs } from "../jobs/index";

/** One of a mailbox's last runs: when it started, how long it took, what it counted and, when it failed, why. */
export const mailboxRunOutput = z.object({
  jobId: z.string(),
  jobType: z.string(),
  reason: z.string(),
  status: z.string(),
  enqueuedAt: z.string().nullable(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
  counts: z.record(z.string(), z.number()).nullable(),
  /** The diagnosis: a catalogue code and its words in the reader's language. */
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});

/** A mailbox's last `limit` jobs, newest first (its job index: one Query). */
export async function mailboxRuns(
  db: Db,
  account: { id: string; leaseJobId?: string; leaseUntil?: number; leaseStartedAt?: string },
  lang: Lang,
  limit = 10,
): Promise<z.infer<typeof mailboxRunOutput>[]> {
  const jobs = await recentJobs(db, account.id, limit);
  return jobs.map((j) => {
    const status = jobStatusNow(j, account);
    // a running job's start is on its lease until its end is written (core/sync/sync-account.ts)
    const startedAt = (j.startedAt as string | undefined) ?? (status === "running" ? account.leaseStartedAt : undefined);
    const started = Date.parse(startedAt ?? ""),
      ended = Date.parse(j.endedAt ?? "");
    const code = j.error as string | undefined;
    return {
      jobId: j.jobId,
      jobType: jobTypeOf(j),
      reason: j.reason ?? "schedule",
      status,
      enqueuedAt: j.enqueuedAt ?? null,
      startedAt: startedAt ?? null,
      endedAt: j.endedAt ?? null,
      durationMs: Number.isFinite(started) && Number.isFinite(ended) ? ended - started : null,
      counts: j.counts ?? null,
      error: code ? { code, message: hasMessage(code) ? translate(code, lang) : code } : null,
    };
  });
}
