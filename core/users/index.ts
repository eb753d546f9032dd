import { createHash, randomBytes } from "node:crypto";
import type { Db, Item } from "../store/db";
import { keys } from "../store/keys";
import { AppError } from "../shared/errors";
import { newId, nowIso } from "../shared/ids";
import { dummyHash, hashPassword, needsRehash, verifyPassword } from "./password";

export type Role = "admin" | "member";

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  createdAt: string;
}

export interface Session {
  user: User;
  csrfToken: string;
  expiresAt: number;
}

/** How long a session lives (12 hours), checked at read time: TTL deletion only tidies up. */
export const SESSION_SECONDS = 12 * 60 * 60;
/** A session unused this long (30 minutes) has ended, whatever its 12 hours say: a console left open on a shared desk. */
export const IDLE_SECONDS = 30 * 60;
/** lastSeenAt is written at most this often (a write per request would double the API's DynamoDB cost). */
const TOUCH_EVERY_SECONDS = 60;

export const normaliseLogin = (email: string) => email.trim().normalize("NFC").toLowerCase();

const toUser = (item: Item): User => ({ id: item.id, email: item.email, name: item.name, role: item.role, createdAt: item.createdAt });

export async function createUser(db: Db, input: { email: string; name: string; password: string; role: Role }): Promise<User> {
  const email = normaliseLogin(input.email);
  const user: User = { id: newId(), email, name: input.name.trim(), role: input.role, createdAt: nowIso() };
  // The email item is the uniqueness guard: written first, conditionally.
  const claimed = await db.put("main", { ...keys.userEmail(email), userId: user.id }, { expression: "attribute_not_exists(pk)" });
  if (!claimed) throw new AppError("conflict", "user_email_taken", { fields: [{ field: "email", key: "user_email_taken" }] });
  const passwordHash = await hashPassword(input.password);
  await db.put("main", { ...keys.user(user.id), gsi1pk: keys.usersIndex, gsi1sk: email, ...user, passwordHash });
  return user;
}

export async function listUsers(db: Db): Promise<User[]> {
  return (await db.queryIndex(keys.usersIndex)).map(toUser);
}

export async function getUser(db: Db, id: string): Promise<User | undefined> {
  const item = await db.get("main", keys.user(id));
  return item ? toUser(item) : undefined;
}

export async function deleteUser(db: Db, actor: User, id: string): Promise<void> {
  if (actor.id === id) throw new AppError("conflict", "cannot_remove_self");
  const target = await getUser(db, id);
  if (!target) throw new AppError("notFound", "user_not_found");
  if (target.role === "admin") {
    const admins = (await listUsers(db)).filter((u) => u.role === "admin");
    if (admins.length <= 1) throw new AppError("conflict", "last_admin");
  }
  await db.delete("main", keys.user(id));
  await db.delete("main", keys.userEmail(target.email));
  // Sign the removed user out everywhere.
  for (const s of await db.queryIndex(keys.sessionsIndex(id))) await db.delete("main", { pk: s.pk, sk: s.sk });
}

/** Checks an email and password; the same work is done whether or not the user exists. */
export async function authenticate(db: Db, email: string, password: string): Promise<User> {
  const claim = await db.get("main", keys.userEmail(normaliseLogin(email)));
  const item = claim ? await db.get("main", keys.user(claim.userId)) : undefined;
  const ok = await verifyPassword(password, item?.passwordHash ?? (await dummyHash()));
  if (!item || !ok) throw new AppError("unauthenticated", "invalid_credentials");
  // a hash made with older, weaker parameters is replaced now that the password is at hand;
  // conditional, so a password changed meanwhile is not overwritten
  if (needsRehash(item.passwordHash)) {
    const passwordHash = await hashPassword(password);
    await db.update("main", keys.user(item.id), {
      expression: "SET passwordHash = :h",
      values: { ":h": passwordHash, ":old": item.passwordHash },
      condition: "passwordHash = :old",
    });
  }
  return toUser(item);
}

/**
 * Changes a user's password after checking the current one, and signs out every other
 * session of the user (a changed password usually means the old one is no longer trusted).
 */
