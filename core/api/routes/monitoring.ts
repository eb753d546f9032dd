import { z } from "zod";
import { accountsVersion, getAccount } from "../../accounts/index";
import { AppError } from "../../shared/errors";
import { DEAD_LETTER_QUEUES, type DeadLetterQueueName } from "../../queue/index";
import {
  deadLetterOutput,
  deadLetterView,
  getMonitorSettings,
  mailboxRunOutput,
  mailboxRuns,
  monitorSettingsInput,
  monitorSettingsOutput,
  operationsOverview,
  overviewOutput,
  saveMonitorSettings,
} from "../../monitoring/index";
import { listOf, type Route, type RouteContext } from "../types";

const deadLetters = (ctx: RouteContext) => {
  if (!ctx.deps.deadLetters) throw new AppError("transient", "service_unavailable");
  return ctx.deps.deadLetters;
};
const queueParam = z.strictObject({ queue: z.enum(DEAD_LETTER_QUEUES as [DeadLetterQueueName, ...DeadLetterQueueName[]]).optional() });

/**
 * Operations: the admin overview, the job monitor's settings, dead-lettered jobs and their
 * redrive, a mailbox's last runs, and the cheap "has the mailbox list changed" check the
 * console polls. Listed before the account routes: /api/accounts/version is not an account id.
 */
export const monitoringRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/accounts/version",
    auth: "user",
    tag: "accounts",
    summary: "A fingerprint of the mailbox list the user sees: poll it, and reload the list only when it changed (a job queued, started or ended, a mailbox edited)",
    response: z.object({ version: z.string() }),
    handle: async (ctx) => ({ body: { version: await accountsVersion(ctx.deps.db, ctx.session.user) } }),
  },
  {
    method: "GET",
    path: "/api/accounts/{id}/runs",
    auth: "user",
    tag: "accounts",
    summary: "A mailbox's last 10 jobs: start, duration, counts and diagnosis (owner or admin)",
    response: listOf(mailboxRunOutput),
    async handle(ctx) {
      const account = await getAccount(ctx.deps.db, ctx.session.user, ctx.params.id!); // 404 unless the owner or an admin
      return { body: { items: await mailboxRuns(ctx.deps.db, account as Parameters<typeof mailboxRuns>[1], ctx.lang) } };
    },
  },
  {
    method: "GET",
    path: "/api/operations/overview",
    auth: "admin",
    tag: "operations",
    summary: "What needs an admin now: paused, failing and never-synced mailboxes, long-running and stalled jobs, failed runs, dead letters",
    response: overviewOutput,
    handle: async (ctx) => ({ body: await operationsOverview({ db: ctx.deps.db, deadLetters: ctx.deps.deadLetters }, ctx.lang) }),
  },
  {
    method: "GET",
    path: "/api/settings/monitor",
    auth: "admin",
    tag: "operations",
    summary: "The job monitor's settings per job type: on or off, check interval, long-running threshold, which ends to notify",
    response: monitorSettingsOutput,
    handle: async (ctx) => ({ body: await getMonitorSettings(ctx.deps.db) }),
  },
  {
    method: "PUT",
    path: "/api/settings/monitor",
    auth: "admin",
    tag: "operations",
    summary: "Set the job monitor's settings (interval 5-60 minutes in steps of 5, long-running after 1-24 hours)",
    body: monitorSettingsInput,
    response: monitorSettingsOutput,
    async handle(ctx) {
      const saved = await saveMonitorSettings(ctx.deps.db, ctx.body, ctx.session.user.id);
      ctx.deps.log.info("monitor.settings.saved", { byUserId: ctx.session.user.id });
      return { body: saved };
    },
  },
  {
    method: "GET",
    path: "/api/dead-letters",
    auth: "admin",
    tag: "operations",
    summary: "Jobs in the dead-letter queues (sync: after 3 receives; webhook: after 5), with their last error",
    query: queueParam,
    response: listOf(deadLetterOutput),
    async handle(ctx) {
      const dl = deadLetters(ctx);
      const names = ctx.query.queue ? [ctx.query.queue as DeadLetterQueueName] : dl.queues.map((q) => q.name);
      const items = await Promise.all(names.map(async (name) => deadLetterView(ctx.deps.db, name, await dl.list(name), ctx.lang)));
      return { body: { items: items.flat() } };
    },
  },
  {
    method: "POST",
    path: "/api/dead-letters/{queue}/{messageId}/redrive",
    auth: "admin",
    tag: "operations",
    summary: "Send one dead-lettered job back to its queue",
    response: z.object({ redriven: z.literal(true) }),
    async handle(ctx) {
      const queue = queueParam.shape.queue.unwrap().safeParse(ctx.params.queue);
      if (!queue.success) throw new AppError("validation", "validation_failed", { fields: [{ field: "queue", key: "one_of", params: { values: DEAD_LETTER_QUEUES.join(", ") } }] });
      if (!(await deadLetters(ctx).redrive(queue.data, ctx.params.messageId!))) throw new AppError("notFound", "dead_letter_not_found");
      ctx.deps.log.info("deadletter.redriven", { queue: queue.data, messageId: ctx.params.messageId, byUserId: ctx.session.user.id });
      return { body: { redriven: true } };
    },
  },
];
