import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { keys } from "../../core/store/keys";
import { shouldRetry } from "../../core/queue/index";
import { recentJobs, runSyncJob } from "../../core/sync/index";
import { loadCursors } from "../../core/jobs/cursors";
import { appendMessages, doveadm, resetUser } from "../harness/mail-servers";
import { seededRandom } from "../support/seeded-random";
import { faultMailbox, startFaultStack } from "../support/fault-mailbox";

/**
 * Fault injection: a TCP relay between the sync and Dovecot cuts the IMAP connection at random
 * points (fixed seeds, so a failure replays) during the first sync of a 2,000-message mailbox.
 * Whatever the cut hits (STARTTLS, login, SEARCH, a FETCH, between a write and its cursor save),
 * the retried jobs end with every contact-message pair stored exactly once, the cursors at the
 * end of every folder, the account connected and every job record ended.
 */
const mail = inject("mail");
const bob = mail.users.bob;
const MESSAGES = 2_000;
const SEEDS = Array.from({ length: 20 }, (_, i) => 1000 + i * 7919);
const CONTACTS = Array.from({ length: 40 }, (_, i) => `customer${i}@client${i % 9}.test`);
const box = faultMailbox(bob.email, MESSAGES, CONTACTS);

let f: Awaited<ReturnType<typeof startFaultStack>>;
const uidNext: Record<string, number> = {};

beforeAll(async () => {
  await resetUser(mail, bob.email);
  await appendMessages(mail, bob.email, "INBOX", box.inbox);
  await appendMessages(mail, bob.email, "Sent", box.sent);
  for (const folder of ["INBOX", "Sent"]) {
    const out = await doveadm(mail, ["mailbox", "status", "-u", bob.email, "uidnext", folder]);
    uidNext[folder] = Number(/uidnext=(\d+)/.exec(out)?.[1]);
  }
  f = await startFaultStack(mail, bob, CONTACTS, { chunkSize: 100 });
}, 240_000);

afterAll(async () => f?.stop());

/** Runs jobs as the queue would redeliver them (a thrown job is retried) until one finishes; returns how many ran. */
async function syncUntilDone(accountId: string): Promise<number> {
  for (let attempt = 1; attempt <= 15; attempt++) {
    try {
      const outcome = await runSyncJob(f.deps, await f.queued(accountId));
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
    const accountId = await f.newAccount();
    const before = f.relay.bytes;
    expect(await syncUntilDone(accountId)).toBe(1);
    expect(f.relay.bytes - before).toBeGreaterThan(100_000);
    expect(await f.pairs(accountId)).toEqual(box.expected);
  });

  it("loses nothing and duplicates nothing whatever the cut hits (20 seeds, 1 to 4 cuts each)", async () => {
    // the baseline's traffic: a cut anywhere in a whole first sync
    const range = f.relay.bytes;
    let attempts = 0;
    const cutsBefore = f.relay.cuts;
    for (const seed of SEEDS) {
      const accountId = await f.newAccount();
      const random = seededRandom(seed);
      let cutsLeft = 1 + Math.floor(random() * 4);
      f.relay.plan = () => (cutsLeft-- > 0 ? Math.floor(random() * range) : undefined);
      attempts += await syncUntilDone(accountId);
      f.relay.plan = () => undefined;

      const pairs = await f.pairs(accountId);
      expect(pairs.length, `seed ${seed}`).toBe(box.expected.length);
      expect(pairs, `seed ${seed}`).toEqual(box.expected);
      const account = (await f.db.get("main", keys.account(accountId)))!;
      expect(account, `seed ${seed}`).toMatchObject({ state: "connected", lastError: null });
      expect(account.leaseJobId).toBeUndefined();
      expect(account.syncProgress).toBeUndefined();
      const cursors = await loadCursors(f.db, accountId);
      for (const folder of ["INBOX", "Sent"]) {
        expect(cursors.get(folder), `seed ${seed} ${folder}`).toMatchObject({ uidNext: uidNext[folder], lastUid: uidNext[folder]! - 1 });
        expect(cursors.get(folder)!.initialBelow).toBeUndefined();
      }
      const jobs = await recentJobs(f.db, accountId, 50);
      expect(jobs[0]!.status).toBe("done");
      for (const job of jobs) expect(["done", "failed"], `seed ${seed} job ${job.jobId}`).toContain(job.status);
    }
    // the cuts happened: most seeds needed more than one job
    expect(f.relay.cuts - cutsBefore).toBeGreaterThanOrEqual(SEEDS.length);
    expect(attempts).toBeGreaterThan(SEEDS.length);
  }, 240_000);
});
