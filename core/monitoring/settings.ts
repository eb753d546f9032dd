import { z } from "zod";
import type { Db } from "../store/db";
import { keys } from "../store/keys";
import { nowIso } from "../shared/ids";
import { JOB_TYPES, type JobType } from "../jobs/index";

/**
 * The job monitor's settings, per job type (as eSales Manager's background-job monitor):
 * monitoring on or off, how often to check (5 to 60 minutes, in steps of 5), after how many
 * hours a running job counts as long-running (1 to 24), and which ends to tell operations
 * about: a normal end, an abnormal end (failed or stalled) and a long run. Who receives them
 * is the notification settings' business (core/notifications).
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
  const updatedAt = nowIso();
  await db.put("main", { ...keys.monitorSettings, types: input.types, updatedAt, updatedBy: byUserId });
  return { types: input.types, updatedAt };
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
