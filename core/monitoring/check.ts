import type { Db, Item } from "../store/db";
import { keys } from "../store/keys";
import type { Logger } from "../shared/log";
import type { Notifier } from "../notifications/index";
import type { DeadLetters, DeadLetterQueueName } from "../queue/index";
import { freeLease, heldLeases, isRunType, jobTypeOf, JOB_TYPES, markAbandoned, recentRuns, RUN_TYPES, type HeldLease, type JobType, type RunType } from "../jobs/index";
import { closeIncident, openIncident, openIncidents, type Incident } from "./incidents";
import { getMonitorSettings, typeRecipients, type MonitorSettings } from "./settings";
import { countMetric } from "./metrics";
import { expireLocks } from "../users/index";

export interface MonitorDeps {
  db: Db;
  notifier: Notifier;
  log: Logger;
  /** The dead-letter queues to watch; none: not watched (a stack without them linked). */
  deadLetters?: DeadLetters;
}

/**
 * A lease its holder let run out this long ago: the holder is gone (killed, out of memory, past
 * its deadline). A holder renews every third of the lease, so a live one never gets here.
 */
export const EXPIRED_GRACE_SECONDS = 5;
/**
 * A job whose last heartbeat is this old although it holds a live lease (or, for a run, is
 * still "running"): it hangs. A working sync beats every second (FolderRun.commit), a run at
 * its steps; a fan-out or webhook batch ends within its function's minute.
 */
export const HUNG_AFTER_MS = 10 * 60_000;
/** Runs are looked for this far back: past the longest long-running threshold (24 h). */
const RUN_LOOKBACK_MS = 25 * 3_600_000;
/** A check may come a little early (the schedule's own jitter) and still count. */
const EARLY_SLACK_MS = 60_000;

interface Observation extends Incident {
  /** For a stalled sync job: the lease to free. */
  lease?: HeldLease;
  /** For a stalled run: mark it abandoned. */
  run?: boolean;
  heartbeatAt?: string;
}

export interface MonitorReport {
  checked: JobType[];
  /** Console sign-in locks that ran out and were recorded as expired by this pass. */
  locksExpired: number;
  opened: Incident[];
  resolved: Incident[];
  /** Mailboxes whose stalled lease was freed. */
  freed: string[];
}

/**
 * One monitor tick (functions/monitor.ts, every 5 minutes): checks each job type whose own
 * interval has come, for long-running jobs (past the type's threshold) and stalled ones (a
 * lease left to run out, or a heartbeat stopped while the lease is held). Each incident is
 * told once when it opens and once when it resolves; a stalled job's lease is freed and its
 * record ended "abandoned", so its mailbox syncs again at the next tick. Dead-letter queues
 * that hold messages are told once until they are empty again.
 */
