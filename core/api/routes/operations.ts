import { z } from "zod";
import * as users from "../../users/index";
import { getAccountRecord, getPauseRule, pauseRuleInput, readCredentials, savePauseRule, PROBE_LIMIT } from "../../accounts/index";
import {
  getNotificationSettings,
  notificationSettingsInput,
  notificationSettingsOutput,
  saveNotificationSettings,
  sendTestNotification,
  settingsView,
  type NotificationMailDeps,
} from "../../notification-mail/index";
import { listOf, notifierOf, type Route, type RouteContext } from "../types";

/**
 * What operations configure and act on: notification mail (and its test button), the console
 * sign-in lockout (rule, locked users, early unlock, the record of locks), and the rule that
 * pauses a mailbox after refused logins. Admins only.
 */
const mailDeps = (ctx: RouteContext): NotificationMailDeps => ({
  db: ctx.deps.db,
  secrets: ctx.deps.secrets,
  log: ctx.deps.log,
  hostAllowance: ctx.deps.hostAllowance,
  ca: ctx.deps.imapCa,
});
const lockedUser = z.object({ id: z.string(), email: z.string(), name: z.string(), lockedAt: z.string(), unlockAt: z.string() });

export const operationsRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/settings/notifications",
    auth: "admin",
    tag: "operations",
    summary: "Notification mail settings (never a password: hasPassword says whether one is saved)",
    response: notificationSettingsOutput,
    handle: async (ctx) => ({ body: settingsView(await getNotificationSettings(ctx.deps.db)) }),
  },
  {
    method: "PUT",
    path: "/api/settings/notifications",
    auth: "admin",
    tag: "operations",
    summary:
      "Save notification mail settings: sending on or off, the SMTP server (password kept in the secret store, bound to that server) or a connected mailbox, From, recipients (extra addresses separated by ';'), events, time zone",
    body: notificationSettingsInput,
    response: notificationSettingsOutput,
    async handle(ctx) {
      const saved = await saveNotificationSettings(ctx.deps, ctx.body, async (id) => {
        const account = await getAccountRecord(ctx.deps.db, id);
        if (!account) return undefined;
        // the monitor may only read "mailbox/<id>" secrets (sst.config.ts): a mailbox saved before
        // one secret per mailbox is migrated to its combined secret now, by the API, which may
        if (account.smtp) await readCredentials({ secrets: ctx.deps.secrets, db: ctx.deps.db }, id);
        return { hasSmtp: !!account.smtp };
      });
      ctx.deps.log.info("notifications.settings.saved", { by: ctx.session.user.id, enabled: saved.enabled, server: saved.server?.kind ?? null });
      return { body: settingsView(saved) };
    },
  },
  {
    method: "POST",
    path: "/api/settings/notifications/test",
    auth: "admin",
    tag: "operations",
    rateLimit: PROBE_LIMIT,
    summary: "Send a test notification through the saved settings to the admins (when chosen) and the extra addresses",
    response: z.object({ sent: z.array(z.string()), refused: z.array(z.string()) }),
    async handle(ctx) {
      const self = await users.mailContactOf(ctx.deps.db, ctx.session.user.id);
      const report = await sendTestNotification(mailDeps(ctx), self ?? { email: ctx.session.user.email, lang: ctx.lang });
      ctx.deps.log.info("notifications.test.sent", { by: ctx.session.user.id, sent: report.sent.length, refused: report.refused.length });
      return { body: report };
    },
  },
  {
    method: "GET",
    path: "/api/settings/signin-lockout",
    auth: "admin",
    tag: "operations",
    summary: "The console sign-in lockout: failed sign-ins in a row that lock a user, and for how many minutes",
    response: users.lockoutInput,
    handle: async (ctx) => ({ body: await users.getLockoutRule(ctx.deps.db) }),
  },
  {
    method: "PUT",
    path: "/api/settings/signin-lockout",
    auth: "admin",
    tag: "operations",
    summary: "Set the sign-in lockout (failures 1-10, minutes 1-1440)",
    body: users.lockoutInput,
    response: users.lockoutInput,
    handle: async (ctx) => ({ body: await users.saveLockoutRule(ctx.deps.db, ctx.body, ctx.session.user.id) }),
  },
  {
    method: "GET",
    path: "/api/settings/mailbox-pause",
    auth: "admin",
    tag: "operations",
    summary: "Refused logins in a row that pause a mailbox (default 3)",
    response: pauseRuleInput,
    handle: async (ctx) => ({ body: await getPauseRule(ctx.deps.db) }),
  },
  {
    method: "PUT",
    path: "/api/settings/mailbox-pause",
    auth: "admin",
    tag: "operations",
    summary: "Set the refused logins in a row that pause a mailbox (1-10)",
    body: pauseRuleInput,
    response: pauseRuleInput,
    handle: async (ctx) => ({ body: await savePauseRule(ctx.deps.db, ctx.body, ctx.session.user.id) }),
  },
  {
    method: "GET",
    path: "/api/users/locked",
    auth: "admin",
    tag: "operations",
    summary: "Users locked now by the sign-in lockout, with when the lock ends",
    response: listOf(lockedUser),
    handle: async (ctx) => ({ body: { items: await users.listLockedUsers(ctx.deps.db) } }),
  },
  {
    method: "POST",
    path: "/api/users/{id}/unlock",
    auth: "admin",
    tag: "operations",
    summary: "Unlock a locked user before the lock ends (the user is mailed)",
    status: 204,
    async handle(ctx) {
      await users.unlockUser(ctx.deps.db, notifierOf(ctx.deps), ctx.session.user, ctx.params.id!);
      return { status: 204 };
    },
  },
  {
    method: "GET",
    path: "/api/signin-locks",
    auth: "admin",
    tag: "operations",
    summary: "Every sign-in lock and unlock, newest first",
    response: listOf(users.lockRecordOutput),
    handle: async (ctx) => ({ body: { items: await users.listLockRecords(ctx.deps.db) } }),
  },
];
