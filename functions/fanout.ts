import middy from "@middy/core";
import type { ScheduledEvent } from "aws-lambda";
import { fanOut } from "../core/sync/index";
import { buildRuntime, type Runtime } from "../core/runtime/index";

let rt: Runtime | undefined;

/** EventBridge schedule -> one sync job per due account. */
export const handler = middy<ScheduledEvent>().handler(async () => {
  rt ??= buildRuntime("fanout");
  const { due, enqueued } = await fanOut({ db: rt.db, queue: rt.queue, log: rt.log, intervalMinutes: rt.intervalMinutes });
  return { due, enqueued: enqueued.length };
});
