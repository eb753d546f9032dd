import { z } from "zod";
import type { Db } from "../store/db";
import { keys } from "../store/keys";
import { nowIso } from "../shared/ids";
import { JOB_TYPES, type JobType } from "../jobs/index";
import { AppError, type FieldProblem } from "../shared/errors";
import { parseRecipients } from "../notifications/index";

/**
 * The job monitor's settings, per job type (as eSales Manager's background-job monitor):
 * monitoring on or off, how often to check (5 to 60 minutes, in steps of 5), after how many
 * hours a running job counts as long-running (1 to 24), and which ends to tell operations
 * about: a normal end, an abnormal end (failed or stalled) and a long run, and who receives
 * them: the type's own ";"-separated recipients, or (none set) the notification settings'
 * admins and extra addresses (core/notification-mail).
 */
export const jobTypeSettings = z.strictObject({
  enabled: z.boolean(),
  intervalMinutes: z
    .number()
    .int()
    .min(5)
    .max(60)
    .refine((n) => n % 5 === 0, { params: { key: "step_of", values: { step: 5 } } }),
  longRunningHours: z.number().int().min(1).max(24),
  notify: z.strictObject({ normal: z.boolean(), abnormal: z.boolean(), longRunning: z.boolean() }),
  /**
   * Addresses separated by ";" that receive this type's mails instead of the notification
   * settings' admins and extra addresses; absent or empty: those. Each is checked on save
   * (a 400 naming `types.<type>.recipients.<i>`) and saved normalised ("a@x.jp; b@y.jp").
   */
  recipients: z.string().max(4000).optional(),
});
export type JobTypeSettings = z.infer<typeof jobTypeSettings>;

export const monitorSettingsInput = z.strictObject({
  types: z.strictObject(Object.fromEntries(JOB_TYPES.map((t) => [t, jobTypeSettings])) as Record<JobType, typeof jobTypeSettings>),
});
export const monitorSettingsOutput = monitorSettingsInput.extend({ updatedAt: z.string().nullable() });
export type MonitorSettings = z.infer<typeof monitorSettingsOutput>;

/** Until an admin saves settings: every type watched every 5 minutes, long after 1 hour; failures and long runs told, normal ends not. */
export const DEFAULT_TYPE_SETTINGS: JobTypeSettings = { enabled: true, intervalMinutes: 5, longRunningHours: 1, notify: { normal: false, abnormal: true, longRunning: true } };

export async function getMonitorSettings(db: Db): Promise<MonitorSettings> {
  const item = await db.get("main", keys.monitorSettings, false);
  const saved = (item?.types ?? {}) as Partial<Record<JobType, JobTypeSettings>>;
  // a type added after the settings were saved gets the defaults
  const types = Object.fromEntries(JOB_TYPES.map((t) => [t, { ...DEFAULT_TYPE_SETTINGS, ...saved[t] }])) as Record<JobType, JobTypeSettings>;
  return { types, updatedAt: (item?.updatedAt as string | undefined) ?? null };
}

export async function saveMonitorSettings(db: Db, input: z.infer<typeof monitorSettingsInput>, byUserId: string): Promise<MonitorSettings> {
  const problems: FieldProblem[] = [];
  const types = Object.fromEntries(
    JOB_TYPES.map((t) => {
      const { recipients, ...rest } = input.types[t];
      const parsed = parseRecipients(recipients ?? "", `types.${t}.recipients`);
      problems.push(...parsed.problems);
      return [t, parsed.addresses.length ? { ...rest, recipients: parsed.addresses.join("; ") } : rest];
    }),
  ) as Record<JobType, JobTypeSettings>;
  if (problems.length) throw new AppError("validation", "validation_failed", { fields: problems });
  const updatedAt = nowIso();
  await db.put("main", { ...keys.monitorSettings, types, updatedAt, updatedBy: byUserId });
  return { types, updatedAt };
}

/** The addresses a type's mails go to when it names its own; undefined: the notification settings' recipients. */
export function typeRecipients(s: JobTypeSettings | undefined): string[] | undefined {
  const addresses = s?.recipients ? parseRecipients(s.recipients).addresses : [];
  return addresses.length ? addresses : undefined;
}

/**
 * The settings as a process that ends many jobs reads them: at most once a minute (a change
 * takes effect within a minute), so a sync tick does not pay a read for them.
 */
export function cachedMonitorSettings(db: Db, ttlMs = 60_000): () => Promise<MonitorSettings> {
  let kept: { at: number; value: Promise<MonitorSettings> } | undefined;
  return () => {
    if (!kept || Date.now() - kept.at > ttlMs) {
      const value = getMonitorSettings(db);
      kept = { at: Date.now(), value };
      value.catch(() => (kept = undefined));
    }
    return kept.value;
  };
}
