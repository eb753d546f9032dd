import middy from "@middy/core";
import type { ScheduledEvent } from "aws-lambda";
import { buildRuntime, type Runtime } from "../core/runtime/index";
import { findStalledJobs } from "../core/monitoring/index";

let rt: Runtime | undefined;

/** EventBridge schedule -> looks for stalled sync jobs (the monitoring issue adds mail and thresholds). */
export const handler = middy<ScheduledEvent>().handler(async () => {
  rt ??= buildRuntime("monitor");
  const stalled = await findStalledJobs(rt.db, { olderThanMinutes: 60 });
  for (const job of stalled) rt.log.warn("monitor.job.stalled", { ...job });
  return { stalled: stalled.length };
});
