import { createHash } from "node:crypto";
import type { Db } from "../store/db";
import { keys, TABLE_KEYS } from "../store/keys";
import type { User } from "../users/index";

/** The account fields a list row shows that a job, the schedule or an edit change. */
const WATCHED = ["id", "ownerId", "updatedAt", "state", "leaseJobId", "lastSyncAt", "queuedAt", "syncEnabled", "authFailures", "syncProgress"];

/**
 * A short fingerprint of the mailbox list the user sees: it changes when a job is queued,
 * starts (its lease) or ends, when the first sync moves on, or when a mailbox is added,
 * edited or removed. The console polls it (one Query, projected to these fields, no per-account
 * job reads) and reloads the list only when it changed.
 */
export async function accountsVersion(db: Db, actor: User): Promise<string> {
  const items = await db.queryAll("main", {
    IndexName: TABLE_KEYS.gsi1,
    KeyConditionExpression: "#p = :p",
    ProjectionExpression: WATCHED.map((_, i) => `#w${i}`).join(", "),
    ExpressionAttributeNames: { "#p": TABLE_KEYS.gsi1pk, ...Object.fromEntries(WATCHED.map((w, i) => [`#w${i}`, w])) },
    ExpressionAttributeValues: { ":p": keys.accountsIndex },
  });
  const seen = items.filter((i) => actor.role === "admin" || i.ownerId === actor.id).sort((a, b) => String(a.id).localeCompare(String(b.id)));
  return createHash("sha256")
    .update(JSON.stringify(seen.map((i) => WATCHED.map((w) => i[w] ?? null))))
    .digest("base64url")
    .slice(0, 22);
}
