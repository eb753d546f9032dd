/**
 * The settings read from the environment, in one zod schema used by all three readers: the
 * functions' runtime (core/runtime), `npm start` (core/local/start.ts) and the deploy
 * (sst.config.ts). The same bad value gets the same error in all three, naming the variable,
 * the allowed range and what was given; an unset or empty variable takes its default.
 */
import { z } from "zod";

/** An integer in min..max, `fallback` when unset or blank. */
function integer(min: number, max: number, fallback: number) {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const text = raw?.trim();
      if (!text) return fallback;
      const value = Number(text);
      if (Number.isInteger(value) && value >= min && value <= max) return value;
      ctx.addIssue({ code: "custom", message: `must be an integer from ${min} to ${max}, got "${text}"` });
      return z.NEVER;
    });
}

/** Addresses separated by "," or ";", trimmed, lower-cased, deduplicated. */
const emailList = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    const emails = (raw ?? "")
      .split(/[,;]/)
      .map((e) => e.trim().toLowerCase())
      .filter(Boolean);
    const bad = emails.find((e) => !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e));
    if (bad === undefined) return [...new Set(emails)];
    ctx.addIssue({ code: "custom", message: `"${bad}" is not an email address` });
    return z.NEVER;
  });

export const configSchema = z.object({
  /** Minutes between two syncs of an account: the schedule's rate and the fan-out's spacing. */
  SYNC_INTERVAL_MINUTES: integer(1, 60, 5),
  /** Alarm when the oldest queued sync job is older than this (deploy only). */
  SYNC_QUEUE_AGE_ALARM_SECONDS: integer(60, 1_209_600, 1800),
  /** Addresses subscribed to the alert topic (deploy only). */
  ALERT_EMAILS: emailList,
  /** `npm start`'s HTTP port on 127.0.0.1. */
  PORT: integer(0, 65_535, 3000),
  /** `npm start`: seconds between two local schedule ticks; unset: every SYNC_INTERVAL_MINUTES. */
  SCHEDULE_EVERY_SECONDS: integer(1, 86_400, 0).transform((s) => (s === 0 ? undefined : s)),
  /** Microsoft OAuth2 sign-in: "common" (any account), "organizations", or one tenant's id or domain. */
  OAUTH_MICROSOFT_TENANT: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const tenant = raw?.trim() || "common";
      if (/^[A-Za-z0-9.-]+$/.test(tenant)) return tenant;
      ctx.addIssue({ code: "custom", message: `must be "common", "organizations" or a tenant id or domain, got "${tenant}"` });
      return z.NEVER;
    }),
});

export type Config = z.infer<typeof configSchema>;

/** Thrown for a bad setting; its message names every bad variable. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** The settings from an environment (process.env), or a ConfigError naming what is wrong. */
export function readConfig(env: Record<string, string | undefined>): Config {
  const parsed = configSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; "));
}