export async function changePassword(db: Db, user: User, current: string, next: string, keepToken: string): Promise<void> {
  await authenticate(db, user.email, current).catch((err) => {
    // the current password is a field of this form, not a failed sign-in
    if (err instanceof AppError && err.code === "invalid_credentials")
      throw new AppError("validation", "validation_failed", { fields: [{ field: "currentPassword", key: "current_password_wrong" }] });
    throw err;
  });
  const passwordHash = await hashPassword(next);
  await db.update("main", keys.user(user.id), {
    expression: "SET passwordHash = :h, passwordChangedAt = :t",
    values: { ":h": passwordHash, ":t": nowIso() },
    condition: "attribute_exists(pk)",
  });
  const keep = keys.session(hashToken(keepToken));
  for (const s of await db.queryIndex(keys.sessionsIndex(user.id))) if (s.pk !== keep.pk) await db.delete("main", { pk: s.pk, sk: s.sk });
}

const hashToken = (token: string) => createHash("sha256").update(token).digest("base64url");

/** A new server-side session; only the token's hash is stored, so a table dump signs no one in. */
export async function createSession(db: Db, user: User): Promise<{ token: string; session: Session }> {
  const token = randomBytes(32).toString("base64url");
  const csrfToken = randomBytes(24).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  const expiresAt = now + SESSION_SECONDS;
  await db.put("main", {
    ...keys.session(hashToken(token)),
    gsi1pk: keys.sessionsIndex(user.id),
    gsi1sk: nowIso(),
    userId: user.id,
    csrfToken,
    expiresAt,
    lastSeenAt: now,
  });
  return { token, session: { user, csrfToken, expiresAt } };
}

export async function readSession(db: Db, token: string): Promise<Session | undefined> {
  const key = keys.session(hashToken(token));
  const item = await db.get("main", key);
  const now = Math.floor(Date.now() / 1000);
  if (!item || item.expiresAt <= now) return undefined;
  // sessions from before the idle timeout have no lastSeenAt: their start stands in
  const lastSeenAt = (item.lastSeenAt as number | undefined) ?? item.expiresAt - SESSION_SECONDS;
  if (now - lastSeenAt > IDLE_SECONDS) return undefined;
  if (now - lastSeenAt >= TOUCH_EVERY_SECONDS) await db.update("main", key, { expression: "SET lastSeenAt = :now", values: { ":now": now }, condition: "attribute_exists(pk)" });
  const user = await getUser(db, item.userId);
  return user ? { user, csrfToken: item.csrfToken, expiresAt: item.expiresAt } : undefined;
}

export async function deleteSession(db: Db, token: string): Promise<void> {
  await db.delete("main", keys.session(hashToken(token)));
}

/**
 * Creates the first admin from configuration, once: the marker item is claimed with a
 * conditional write, so concurrent cold starts cannot create two. Returns true if created.
 */
export async function ensureBootstrapAdmin(db: Db, email: string, password: string): Promise<boolean> {
  const existing = await db.get("main", keys.bootstrap);
  if (existing) return false;
  const claimed = await db.put("main", { ...keys.bootstrap, at: nowIso(), email: normaliseLogin(email) }, { expression: "attribute_not_exists(pk)" });
  if (!claimed) return false;
  try {
    await createUser(db, { email, name: "Administrator", password, role: "admin" });
  } catch (err) {
    if (!(err instanceof AppError && err.code === "user_email_taken")) {
      await db.delete("main", keys.bootstrap);
      throw err;
    }
  }
  return true;
}

export { mailContactOf, adminContacts, type MailContact } from "./language";
export {
  lockoutInput,
  lockRecordOutput,
  DEFAULT_LOCKOUT,
  getLockoutRule,
  saveLockoutRule,
  ensureNotLocked,
  countFailedSignIn,
  afterGoodSignIn,
  listLockedUsers,
  unlockUser,
  listLockRecords,
  expireLocks,
  type LockoutRule,
  type LockRecord,
} from "./lockout";
