import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { requeueUnfinished } from "../../core/local/requeue";
import type { Db } from "../../core/store/db";
import { keys } from "../../core/store/keys";
import { recordJob, runSyncJob, type SyncDeps } from "../../core/sync/index";
import type { SyncJobMessage } from "../../core/queue/index";
import { appendMessages, resetUser } from "../harness/mail-servers";
import { eventually } from "../support/api-client";
import { faultMailbox, startFaultStack } from "../support/fault-mailbox";

/**
 * Crashes and duplicates: a sync worker process killed with SIGKILL mid-sync blocks its mailbox
 * only until its lease runs out, then the next job takes over, finishes with nothing lost or
 * doubled and marks the dead job "abandoned"; the same job delivered three times at once makes
 * one IMAP session; jobs lost with `npm start`'s in-memory queue are queued again at start.
 */
const mail = inject("mail");
const carol = mail.users.carol;
const MESSAGES = 2_000;
/** The lease's length in these tests (60 s in production): the bound a takeover must meet. */
const LEASE_SECONDS = 6;
const CONTACTS = Array.from({ length: 30 }, (_, i) => `buyer${i}@crash${i % 5}.test`);
const box = faultMailbox(carol.email, MESSAGES, CONTACTS);

let f: Awaited<ReturnType<typeof startFaultStack>>;
let db: Db;
let deps: SyncDeps;
const commands: string[] = [];
let accountId = "";

beforeAll(async () => {
  await resetUser(mail, carol.email);
  await appendMessages(mail, carol.email, "INBOX", box.inbox);
  await appendMessages(mail, carol.email, "Sent", box.sent);
  f = await startFaultStack(mail, carol, CONTACTS, { leaseSeconds: LEASE_SECONDS, imapCommandLog: (line) => void commands.push(line) });
  ({ db, deps } = f);
}, 240_000);

afterAll(async () => f?.stop());