export async function runMonitor(deps: MonitorDeps, now = new Date()): Promise<MonitorReport> {
  const { db } = deps;
  const settings = await getMonitorSettings(db);
  const state = (await db.get("main", keys.monitorState)) ?? {};
  const checkedAt: Record<string, string> = { ...(state.checkedAt ?? {}) };
  const due = JOB_TYPES.filter((t) => {
    const s = settings.types[t];
    const last = Date.parse(checkedAt[t] ?? "");
    return s.enabled && !(now.getTime() - last < s.intervalMinutes * 60_000 - EARLY_SLACK_MS);
  });
  // every pass, whatever the job types' intervals: a lock that ran out is recorded as an unlock
  // even when its user never tries again (core/users/lockout.ts)
  const locksExpired = await expireLocks(db).catch((err) => {
    deps.log.warn("monitor.locks.failed", { err });
    return 0;
  });
  const report: MonitorReport = { checked: due, locksExpired, opened: [], resolved: [], freed: [] };
  if (!due.length) return report;

  const at = now.toISOString();
  const observed = await observe(db, due, settings, now);
  const open = await openIncidents(db);
  const openKeys = new Set(open.map(incidentKey));

  for (const o of observed) {
    if (o.lease && (await freeLease(db, o.lease))) {
      report.freed.push(o.lease.accountId);
      await markAbandoned(db, o.lease.jobId, "monitor", o.lease.startedAt || undefined).catch(() => undefined);
    }
    if (o.run && o.jobId) await markAbandoned(db, o.jobId, "monitor").catch(() => undefined);
    if (openKeys.has(incidentKey(o))) continue;
    const { lease: _l, run: _r, heartbeatAt, ...incident } = o;
    if (!(await openIncident(db, incident))) continue;
    report.opened.push(incident);
    const notify = settings.types[o.jobType as JobType]?.notify;
    if (o.kind === "stalled") {
      countMetric("JobsStalled");
      if (notify?.abnormal)
        await deps.notifier.notify({
          kind: "job.stalled",
          jobType: o.jobType,
          jobId: o.jobId!,
          subject: o.subject,
          heartbeatAt: heartbeatAt ?? o.since ?? at,
          at,
          recipients: typeRecipients(settings.types[o.jobType as JobType]),
        });
    } else {
      countMetric("JobsLongRunning");
      if (notify?.longRunning)
        await deps.notifier.notify({
          kind: "job.long_running",
          jobType: o.jobType,
          jobId: o.jobId!,
          subject: o.subject,
          startedAt: o.since ?? at,
          at,
          recipients: typeRecipients(settings.types[o.jobType as JobType]),
        });
    }
  }

  // what was open and is no longer seen, among the types checked now
  const seen = new Set(observed.map(incidentKey));
  const candidates = open.filter((i) => i.kind !== "deadletter" && due.includes(i.jobType as JobType) && !seen.has(incidentKey(i)));
  for (const incident of await resolvedOnes(db, candidates)) {
    if (!(await closeIncident(db, incident))) continue;
    report.resolved.push(incident);
    const notify = settings.types[incident.jobType as JobType]?.notify;
    const told = incident.kind === "stalled" ? notify?.abnormal : notify?.longRunning;
    if (told)
      await deps.notifier.notify({
        kind: "job.resolved",
        jobType: incident.jobType,
        jobId: incident.jobId ?? "",
        subject: incident.subject,
        incident: incident.kind as "long_running" | "stalled",
        at,
        recipients: typeRecipients(settings.types[incident.jobType as JobType]),
      });
  }

  if (deps.deadLetters) await checkDeadLetters(deps, due, settings, open, report, at);
  await db.put("main", { ...keys.monitorState, checkedAt: { ...checkedAt, ...Object.fromEntries(due.map((t) => [t, at])) } });
  deps.log.info("monitor.checked", { checked: due, opened: report.opened.length, resolved: report.resolved.length, freed: report.freed.length });
  return report;
}

const incidentKey = (i: Pick<Incident, "kind" | "jobType" | "subject">) => `${i.kind}#${i.jobType}#${i.subject}`;

