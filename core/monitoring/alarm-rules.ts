/**
 * The operations metrics and the alarms on them: one table read by sst.config.ts (CloudWatch
 * alarms to the ops SNS topic) and by `npm start` (the same rules evaluated in process and
 * printed, core/monitoring/local-alarms.ts). Plain data, no imports: sst.config.ts loads it.
 *
 * The functions write each metric in CloudWatch's Embedded Metric Format (metrics.ts): a JSON
 * log line CloudWatch turns into a metric, no PutMetricData call.
 */
export const METRIC_NAMESPACE = "CrmMailSync";

/**
 * LoginsFailed counts a mail server refusing a mailbox's saved password; ConsoleSignInsFailed
 * counts wrong passwords typed at the console's sign-in (unknown addresses too: a spray of
 * guesses at addresses that do not exist is what to look at). Two names rather than one with
 * a dimension: the alarms and the Stage dimension stay as they are, and neither metric's sum
 * hides the other's.
 */
export const METRIC_NAMES = ["LoginsFailed", "ConsoleSignInsFailed", "MailboxesPaused", "ConsoleLockouts", "JobsLongRunning", "JobsStalled", "JobsFailed"] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

export interface AlarmRule {
  /** The alarm's resource name in sst.config.ts, and its name's suffix (kebab-case). */
  id: string;
  suffix: string;
  metric: MetricName;
  /** Alarms when the metric's Sum over one period is greater than this. */
  threshold: number;
  periodSeconds: number;
  description: string;
}

export const ALARM_RULES: readonly AlarmRule[] = [
  {
    id: "ConsoleLockoutsAlarm",
    suffix: "console-lockouts",
    metric: "ConsoleLockouts",
    threshold: 0,
    periodSeconds: 300,
    description: "A console user was locked out after repeated failed sign-ins.",
  },
  {
    id: "MailboxesPausedAlarm",
    suffix: "mailboxes-paused",
    metric: "MailboxesPaused",
    threshold: 0,
    periodSeconds: 300,
    description: "A mailbox was paused after repeated refused logins: it needs a new password.",
  },
  {
    id: "JobsStalledAlarm",
    suffix: "jobs-stalled",
    metric: "JobsStalled",
    threshold: 0,
    periodSeconds: 300,
    description: "A background job stopped beating while it held its lease; the monitor freed the lease.",
  },
];
