import { afterEach, describe, expect, it } from "vitest";
import { ALARM_RULES, countingNotifier, countMetric, emfLine, localAlarms, metricSink, METRIC_NAMES, METRIC_NAMESPACE, type MetricPoint } from "../../core/monitoring/index";

/** Operations metrics as CloudWatch's Embedded Metric Format lines, and the alarm rules evaluated locally. */
const writeMetric = metricSink.write;
afterEach(() => {
  metricSink.write = writeMetric;
});

describe("emfLine", () => {
  it("writes one EMF object naming the namespace, the Stage dimension and the metric with its value", () => {
    const line = JSON.parse(emfLine({ name: "JobsStalled", value: 2, stage: "prod", at: 1_700_000_000_000 }));
    expect(line).toEqual({
      _aws: { Timestamp: 1_700_000_000_000, CloudWatchMetrics: [{ Namespace: METRIC_NAMESPACE, Dimensions: [["Stage"]], Metrics: [{ Name: "JobsStalled", Unit: "Count" }] }] },
      Stage: "prod",
      JobsStalled: 2,
    });
  });
});

describe("countMetric", () => {
  it("hands each point to the sink and never throws when the sink fails", () => {
    const seen: MetricPoint[] = [];
    metricSink.write = (p) => void seen.push(p);
    countMetric("MailboxesPaused");
    countMetric("JobsFailed", 0); // nothing to count
    expect(seen.map((p) => [p.name, p.value])).toEqual([["MailboxesPaused", 1]]);
    metricSink.write = () => {
      throw new Error("stdout closed");
    };
    expect(() => countMetric("JobsFailed")).not.toThrow();
  });
});

describe("localAlarms", () => {
  it("prints ALARM once when a rule's sum passes its threshold, and OK once when a period is quiet again", () => {
    let now = 1_000_000;
    const lines: string[] = [];
    const alarms = localAlarms(
      (l) => lines.push(l),
      ALARM_RULES,
      () => now,
    );
    try {
      alarms.observe({ name: "ConsoleLockouts", value: 1, stage: "local", at: now });
      alarms.observe({ name: "ConsoleLockouts", value: 1, stage: "local", at: now + 1000 });
      alarms.observe({ name: "JobsLongRunning", value: 1, stage: "local", at: now }); // no alarm on this one
      expect(lines).toEqual([expect.stringMatching(/^ALARM console-lockouts: .*\(ConsoleLockouts 1 in 300 s\)$/)]);
      expect(alarms.alarming()).toEqual(["ConsoleLockoutsAlarm"]);
      now += 301_000;
      alarms.evaluate();
      expect(lines).toHaveLength(2);
      expect(lines[1]).toMatch(/^OK console-lockouts/);
      alarms.evaluate();
      expect(lines).toHaveLength(2);
    } finally {
      alarms.stop();
    }
  });

  it("alarms only on metrics the functions write, and keeps mailbox logins and console sign-ins apart (no alarm on the raw failures: the lockout and pause alarms follow them)", () => {
    for (const rule of ALARM_RULES) expect(METRIC_NAMES).toContain(rule.metric);
    expect(METRIC_NAMES).toEqual(expect.arrayContaining(["LoginsFailed", "ConsoleSignInsFailed"]));
    expect(ALARM_RULES.map((r) => r.metric)).not.toContain("ConsoleSignInsFailed");
    expect(new Set(ALARM_RULES.map((r) => r.suffix)).size).toBe(ALARM_RULES.length);
  });

  it("has one rule each for console lockouts, paused mailboxes and stalled jobs", () => {
    expect(ALARM_RULES.map((r) => r.metric).sort()).toEqual(["ConsoleLockouts", "JobsStalled", "MailboxesPaused"]);
  });
});

describe("countingNotifier", () => {
  it("counts paused mailboxes and console lockouts as they pass to the notifier, and passes every event on", async () => {
    const seen: MetricPoint[] = [];
    metricSink.write = (p) => void seen.push(p);
    const passed: string[] = [];
    const notifier = countingNotifier({ notify: async (e) => void passed.push(e.kind) });
    const at = new Date().toISOString();
    await notifier.notify({ kind: "mailbox.paused", accountId: "a", address: "a@example.test", ownerId: "u", failedLogins: 3, code: "diag.auth_failed", at });
    await notifier.notify({ kind: "signin.locked", userId: "u", email: "u@example.test", lockedAt: at, unlockAt: at });
    await notifier.notify({ kind: "mailbox.resumed", accountId: "a", address: "a@example.test", ownerId: "u", at });
    expect(seen.map((p) => p.name)).toEqual(["MailboxesPaused", "ConsoleLockouts"]);
    expect(passed).toEqual(["mailbox.paused", "signin.locked", "mailbox.resumed"]);
  });
});
