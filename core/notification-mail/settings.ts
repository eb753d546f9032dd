import { z } from "zod";
import type { Db } from "../store/db";
import { keys } from "../store/keys";
import { notificationSecretName, type SecretStore } from "../secrets/index";
import { AppError } from "../shared/errors";
import { nowIso } from "../shared/ids";
import { looksLikeEmail, normaliseEmail } from "../contacts/index";
export { parseRecipients } from "../notifications/index";
import { hostnameField, securityModes } from "../accounts/index";
import { opsEventKinds, parseRecipients, type OpsEventKind } from "../notifications/index";

/**
 * The organisation's notification mail settings (SETTINGS / NOTIFICATION_MAIL), as eSales
 * Manager's mail-send settings ask for them: sending on or off; the system's own SMTP server or
 * a connected mailbox to send through; the From address and name; who receives (the admins and
 * extra ";"-separated addresses, e.g. the IT department); which events are mailed; and the time
 * zone the mails give times in. The SMTP password lives in the secret store
 * (`notifications/smtp`), never in the item, and is bound to the server it was typed for.
 */
export const NOTIFICATION_SECRET = notificationSecretName;
/** Times in mails (lock and unlock times) are given in this zone unless the admin chose another. */
export const DEFAULT_TIME_ZONE = "Asia/Tokyo";

const smtpServer = z.strictObject({
  kind: z.literal("smtp"),
  host: hostnameField,
  port: z.number().int().min(1).max(65535),
  security: z.enum(securityModes),
  /** The SMTP login (for Amazon SES: the SMTP credentials' user name). */
  user: z.string().trim().min(1).max(320),
  /** Only when typed: absent keeps the saved one (if it is bound to this server). */
  password: z.string().min(1).max(1024).optional(),
});
const mailboxServer = z.strictObject({ kind: z.literal("mailbox"), accountId: z.string().trim().min(1).max(64) });

export const notificationSettingsInput = z.strictObject({
  enabled: z.boolean(),
  server: z.discriminatedUnion("kind", [smtpServer, mailboxServer]).nullable(),
  fromAddress: z.string().trim().max(254),
  fromName: z.string().trim().max(200),
  /** Every admin user receives the mails (in the language they last used the console in). */
  notifyAdmins: z.boolean(),
  /** Extra addresses, separated by ";" (as the seed's lockout recipients), each checked. */
  extraRecipients: z.string().max(4000),
  /** Per event kind: mailed or not. Kinds left out keep their default. */
  events: z.record(z.string(), z.boolean()),
  timeZone: z.string().trim().min(1).max(64),
});
export type NotificationSettingsInput = z.infer<typeof notificationSettingsInput>;

export const notificationSettingsOutput = z.object({
  enabled: z.boolean(),
  server: z
    .union([
      z.object({ kind: z.literal("smtp"), host: z.string(), port: z.number(), security: z.enum(securityModes), user: z.string(), hasPassword: z.boolean() }),
      z.object({ kind: z.literal("mailbox"), accountId: z.string() }),
    ])
    .nullable(),
  fromAddress: z.string(),
  fromName: z.string(),
  notifyAdmins: z.boolean(),
  extraRecipients: z.array(z.string()),
  events: z.record(z.string(), z.boolean()),
  timeZone: z.string(),
  updatedAt: z.string().nullable(),
});
export type NotificationSettings = z.infer<typeof notificationSettingsOutput> & { passwordDestination?: string };

/** Every run of a job ending well would flood the inbox: mailed only when an admin asks for it. */
const OFF_BY_DEFAULT: OpsEventKind[] = ["job.succeeded"];

export function defaultEvents(): Record<string, boolean> {
  return Object.fromEntries(opsEventKinds.map((k) => [k, !OFF_BY_DEFAULT.includes(k)]));
}

const DEFAULTS: NotificationSettings = {
  enabled: false,
  server: null,
  fromAddress: "",
  fromName: "CRM Mail Sync",
  notifyAdmins: true,
  extraRecipients: [],
  events: defaultEvents(),
  timeZone: DEFAULT_TIME_ZONE,
  updatedAt: null,
};

/** The saved settings, defaults filled in (kinds added since they were saved take their default). */
export async function getNotificationSettings(db: Db): Promise<NotificationSettings> {
  const item = await db.get("main", keys.notificationMail);
  if (!item) return { ...DEFAULTS, events: defaultEvents() };
  return {
    enabled: !!item.enabled,
    server: item.server ?? null,
    fromAddress: item.fromAddress ?? "",
    fromName: item.fromName ?? DEFAULTS.fromName,
    notifyAdmins: item.notifyAdmins !== false,
    extraRecipients: item.extraRecipients ?? [],
    events: { ...defaultEvents(), ...(item.events ?? {}) },
    timeZone: item.timeZone ?? DEFAULT_TIME_ZONE,
    updatedAt: item.updatedAt ?? null,
    passwordDestination: item.passwordDestination,
  };
}

