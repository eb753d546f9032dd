import { z } from "zod";
import * as users from "../../users/index";
import { notifierOf, type Route } from "../types";
import { AppError } from "../../shared/errors";
import { countMetric } from "../../monitoring/index";
import { release, reserve, type RateLimit, type Reservation } from "../../store/rate-limit";
import type { Db } from "../../store/db";

/** Failed sign-ins for one address before it must wait; the per-user lockout (users/lockout.ts) sits on top. */
const SIGNIN_FAILURES: RateLimit = { bucket: "signin-failure", limit: 10, windowSeconds: 900 };
/** Failed sign-ins from one client address, whatever the account: stops spraying one password over many accounts. */
const SIGNIN_FAILURES_PER_SOURCE: RateLimit = { bucket: "signin-failure-source", limit: 30, windowSeconds: 900 };

/**
 * Runs a password check as a failure counted in advance: each bucket is reserved with a
 * conditional increment before the (deliberately slow) check, so a burst of concurrent guesses
 * gets at most `limit` evaluations; a right password gives its reservations back.
 */
async function countedAsFailure<T>(db: Db, buckets: [RateLimit, string][], check: () => Promise<T>, notEvaluated: (err: unknown) => boolean = () => false): Promise<T> {
  const held: Reservation[] = [];
  const giveBack = () => Promise.all(held.map((r) => release(db, r).catch(() => undefined)));
  try {
    for (const [rule, subject] of buckets) held.push(await reserve(db, rule, subject));
  } catch (err) {
    await giveBack();
    throw err;
  }
  const result = await check().catch(async (err) => {
    // refused before any password was checked (a locked user): not a guess, given back
    if (notEvaluated(err)) await giveBack();
    throw err;
  });
  await giveBack();
  return result;
}

const isLock = (err: unknown) => err instanceof AppError && err.code === "signin_locked";

export const userOutput = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(["admin", "member"]),
  createdAt: z.string(),
  language: z.enum(["ja", "en"]).nullable().describe("The language mails to the user are written in"),
  active: z.boolean().describe("False once an admin deactivated the user"),
  lastSignInAt: z.string().nullable(),
  mustChangePassword: z.boolean().describe("A temporary password is in use: the console asks for a new one first"),
  lockedUntil: z.string().nullable().describe("While a sign-in lock holds: when it ends"),
});
const sessionOutput = z.object({ user: userOutput, csrfToken: z.string() });
const signInInput = z.strictObject({ email: z.string().trim().min(1).max(320), password: z.string().min(1).max(1024) });

export const sessionRoutes: Route[] = [
  {
    method: "POST",
    path: "/api/session",
    auth: "public",
    tag: "session",
    summary: "Sign in",
    body: signInInput,
    response: sessionOutput,
    async handle(ctx) {
      // failed sign-ins per address (10) and per client address (30) in a sliding 15 minutes;
      // successful ones do not count
      const buckets: [RateLimit, string][] = [[SIGNIN_FAILURES, users.normaliseLogin(ctx.body.email)]];
      if (ctx.req.sourceIp) buckets.push([SIGNIN_FAILURES_PER_SOURCE, ctx.req.sourceIp]);
      // a locked user's password is not even checked (core/users/lockout.ts); the limits above
      // still come first, so they hold whatever the lockout rule says
      const user = await countedAsFailure(
        ctx.deps.db,
        buckets,
        async () => {
          await users.ensureNotLocked(ctx.deps.db, ctx.body.email);
          return users.authenticate(ctx.deps.db, ctx.body.email, ctx.body.password).catch(async (err) => {
            if (err instanceof AppError && err.code === "invalid_credentials") {
              countMetric("ConsoleSignInsFailed");
              await users.countFailedSignIn(ctx.deps.db, notifierOf(ctx.deps), ctx.body.email);
            }
            throw err;
          });
        },
        isLock,
      );
      // the lock's count starts afresh; mails to this user go in the language used now
      await users.afterGoodSignIn(ctx.deps.db, user.id, ctx.lang);
      const { token, session } = await users.createSession(ctx.deps.db, user);
      ctx.deps.log.info("session.created", { userId: user.id });
      return { body: { user: session.user, csrfToken: session.csrfToken }, setSession: token };
    },
  },
  {
    method: "GET",
    path: "/api/session",
    auth: "user",
    tag: "session",
    summary: "The signed-in user and the CSRF token",
    response: sessionOutput,
    handle: async (ctx) => ({ body: { user: ctx.session.user, csrfToken: ctx.session.csrfToken } }),
  },
  {
    method: "DELETE",
    path: "/api/session",
    auth: "user",
    tag: "session",
    summary: "Sign out",
    status: 204,
    async handle(ctx) {
      await users.deleteSession(ctx.deps.db, ctx.session.token);
      return { status: 204, clearSession: true };
    },
  },
  {
    method: "POST",
    path: "/api/session/password",
    auth: "user",
    tag: "session",
    summary: "Change my password (other sessions are signed out)",
    status: 204,
    body: z.strictObject({ currentPassword: z.string().min(1).max(1024), newPassword: z.string().min(12).max(1024) }),
    async handle(ctx) {
      await countedAsFailure(ctx.deps.db, [[SIGNIN_FAILURES, ctx.session.user.email]], () =>
        users.changePassword(ctx.deps.db, ctx.session.user, ctx.body.currentPassword, ctx.body.newPassword, ctx.session.token),
      );
      ctx.deps.log.info("password.changed", { userId: ctx.session.user.id });
      return { status: 204 };
    },
  },
];
