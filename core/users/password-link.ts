import { randomBytes, randomInt } from "node:crypto";
import type { Db } from "../store/db";
import { keys } from "../store/keys";
import { AppError, fieldError } from "../shared/errors";
import { nowIso } from "../shared/ids";
import { endSessions, hashToken, setPassword } from "./index";

/**
 * Setting a password without knowing the old one, two ways an admin starts (issue 14):
 *
 * - a one-time link (password reset, or the invitation of a new user) when notification mail is
 *   set up: 32 random bytes in the link, only their sha256 stored (PWLINK#<hash>), so a table
 *   dump opens no account. Used once (a conditional delete decides between two clicks), expired
 *   at read time, and a newer link of the same user replaces older ones.
 * - a temporary password, shown once to the admin, when no mail can go out: the user must
 *   change it at the next sign-in (`mustChangePassword`, enforced by the API's handler).
 *
 * Either way the user's sessions end: whoever held one may be why the password is being reset.
 */
export type PasswordLinkKind = "reset" | "invite";
/** A reset link works for 24 hours (the usual for consoles: long enough to find the mail the next morning). */
export const PASSWORD_LINK_HOURS = 24;
/** An invitation waits 72 hours: a new colleague may read it only after a weekend. */
export const INVITE_LINK_HOURS = 72;

export async function issuePasswordLink(db: Db, userId: string, kind: PasswordLinkKind): Promise<{ token: string; expiresAt: string }> {
  await dropLinks(db, userId);
  const token = randomBytes(32).toString("base64url");
  const hours = kind === "invite" ? INVITE_LINK_HOURS : PASSWORD_LINK_HOURS;
  const expiresAt = Math.floor(Date.now() / 1000) + hours * 3600;
  await db.put("main", { ...keys.passwordLink(hashToken(token)), gsi1pk: keys.passwordLinksOf(userId), gsi1sk: nowIso(), userId, kind, expiresAt, createdAt: nowIso() });
  if (kind === "reset") await endSessions(db, userId);
  return { token, expiresAt: new Date(expiresAt * 1000).toISOString() };
}

/** Deletes a user's unused links (a new one replaces them; a link whose mail failed is dropped). */
export async function dropLinks(db: Db, userId: string): Promise<void> {
  for (const l of await db.queryIndex(keys.passwordLinksOf(userId))) await db.delete("main", { pk: l.pk, sk: l.sk });
}

const linkInvalid = () => fieldError("token", "password_link_invalid");

/**
 * Sets the password through a link: unknown, used and expired links get the same answer (400 on
 * `token`), so the page can only say "ask for a new link". A deactivated user's link does nothing.
 */
export async function usePasswordLink(db: Db, token: string, password: string): Promise<{ userId: string; kind: PasswordLinkKind }> {
  const key = keys.passwordLink(hashToken(token));
  const link = await db.get("main", key);
  if (!link || link.expiresAt <= Math.floor(Date.now() / 1000)) throw linkInvalid();
  const user = await db.get("main", keys.user(link.userId));
  if (!user || user.deactivatedAt) throw linkInvalid();
  // single use: of two clicks, the one whose delete finds the item sets the password
  if (!(await db.delete("main", key, "attribute_exists(pk)"))) throw linkInvalid();
  await setPassword(db, link.userId, password);
  await endSessions(db, link.userId);
  return { userId: link.userId, kind: link.kind };
}

/** No 0/O, 1/l/I: the admin reads it out or types it into a chat. 16 of 55 characters: ~92 bits. */
const ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/** A temporary password (returned once, never stored in clear); the user must change it at the next sign-in. */
export async function setTemporaryPassword(db: Db, userId: string): Promise<string> {
  const user = await db.get("main", keys.user(userId));
  if (!user) throw new AppError("notFound", "user_not_found");
  const password = Array.from({ length: 16 }, () => ALPHABET[randomInt(ALPHABET.length)]).join("");
  await setPassword(db, userId, password, { mustChange: true });
  await dropLinks(db, userId);
  await endSessions(db, userId);
  return password;
}
