import type { Db } from "../store/db";
import type { Logger } from "../shared/log";
import { AppError } from "../shared/errors";
import type { Notifier } from "../notifications/index";
import { endRun, startRun, type JobType, type Run, type RunCounts, type RunType } from "../jobs/index";
import { cachedMonitorSettings, typeRecipients, type MonitorSettings } from "./settings";
import { countMetric } from "./metrics";

/** How a job ended, as its worker tells the monitor (a sync job, a run). */
export interface JobEnd {
  jobType: JobType;
  jobId: string;
  /** The mailbox's address, or what a run worked on. */
  subject: string;
  status: "done" | "failed";
  /** The failure's code (its diagnosis). */
  code?: string;
  /**
   * The code the mailbox's previous job failed with (null: it did not fail). A mailbox failing
   * again the same way is the same incident, told once; undefined for runs (each is its own).
   */
  previousCode?: string | null;
  /** The failure was the mail server refusing the saved password (the LoginsFailed metric). */
  loginRefused?: boolean;
}

export type JobEndReporter = (end: JobEnd) => Promise<void>;

/**
 * Tells operations about ends as the job type's settings ask: an abnormal end (failed), a
 * normal one. Counts failures as metrics whatever the settings. Never throws: telling is not
 * worth failing the job over.
 */
export function jobEndReporter(deps: { db: Db; notifier: Notifier; log: Logger }, settings: () => Promise<MonitorSettings> = cachedMonitorSettings(deps.db)): JobEndReporter {
  return async (end) => {
    try {
      if (end.status === "failed") countMetric("JobsFailed");
      if (end.loginRefused) countMetric("LoginsFailed");
      const s = (await settings()).types[end.jobType];
      if (!s?.enabled) return;
      const at = new Date().toISOString();
      if (end.status === "failed") {
        if (end.previousCode !== undefined && end.previousCode === (end.code ?? null)) return;
        if (s.notify.abnormal)
          await deps.notifier.notify({
            kind: "job.failed",
            jobType: end.jobType,
            jobId: end.jobId,
            subject: end.subject,
            code: end.code ?? "internal",
            at,
            recipients: typeRecipients(s),
          });
      } else if (s.notify.normal) {
        await deps.notifier.notify({ kind: "job.succeeded", jobType: end.jobType, jobId: end.jobId, subject: end.subject, at, recipients: typeRecipients(s) });
      }
    } catch (err) {
      deps.log.warn("monitor.job_end.failed", { jobId: end.jobId, err });
    }
  };
}

/**
 * What a run's work returns: its result and counts, and (work that reports failure rather than
 * throwing it, as a message delivery does) the failure's code, and whether it is an end to tell
 * (false: a retry will follow, whose own end is told).
 */
export interface RunOutcome<T> {
  result: T;
  counts?: RunCounts;
  failed?: { code: string; tell: boolean };
}

/**
 * Runs `work` as a recorded run of `type` (its start, end, counts and diagnosis on a job
 * record, core/jobs/runs.ts) and reports its end. A failure is recorded with its code and
 * thrown on, unchanged; one the work returns (`failed`) is recorded and returned.
 */
export async function trackRun<T>(deps: { db: Db; jobEnded?: JobEndReporter }, jobType: RunType, subject: string, work: (run: Run) => Promise<RunOutcome<T>>): Promise<T> {
  const run = await startRun(deps.db, jobType, subject);
  let outcome: RunOutcome<T>;
  try {
    outcome = await work(run);
  } catch (err) {
    const code = err instanceof AppError ? err.code : "internal";
    await endRun(deps.db, run, "failed", { error: code }).catch(() => undefined);
    await deps.jobEnded?.({ jobType, jobId: run.jobId, subject, status: "failed", code });
    throw err;
  }
  if (outcome.failed) {
    const { code, tell } = outcome.failed;
    await endRun(deps.db, run, "failed", { counts: outcome.counts, error: code });
    if (tell) await deps.jobEnded?.({ jobType, jobId: run.jobId, subject, status: "failed", code });
    return outcome.result;
  }
  await endRun(deps.db, run, "done", { counts: outcome.counts });
  await deps.jobEnded?.({ jobType, jobId: run.jobId, subject, status: "done" });
  return outcome.result;
}
