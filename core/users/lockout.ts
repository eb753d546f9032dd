import { z } from "zod";
import type { Db, Item } from "../store/db";
import { keys } from "../store/keys";
import { AppError } from "../shared/errors";
import { newId, nowIso } from "../shared/ids";
import type { Notifier } from "../notifications/index";
import type { Lang } from "../shared/i18n";
import { normaliseLogin, type User } from "./index";

/**
 * Console sign-in lockout, as eSales Manager's account stop ("アカウント停止"): after `failures`
 * failed sign-ins in a row a user is locked for `minutes`; the lock and its scheduled end go to
 * operations (signin.locked: the notification mail tells the user and the extra addresses),
 * an admin may unlock earlier (signin.unlocked), and every lock and unlock is recorded
 * (SIGNINLOCKS, newest first). It sits on top of the per-address and per-source sign-in limits
 * (core/api/routes/session.ts), which still cap how many passwords are evaluated at all: the
 * lock is per user and outlasts a sliding window; the limits also hold for unknown addresses.
 *
 * On the user item: `signinFailures` (failed sign-ins since the last good one or the last lock),
 * `lockedUntil` (epoch seconds, checked at read time: nothing has to run when it passes) and
 * `lockedAt`. A lock that runs out on its own is recorded as an unlock ("expired") by whoever
 * notices first: the user's next sign-in attempt or the job monitor's pass (expireLocks).
 */
export const lockoutInput = z.strictObject({
  /** At most 10: the per-address limit stops evaluating passwords after 10 failures in 15 minutes. */
  failures: z.number().int().min(1).max(10),
  minutes: z.number().int().min(1).max(1440),
});
export type LockoutRule = z.infer<typeof lockoutInput>;
/**
 * 10 failures, 15 minutes: the same as the per-address sign-in limit (10 in a sliding 15
 * minutes), so that with the defaults the lock and the limit tell a user the same wait.
 */
export const DEFAULT_LOCKOUT: LockoutRule = { failures: 10, minutes: 15 };

export const lockRecordOutput = z.object({
  id: z.string(),
  kind: z.enum(["locked", "unlocked"]),
  userId: z.string(),
  email: z.string(),
  at: z.string(),
  /** locked: when it ends as scheduled. */
  unlockAt: z.string().nullable(),
  /** unlocked: the admin who unlocked early. */
  byUserId: z.string().nullable(),
  /** unlocked: "admin" (early, by byUserId) or "expired" (the lock ran its time; `at` is when it ended). */
  reason: z.enum(["admin", "expired"]).nullable(),
});
export type LockRecord = z.infer<typeof lockRecordOutput>;

export async function getLockoutRule(db: Db): Promise<LockoutRule> {
  const item = await db.get("main", keys.signinLockout);
  return item ? { failures: item.failures, minutes: item.minutes } : DEFAULT_LOCKOUT;
}

