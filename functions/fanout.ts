import middy from "@middy/core";
import type { ScheduledEvent } from "aws-lambda";
import { fanOut } from "../core/sync/index";
import { buildRuntime, type Runtime } from "../core/runtime/index";
import { jobEndReporter, trackRun, type JobEndReporter } from "../core/monitoring/index";

let rt: Runtime | undefined;
let jobEnded: JobEndReporter | undefined;

/** EventBridge schedule -> one sync job per due account; each tick is a recorded run (the job monitor watches it). */
export const handler = middy<ScheduledEvent>().handler(async () => {
  rt ??= buildRuntime("fanout");
  jobEnded ??= jobEndReporter(rt);
  const runtime = rt;
  return trackRun({ db: runtime.db, jobEnded }, "fanout", "schedule", async () => {
    const { due, enqueued } = await fanOut({ db: runtime.db, queue: runtime.queue, log: runtime.log, intervalMinutes: runtime.intervalMinutes });
    return { result: { due, enqueued: enqueued.length }, counts: { due, enqueued: enqueued.length } };
  });
});
