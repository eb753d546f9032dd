import type { Db } from "../store/db";
import { keys } from "../store/keys";
import { AppError } from "../shared/errors";
import { afterOwnerStatus, heldBecause, type StateFacts } from "./state-machine";

/**
 * Holds or releases the sync of every mailbox a user owns when an admin deactivates or
 * reactivates the user (core/api users routes). The mail already stored stays; the mailbox's
 * state, cursors and password are untouched, so a reactivated owner's mailboxes go on from
 * where they stopped at the next tick. Returns how many mailboxes were changed.
 */
export async function holdOwnerSync(db: Db, ownerId: string, ownerActive: boolean): Promise<number> {
  const owned = await db.queryIndex(keys.accountsIndex, { beginsWith: `${ownerId}#` });
  const fact = afterOwnerStatus(ownerActive);
  let changed = 0;
  for (const a of owned) {
    const done = await db.update("main", keys.account(a.id), {
      expression: fact.ownerInactive ? "SET ownerInactive = :t" : "REMOVE ownerInactive",
      values: fact.ownerInactive ? { ":t": true } : {},
      condition: "attribute_exists(pk)",
      returnValues: "NONE",
    });
    if (done !== false) changed++;
  }
  return changed;
}

/**
 * Sync now on a held mailbox: refused with the reason (409), since the job it queued would be
 * refused by the lease anyway (core/jobs/lease.ts) and the user would see a 202 and nothing happen.
 */
export function refuseSyncWhileHeld(account: StateFacts): void {
  if (heldBecause(account) === "ownerDeactivated") throw new AppError("conflict", "sync_held_owner_deactivated");
}
