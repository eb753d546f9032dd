import { z } from "zod";
import type { Db } from "../store/db";
import { hasMessage, translate, type Lang } from "../shared/i18n";
import { listAllAccounts, shownState, type AccountRecord } from "../accounts/index";
import { recentRuns, RUN_TYPES } from "../jobs/index";
import { DEAD_LETTER_QUEUES, type DeadLetterQueueName, type DeadLetters } from "../queue/index";
import { openIncidents } from "./incidents";

const problem = z.object({ code: z.string(), message: z.string() }).nullable();

/** What an admin should look at now, each with what fixes it (the console's overview page). */
export const overviewOutput = z.object({
  /** Mailboxes needing attention: paused (needs a new password), failing (its last job failed), never synced. */
  mailboxes: z.array(
    z.object({
      accountId: z.string(),
      email: z.string(),
      ownerId: z.string(),
      reason: z.enum(["paused", "failing", "never_synced"]),
      state: z.string(),
      lastError: problem,
      /** Since when: the first of its failed runs in a row (failing; older items: the last sync), the save (never synced). */
      since: z.string().nullable(),
      /**
       * Failing: how many runs in a row failed for a reason other than the password, and whether
       * operations were told it keeps failing (mailbox.failing, core/accounts/state-machine.ts).
       */
      failedRuns: z.number().nullable(),
      keepsFailing: z.boolean(),
    }),
  ),
  /** Open incidents of the job monitor: long-running and stalled jobs, dead-letter queues holding jobs. */
  incidents: z.array(
    z.object({
      kind: z.enum(["long_running", "stalled", "deadletter"]),
      jobType: z.string(),
      subject: z.string(),
      jobId: z.string().nullable(),
      accountId: z.string().nullable(),
      openedAt: z.string(),
      since: z.string().nullable(),
    }),
  ),
  /** Runs (fan-out, import, webhook batches) that failed or were abandoned in the last 24 hours. */
  failedRuns: z.array(
    z.object({ jobType: z.string(), jobId: z.string(), subject: z.string(), status: z.string(), startedAt: z.string(), endedAt: z.string().nullable(), error: problem }),
  ),
  /** Messages waiting in each dead-letter queue; null when the queues are not reachable from here. */
  deadLetters: z.array(z.object({ queue: z.enum(DEAD_LETTER_QUEUES as [DeadLetterQueueName, ...DeadLetterQueueName[]]), count: z.number() })).nullable(),
  generatedAt: z.string(),
});
export type OperationsOverview = z.infer<typeof overviewOutput>;

const DAY_MS = 86_400_000;

export async function operationsOverview(deps: { db: Db; deadLetters?: DeadLetters }, lang: Lang, now = new Date()): Promise<OperationsOverview> {
  const describe = (code: string | undefined | null, params?: Record<string, string | number>) =>
    code ? { code, message: hasMessage(code) ? translate(code, lang, params) : code } : null;
  const since = new Date(now.getTime() - DAY_MS).toISOString();
  const [accounts, incidents, runs, deadLetters] = await Promise.all([
    listAllAccounts(deps.db),
    openIncidents(deps.db),
    Promise.all(RUN_TYPES.map((t) => recentRuns(deps.db, t, { limit: 100, since }))),
    deps.deadLetters ? Promise.all(deps.deadLetters.queues.map(async (q) => ({ queue: q.name, count: await deps.deadLetters!.count(q.name) }))) : Promise.resolve(null),
  ]);
  const mailboxes = accounts.flatMap((a) => {
    const reason = attentionReason(a, now);
    if (!reason) return [];
    const since = reason === "never_synced" ? (a.createdAt ?? null) : reason === "failing" ? (a.failingSince ?? a.lastSyncAt ?? null) : (a.lastSyncAt ?? null);
    const failing = reason === "failing" && shownState(a) === "connectError";
    return [
      {
        accountId: a.id,
        email: a.email,
        ownerId: a.ownerId,
        reason,
        state: shownState(a),
        lastError: describe(a.lastError?.code, a.lastError?.params),
        since,
        failedRuns: failing ? (a.connectFailures ?? null) : null,
        keepsFailing: failing && !!a.failingToldAt,
      },
    ];
  });
  return {
    mailboxes: mailboxes.sort((x, y) => REASON_ORDER.indexOf(x.reason) - REASON_ORDER.indexOf(y.reason) || x.email.localeCompare(y.email)),
    incidents: incidents.map((i) => ({
      kind: i.kind,
      jobType: i.jobType,
      subject: i.subject,
      jobId: i.jobId ?? null,
      accountId: i.accountId ?? null,
      openedAt: i.openedAt,
      since: i.since ?? null,
    })),
    failedRuns: runs
      .flat()
      .filter((r) => r.status === "failed" || r.status === "abandoned")
      .map((r) => ({
        jobType: r.jobType,
        jobId: r.jobId,
        subject: r.subject ?? r.jobType,
        status: r.status,
        startedAt: r.startedAt,
        endedAt: r.endedAt ?? null,
        error: describe(r.error),
      }))
      .sort((x, y) => y.startedAt.localeCompare(x.startedAt)),
    deadLetters,
    generatedAt: now.toISOString(),
  };
}

const REASON_ORDER = ["paused", "failing", "never_synced"] as const;

/** Why a mailbox needs an admin: paused wins over failing; a disabled one needs nobody. */
function attentionReason(a: AccountRecord, now: Date): (typeof REASON_ORDER)[number] | undefined {
  const state = shownState(a);
  if (state === "disabled") return undefined;
  if (state === "paused") return "paused";
  if (state === "authenticationError" || state === "connectError") return "failing";
  // a mailbox saved a moment ago is having its first sync, not a problem
  if (!a.lastSyncAt && !(Date.parse(a.createdAt ?? "") > now.getTime() - FIRST_SYNC_GRACE_MS)) return "never_synced";
  return undefined;
}

/** How long a new mailbox may go without a finished sync before the overview names it. */
const FIRST_SYNC_GRACE_MS = 15 * 60_000;
