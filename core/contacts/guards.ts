import type { Db } from "../store/db";
import { AppError, type FieldProblem } from "../shared/errors";
import { internalAddresses } from "../sharing/index";

/**
 * Addresses a contact may not have, checked by the contact API (create and change):
 * an address of a user or of a connected mailbox (or its alias). Mail between colleagues is
 * internal: were a colleague's address a contact, any member could read that colleague's
 * mail through the contact's history. The sync refuses to store under such addresses as well
 * (core/sharing/policy.ts), for contacts that came in by bulk upsert or import.
 */
export async function refuseInternalAddresses(db: Db, fields: { field: string; address: string }[]): Promise<void> {
  if (!fields.length) return;
  const internal = await internalAddresses(db);
  const problems: FieldProblem[] = fields.filter((f) => internal.has(f.address)).map((f) => ({ field: f.field, key: "internal_address" }));
  if (problems.length) throw new AppError("validation", "validation_failed", { fields: problems });
}

/** 409 naming the contact that already has this primary address, so the console can offer to open it. */
export function primaryTaken(existing: { id: string; name: string }): AppError {
  const err = new AppError("conflict", "contact_email_taken", {
    params: { name: existing.name },
    fields: [{ field: "primaryEmail", key: "primary_email_taken", params: { name: existing.name } }],
  });
  err.details = () => ({ contact: { id: existing.id, name: existing.name } });
  return err;
}
