import { z } from "zod";
import * as accounts from "../../accounts/index";
import { completeSignIn, oauthProviderIds, SIGN_IN_START_LIMIT, startSignIn, type SignInDeps } from "../../oauth/index";
import { AppError } from "../../shared/errors";
import { listOf, type Route, type RouteContext } from "../types";

/**
 * "Connect with Google / Microsoft": which providers this server is set up for, the start of a
 * sign-in (the provider URL the browser goes to) and its end (the console's /oauth/callback page
 * posts what the provider sent back). No token ever appears in a reply: the refresh token goes
 * to the secret store, the access token stays in memory (core/oauth).
 */
const signInDeps = (ctx: RouteContext): SignInDeps => ({
  db: ctx.deps.db,
  secrets: ctx.deps.secrets,
  hostAllowance: ctx.deps.hostAllowance,
  tlsCa: ctx.deps.imapCa,
  probeSubject: ctx.session.user.id,
  oauth: ctx.deps.oauth,
  fetch: ctx.deps.fetch,
  notifier: ctx.deps.notifier,
});

const providerOutput = z.object({ id: z.enum(oauthProviderIds), label: z.string(), tenant: z.string().optional() });

export const oauthStartInput = z.strictObject({
  /** Reconnect this mailbox (same address) instead of connecting a new one: keeps its mail and cursors. */
  accountId: z.string().min(1).max(64).optional(),
  /** The address to suggest on the provider's sign-in page. */
  loginHint: z.string().trim().max(320).optional(),
});

export const oauthCallbackInput = z.strictObject({
  state: z.string().min(1).max(200),
  /**
   * The provider's `code`. Named so that the log's and the audit log's redaction (core/shared/log.ts:
   * "authorization") replace it: a code is single use, but it is a credential until used.
   */
  authorizationCode: z.string().min(1).max(4096).optional(),
  error: z.string().max(200).optional(),
  errorDescription: z.string().max(2000).optional(),
});

export const oauthRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/oauth/providers",
    auth: "user",
    tag: "accounts",
    summary: "The OAuth2 sign-ins this server is set up for (a client id and secret configured): the console shows a Connect button for each",
    response: listOf(providerOutput),
    handle: async (ctx) => ({
      body: {
        items: oauthProviderIds.flatMap((id) => {
          const c = ctx.deps.oauth?.[id];
          return c ? [{ id, label: c.label, ...(c.tenant ? { tenant: c.tenant } : {}) }] : [];
        }),
      },
    }),
  },
  {
    method: "POST",
    path: "/api/oauth/{provider}/start",
    auth: "user",
    tag: "accounts",
    summary:
      "Start connecting a mailbox with Google or Microsoft: the provider URL to send the browser to (authorization code with PKCE; the state is bound to this session for 10 minutes)",
    body: oauthStartInput,
    response: z.object({ authorizeUrl: z.string(), redirectUri: z.string() }),
    rateLimit: SIGN_IN_START_LIMIT,
    async handle(ctx) {
      // the redirect goes back to the console page that asked; the provider accepts only registered URIs
      const origin = ctx.req.headers.origin;
      if (!origin || !/^https?:\/\/[^/\s]+$/.test(origin)) throw new AppError("validation", "validation_failed", { fields: [{ field: "origin", key: "oauth_origin_required" }] });
      const body = ctx.body as z.infer<typeof oauthStartInput>;
      return { body: await startSignIn(signInDeps(ctx), ctx.session, { provider: ctx.params.provider!, ...body }, origin) };
    },
  },
  {
    method: "POST",
    path: "/api/oauth/callback",
    auth: "user",
    tag: "accounts",
    status: 201,
    summary:
      "Finish connecting: the code and state the provider sent back to the console. Creates the mailbox, or reconnects the one the sign-in was started for (its mail and cursors kept)",
    body: oauthCallbackInput,
    response: accounts.accountOutput,
    // (its connection test counts against PROBE_LIMIT, as saving a mailbox does)
    async handle(ctx) {
      const record = await completeSignIn(signInDeps(ctx), ctx.session, ctx.body as z.infer<typeof oauthCallbackInput>);
      ctx.deps.log.info("account.oauth.connected", { accountId: record.id, provider: record.oauthProvider });
      return { status: 201, body: accounts.toAccountView(record, ctx.lang) };
    },
  },
];
