import { z } from "zod";
import * as users from "../../users/index";
import { holdOwnerSync } from "../../accounts/index";
import { emailField } from "../../contacts/index";
import { passwordMailReady, sendPasswordLinkMail, type NotificationMailDeps } from "../../notification-mail/index";
import { recordAudit } from "../../audit/index";
import { AppError, fieldError } from "../../shared/errors";
import type { Route, RouteContext } from "../types";
import { userOutput } from "./session";

/**
 * User management for admins (issue 14, the Users part): list, add (with a password, or by an
 * invitation mail), edit name/role/language, deactivate and reactivate, reset a password (a
 * one-time link by mail when notification mail is set up, else a temporary password shown
 * once), and the public page that takes a link. The audit log records each change (area
 * "users"); passwords and tokens never reach it (the body's secrets are redacted, and the
 * answers, where a temporary password is, are not recorded).
 */
const userInput = z
  .strictObject({
    email: emailField,
    name: z.string().trim().min(1).max(200),
    /** Absent when `invite` is true: the user sets it through the invitation link. */
    password: z.string().min(12).max(1024).optional(),
    role: z.enum(["admin", "member"]),
    /** The language of the invitation and of mails to the user; default for an invitation: the admin's console language, else unknown until the first sign-in. */
    language: z.enum(["ja", "en"]).optional(),
    /** Mail a one-time set-password link (needs notification mail) instead of setting a password. */
    invite: z.boolean().optional(),
  })
  .superRefine((v, c) => {
    if (!v.invite && v.password === undefined) c.addIssue({ code: "custom", path: ["password"], message: "required", params: { key: "required" } });
  });

const createdOutput = userOutput.extend({
  invitation: z.enum(["sent", "failed"]).nullable().describe("The invitation mail: sent, failed (use a password reset to send another), or none"),
});
const statusOutput = userOutput.extend({ mailboxesChanged: z.number().describe("Mailboxes of the user whose sync was held or resumed") });
const resetOutput = z.discriminatedUnion("method", [
  z.object({ method: z.literal("mail"), sentTo: z.string(), expiresAt: z.string() }),
  z.object({
    method: z.literal("temporary"),
    temporaryPassword: z.string().describe("Shown to the admin this once; never stored in clear. The user must change it at the next sign-in"),
  }),
]);
const linkInput = z.strictObject({ token: z.string().min(16).max(200), password: z.string().min(12).max(1024) });

const mailDeps = (ctx: RouteContext): NotificationMailDeps => ({
  db: ctx.deps.db,
  secrets: ctx.deps.secrets,
  log: ctx.deps.log,
  hostAllowance: ctx.deps.hostAllowance,
  ca: ctx.deps.imapCa,
});

/** The console's address the link opens: the page's Origin when the browser sent one, else the Host asked for. */
function consoleOrigin(ctx: RouteContext): string {
  const origin = ctx.req.headers.origin;
  if (origin && /^https?:\/\/[^/\s]+$/.test(origin)) return origin;
  return `${ctx.req.secure ? "https" : "http"}://${ctx.req.headers.host ?? "localhost"}`;
}

/** Issues a link and mails it; a link whose mail did not go is dropped (nobody could use it). */
async function mailLink(ctx: RouteContext, user: users.UserRecord, kind: users.PasswordLinkKind): Promise<{ expiresAt: string }> {
  const link = await users.issuePasswordLink(ctx.deps.db, user.id, kind);
  try {
    await sendPasswordLinkMail(
      mailDeps(ctx),
      { email: user.email, lang: user.language ?? ctx.lang },
      { kind, url: `${consoleOrigin(ctx)}/#/reset/${link.token}`, expiresAt: link.expiresAt, name: user.name, byName: ctx.session.user.name || ctx.session.user.email },
    );
  } catch (err) {
    await users.dropLinks(ctx.deps.db, user.id);
    throw err;
  }
  ctx.deps.log.info(`user.${kind}.mailed`, { userId: user.id, by: ctx.session.user.id });
  return { expiresAt: link.expiresAt };
}

async function targetOf(ctx: RouteContext): Promise<users.UserRecord> {
  const user = await users.getUser(ctx.deps.db, ctx.params.id!);
  if (!user) throw new AppError("notFound", "user_not_found");
  return user;
}

