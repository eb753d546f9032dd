import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ensureTables, localDynamo, startDynalite, type Emulator } from "../../core/local/emulators";
import { Db } from "../../core/store/db";
import { keys } from "../../core/store/keys";
import { createLogger } from "../../core/shared/log";
import { AppError } from "../../core/shared/errors";
import {
  DEFAULT_TYPE_SETTINGS,
  jobEndReporter,
  metricSink,
  openIncidents,
  runMonitor,
  saveMonitorSettings,
  trackRun,
  type MetricPoint,
  type MonitorSettings,
} from "../../core/monitoring/index";
import { endRun, recordJob, recordQueued, startRun, JOB_TYPES } from "../../core/jobs/index";
import type { Notifier, OpsEvent } from "../../core/notifications/index";

/**
 * The job monitor against dynalite: long-running and stalled jobs are told once per incident
 * and once when they resolve, a stalled lease is freed, ends are told as the settings say.
 * (A sync process really killed mid-sync: faults-crash.test.ts.)
 */
let dynamo: Emulator;
let db: Db;
let n = 0;
const events: OpsEvent[] = [];
const notifier: Notifier = { notify: async (e) => void events.push(e) };
const log = createLogger({ fn: "monitor-test" }, "error");
const points: MetricPoint[] = [];
const writeMetric = metricSink.write;

beforeAll(async () => {
  dynamo = await startDynalite();
  await ensureTables(dynamo.endpoint, ["mon-main", "mon-mail"]);
});
afterAll(async () => dynamo?.close());
beforeEach(async () => {
  // a fresh pair of tables per test: incidents and the monitor's state start empty
  n++;
  await ensureTables(dynamo.endpoint, [`mon-main-${n}`, `mon-mail-${n}`]);
  db = new Db({ main: `mon-main-${n}`, mail: `mon-mail-${n}` }, localDynamo(dynamo.endpoint));
  events.length = 0;
  points.length = 0;
  metricSink.write = (p) => void points.push(p);
});
afterEach(() => {
  metricSink.write = writeMetric;
});

