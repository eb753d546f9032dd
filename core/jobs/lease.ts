import { randomUUID } from "node:crypto";
import type { Db, Item } from "../store/db";
import { keys } from "../store/keys";
import { nowIso } from "../shared/ids";

/**
 * The account's sync lease: one job at a time per mailbox, and never for long after its holder
 * is gone. A lease is short (LEASE_SECONDS) and renewed while its job works (LeaseKeeper), so a
 * process that dies (kill -9, a Lambda timeout or out-of-memory kill) blocks the mailbox for at
 * most one lease; it never reaches past the function's own deadline. Expiry is checked at read
 * time (dynalite has no TTL, and DynamoDB's TTL deletes late anyway).
 *
 * The lease names its job (leaseJobId, for the console and for the job that takes over) and its
 * holder (leaseOwner: a random token per delivery). Only the owner renews or releases it, and a
 * second delivery of the same job is not admitted while the first one's lease is alive: SQS
 * delivers at least once, and a 40,000-message mailbox synced three times side by side costs
 * three IMAP connections of the few a provider allows (Gmail: about 15 per user).
 */
export const LEASE_SECONDS = 60;

export type LeaseRefusal = "missing" | "disabled" | "held" | "duplicate";

export interface Lease {
  accountId: string;
  jobId: string;
  /** This delivery's token: the condition of every renewal and of the release. */
  owner: string;
  seconds: number;
}

export const newLeaseOwner = (): string => randomUUID();

/** How long a lease taken or renewed now may last: its length, but never past the function's deadline. */
export function leaseUntil(seconds: number, remainingMs: number, now = Date.now()): number {
  const bySeconds = Math.floor(now / 1000) + seconds;
  const byDeadline = Math.ceil((now + Math.max(0, remainingMs)) / 1000);
  return Math.min(bySeconds, byDeadline);
}

/**
 * Takes the lease in one conditional write, which also returns the account as it is now. Says
 * which job left an expired lease behind, if one did (it died or ran out of time; possibly an
 * earlier delivery of this same job), or why there is no lease: "duplicate" when this very job
 * holds it through another delivery.
 */
export async function acquireLease(
  db: Db,
  lease: Lease,
  remainingMs: number,
): Promise<{ account: Item; leftBehindBy?: string; leftBehindStartedAt?: string } | { refused: LeaseRefusal }> {
  const now = Math.floor(Date.now() / 1000);
  const fields = { leaseJobId: lease.jobId, leaseOwner: lease.owner, leaseUntil: leaseUntil(lease.seconds, remainingMs), leaseStartedAt: nowIso() };
  // ALL_OLD: the account before this write (our lease fields are known), which also tells
  // whether an earlier job left its lease behind
  const before = await db.update("main", keys.account(lease.accountId), {
    // the lease is also the record that the job started (leaseStartedAt): no separate write
    expression: "SET leaseJobId = :j, leaseOwner = :o, leaseUntil = :u, leaseStartedAt = :t",
    // a mailbox whose owner is deactivated (ownerInactive) is held like one switched off: a job queued before the hold does not run
    condition:
      "attribute_exists(pk) AND (attribute_not_exists(syncEnabled) OR syncEnabled <> :off) AND attribute_not_exists(ownerInactive) AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)",
    values: { ":j": fields.leaseJobId, ":o": fields.leaseOwner, ":u": fields.leaseUntil, ":now": now, ":off": false, ":t": fields.leaseStartedAt },
    returnValues: "ALL_OLD",
  });
  if (before !== false) {
    const previous = before.leaseJobId as string | undefined;
    return { account: { ...before, ...fields }, ...(previous ? { leftBehindBy: previous, leftBehindStartedAt: before.leaseStartedAt as string | undefined } : {}) };
  }
  const current = await db.get("main", keys.account(lease.accountId));
  if (!current) return { refused: "missing" };
  if (current.syncEnabled === false || current.ownerInactive) return { refused: "disabled" };
  return { refused: current.leaseJobId === lease.jobId ? "duplicate" : "held" };
}

/** Extends the lease if this owner still holds it; false when it was lost (expired and taken, or released). */
export async function renewLease(db: Db, lease: Lease, remainingMs: number): Promise<boolean> {
  const done = await db.update("main", keys.account(lease.accountId), {
    expression: "SET leaseUntil = :u",
    condition: "attribute_exists(pk) AND leaseOwner = :o",
    values: { ":u": leaseUntil(lease.seconds, remainingMs), ":o": lease.owner },
    returnValues: "NONE",
  });
  return done !== false;
}

/** The fields a release removes, and its condition: only the owner lets go. */
export const RELEASE = { remove: "REMOVE leaseJobId, leaseOwner, leaseUntil, leaseStartedAt", condition: "leaseOwner = :owner" } as const;

export async function releaseLease(db: Db, lease: Lease): Promise<void> {
  await db.update("main", keys.account(lease.accountId), { expression: RELEASE.remove, condition: RELEASE.condition, values: { ":owner": lease.owner }, returnValues: "NONE" });
}

/**
 * Ends the record of a job whose lease ran out under it: "abandoned", with the counts of its
 * last heartbeat kept. Only a record still queued or running changes (a job that ended, even
 * late, keeps its own end).
 */
export async function markAbandoned(db: Db, jobId: string, byJobId: string, startedAt?: string): Promise<void> {
  await db.update("main", keys.job(jobId), {
    expression: "SET #status = :a, endedAt = :e, abandonedBy = :by, startedAt = if_not_exists(startedAt, :st)",
    names: { "#status": "status" },
    values: { ":a": "abandoned", ":e": nowIso(), ":by": byJobId, ":st": startedAt ?? nowIso(), ":q": "queued", ":r": "running" },
    condition: "attribute_exists(pk) AND #status IN (:q, :r)",
    returnValues: "NONE",
  });
}

/**
 * Keeps a lease alive while its job works: renews it every third of its length, one renewal at
 * a time, bounded by the function's deadline. A job that ends within the first third (a quiet
 * tick) never renews: taking the lease stays its only write. Once a renewal finds the lease
 * gone, `lost` is set and the job stops at its next commit (another job holds the mailbox).
 */
export class LeaseKeeper {
  lost = false;
  private readonly timer: ReturnType<typeof setInterval>;
  private renewing: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly lease: Lease,
    private readonly remainingMs: () => number,
    onError: (err: unknown) => void,
    onLost: () => void,
  ) {
    this.timer = setInterval(
      () => {
        if (this.renewing || this.lost || this.stopped) return;
        this.renewing = renewLease(db, lease, this.remainingMs())
          .then((held) => {
            if (held || this.stopped) return;
            this.lost = true;
            onLost();
          })
          // a failed renewal (a DynamoDB hiccup) is tried again next time; the lease lasts meanwhile
          .catch(onError)
          .finally(() => (this.renewing = undefined));
      },
      Math.max(1, Math.floor((lease.seconds * 1000) / 3)),
    );
    // never keeps a process (a Lambda container, a test) alive on its own
    this.timer.unref?.();
  }

  /** Stops renewing; waits for a renewal in flight so none lands after the release. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.renewing;
  }
}