export async function saveLockoutRule(db: Db, rule: LockoutRule, actorId: string): Promise<LockoutRule> {
  await db.put("main", { ...keys.signinLockout, ...rule, updatedAt: nowIso(), updatedBy: actorId });
  return rule;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

async function userItemByLogin(db: Db, email: string): Promise<Item | undefined> {
  const claim = await db.get("main", keys.userEmail(normaliseLogin(email)));
  return claim ? db.get("main", keys.user(claim.userId)) : undefined;
}

/**
 * Refuses (429, signin_locked, with the wait as people say it) a sign-in to a locked user, before
 * any password is checked; a lock whose time has passed is recorded as expired first.
 */
export async function ensureNotLocked(db: Db, email: string): Promise<void> {
  const item = await userItemByLogin(db, email);
  const left = ((item?.lockedUntil as number | undefined) ?? 0) - nowSeconds();
  if (left > 0) throw new AppError("rateLimited", "signin_locked", { params: { seconds: left } });
  if (item?.lockedUntil !== undefined) await expireLock(db, item);
}

/**
 * Ends a lock that ran its time: removes it from the user item if it is still the one read (a
 * concurrent sign-in or monitor pass that got there first records it, not this one) and records
 * the unlock as "expired" at the time the lock ended. True when this call recorded it.
 */
async function expireLock(db: Db, item: Item): Promise<boolean> {
  const until = item.lockedUntil as number;
  const done = await db.update("main", keys.user(item.id), {
    expression: "REMOVE lockedUntil, lockedAt",
    values: { ":was": until, ":now": nowSeconds() },
    condition: "lockedUntil = :was AND lockedUntil <= :now",
    returnValues: "NONE",
  });
  if (done === false) return false;
  await record(db, { kind: "unlocked", userId: item.id, email: item.email, at: iso(until), unlockAt: null, byUserId: null, reason: "expired" });
  return true;
}

/**
 * Records every lock that has run out and is not recorded yet (the job monitor's pass, so the
 * record is complete even when the user never tries again). Returns how many it recorded.
 */
export async function expireLocks(db: Db): Promise<number> {
  const now = nowSeconds();
  const ran = (await db.queryIndex(keys.usersIndex)).filter((u) => typeof u.lockedUntil === "number" && u.lockedUntil <= now);
  let recorded = 0;
  for (const u of ran) if (await expireLock(db, u)) recorded++;
  return recorded;
}

/** Sorted by when it was written, to the millisecond (`at` is whole seconds: a lock and an early unlock can share one). */
async function record(db: Db, entry: Omit<LockRecord, "id">): Promise<void> {
  const id = newId();
  await db.put("main", { ...keys.signinLockEvent(nowIso(), id), id, ...entry });
}

/**
 * Counts a failed sign-in of an existing user (an unknown address has nothing to lock) and
 * locks the user at the rule's count. Concurrent failures each add one atomically; of those
 * reaching the count, the one whose conditional write sets the lock records and reports it.
 */
export async function countFailedSignIn(db: Db, notifier: Notifier, email: string): Promise<void> {
  const item = await userItemByLogin(db, email);
  if (!item) return;
  const counted = await db.update("main", keys.user(item.id), { expression: "ADD signinFailures :one", values: { ":one": 1 }, condition: "attribute_exists(pk)" });
  if (!counted) return;
  const rule = await getLockoutRule(db);
  const failures = counted.signinFailures as number;
  if (failures < rule.failures) return;
  const now = nowSeconds();
  const until = now + rule.minutes * 60;
  const locked = await db.update("main", keys.user(item.id), {
    expression: "SET lockedUntil = :until, lockedAt = :at, signinFailures = :zero",
    values: { ":until": until, ":at": iso(now), ":zero": 0, ":now": now },
    condition: "attribute_exists(pk) AND (attribute_not_exists(lockedUntil) OR lockedUntil <= :now)",
  });
  if (!locked) return;
  await record(db, { kind: "locked", userId: item.id, email: item.email, at: iso(now), unlockAt: iso(until), byUserId: null, reason: null });
  await notifier.notify({ kind: "signin.locked", userId: item.id, email: item.email, lockedAt: iso(now), unlockAt: iso(until), failedSignIns: failures });
}

/**
 * A good sign-in starts the count afresh, keeps the language it was made in (`lang`): mails
 * to the user (a lock, a paused mailbox) are written in it, and when it happened. One write.
 */
export async function afterGoodSignIn(db: Db, userId: string, lang: Lang): Promise<void> {
  // lastSignInAt rides on the same write: the Users page shows it
  await db.update("main", keys.user(userId), {
    expression: "SET lang = :l, lastSignInAt = :t REMOVE signinFailures",
    values: { ":l": lang, ":t": nowIso() },
    condition: "attribute_exists(pk)",
    returnValues: "NONE",
  });
}

/** Users locked now, for admins. */
export async function listLockedUsers(db: Db): Promise<{ id: string; email: string; name: string; lockedAt: string; unlockAt: string }[]> {
  const now = nowSeconds();
  return (await db.queryIndex(keys.usersIndex))
    .filter((u) => ((u.lockedUntil as number | undefined) ?? 0) > now)
    .map((u) => ({ id: u.id, email: u.email, name: u.name, lockedAt: u.lockedAt ?? iso(u.lockedUntil), unlockAt: iso(u.lockedUntil) }));
}

/** An admin ends a lock before its time; the user is told (signin.unlocked with the admin's id). */
export async function unlockUser(db: Db, notifier: Notifier, actor: User, userId: string): Promise<void> {
  const item = await db.get("main", keys.user(userId));
  if (!item) throw new AppError("notFound", "user_not_found");
  const now = nowSeconds();
  if (!(((item.lockedUntil as number | undefined) ?? 0) > now)) throw new AppError("conflict", "user_not_locked");
  const done = await db.update("main", keys.user(userId), {
    expression: "REMOVE lockedUntil, lockedAt, signinFailures",
    values: { ":was": item.lockedUntil },
    condition: "lockedUntil = :was",
  });
  if (!done) throw new AppError("conflict", "user_not_locked");
  const at = iso(now);
  await record(db, { kind: "unlocked", userId, email: item.email, at, unlockAt: null, byUserId: actor.id, reason: "admin" });
  await notifier.notify({ kind: "signin.unlocked", userId, email: item.email, unlockedAt: at, byUserId: actor.id });
}

/** Locks and unlocks, newest first. */
export async function listLockRecords(db: Db, limit = 200): Promise<LockRecord[]> {
  const { items } = await db.query("main", {
    KeyConditionExpression: "pk = :p",
    ExpressionAttributeValues: { ":p": keys.signinLockEvents },
    ScanIndexForward: false,
    Limit: limit,
  });
  return items.map((i) =>
    lockRecordOutput.parse({
      id: i.id,
      kind: i.kind,
      userId: i.userId,
      email: i.email,
      at: i.at,
      unlockAt: i.unlockAt ?? null,
      byUserId: i.byUserId ?? null,
      // records written before expiries were recorded: every unlock was an admin's
      reason: i.reason ?? (i.kind === "unlocked" ? "admin" : null),
    }),
  );
}