const T0 = new Date("2026-11-22T12:00:00Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const iso = (minutes: number) => at(minutes).toISOString();
const monitor = (minutes: number) => runMonitor({ db, notifier, log }, at(minutes));
const kinds = () => events.map((e) => e.kind);

async function mailbox(id: string, lease?: { jobId: string; until: number; startedAt: string }) {
  await db.put("main", {
    ...keys.account(id),
    gsi1pk: keys.accountsIndex,
    gsi1sk: `u#${id}`,
    id,
    ownerId: "u",
    email: `${id}@example.test`,
    state: "connected",
    updatedAt: iso(-600),
    ...(lease ? { leaseJobId: lease.jobId, leaseOwner: `owner-${lease.jobId}`, leaseUntil: lease.until, leaseStartedAt: lease.startedAt } : {}),
  });
}
const epoch = (minutes: number) => Math.floor(at(minutes).getTime() / 1000);

describe("a long-running job", () => {
  it("is told once when it passes its type's threshold, and once more when it ends", async () => {
    // Prepare: a contact import running for 61 minutes, beating all along (threshold: 1 hour)
    await db.put("main", {
      ...keys.job("imp1"),
      gsi1pk: keys.jobsOfType("import"),
      gsi1sk: iso(-61),
      jobId: "imp1",
      jobType: "import",
      subject: "big.csv",
      status: "running",
      startedAt: iso(-61),
      heartbeatAt: iso(-1),
    });
    // Act + Assess
    const first = await monitor(0);
    expect(first.opened).toMatchObject([{ kind: "long_running", jobType: "import", jobId: "imp1" }]);
    expect(events).toEqual([expect.objectContaining({ kind: "job.long_running", jobType: "import", jobId: "imp1", subject: "big.csv", startedAt: iso(-61) })]);
    await db.update("main", keys.job("imp1"), { expression: "SET heartbeatAt = :h", values: { ":h": iso(4) } });
    await monitor(5);
    expect(kinds()).toEqual(["job.long_running"]); // the same incident: not told again
    await endRun(db, { jobId: "imp1", jobType: "import", subject: "big.csv", startedAt: iso(-61) }, "done");
    const third = await monitor(10);
    expect(third.resolved).toMatchObject([{ kind: "long_running", jobId: "imp1" }]);
    expect(kinds()).toEqual(["job.long_running", "job.resolved"]);
    expect(events[1]).toMatchObject({ incident: "long_running", jobId: "imp1" });
    await monitor(15);
    expect(kinds()).toEqual(["job.long_running", "job.resolved"]);
    expect(await openIncidents(db)).toEqual([]);
    expect(points.filter((p) => p.name === "JobsLongRunning").map((p) => p.value)).toEqual([1]);
  });

  it("honours the type's threshold: 2 hours set, 61 minutes is not long", async () => {
    await saveMonitorSettings(db, settingsWith({ import: { longRunningHours: 2 } }), "admin");
    await db.put("main", {
      ...keys.job("imp2"),
      gsi1pk: keys.jobsOfType("import"),
      gsi1sk: iso(-61),
      jobId: "imp2",
      jobType: "import",
      subject: "x.csv",
      status: "running",
      startedAt: iso(-61),
      heartbeatAt: iso(-1),
    });
    expect((await monitor(0)).opened).toEqual([]);
    expect(events).toEqual([]);
  });
});

describe("a stalled sync job", () => {
  it("whose lease ran out is told stalled once, its lease freed and its record ended abandoned", async () => {
    // Prepare: the holder died 2 minutes ago (lease not renewed), its last heartbeat 3 minutes ago
    await mailbox("m1", { jobId: "dead1", until: epoch(-2), startedAt: iso(-10) });
    await recordQueued(db, { jobId: "dead1", accountId: "m1", reason: "schedule", enqueuedAt: iso(-11) });
    await db.update("main", keys.job("dead1"), { expression: "SET #s = :s, heartbeatAt = :h", names: { "#s": "status" }, values: { ":s": "running", ":h": iso(-3) } });
    // Act
    const report = await monitor(0);
    // Assess
    expect(report.freed).toEqual(["m1"]);
    expect(events).toEqual([expect.objectContaining({ kind: "job.stalled", jobType: "sync", jobId: "dead1", subject: "m1@example.test", heartbeatAt: iso(-3) })]);
    const account = (await db.get("main", keys.account("m1")))!;
    expect(account.leaseJobId).toBeUndefined();
    expect(account.leaseOwner).toBeUndefined();
    expect(await db.get("main", keys.job("dead1"))).toMatchObject({ status: "abandoned", abandonedBy: "monitor" });
    expect(points.filter((p) => p.name === "JobsStalled")).toHaveLength(1);
    // nothing new until the mailbox ends a job again: then resolved, once
    await monitor(5);
    expect(kinds()).toEqual(["job.stalled"]);
    await db.update("main", keys.account("m1"), { expression: "SET updatedAt = :u", values: { ":u": iso(7) } });
    await monitor(10);
    await monitor(15);
    expect(kinds()).toEqual(["job.stalled", "job.resolved"]);
  });

  it("that hangs with a live lease (no heartbeat for over 10 minutes) is stalled too, and one beating is not", async () => {
    await mailbox("hung", { jobId: "h1", until: epoch(1), startedAt: iso(-30) });
    await recordQueued(db, { jobId: "h1", accountId: "hung", reason: "manual", enqueuedAt: iso(-30) });
    await recordJob(db, "h1", "running");
    await db.update("main", keys.job("h1"), { expression: "SET heartbeatAt = :h", values: { ":h": iso(-11) } });
    await mailbox("busy", { jobId: "b1", until: epoch(1), startedAt: iso(-30) });
    await recordQueued(db, { jobId: "b1", accountId: "busy", reason: "manual", enqueuedAt: iso(-30) });
    await db.update("main", keys.job("b1"), { expression: "SET #s = :s, heartbeatAt = :h", names: { "#s": "status" }, values: { ":s": "running", ":h": iso(0) } });
    const report = await monitor(0);
    expect(report.freed).toEqual(["hung"]);
    expect(events.map((e) => (e as { jobId: string }).jobId)).toEqual(["h1"]);
    expect((await db.get("main", keys.account("busy")))!.leaseJobId).toBe("b1");
  });
});

describe("the settings", () => {
  it("check a type only when its own interval has come, and not at all when it is off", async () => {
    await saveMonitorSettings(db, settingsWith({ import: { intervalMinutes: 15 }, sync: { enabled: false } }), "admin");
    await mailbox("off", { jobId: "o1", until: epoch(-5), startedAt: iso(-10) });
    expect((await monitor(0)).checked).toEqual(["backfill", "fanout", "import", "webhook", "send"]);
    expect((await monitor(5)).checked).toEqual(["backfill", "fanout", "webhook", "send"]);
    expect((await monitor(15)).checked).toEqual(["backfill", "fanout", "import", "webhook", "send"]);
    expect(events).toEqual([]); // sync is off: its dead holder is left to the next job's takeover
    expect((await db.get("main", keys.account("off")))!.leaseJobId).toBe("o1");
  });
});

describe("job ends", () => {
  it("tell an abnormal end once per incident: the same failure again is the same incident, a new one is told", async () => {
    const report = jobEndReporter(
      { db, notifier, log },
      async () => ({ types: Object.fromEntries(JOB_TYPES.map((t) => [t, DEFAULT_TYPE_SETTINGS])), updatedAt: null }) as MonitorSettings,
    );
    const end = { jobType: "sync" as const, subject: "a@example.test", status: "failed" as const };
    await report({ ...end, jobId: "j1", code: "diag.auth_failed", previousCode: null, loginRefused: true });
    await report({ ...end, jobId: "j2", code: "diag.auth_failed", previousCode: "diag.auth_failed", loginRefused: true });
    await report({ ...end, jobId: "j3", code: "diag.timeout", previousCode: "diag.auth_failed" });
    await report({ jobType: "sync", jobId: "j4", subject: "a@example.test", status: "done", previousCode: "diag.timeout" });
    expect(events.map((e) => [e.kind, (e as { jobId: string }).jobId])).toEqual([
      ["job.failed", "j1"],
      ["job.failed", "j3"],
    ]); // a normal end is not told by default
    expect(points.filter((p) => p.name === "JobsFailed")).toHaveLength(3);
    expect(points.filter((p) => p.name === "LoginsFailed")).toHaveLength(2);
  });

  it("record a run's failure with its code, tell it, and tell a normal end when the type asks for it", async () => {
    await saveMonitorSettings(db, settingsWith({ fanout: { notify: { normal: true, abnormal: true, longRunning: true } } }), "admin");
    const jobEnded = jobEndReporter({ db, notifier, log });
    await expect(trackRun({ db, jobEnded }, "fanout", "schedule", async () => Promise.reject(new AppError("transient", "service_unavailable")))).rejects.toThrow();
    const value = await trackRun({ db, jobEnded }, "fanout", "schedule", async () => ({ result: 42, counts: { due: 3, enqueued: 3 } }));
    expect(value).toBe(42);
    expect(events.map((e) => e.kind)).toEqual(["job.failed", "job.succeeded"]);
    expect(events[0]).toMatchObject({ jobType: "fanout", code: "service_unavailable" });
    const runs = await db.queryIndex(keys.jobsOfType("fanout"));
    expect(runs.map((r) => [r.status, r.error ?? null, r.counts ?? null]).sort()).toEqual([
      ["done", null, { due: 3, enqueued: 3 }],
      ["failed", "service_unavailable", null],
    ]);
  });

  it("a run whose worker died (no heartbeat for 10 minutes) is stalled and ended abandoned", async () => {
    const run = await startRun(db, "webhook", "3 deliveries", iso(-12));
    await monitor(0);
    expect(events).toEqual([expect.objectContaining({ kind: "job.stalled", jobType: "webhook", jobId: run.jobId })]);
    expect(await db.get("main", keys.job(run.jobId))).toMatchObject({ status: "abandoned", abandonedBy: "monitor" });
  });
});

type Patch = Partial<Record<(typeof JOB_TYPES)[number], Partial<typeof DEFAULT_TYPE_SETTINGS>>>;
function settingsWith(patch: Patch) {
  return { types: Object.fromEntries(JOB_TYPES.map((t) => [t, { ...DEFAULT_TYPE_SETTINGS, ...patch[t] }])) } as { types: MonitorSettings["types"] };
}