export const userRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/users",
    auth: "admin",
    tag: "users",
    summary: "List users, with status (active, last sign-in, lock) and whether password links can be mailed",
    response: z.object({ items: z.array(userOutput), passwordMail: z.boolean().describe("Notification mail is on: invitations and reset links go by mail") }),
    handle: async (ctx) => ({ body: { items: await users.listUsers(ctx.deps.db), passwordMail: await passwordMailReady(ctx.deps.db) } }),
  },
  {
    method: "POST",
    path: "/api/users",
    auth: "admin",
    tag: "users",
    summary: "Add a user, with a password or an invitation mail (a one-time set-password link, in the user's language)",
    status: 201,
    body: userInput,
    response: createdOutput,
    async handle(ctx) {
      const body = ctx.body as z.infer<typeof userInput>;
      if (body.invite && body.password !== undefined) throw fieldError("password", "password_with_invite");
      if (body.invite && !(await passwordMailReady(ctx.deps.db))) throw fieldError("invite", "invite_needs_mail");
      // a language is kept only when chosen, or for an invitation (written in the admin's): otherwise
      // it stays unknown until the first sign-in, and mails before then come in both languages
      const language = body.language ?? (body.invite ? ctx.lang : undefined);
      const user = await users.createUser(ctx.deps.db, { ...body, language });
      if (!body.invite) return { status: 201, body: { ...user, invitation: null } };
      // the user exists either way: a failed mail is reported, and a password reset sends another
      const invitation = await mailLink(ctx, user, "invite").then(
        () => "sent" as const,
        (err) => (ctx.deps.log.warn("user.invite.failed", { userId: user.id, err }), "failed" as const),
      );
      return { status: 201, body: { ...user, invitation } };
    },
  },
  {
    method: "PATCH",
    path: "/api/users/{id}",
    auth: "admin",
    tag: "users",
    summary: "Edit a user's name, role or mail language (the last active admin cannot be demoted)",
    body: users.userPatchInput,
    response: userOutput,
    handle: async (ctx) => ({ body: await users.updateUser(ctx.deps.db, ctx.params.id!, ctx.body) }),
  },
  {
    method: "POST",
    path: "/api/users/{id}/deactivate",
    auth: "admin",
    tag: "users",
    summary: "Deactivate a user: no sign-in, sessions and API keys stop now, their mailboxes stop syncing (stored mail is kept)",
    response: statusOutput,
    async handle(ctx) {
      const user = await users.setUserActive(ctx.deps.db, ctx.session.user, ctx.params.id!, false);
      const mailboxesChanged = await holdOwnerSync(ctx.deps.db, user.id, false);
      return { body: { ...user, mailboxesChanged } };
    },
  },
  {
    method: "POST",
    path: "/api/users/{id}/reactivate",
    auth: "admin",
    tag: "users",
    summary: "Reactivate a user: sign-in works again and their mailboxes resume syncing",
    response: statusOutput,
    async handle(ctx) {
      const user = await users.setUserActive(ctx.deps.db, ctx.session.user, ctx.params.id!, true);
      const mailboxesChanged = await holdOwnerSync(ctx.deps.db, user.id, true);
      return { body: { ...user, mailboxesChanged } };
    },
  },
  {
    method: "POST",
    path: "/api/users/{id}/password-reset",
    auth: "admin",
    tag: "users",
    summary:
      "Reset a user's password: a one-time link by mail (24 h) when notification mail is on, else a temporary password shown once that must be changed at the next sign-in. The user's sessions end",
    response: resetOutput,
    async handle(ctx) {
      const user = await targetOf(ctx);
      if (!user.active) throw fieldError("id", "user_is_deactivated");
      if (await passwordMailReady(ctx.deps.db)) {
        const { expiresAt } = await mailLink(ctx, user, "reset");
        return { body: { method: "mail", sentTo: user.email, expiresAt } };
      }
      const temporaryPassword = await users.setTemporaryPassword(ctx.deps.db, user.id);
      ctx.deps.log.info("user.password.temporary", { userId: user.id, by: ctx.session.user.id });
      return { body: { method: "temporary", temporaryPassword } };
    },
  },
  {
    method: "DELETE",
    path: "/api/users/{id}",
    auth: "admin",
    tag: "users",
    summary: "Remove a user",
    status: 204,
    async handle(ctx) {
      await users.deleteUser(ctx.deps.db, ctx.session.user, ctx.params.id!);
      return { status: 204 };
    },
  },
  {
    method: "POST",
    path: "/api/password-reset",
    auth: "public",
    tag: "users",
    summary: "Set a password through a one-time link (reset or invitation); the link then stops working and the user's sessions end",
    status: 204,
    body: linkInput,
    async handle(ctx) {
      const { userId, kind } = await users.usePasswordLink(ctx.deps.db, ctx.body.token, ctx.body.password);
      const user = await users.getUser(ctx.deps.db, userId);
      // no session here, so the API's own audit step does not see it: the user who used the link is the actor
      await recordAudit(ctx.deps.db, {
        at: new Date().toISOString(),
        requestId: ctx.req.requestId,
        actor: { userId, email: user?.email ?? "" },
        method: "POST",
        route: "/api/password-reset",
        area: "users",
        params: {},
        body: { kind },
        status: 204,
      }).catch((err) => ctx.deps.log.warn("audit.record_failed", { requestId: ctx.req.requestId, err }));
      ctx.deps.log.info("user.password.link_used", { userId, kind });
      return { status: 204 };
    },
  },
];
