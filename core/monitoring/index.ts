/**
 * Operations monitoring: the job monitor (check.ts, run by functions/monitor.ts on its own
 * schedule) with its per-type settings and incident records, the reporting of job ends,
 * metrics in CloudWatch's Embedded Metric Format and the alarm rules on them, and the admin
 * overview (overview.ts). Producers tell operations through core/notifications' Notifier.
 */
import type { Notifier } from "../notifications/index";
import { countMetric } from "./metrics";

export { runMonitor, EXPIRED_GRACE_SECONDS, HUNG_AFTER_MS, type MonitorDeps, type MonitorReport } from "./check";
export { openIncidents, type Incident, type IncidentKind } from "./incidents";
export {
  getMonitorSettings,
  saveMonitorSettings,
  cachedMonitorSettings,
  monitorSettingsInput,
  monitorSettingsOutput,
  typeRecipients,
  DEFAULT_TYPE_SETTINGS,
  type MonitorSettings,
  type JobTypeSettings,
} from "./settings";
export { jobEndReporter, trackRun, type JobEnd, type JobEndReporter, type RunOutcome } from "./job-ends";
export { countMetric, emfLine, metricSink, type MetricPoint } from "./metrics";
export { ALARM_RULES, METRIC_NAMES, METRIC_NAMESPACE, type AlarmRule, type MetricName } from "./alarm-rules";
export { localAlarms } from "./local-alarms";
export { operationsOverview, overviewOutput, type OperationsOverview } from "./overview";
export { deadLetterView, deadLetterOutput } from "./dead-letter-view";

/**
 * Counts the events that have a metric (paused mailboxes, console lockouts) as they pass to
 * the notifier: whoever emits them, the metric and so the CloudWatch alarm follow.
 */
export function countingNotifier(inner: Notifier): Notifier {
  return {
    async notify(event) {
      if (event.kind === "mailbox.paused") countMetric("MailboxesPaused");
      if (event.kind === "signin.locked") countMetric("ConsoleLockouts");
      await inner.notify(event);
    },
  };
}
export { mailboxRuns, mailboxRunOutput } from "./mailbox-runs";
