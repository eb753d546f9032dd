import { ALARM_RULES, type AlarmRule } from "./alarm-rules";
import type { MetricPoint } from "./metrics";

/**
 * `npm start`'s stand-in for the CloudWatch alarms: the same rules (alarm-rules.ts), evaluated
 * over the metric points the functions write in this process. A rule goes to ALARM when the
 * metric's sum over its period passes the threshold, and back to OK once a period holds no
 * more than the threshold; each change is printed once, as SNS would mail it.
 */
export function localAlarms(print: (line: string) => void, rules: readonly AlarmRule[] = ALARM_RULES, now: () => number = Date.now) {
  const points = new Map<string, MetricPoint[]>();
  const alarming = new Set<string>();
  const sum = (rule: AlarmRule) => {
    const since = now() - rule.periodSeconds * 1000;
    const kept = (points.get(rule.id) ?? []).filter((p) => p.at > since);
    points.set(rule.id, kept);
    return kept.reduce((n, p) => n + p.value, 0);
  };
  const evaluate = () => {
    for (const rule of rules) {
      const total = sum(rule);
      if (total > rule.threshold && !alarming.has(rule.id)) {
        alarming.add(rule.id);
        print(`ALARM ${rule.suffix}: ${rule.description} (${rule.metric} ${total} in ${rule.periodSeconds} s)`);
      } else if (total <= rule.threshold && alarming.has(rule.id)) {
        alarming.delete(rule.id);
        print(`OK ${rule.suffix}: ${rule.metric} back to ${total} in ${rule.periodSeconds} s`);
      }
    }
  };
  const timer = setInterval(evaluate, 15_000);
  timer.unref?.();
  return {
    observe(point: MetricPoint) {
      for (const rule of rules) if (rule.metric === point.name) points.set(rule.id, [...(points.get(rule.id) ?? []), point]);
      evaluate();
    },
    evaluate,
    alarming: () => [...alarming],
    stop: () => clearInterval(timer),
  };
}
