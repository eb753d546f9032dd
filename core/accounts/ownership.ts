import type { Db } from "../store/db";
import { keys } from "../store/keys";
import { AppError } from "../shared/errors";
import { nowIso } from "../shared/ids";
import { mayChangeSharing, type Reader } from "../sharing/index";
import type { AccountInput, AccountPatch } from "./schema";

/**
 * Who may do what to a mailbox beyond its settings: its address claimed once in the whole
 * organisation, its sharing widened only by its owner, its owner changed only by an admin.
 */

const emailTaken = () => new AppError("conflict", "account_email_taken", { fields: [{ field: "email", key: "account_email_taken" }] });

/** Refuses an address already connected, before a connection test logs in to it for nothing. */
export async function ensureAccountEmailFree(db: Db, email: string, accountId?: string): Promise<void> {
  const claim = await db.get("main", keys.accountEmail(email));
  if (claim && claim.accountId !== accountId) throw emailTaken();
  if ((await db.queryIndex(keys.accountsIndex)).some((a) => a.email === email && a.id !== accountId)) throw emailTaken();
}

/**
 * Claims `email` for `accountId` across the organisation (ACCOUNTEMAIL#<email>, a conditional
 * put: two concurrent connects make one account). Accounts made before this claimed the address
 * per owner only: one Query of the accounts index finds those (connecting is rare).
 */
export async function claimAccountEmail(db: Db, email: string, accountId: string): Promise<void> {
  const legacy = (await db.queryIndex(keys.accountsIndex)).some((a) => a.email === email && a.id !== accountId);
  if (legacy) throw emailTaken();
  const claimed = await db.put("main", { ...keys.accountEmail(email), accountId }, { expression: "attribute_not_exists(pk) OR accountId = :a", values: { ":a": accountId } });
  if (!claimed) throw emailTaken();
}

/** Gives the address back (either form of claim), only if this account holds it. */
export async function releaseAccountEmail(db: Db, email: string, accountId: string, ownerId: string): Promise<void> {
  const claim = await db.get("main", keys.accountEmail(email));
  if (claim?.accountId === accountId) await db.delete("main", keys.accountEmail(email));
  await db.delete("main", keys.legacyAccountEmail(ownerId, email));
}

type SharingIn = AccountInput["sharing"] | AccountPatch["sharing"];

/** Refuses a sharing change the actor may not make (see core/sharing mayChangeSharing). */
export function checkSharingChange(actor: Reader, ownerId: string, before: SharingIn | undefined, after: SharingIn | undefined): void {
  if (!after) return;
  const from = { mode: before?.mode ?? "private", contactIds: before?.contactIds ?? [], excludedDomains: before?.excludedDomains ?? [] };
  if (!mayChangeSharing(actor, ownerId, from, { mode: after.mode, contactIds: after.contactIds ?? [], excludedDomains: after.excludedDomains ?? [] })) {
    throw new AppError("forbidden", "sharing_owner_only", { fields: [{ field: "sharing.mode", key: "sharing_owner_only" }] });
  }
}

/**
 * Gives a mailbox to another user (admins only; the user must exist). Its stored copies follow
 * at once without being rewritten: the read path takes each copy's owner from its account
 * (core/sharing/gate.ts). The accounts index entry carries the owner and is updated with it.
 */
export async function changeAccountOwner(db: Db, actor: Reader, accountId: string, ownerId: string): Promise<void> {
  if (actor.role !== "admin") throw new AppError("forbidden", "admin_only");
  const owner = await db.get("main", keys.user(ownerId));
  if (!owner) throw new AppError("validation", "validation_failed", { fields: [{ field: "ownerId", key: "user_not_found" }] });
  const before = await db.get("main", keys.account(accountId));
  if (!before) throw new AppError("notFound", "account_not_found");
  if (before.ownerId === ownerId) return;
  // an old per-owner claim names the previous owner: the address is claimed organisation-wide instead
  const claim = await db.get("main", keys.accountEmail(before.email));
  if (!claim) await db.put("main", { ...keys.accountEmail(before.email), accountId });
  await db.delete("main", keys.legacyAccountEmail(before.ownerId, before.email));
  const written = await db.update("main", keys.account(accountId), {
    expression: "SET ownerId = :o, gsi1sk = :g, updatedAt = :u",
    values: { ":o": ownerId, ":g": `${ownerId}#${accountId}`, ":u": nowIso() },
    condition: "attribute_exists(pk)",
  });
  if (written === false) throw new AppError("notFound", "account_not_found");
}
