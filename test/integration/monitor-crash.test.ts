import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Db } from "../../core/store/db";
import { keys } from "../../core/store/keys";
import { createLogger } from "../../core/shared/log";
import { runSyncJob, type SyncDeps } from "../../core/sync/index";
import { EXPIRED_GRACE_SECONDS, runMonitor } from "../../core/monitoring/index";
import type { Notifier, OpsEvent } from "../../core/notifications/index";
import { appendMessages, resetUser } from "../harness/mail-servers";
import { eventually } from "../support/api-client";
import { faultMailbox, startFaultStack } from "../support/fault-mailbox";

/**
 * The job monitor and a sync process killed mid-sync (SIGKILL, the real sync in a child
 * process, as faults-crash.test.ts): the first monitor check after the dead job's lease ran out
 * reports it stalled, once, frees the lease and ends the job "abandoned", so the next job
 * syncs the mailbox at once instead of being refused; the incident resolves once that job ends.
 */
const mail = inject("mail");
const carol = mail.users.carol;
/** The lease in this test (60 s in production, where the monitor checks every 5 minutes: a dead lease is always found by the next check). */
const LEASE_SECONDS = 6;
const MONITOR_INTERVAL_MS = 5 * 60_000;
const CONTACTS = Array.from({ length: 20 }, (_, i) => `buyer${i}@stall${i % 4}.test`);
const box = faultMailbox(carol.email, 800, CONTACTS);

let f: Awaited<ReturnType<typeof startFaultStack>>;
let db: Db;
let deps: SyncDeps;
const events: OpsEvent[] = [];
const notifier: Notifier = { notify: async (e) => void events.push(e) };
const log = createLogger({ fn: "monitor-crash" }, "error");

beforeAll(async () => {
  await resetUser(mail, carol.email);
  await appendMessages(mail, carol.email, "INBOX", box.inbox);
  await appendMessages(mail, carol.email, "Sent", box.sent);
  f = await startFaultStack(mail, carol, CONTACTS, { leaseSeconds: LEASE_SECONDS });
  ({ db, deps } = f);
}, 240_000);

afterAll(async () => f?.stop());

describe("a sync job killed mid-run", () => {
  it("is reported stalled by the first monitor check after its lease ran out, once; its lease is freed and the next job runs at once", async () => {
    // Prepare: a real sync in its own process, killed once it has stored part of the mailbox
    const accountId = await f.newAccount();
    const dead = await f.queued(accountId);
    const worker = spawn(process.execPath, ["--import", "tsx", "test/support/sync-worker.ts"], {
      env: {
        ...process.env,
        DYNAMO_ENDPOINT: f.stack.dynamoEndpoint,
        SQS_ENDPOINT: f.stack.sqsEndpoint,
        QUEUE_URL: f.stack.queueUrl,
        TABLES: JSON.stringify(f.stack.tables),
        SECRET_DIR: f.stack.secretDir,
        IMAP_CA: mail.caPem,
        JOB: JSON.stringify(dead),
        LEASE_SECONDS: String(LEASE_SECONDS),
        CHUNK_SIZE: "50",
        WRITE_DELAY_MS: "200",
      },
      stdio: ["ignore", "ignore", "inherit"],
    });
    const exited = new Promise<NodeJS.Signals | null>((ok) => worker.once("exit", (_code, signal) => ok(signal)));
    await eventually(
      async () => {
        const item = await db.get("main", keys.job(dead.jobId));
        return item?.status === "running" && (item.counts?.written ?? 0) > 0 ? item : undefined;
      },
      60_000,
      50,
    );
    worker.kill("SIGKILL");
    const killedAt = Date.now();
    expect(await exited).toBe("SIGKILL");

    // Act 1: a check while the dead job's lease still lasts (the schedule's previous tick) sees a job at work
    const before = await runMonitor({ db, notifier, log }, new Date(killedAt - MONITOR_INTERVAL_MS));
    expect(before.checked).toContain("sync");
    expect(before.opened).toEqual([]);
    expect((await db.get("main", keys.account(accountId)))!.leaseJobId).toBe(dead.jobId);

    // Act 2: the next tick of the schedule, once the lease has run out
    const held = (await db.get("main", keys.account(accountId)))!;
    await new Promise((r) => setTimeout(r, Math.max(0, (held.leaseUntil + EXPIRED_GRACE_SECONDS + 1) * 1000 - Date.now())));
    const checkAt = new Date();
    const report = await runMonitor({ db, notifier, log }, checkAt);

    // Assess: reported stalled within one monitor interval of the kill, its lease freed, its record ended
    expect(checkAt.getTime() - killedAt).toBeLessThan(MONITOR_INTERVAL_MS);
    expect(report.freed).toEqual([accountId]);
    expect(events).toEqual([expect.objectContaining({ kind: "job.stalled", jobType: "sync", jobId: dead.jobId, subject: carol.email })]);
    const freed = (await db.get("main", keys.account(accountId)))!;
    expect(freed.leaseJobId).toBeUndefined();
    expect(await db.get("main", keys.job(dead.jobId))).toMatchObject({ status: "abandoned", abandonedBy: "monitor" });
    const overview = (await f.api.get("/api/operations/overview")).body;
    expect(overview.incidents).toEqual([expect.objectContaining({ kind: "stalled", jobType: "sync", jobId: dead.jobId, accountId })]);

    // the next job is not refused (the lease is free) and finishes the mailbox with nothing lost or doubled
    const next = await runSyncJob(deps, await f.queued(accountId));
    expect(next.status).toBe("done");
    expect(await f.pairs(accountId)).toEqual(box.expected);

    // the incident resolves at the next check, told once; nothing more after
    await runMonitor({ db, notifier, log }, new Date(checkAt.getTime() + MONITOR_INTERVAL_MS));
    await runMonitor({ db, notifier, log }, new Date(checkAt.getTime() + 2 * MONITOR_INTERVAL_MS));
    expect(events.map((e) => e.kind)).toEqual(["job.stalled", "job.resolved"]);
    expect((await f.api.get("/api/operations/overview")).body.incidents).toEqual([]);
    // the mailbox's last runs show both: the dead one abandoned, the next one done with its counts
    const runs = (await f.api.get(`/api/accounts/${accountId}/runs`)).body.items;
    expect(runs.slice(0, 2).map((r: { status: string }) => r.status)).toEqual(["done", "abandoned"]);
    expect(runs[0].counts.written).toBeGreaterThan(0);
    expect(runs[0].durationMs).toBeGreaterThan(0);
  }, 120_000);
});
