import { randomUUID } from "node:crypto";
import type { Context, ScheduledEvent } from "aws-lambda";
import { lambdaContext } from "./lambda-context";

type ScheduledHandler = (event: ScheduledEvent, context: Context) => Promise<unknown>;

/** An EventBridge-shaped scheduled event, as the Cron component delivers it. */
export function scheduledEvent(ruleName: string): ScheduledEvent {
  return {
    version: "0",
    id: randomUUID(),
    "detail-type": "Scheduled Event",
    source: "aws.events",
    account: "000000000000",
    time: new Date().toISOString(),
    region: "us-east-1",
    resources: [`arn:aws:events:us-east-1:000000000000:rule/${ruleName}`],
    detail: {},
  };
}

/**
 * The local stand-in for an EventBridge rule: calls the handler at start and then every
 * `everyMs`; a tick is skipped while the previous one still runs.
 */
export function startSchedule(options: { name: string; everyMs: number; handler: ScheduledHandler; onError?: (err: unknown) => void }) {
  let busy = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      await options.handler(scheduledEvent(options.name), lambdaContext(options.name, 60_000));
    } catch (err) {
      options.onError?.(err);
    } finally {
      busy = false;
    }
  };
  const first = setTimeout(tick, 200);
  const timer = setInterval(tick, options.everyMs);
  return {
    tick,
    stop() {
      clearTimeout(first);
      clearInterval(timer);
    },
  };
}