/** What is long-running or stalled now, among the due types. */
async function observe(db: Db, due: JobType[], settings: MonitorSettings, now: Date): Promise<Observation[]> {
  const out: Observation[] = [];
  const at = now.toISOString();
  const longAfter = (t: JobType) => settings.types[t].longRunningHours * 3_600_000;
  if (due.includes("sync") || due.includes("backfill")) {
    const leases = await heldLeases(db);
    const jobs = new Map(
      (
        await db.batchGet(
          "main",
          leases.map((l) => keys.job(l.jobId)),
        )
      ).map((j) => [j.jobId as string, j]),
    );
    for (const lease of leases) {
      const job = jobs.get(lease.jobId);
      const type = job ? jobTypeOf(job) : "sync";
      if (!due.includes(type)) continue;
      const beat = (job?.heartbeatAt as string | undefined) ?? lease.startedAt;
      const expired = lease.until < now.getTime() / 1000 - EXPIRED_GRACE_SECONDS;
      const hung = !expired && now.getTime() - Date.parse(beat) > HUNG_AFTER_MS;
      const base = { jobType: type, subject: lease.email ?? lease.accountId, accountId: lease.accountId, jobId: lease.jobId, openedAt: at };
      if (expired || hung) out.push({ ...base, kind: "stalled", since: beat, heartbeatAt: beat, lease });
      else if (now.getTime() - Date.parse(lease.startedAt) > longAfter(type)) out.push({ ...base, kind: "long_running", since: lease.startedAt });
    }
  }
  for (const type of RUN_TYPES.filter((t) => due.includes(t))) {
    for (const run of await runningRuns(db, type, now)) {
      const beat = (run.heartbeatAt as string | undefined) ?? run.startedAt;
      const base = { jobType: type, subject: (run.subject as string | undefined) ?? type, jobId: run.jobId as string, openedAt: at };
      if (now.getTime() - Date.parse(beat) > HUNG_AFTER_MS) out.push({ ...base, kind: "stalled", since: beat, heartbeatAt: beat, run: true });
      else if (now.getTime() - Date.parse(run.startedAt) > longAfter(type)) out.push({ ...base, kind: "long_running", since: run.startedAt });
    }
  }
  return out;
}

async function runningRuns(db: Db, type: RunType, now: Date): Promise<Item[]> {
  const runs = await recentRuns(db, type, { limit: 200, since: new Date(now.getTime() - RUN_LOOKBACK_MS).toISOString() });
  return runs.filter((r) => r.status === "running");
}

/**
 * Of the incidents no longer observed, the ones that are over: a long run that ended (or
 * turned into a stall, which opened its own incident), a stalled job whose mailbox has ended a
 * job since (its account's updatedAt, which every job's end stamps) or is gone, a stalled run
 * whose record ended.
 */
async function resolvedOnes(db: Db, candidates: Incident[]): Promise<Incident[]> {
  const stalledMailboxes = candidates.filter((i) => i.kind === "stalled" && !isRunType(i.jobType as JobType) && i.accountId);
  const accounts = new Map(
    (
      await db.batchGet(
        "main",
        stalledMailboxes.map((i) => keys.account(i.accountId!)),
        ["id", "updatedAt"],
      )
    ).map((a) => [a.id as string, a]),
  );
  return candidates.filter((i) => {
    if (i.kind === "long_running") return true;
    if (!isRunType(i.jobType as JobType)) {
      const account = accounts.get(i.accountId ?? "");
      return !account || (account.updatedAt ?? "") > i.openedAt;
    }
    return true; // a stalled run was ended "abandoned" when it was found: nothing more comes of it
  });
}

const QUEUE_TYPE: Record<DeadLetterQueueName, JobType> = { sync: "sync", webhook: "webhook", send: "send" };

async function checkDeadLetters(deps: MonitorDeps, due: JobType[], settings: MonitorSettings, open: Incident[], report: MonitorReport, at: string): Promise<void> {
  for (const queue of deps.deadLetters!.queues) {
    const jobType = QUEUE_TYPE[queue.name];
    if (!due.includes(jobType)) continue;
    const count = await deps.deadLetters!.count(queue.name);
    const incident: Incident = { kind: "deadletter", jobType, subject: queue.name, openedAt: at, count };
    const isOpen = open.some((i) => incidentKey(i) === incidentKey(incident));
    if (count > 0 && !isOpen && (await openIncident(deps.db, incident))) {
      report.opened.push(incident);
      if (settings.types[jobType].notify.abnormal)
        await deps.notifier.notify({ kind: "deadletter.not_empty", queue: queue.name, count, at, recipients: typeRecipients(settings.types[jobType]) });
    } else if (count === 0 && isOpen && (await closeIncident(deps.db, incident))) {
      report.resolved.push(incident);
      deps.log.info("monitor.deadletter.empty", { queue: queue.name });
    }
  }
}
