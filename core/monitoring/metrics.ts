import { Resource } from "sst";
import { METRIC_NAMESPACE, type MetricName } from "./alarm-rules";

/**
 * Operations metrics in CloudWatch's Embedded Metric Format: one JSON line on stdout per data
 * point, which CloudWatch Logs turns into a metric in METRIC_NAMESPACE with the stage as its one
 * dimension (no API call, no extra latency, nothing to fail). Written with process.stdout.write,
 * not console.log: in Lambda, console.log prefixes each line with a time and request id, and
 * then the line is no longer the JSON object EMF needs.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
export interface MetricPoint {
  name: MetricName;
  value: number;
  stage: string;
  at: number;
}

/** Where points go: the EMF line on stdout; `npm start` adds its local alarm evaluation, tests capture. */
export const metricSink: { write: (point: MetricPoint) => void } = { write: (point) => void process.stdout.write(emfLine(point) + "\n") };

export function emfLine(point: MetricPoint): string {
  return JSON.stringify({
    _aws: { Timestamp: point.at, CloudWatchMetrics: [{ Namespace: METRIC_NAMESPACE, Dimensions: [["Stage"]], Metrics: [{ Name: point.name, Unit: "Count" }] }] },
    Stage: point.stage,
    [point.name]: point.value,
  });
}

/** Counts `value` occurrences of a metric now (never throws: a metric must not fail the work it counts). */
export function countMetric(name: MetricName, value = 1): void {
  if (value <= 0) return;
  try {
    metricSink.write({ name, value, stage: currentStage(), at: Date.now() });
  } catch {
    // a closed stdout: nothing to count to
  }
}

/** The app's stage as SST links it (read when a point is written, never at import); the alarms in sst.config.ts filter on it. */
function currentStage(): string {
  try {
    return (Resource as unknown as { App: { stage: string } }).App.stage;
  } catch {
    return "unknown";
  }
}
