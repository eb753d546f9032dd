import { createHash, randomBytes } from "node:crypto";
import type { Db, Item } from "../store/db";
import { keys } from "../store/keys";
import { AppError } from "../shared/errors";
import { newId, nowIso } from "../shared/ids";
import type { Lang } from "../shared/i18n";
import { dummyHash, hashPassword, needsRehash, verifyPassword } from "./password";

export type Role = "admin" | "member";

/** Who someone is and may do: what every other module needs of a user. */
export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  createdAt: string;
}

/** A user as stored, with the status the Users page and the API's session checks read. */
export interface UserRecord extends User {
  /** The language mails to the user are written in (set by an admin, then by each sign-in); null until known. */
  language: Lang | null;
  /** False once an admin deactivated the user (`deactivatedAt` on the item): no sign-in, no session, no API key. */
  active: boolean;
  lastSignInAt: string | null;
  /** Signed in with a temporary password an admin made: every route but changing it is refused until it is changed. */
  mustChangePassword: boolean;
  /** When a sign-in lock (users/lockout.ts) ends, while one holds. */
  lockedUntil: string | null;
}

export interface Session {
  user: UserRecord;
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

export const toUser = (item: Item): UserRecord => {
  const lockedUntil = (item.lockedUntil as number | undefined) ?? 0;
  return {
    id: item.id,
    email: item.email,
    name: item.name,
    role: item.role,
    createdAt: item.createdAt,
    language: item.lang ?? null,
    active: !item.deactivatedAt,
    lastSignInAt: item.lastSignInAt ?? null,
    mustChangePassword: !!item.mustChangePassword,
    lockedUntil: lockedUntil * 1000 > Date.now() ? new Date(lockedUntil * 1000).toISOString() : null,
  };
};

/**
 * Adds a user. Without a password (an invitation: core/users/password-link.ts mails the link)
 * the stored hash is of random bytes nobody knows, so no password signs in until the link is used.
 */
export async function createUser(db: Db, input: { email: string; name: string; password?: string; role: Role; language?: Lang }): Promise<UserRecord> {
  const email = normaliseLogin(input.email);
  const id = newId();
  const createdAt = nowIso();
  // The email item is the uniqueness guard: written first, conditionally.
  const claimed = await db.put("main", { ...keys.userEmail(email), userId: id }, { expression: "attribute_not_exists(pk)" });
  if (!claimed) throw new AppError("conflict", "user_email_taken", { fields: [{ field: "email", key: "user_email_taken" }] });
  const passwordHash = await hashPassword(input.password ?? randomBytes(32).toString("base64url"));
  const item = {
    ...keys.user(id),
    gsi1pk: keys.usersIndex,
    gsi1sk: email,
    id,
    email,
    name: input.name.trim(),
    role: input.role,
    createdAt,
    ...(input.language ? { lang: input.language } : {}),
    passwordHash,
  };
  await db.put("main", item);
  return toUser(item);
}

export async function listUsers(db: Db): Promise<UserRecord[]> {
  return (await db.queryIndex(keys.usersIndex)).map(toUser);
}

export async function getUser(db: Db, id: string): Promise<UserRecord | undefined> {
  const item = await db.get("main", keys.user(id));
  return item ? toUser(item) : undefined;
}

export async function deleteUser(db: Db, actor: User, id: string): Promise<void> {
  if (actor.id === id) throw new AppError("conflict", "cannot_remove_self");
  const target = await getUser(db, id);
  if (!target) throw new AppError("notFound", "user_not_found");
  if (target.role === "admin") {
    // a deactivated admin cannot sign in: only active ones keep the organisation administered
    const others = (await listUsers(db)).filter((u) => u.role === "admin" && u.active && u.id !== id);
    if (!others.length) throw new AppError("conflict", "last_admin");
  }
  await db.delete("main", keys.user(id));
  await db.delete("main", keys.userEmail(target.email));
  // Sign the removed user out everywhere.
  await endSessions(db, id);
}

/** Signs a user out everywhere but the session of `keepToken` (when given). */
export async function endSessions(db: Db, userId: string, keepToken?: string): Promise<void> {
  const keep = keepToken ? keys.session(hashToken(keepToken)).pk : undefined;
  for (const s of await db.queryIndex(keys.sessionsIndex(userId))) if (s.pk !== keep) await db.delete("main", { pk: s.pk, sk: s.sk });
}

/** Checks an email and password; the same work is done whether or not the user exists. */
export async function authenticate(db: Db, email: string, password: string): Promise<UserRecord> {
  const claim = await db.get("main", keys.userEmail(normaliseLogin(email)));
  const item = claim ? await db.get("main", keys.user(claim.userId)) : undefined;
  const ok = await verifyPassword(password, item?.passwordHash ?? (await dummyHash()));
  if (!item || !ok) throw new AppError("unauthenticated", "invalid_credentials");
  // said only to whoever knows the password: a deactivated user learns why, a guesser learns nothing
  if (item.deactivatedAt) throw new AppError("forbidden", "user_deactivated");
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
  await setPassword(db, user.id, next);
  await endSessions(db, user.id, keepToken);
}

/** Stores a new password hash; a temporary password's "must change" ends with it. */
export async function setPassword(db: Db, userId: string, password: string, options: { mustChange?: boolean } = {}): Promise<boolean> {
  const passwordHash = await hashPassword(password);
  const done = await db.update("main", keys.user(userId), {
    expression: options.mustChange
      ? "SET passwordHash = :h, passwordChangedAt = :t, mustChangePassword = :m"
      : "SET passwordHash = :h, passwordChangedAt = :t REMOVE mustChangePassword",
    values: { ":h": passwordHash, ":t": nowIso(), ...(options.mustChange ? { ":m": true } : {}) },
    condition: "attribute_exists(pk)",
    returnValues: "NONE",
  });
  return done !== false;
}

export const hashToken = (token: string) => createHash("sha256").update(token).digest("base64url");

/** A new server-side session; only the token's hash is stored, so a table dump signs no one in. */
export async function createSession(db: Db, user: UserRecord): Promise<{ token: string; session: Session }> {
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
  // a deactivated user's sessions end at once, even one whose delete (setUserActive) has not run yet
  return user?.active ? { user, csrfToken: item.csrfToken, expiresAt: item.expiresAt } : undefined;
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

export { userPatchInput, updateUser, setUserActive, type UserPatch } from "./manage";
export { issuePasswordLink, usePasswordLink, dropLinks, setTemporaryPassword, PASSWORD_LINK_HOURS, INVITE_LINK_HOURS, type PasswordLinkKind } from "./password-link";
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