describe("a sync worker killed mid-sync", () => {
  it("is taken over once its lease runs out, and the next job finishes with nothing lost or doubled", async () => {
    accountId = await f.newAccount();
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
        // mail writes held 200 ms each, so the worker is surely mid-sync when it is killed
        WRITE_DELAY_MS: "200",
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let printed = "";
    worker.stdout!.on("data", (c: Buffer) => (printed += c.toString()));
    const exited = new Promise<NodeJS.Signals | null>((ok) => worker.once("exit", (_code, signal) => ok(signal)));
    // killed once its heartbeat shows it has stored part of the mailbox
    const midway = await eventually(
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
    expect(printed).toBe(""); // it never got to the end
    expect((await f.pairs(accountId)).length).toBeLessThan(box.expected.length);
    const held = (await db.get("main", keys.account(accountId)))!;
    expect(held.leaseJobId).toBe(dead.jobId);
    expect(held.leaseUntil).toBeLessThanOrEqual(Math.ceil(killedAt / 1000) + LEASE_SECONDS);

    // the mailbox is blocked only while the dead job's lease lasts
    let skipped = 0;
    let outcome;
    let takeover: SyncJobMessage | undefined;
    while (!takeover || outcome?.status === "skipped") {
      takeover = await f.queued(accountId);
      const tookOverAfterMs = Date.now() - killedAt;
      // within the lease's bound (plus a second of slack for the clock's whole seconds)
      expect(tookOverAfterMs).toBeLessThan((LEASE_SECONDS + 1.5) * 1000);
      outcome = await runSyncJob(deps, takeover);
      if (outcome.status === "skipped") {
        skipped++;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    expect(skipped).toBeGreaterThan(0);
    expect(outcome!.status).toBe("done");
    expect(await f.pairs(accountId)).toEqual(box.expected);
    const deadRecord = (await db.get("main", keys.job(dead.jobId)))!;
    expect(deadRecord).toMatchObject({ status: "abandoned", abandonedBy: takeover!.jobId });
    expect(deadRecord.counts.written).toBeGreaterThanOrEqual(midway.counts.written);
    expect(deadRecord.endedAt).toBeTruthy();
    const view = (await f.api.get(`/api/accounts/${accountId}`)).body;
    expect(view).toMatchObject({ state: "connected", syncProgress: null, lastJob: { jobId: takeover!.jobId, status: "done" } });
  }, 120_000);
});

describe("the same job delivered three times at once", () => {
  it("runs once, on one IMAP session, and its record ends done", async () => {
    accountId = await f.newAccount();
    const job = await f.queued(accountId);
    commands.length = 0;
    const connectionsBefore = f.relay.connections;
    const outcomes = await Promise.all([runSyncJob(deps, job), runSyncJob(deps, job), runSyncJob(deps, job)]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(["done", "skipped", "skipped"]);
    expect(commands.filter((c) => /\b(LOGIN|AUTHENTICATE)\b/i.test(c))).toHaveLength(1);
    expect(f.relay.connections - connectionsBefore).toBe(1);
    expect((await db.get("main", keys.job(job.jobId)))!.status).toBe("done");
    expect(await f.pairs(accountId)).toEqual(box.expected);
  }, 60_000);
});

describe("a job that runs longer than its lease", () => {
  it("keeps the mailbox by renewing its lease: a job arriving later is refused, not run beside it", async () => {
    accountId = await f.newAccount();
    // a 3 s lease, and mail writes held 250 ms each: the first sync takes several times the lease
    const lease = 3;
    const slowDb = Object.create(db) as Db;
    slowDb.batchWrite = async (...args: Parameters<Db["batchWrite"]>) => {
      await new Promise((r) => setTimeout(r, 250));
      return db.batchWrite(...args);
    };
    const long = await f.queued(accountId);
    let firstEnded = 0;
    const first = runSyncJob({ ...deps, db: slowDb, chunkSize: 50, leaseSeconds: lease }, long).finally(() => (firstEnded = Date.now()));
    await new Promise((r) => setTimeout(r, (lease + 1.5) * 1000));
    expect(firstEnded).toBe(0); // still at work, past its first lease
    const later = await runSyncJob({ ...deps, leaseSeconds: lease }, await f.queued(accountId));
    const stillRunning = (await db.get("main", keys.job(long.jobId)))!.status;
    expect(later.status).toBe("skipped");
    expect(stillRunning).toBe("running");
    expect((await first).status).toBe("done");
    expect(await f.pairs(accountId)).toEqual(box.expected);
  }, 90_000);
});

describe("npm start's queue after a restart", () => {
  it("queues again the jobs a stopped process left queued or running, and ends the running one abandoned", async () => {
    // what a stopped `npm start` leaves: a job that was running (its lease left behind) and a newer one queued
    const running = await f.queued(accountId);
    await recordJob(db, running.jobId, "running", { counts: { folders: 1, fetched: 300, matched: 200, written: 200, skipped: 0 } });
    await db.update("main", keys.account(accountId), {
      expression: "SET leaseJobId = :j, leaseOwner = :o, leaseUntil = :u, #state = :s, syncProgress = :p",
      names: { "#state": "state" },
      values: {
        ":j": running.jobId,
        ":o": "stopped-process",
        ":u": Math.floor(Date.now() / 1000) - 1,
        ":s": "syncing",
        ":p": { folder: "INBOX", done: 300, total: 1800, at: new Date(Date.now() - 20_000).toISOString() },
      },
    });
    await db.update("main", keys.job(running.jobId), { expression: "SET heartbeatAt = :h", values: { ":h": new Date(Date.now() - 20_000).toISOString() } });
    // the console no longer says it is syncing: the job is interrupted where its progress stopped
    expect((await f.api.get(`/api/accounts/${accountId}`)).body).toMatchObject({
      state: "connected",
      syncProgress: { done: 300, total: 1800 },
      lastJob: { jobId: running.jobId, status: "abandoned", counts: { written: 200 } },
    });
    await new Promise((r) => setTimeout(r, 5));
    const waiting = await f.queued(accountId);
    const requeued = await requeueUnfinished({ db, queue: deps.queue, log: deps.log });
    expect(requeued.map((j) => j.jobId)).toEqual([waiting.jobId]);
    // the local stack's poller runs it with the real sync handler
    await eventually(async () => (await db.get("main", keys.job(waiting.jobId)))?.status === "done", 30_000);
    expect((await db.get("main", keys.job(running.jobId)))!).toMatchObject({ status: "abandoned", abandonedBy: waiting.jobId, counts: { written: 200 } });
    expect((await db.get("main", keys.account(accountId)))!.leaseJobId).toBeUndefined();
  }, 60_000);
});
