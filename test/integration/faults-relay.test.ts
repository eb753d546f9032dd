import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startLocalStack, type LocalStack } from "../../core/local/stack";
import { localDynamo, localSqs } from "../../core/local/emulators";
import { Db } from "../../core/store/db";
import { keys } from "../../core/store/keys";
import { FileSecretStore } from "../../core/secrets/index";
import { shouldRetry, SqsJobQueue } from "../../core/queue/index";
import { createLogger } from "../../core/shared/log";
import { newJob, recentJobs, recordQueued, runSyncJob, type SyncDeps } from "../../core/sync/index";
import { loadCursors } from "../../core/sync/cursors";
import { appendMessages, doveadm, resetUser } from "../harness/mail-servers";
import { ApiClient } from "../support/api-client";
import { seeded, startRelay, type Relay } from "../support/tcp-relay";
import { faultMailbox, storedPairs } from "../support/fault-mailbox";

/**
 * Fault injection: a TCP relay between the sync and Dovecot cuts the IMAP connection at random
 * points (fixed seeds, so a failure replays) during the first sync of a 2,000-message mailbox.
 * Whatever the cut hits (TLS, login, SEARCH, a FETCH, between a write and its cursor save), the
 * retried jobs end with every contact-message pair stored exactly once, the cursors at the end
 * of every folder, the account connected and every job record ended.
 */
const mail = inject("mail");
const ADMIN = { email: "admin@example.test", password: "admin-password-123" };
const bob = mail.users.bob;
const MESSAGES = 2_000;
const SEEDS = Array.from({ length: 14 }, (_, i) => 1000 + i * 7919);
const CONTACTS = Array.from({ length: 40 }, (_, i) => `customer${i}@client${i % 9}.test`);
const box = faultMailbox(bob.email, MESSAGES, CONTACTS);

let stack: LocalStack;
let api: ApiClient;
let db: Db;
let deps: SyncDeps;
let relay: Relay;
let uidNext: Record<string, number> = {};

beforeAll(async () => {
  await resetUser(mail, bob.email);
  await appendMessages(mail, bob.email, "INBOX", box.inbox);
  await appendMessages(mail, bob.email, "Sent", box.sent);
  for (const folder of ["INBOX", "Sent"]) {
    const out = await doveadm(mail, ["mailbox", "status", "-u", bob.email, "uidnext", folder]);
    uidNext[folder] = Number(/uidnext=(\d+)/.exec(out)?.[1]);
  }
  stack = await startLocalStack({ schedule: false, admin: ADMIN, imapCaPem: mail.caPem });
  api = new ApiClient(stack.url);
  await api.signIn(ADMIN.email, ADMIN.password);
  for (const email of CONTACTS) expect((await api.post("/api/contacts", { name: email.split("@")[0], primaryEmail: email })).status).toBe(201);
  relay = await startRelay({ host: mail.host, port: mail.imapPort });
  db = new Db(stack.tables, localDynamo(stack.dynamoEndpoint));
  deps = {
    db,
    secrets: new FileSecretStore(stack.secretDir),
    queue: new SqsJobQueue(stack.queueUrl, localSqs(stack.sqsEndpoint)),
    log: createLogger({ fn: "faults" }, "error"),
    hostAllowance: "loopback",
    imapCa: mail.caPem,
    remainingMs: () => 300_000,
    chunkSize: 100,
  };
}, 240_000);

afterAll(async () => {
  await relay?.close();
  await stack?.stop();
});

/** A new mailbox record for bob's mailbox, reached through the relay: each seed starts from nothing. */
let previous: string | undefined;
async function newAccount(): Promise<string> {
  relay.plan = () => undefined;
  // one record per mailbox and user: the last seed's goes (its mail items are told apart by account anyway)
  if (previous) expect((await api.request("DELETE", `/api/accounts/${previous}`)).status).toBeLessThan(300);
  const reply = await api.post("/api/accounts", { email: bob.email, imap: { host: "127.0.0.1", port: relay.port, security: "starttls", user: bob.email }, password: bob.password, syncEnabled: false, initialSyncDays: 365 });
  expect(reply.status, reply.text).toBe(201);
  expect((await api.patch(`/api/accounts/${reply.body.id}`, { syncEnabled: true })).status).toBe(200);
  previous = reply.body.id;
  return reply.body.id;
}

/** Runs jobs as the queue would redeliver them (a thrown job is retried) until one finishes; returns how many ran. */
async function syncUntilDone(accountId: string): Promise<number> {
  for (let attempt = 1; attempt <= 15; attempt++) {
    try {
      // recorded as queued first, as fan-out and "Sync now" do: the job index lists it
      const job = newJob(accountId, "schedule");
      await recordQueued(db, job);
      const outcome = await runSyncJob(deps, job);
      expect(outcome.status, JSON.stringify(outcome)).not.toBe("failed");
      if (outcome.status === "done") return attempt;
    } catch (err) {
      // a cut connection is worth a retry, never a permanent failure
      expect(shouldRetry(err), String(err)).toBe(true);
    }
  }
  throw new Error("no job finished after 15 attempts");
}

describe("first sync through a connection cut at random points", () => {
  it("stores every pair once with no cut, as the baseline", async () => {
    const accountId = await newAccount();
    const before = relay.bytes;
    expect(await syncUntilDone(accountId)).toBe(1);
    expect(relay.bytes - before).toBeGreaterThan(100_000);
    expect(await storedPairs(localDynamo(stack.dynamoEndpoint), stack.tables.mail, accountId, CONTACTS)).toEqual(box.expected);
  });

  it("loses nothing and duplicates nothing whatever the cut hits (14 seeds, 1 to 4 cuts each)", async () => {
    // the baseline's traffic: a cut anywhere in a whole first sync
    const range = relay.bytes;
    let attempts = 0;
    const cutsBefore = relay.cuts;
    for (const seed of SEEDS) {
      const accountId = await newAccount();
      const random = seeded(seed);
      let cutsLeft = 1 + Math.floor(random() * 4);
      relay.plan = () => (cutsLeft-- > 0 ? Math.floor(random() * range) : undefined);
      attempts += await syncUntilDone(accountId);
      relay.plan = () => undefined;

      const ddb = localDynamo(stack.dynamoEndpoint);
      const pairs = await storedPairs(ddb, stack.tables.mail, accountId, CONTACTS);
      ddb.destroy();
      expect(pairs.length, `seed ${seed}`).toBe(box.expected.length);
      expect(pairs, `seed ${seed}`).toEqual(box.expected);
      const account = (await db.get("main", keys.account(accountId)))!;
      expect(account, `seed ${seed}`).toMatchObject({ state: "connected", lastError: null });
      expect(account.leaseJobId).toBeUndefined();
      expect(account.syncProgress).toBeUndefined();
      const cursors = await loadCursors(db, accountId);
      for (const folder of ["INBOX", "Sent"]) {
        expect(cursors.get(folder), `seed ${seed} ${folder}`).toMatchObject({ uidNext: uidNext[folder], lastUid: uidNext[folder]! - 1 });
        expect(cursors.get(folder)!.initialBelow).toBeUndefined();
      }
      const jobs = await recentJobs(db, accountId, 50);
      expect(jobs[0]!.status).toBe("done");
      for (const job of jobs) expect(["done", "failed"], `seed ${seed} job ${job.jobId}`).toContain(job.status);
    }
    // the cuts happened: most seeds needed more than one job
    expect(relay.cuts - cutsBefore).toBeGreaterThanOrEqual(SEEDS.length);
    expect(attempts).toBeGreaterThan(SEEDS.length);
  }, 240_000);
});
