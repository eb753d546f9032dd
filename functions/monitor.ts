import middy from "@middy/core";
import type { ScheduledEvent } from "aws-lambda";
import { buildRuntime, type Runtime } from "../core/runtime/index";
import { runMonitor } from "../core/monitoring/index";

let rt: Runtime | undefined;

/**
 * EventBridge schedule (every 5 minutes) -> the job monitor: each job type is checked at its
 * own interval (5-60 minutes, admin settings) for long-running and stalled jobs and full
 * dead-letter queues; incidents are told through the notifier (core/monitoring/check.ts).
 * Every pass also records console sign-in locks that ran out (core/users/lockout.ts).
 */
export const handler = middy<ScheduledEvent>().handler(async () => {
  rt ??= buildRuntime("monitor");
  const report = await runMonitor({ db: rt.db, notifier: rt.notifier, log: rt.log, deadLetters: rt.deadLetters });
  return { checked: report.checked, opened: report.opened.length, resolved: report.resolved.length, freed: report.freed.length, locksExpired: report.locksExpired };
});
