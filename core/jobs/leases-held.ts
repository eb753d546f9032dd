import type { Db } from "../store/db";
import { keys, TABLE_KEYS } from "../store/keys";
import { RELEASE } from "./lease";

/** A mailbox's lease as the monitor sees it: who holds it, since when, until when. */
export interface HeldLease {
  accountId: string;
  email: string;
  jobId: string;
  owner: string;
  /** Epoch seconds; in the past when its holder stopped renewing (died, or hangs). */
  until: number;
  startedAt: string;
  /** The account's last change (a job's end stamps it). */
  updatedAt?: string;
}

/**
 * Every mailbox lease recorded now, expired or not: one Query of the accounts index, filtered
 * to the accounts holding lease fields and projected to them (keys.ts says why this beats a
 * jobs-by-status index here).
 */
export async function heldLeases(db: Db): Promise<HeldLease[]> {
  // every projected name through a placeholder: none can collide with a DynamoDB reserved word
  const fields = ["id", "email", "leaseJobId", "leaseOwner", "leaseUntil", "leaseStartedAt", "updatedAt"];
  const items = await db.queryAll("main", {
    IndexName: TABLE_KEYS.gsi1,
    KeyConditionExpression: "#p = :p",
    FilterExpression: "attribute_exists(#f2)",
    ProjectionExpression: fields.map((_, i) => `#f${i}`).join(", "),
    ExpressionAttributeNames: { "#p": TABLE_KEYS.gsi1pk, ...Object.fromEntries(fields.map((f, i) => [`#f${i}`, f])) },
    ExpressionAttributeValues: { ":p": keys.accountsIndex },
  });
  return items.map((i) => ({
    accountId: i.id,
    email: i.email,
    jobId: i.leaseJobId,
    owner: i.leaseOwner,
    until: Number(i.leaseUntil ?? 0),
    startedAt: i.leaseStartedAt ?? "",
    updatedAt: i.updatedAt,
  }));
}

/**
 * Frees a lease whose holder stopped: the same conditional release the holder would make, so
 * a holder that took the lease anew meanwhile (another owner token) keeps it. A holder that
 * was only hanging finds its lease gone at its next renewal and stops (lease.ts LeaseKeeper).
 */
export async function freeLease(db: Db, lease: Pick<HeldLease, "accountId" | "owner">): Promise<boolean> {
  const done = await db.update("main", keys.account(lease.accountId), {
    expression: RELEASE.remove,
    condition: RELEASE.condition,
    values: { ":owner": lease.owner },
    returnValues: "NONE",
  });
  return done !== false;
}
