/**
 * The admin's first-run checklist: what a company does in its first hour (change the generated
 * password, pin the company's mail servers, add the team, connect each person's mailbox with the
 * right owner, import contacts). Each step's state is read from the data itself, so a step done
 * another way (a user added through the API, contacts imported by a CRM) counts, and nothing can
 * drift; the only thing stored is that an admin put the list away.
 */
import { z } from "zod";
import type { Db } from "../store/db";
import { keys } from "../store/keys";
import { nowIso } from "../shared/ids";
import { listUsers, type User } from "../users/index";
import { listAllAccounts, listDomainSettings } from "../accounts/index";

export const SETUP_STEPS = ["password", "domain", "users", "mailboxes", "contacts"] as const;
export type SetupStepId = (typeof SETUP_STEPS)[number];

/** { dismissedAt, dismissedBy } once an admin put the checklist away (keys.ts). */
const setupKey = keys.setupChecklist;

export const setupOutput = z.object({
  steps: z.array(
    z.object({
      id: z.enum(SETUP_STEPS),
      done: z.boolean(),
      /** Progress where a step has parts: users with a mailbox of their own, of all users. */
      count: z.number().optional(),
      total: z.number().optional(),
    }),
  ),
  done: z.number(),
  dismissed: z.boolean(),
});
export type SetupStatus = z.infer<typeof setupOutput>;
export const setupInput = z.strictObject({ dismissed: z.boolean() });

/** The checklist as `admin` sees it: the password step is theirs (their own password changed since it was generated or set). */
export async function setupStatus(db: Db, admin: User): Promise<SetupStatus> {
  const [users, accounts, domains, contacts, me, dismissed] = await Promise.all([
    listUsers(db),
    listAllAccounts(db),
    listDomainSettings(db),
    db.query("main", { IndexName: "gsi1", KeyConditionExpression: "gsi1pk = :p", ExpressionAttributeValues: { ":p": keys.contactsIndex }, Limit: 1 }),
    db.get("main", keys.user(admin.id)),
    db.get("main", setupKey),
  ]);
  const owners = new Set(accounts.map((a) => a.ownerId));
  const connected = users.filter((u) => owners.has(u.id)).length;
  const steps: SetupStatus["steps"] = [
    { id: "password", done: !!me?.passwordChangedAt },
    { id: "domain", done: domains.length > 0 },
    { id: "users", done: users.length > 1, count: users.length },
    { id: "mailboxes", done: users.length > 0 && connected === users.length, count: connected, total: users.length },
    { id: "contacts", done: contacts.items.length > 0 },
  ];
  return { steps, done: steps.filter((s) => s.done).length, dismissed: !!dismissed?.dismissedAt };
}

/** Puts the checklist away (or brings it back) for every admin. */
export async function setSetupDismissed(db: Db, admin: User, dismissed: boolean): Promise<void> {
  if (dismissed) await db.put("main", { ...setupKey, dismissedAt: nowIso(), dismissedBy: admin.id });
  else await db.delete("main", setupKey);
}
