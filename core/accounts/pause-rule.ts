import { z } from "zod";
import type { Db } from "../store/db";
import { keys } from "../store/keys";
import { nowIso } from "../shared/ids";
import { PAUSE_AFTER_FAILED_LOGINS } from "./state-machine";

/**
 * How many refused logins in a row pause a mailbox (SETTINGS / MAILBOX_PAUSE), set by an admin.
 * At most 10: providers lock an account after about 10 failures (Microsoft's smart lockout), and
 * the per-mailbox failed-login limit (login-limits.ts) stops at 10 in 15 minutes anyway.
 */
export const pauseRuleInput = z.strictObject({ failedLogins: z.number().int().min(1).max(10) });
export type PauseRule = z.infer<typeof pauseRuleInput>;

export async function getPauseRule(db: Db): Promise<PauseRule> {
  const item = await db.get("main", keys.mailboxPause);
  return { failedLogins: (item?.failedLogins as number | undefined) ?? PAUSE_AFTER_FAILED_LOGINS };
}

/** Applies to the next refused login of each mailbox; one already paused stays paused. */
export async function savePauseRule(db: Db, rule: PauseRule, actorId: string): Promise<PauseRule> {
  await db.put("main", { ...keys.mailboxPause, ...rule, updatedAt: nowIso(), updatedBy: actorId });
  return rule;
}