/** The settings as the API shows them: never the password, only whether one is saved. */
export function settingsView(s: NotificationSettings): z.infer<typeof notificationSettingsOutput> {
  const { passwordDestination, ...rest } = s;
  return { ...rest, server: s.server?.kind === "smtp" ? { ...s.server, hasPassword: !!passwordDestination } : s.server };
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Where a saved SMTP password may go: host, port and security it was typed for. */
const destinationOf = (s: { host: string; port: number; security: string }) => `${s.host.toLowerCase()}:${s.port}/${s.security}`;

/**
 * Checks and saves the settings; a typed password goes to the secret store. Every problem is a
 * 400 naming its field: each bad extra address on its own, an unknown zone, a From address
 * that is not one, sending switched on with nothing to send through, and a saved password that
 * would go to another server than the one it was typed for (it must be typed again), a chosen
 * mailbox that does not exist or has no outgoing server. `mailboxOf` resolves a connected
 * mailbox by id (undefined: none), readying its saved password for the functions that send
 * notification mail (the caller's business: it holds the secret store's write rights).
 */
export async function saveNotificationSettings(
  deps: { db: Db; secrets: SecretStore },
  input: NotificationSettingsInput,
  mailboxOf: (accountId: string) => Promise<{ hasSmtp: boolean } | undefined>,
): Promise<NotificationSettings> {
  const before = await getNotificationSettings(deps.db);
  const { addresses, problems } = parseRecipients(input.extraRecipients);
  if (input.fromAddress && !looksLikeEmail(input.fromAddress)) problems.push({ field: "fromAddress", key: "invalid_email" });
  if (!isTimeZone(input.timeZone)) problems.push({ field: "timeZone", key: "time_zone_unknown", params: { zone: input.timeZone } });
  const unknownKinds = Object.keys(input.events).filter((k) => !(opsEventKinds as readonly string[]).includes(k));
  for (const k of unknownKinds) problems.push({ field: `events.${k}`, key: "unknown_field" });
  if (input.enabled && !input.server) problems.push({ field: "server", key: "notification_server_required" });
  if (input.enabled && input.server?.kind === "smtp" && !input.fromAddress) problems.push({ field: "fromAddress", key: "required" });
  let passwordDestination: string | undefined;
  if (input.server?.kind === "smtp") {
    const destination = destinationOf(input.server);
    if (input.server.password !== undefined) passwordDestination = destination;
    else if (before.passwordDestination === destination) passwordDestination = destination;
    else
      problems.push(
        before.passwordDestination
          ? { field: "server.password", key: "password_required_new_destination", params: { destination: `${input.server.host}:${input.server.port} (${input.server.security})` } }
          : { field: "server.password", key: "required" },
      );
  }
  if (input.server?.kind === "mailbox") {
    const mailbox = await mailboxOf(input.server.accountId);
    if (!mailbox) problems.push({ field: "server.accountId", key: "account_not_found_field" });
    else if (!mailbox.hasSmtp) problems.push({ field: "server.accountId", key: "notification_mailbox_no_smtp" });
  }
  if (problems.length) throw new AppError("validation", "validation_failed", { fields: problems });

  if (input.server?.kind === "smtp" && input.server.password !== undefined) await deps.secrets.put(NOTIFICATION_SECRET, input.server.password);
  if (input.server?.kind !== "smtp" || !passwordDestination) await deps.secrets.delete(NOTIFICATION_SECRET);
  const server =
    input.server?.kind === "smtp"
      ? { kind: "smtp" as const, host: input.server.host.toLowerCase(), port: input.server.port, security: input.server.security, user: input.server.user }
      : input.server;
  const item = {
    ...keys.notificationMail,
    enabled: input.enabled,
    server,
    fromAddress: input.fromAddress ? normaliseEmail(input.fromAddress) : "",
    fromName: input.fromName,
    notifyAdmins: input.notifyAdmins,
    extraRecipients: addresses,
    events: { ...before.events, ...input.events },
    timeZone: input.timeZone,
    updatedAt: nowIso(),
    ...(passwordDestination ? { passwordDestination } : {}),
  };
  await deps.db.put("main", item);
  return getNotificationSettings(deps.db);
}
