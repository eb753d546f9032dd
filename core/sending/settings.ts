import { z } from "zod";
import type { Db } from "../store/db";
import { keys } from "../store/keys";

/**
 * The organisation's sending settings (SETTINGS / SENDING), set by admins: the switch that turns
 * sending from the CRM on or off (eSales Manager's "メール送信する/しない"), and each user's
 * limits. The default limits sit below the providers' own (Gmail allows 500 messages a day to
 * a personal account, Microsoft 365 10,000 recipients a day but 30 messages a minute), so our
 * refusal comes first with a clear message, instead of the provider suspending the mailbox
 * for a day.
 */
export const DEFAULT_SENDING = { enabled: true, perHour: 100, perDay: 400, maxMessageMb: 25 } as const;

export const sendingSettingsShape = z.strictObject({
  enabled: z.boolean(),
  /** Messages one user may queue in a sliding hour. */
  perHour: z.number().int().min(1).max(10_000),
  /** Messages one user may queue in a sliding day. */
  perDay: z.number().int().min(1).max(100_000),
  /** Largest message (text and attachments) in MB; providers refuse above 25 (Gmail) to 35 (Microsoft 365). */
  maxMessageMb: z.number().int().min(1).max(35),
});
export type SendingSettings = z.infer<typeof sendingSettingsShape>;

export async function getSendingSettings(db: Db): Promise<SendingSettings> {
  const item = await db.get("main", keys.sendingSettings);
  return {
    enabled: (item?.enabled as boolean | undefined) ?? DEFAULT_SENDING.enabled,
    perHour: (item?.perHour as number | undefined) ?? DEFAULT_SENDING.perHour,
    perDay: (item?.perDay as number | undefined) ?? DEFAULT_SENDING.perDay,
    maxMessageMb: (item?.maxMessageMb as number | undefined) ?? DEFAULT_SENDING.maxMessageMb,
  };
}

export async function setSendingSettings(db: Db, settings: SendingSettings, by: string): Promise<SendingSettings> {
  await db.put("main", { ...keys.sendingSettings, ...settings, updatedBy: by, updatedAt: new Date().toISOString() });
  return settings;
}
