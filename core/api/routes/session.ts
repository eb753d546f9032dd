import { z } from "zod";
import * as users from "../../users/index";
import { emailField } from "../../contacts/schema";
import { listOf, type Route } from "../types";
import { AppError } from "../../shared/errors";
import { consume, ensureUnder, type RateLimit } from "../../shared/rate-limit";

/** Failed sign-ins for one address before it must wait (the roadmap's lockout mails build on this). */
const SIGNIN_FAILURES: RateLimit = { bucket: "signin-failure", limit: 10, windowSeconds: 900 };

export const userOutput = z.object({ id: z.string(), email: z.string(), name: z.string(), role: z.enum(["admin", "member"]), createdAt: z.string() });
const sessionOutput = z.object({ user: userOutput, csrfToken: z.string() });
const signInInput = z.strictObject({ email: z.string().trim().min(1).max(320), password: z.string().min(1).max(1024) });
const userInput = z.strictObject({
  email: emailField,
  name: z.string().trim().min(1).max(200),
  password: z.string().min(12).max(1024),
  role: z.enum(["admin", "member"]),
});

export const sessionRoutes: Route[] = [
  {
    method: "POST", path: "/api/session", auth: "public", tag: "session", summary: "Sign in",
    body: signInInput, response: sessionOutput,
    async handle(ctx) {
      // failed sign-ins per address: 10 in 15 minutes, then wait (successful ones do not count)
      const subject = users.normaliseLogin(ctx.body.email);
      await ensureUnder(ctx.deps.db, SIGNIN_FAILURES, subject);
      const user = await users.authenticate(ctx.deps.db, ctx.body.email, ctx.body.password).catch(async (err) => {
        if (err instanceof AppError && err.code === "invalid_credentials") await consume(ctx.deps.db, SIGNIN_FAILURES, subject).catch(() => undefined);
        throw err;
      });
      const { token, session } = await users.createSession(ctx.deps.db, user);
      ctx.deps.log.info("session.created", { userId: user.id });
      return { body: { user: session.user, csrfToken: session.csrfToken }, setSession: token };
    },
  },
  {
    method: "GET", path: "/api/session", auth: "user", tag: "session", summary: "The signed-in user and the CSRF token",
    response: sessionOutput,
    handle: async (ctx) => ({ body: { user: ctx.session.user, csrfToken: ctx.session.csrfToken } }),
  },
  {
    method: "DELETE", path: "/api/session", auth: "user", tag: "session", summary: "Sign out", status: 204,
    async handle(ctx) {
      await users.deleteSession(ctx.deps.db, ctx.session.token);
      return { status: 204, clearSession: true };
    },
  },
  {
    method: "POST", path: "/api/session/password", auth: "user", tag: "session", summary: "Change my password (other sessions are signed out)", status: 204,
    body: z.strictObject({ currentPassword: z.string().min(1).max(1024), newPassword: z.string().min(12).max(1024) }),
    async handle(ctx) {
      const subject = ctx.session.user.email;
      await ensureUnder(ctx.deps.db, SIGNIN_FAILURES, subject);
      await users.changePassword(ctx.deps.db, ctx.session.user, ctx.body.currentPassword, ctx.body.newPassword, ctx.session.token).catch(async (err) => {
        if (err instanceof AppError && err.fields[0]?.key === "current_password_wrong") await consume(ctx.deps.db, SIGNIN_FAILURES, subject).catch(() => undefined);
        throw err;
      });
      ctx.deps.log.info("password.changed", { userId: ctx.session.user.id });
      return { status: 204 };
    },
  },
  {
    method: "GET", path: "/api/users", auth: "admin", tag: "users", summary: "List users",
    response: listOf(userOutput),
    handle: async (ctx) => ({ body: { items: await users.listUsers(ctx.deps.db) } }),
  },
  {
    method: "POST", path: "/api/users", auth: "admin", tag: "users", summary: "Add a user", status: 201,
    body: userInput, response: userOutput,
    handle: async (ctx) => ({ status: 201, body: await users.createUser(ctx.deps.db, ctx.body) }),
  },
  {
    method: "DELETE", path: "/api/users/{id}", auth: "admin", tag: "users", summary: "Remove a user", status: 204,
    async handle(ctx) {
      await users.deleteUser(ctx.deps.db, ctx.session.user, ctx.params.id!);
      return { status: 204 };
    },
  },
];
