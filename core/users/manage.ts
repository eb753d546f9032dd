import { z } from "zod";
import type { Db, Item } from "../store/db";
import { keys } from "../store/keys";
import { AppError, fieldError } from "../shared/errors";
import { nowIso } from "../shared/ids";
import { endSessions, toUser, type User, type UserRecord } from "./index";

/**
 * What an admin changes on a user (issue 14, the Users part): name, role and the language mails
 * to the user are written in; and whether the user is active. The organisation always keeps
 * one active admin: the last one can be neither demoted nor deactivated.
 */
export const userPatchInput = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  role: z.enum(["admin", "member"]).optional(),
  language: z.enum(["ja", "en"]).optional(),
});
export type UserPatch = z.infer<typeof userPatchInput>;

const isActiveAdmin = (u: Item) => u.role === "admin" && !u.deactivatedAt;

/** Refuses (400, naming the field) a change that would leave no active admin. */
async function keepAnActiveAdmin(db: Db, target: Item, field: "role" | "active"): Promise<void> {
  if (!isActiveAdmin(target)) return;
  const others = (await db.queryIndex(keys.usersIndex)).filter((u) => u.id !== target.id && isActiveAdmin(u));
  if (!others.length) throw fieldError(field, field === "role" ? "last_admin_demote" : "last_admin_deactivate");
}

async function userItem(db: Db, id: string): Promise<Item> {
  const item = await db.get("main", keys.user(id));
  if (!item) throw new AppError("notFound", "user_not_found");
  return item;
}

export async function updateUser(db: Db, id: string, patch: UserPatch): Promise<UserRecord> {
  const before = await userItem(db, id);
  if (patch.role === "member") await keepAnActiveAdmin(db, before, "role");
  // one SET clause per field sent (name and role are reserved words in DynamoDB)
  const fields = [
    ["#n", "name", patch.name],
    ["#r", "role", patch.role],
    ["#l", "lang", patch.language],
  ].filter(([, , value]) => value !== undefined) as [string, string, string][];
  const sets = fields.map(([alias]) => `${alias} = :${alias.slice(1)}`);
  const names = Object.fromEntries(fields.map(([alias, attr]) => [alias, attr]));
  const values: Item = Object.fromEntries(fields.map(([alias, , value]) => [`:${alias.slice(1)}`, value]));
  if (!sets.length) return toUser(before);
  const after = await db.update("main", keys.user(id), {
    expression: `SET ${sets.join(", ")}`,
    names,
    values,
    condition: "attribute_exists(pk)",
  });
  if (!after) throw new AppError("notFound", "user_not_found");
  return toUser(after);
}

/**
 * Deactivates or reactivates a user. Deactivated: sign-in is refused with a reason, every
 * session ends now, API keys acting as the user stop (readSession and the key check look at
 * `deactivatedAt` on each request). Mailboxes and stored mail are the caller's to hold
 * (core/accounts holdOwnerSync): the user item knows nothing of them. You cannot deactivate yourself.
 */
export async function setUserActive(db: Db, actor: User, id: string, active: boolean): Promise<UserRecord> {
  const before = await userItem(db, id);
  if (!active && actor.id === id) throw fieldError("id", "cannot_deactivate_self");
  if (!active) await keepAnActiveAdmin(db, before, "active");
  const after = await db.update("main", keys.user(id), {
    expression: active ? "REMOVE deactivatedAt, deactivatedBy" : "SET deactivatedAt = if_not_exists(deactivatedAt, :t), deactivatedBy = :by",
    values: active ? {} : { ":t": nowIso(), ":by": actor.id },
    condition: "attribute_exists(pk)",
  });
  if (!after) throw new AppError("notFound", "user_not_found");
  if (!active) await endSessions(db, id);
  return toUser(after);
}
