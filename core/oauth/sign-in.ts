import { createHash, createHmac, randomBytes } from "node:crypto";
import { keys } from "../store/keys";
import type { RateLimit } from "../store/rate-limit";
import { AppError } from "../shared/errors";
import { connectOAuthMailbox, getAccount, isPaused, type AccountDeps, type AccountRecord } from "../accounts/index";
import type { Notifier } from "../notifications/index";
import { nowIso } from "../shared/ids";
import type { User } from "../users/index";
import { mailboxServersFor, missingMailScopes, providerConfig, type OAuthProviderConfig, type OAuthProviders } from "./providers";
import { addressFromIdToken, oauthErrorCode, requestTokens, TokenEndpointError, type TokenSet } from "./token-endpoint";
import { accessTokens } from "./access-tokens";

/**
 * The authorization-code flow with PKCE (RFC 7636, S256) that connects a mailbox:
 *
 * 1. startSignIn: a random `state`, recorded (hashed) with the session that asked, the user, the
 *    provider and the mailbox being reconnected, for STATE_TTL_SECONDS; the browser goes to the
 *    provider's sign-in page with the state and the PKCE challenge.
 * 2. The provider sends the browser back to the console at the same origin
 *    (`<origin>/oauth/callback`); the console page posts code and state to completeSignIn.
 * 3. completeSignIn takes the state once (a conditional delete: a replayed callback finds it
 *    gone), only from the session that started it, exchanges the code with the PKCE verifier,
 *    reads the address from the ID token, and connects the mailbox (accounts/oauth-mailbox.ts).
 *
 * The PKCE verifier is an HMAC of the state under the session token: only the browser session
 * that started the sign-in can finish it, and no verifier is ever stored.
 */
export const STATE_TTL_SECONDS = 600;

/** Sign-ins a user may start in 10 minutes: each writes a state item; a person needs a few. */
export const SIGN_IN_START_LIMIT: RateLimit = { bucket: "oauth-start", limit: 20, windowSeconds: 600 };

export interface SignInDeps extends AccountDeps {
  oauth?: OAuthProviders;
  /** Told `mailbox.resumed` when a reconnect brings a paused mailbox back. */
  notifier?: Notifier;
  /** The token endpoint's HTTP client (tests). Default: global fetch. */
  fetch?: typeof fetch;
}

/** Who is signing in: the console session (its token never leaves the server side of this module). */
export interface SignInSession {
  user: User;
  token: string;
}

const sha256 = (value: string) => createHash("sha256").update(value).digest("base64url");
const verifierOf = (sessionToken: string, state: string) => createHmac("sha256", sessionToken).update(`oauth-pkce:${state}`).digest("base64url");
const stateError = () => new AppError("validation", "validation_failed", { fields: [{ field: "state", key: "oauth_state_invalid" }] });

function configured(deps: SignInDeps, provider: string): OAuthProviderConfig {
  const config = providerConfig(deps.oauth, provider);
  if (!config) throw new AppError("validation", "validation_failed", { fields: [{ field: "provider", key: "oauth_not_configured", params: { provider } }] });
  return config;
}

/**
 * Starts a sign-in: returns the provider URL to send the browser to. `origin` is the console's
 * (the request's Origin header): the provider only redirects to URIs registered for the app, so
 * a forged origin gets nowhere.
 */
export async function startSignIn(
  deps: SignInDeps,
  session: SignInSession,
  input: { provider: string; accountId?: string; loginHint?: string },
  origin: string,
): Promise<{ authorizeUrl: string; redirectUri: string }> {
  const config = configured(deps, input.provider);
  if (input.accountId) await getAccount(deps.db, session.user, input.accountId);
  const state = randomBytes(32).toString("base64url");
  const redirectUri = `${origin.replace(/\/$/, "")}/oauth/callback`;
  await deps.db.put("main", {
    ...keys.oauthState(sha256(state)),
    userId: session.user.id,
    sessionHash: sha256(session.token),
    provider: config.id,
    ...(input.accountId ? { accountId: input.accountId } : {}),
    redirectUri,
    expiresAt: Math.floor(Date.now() / 1000) + STATE_TTL_SECONDS,
  });
  const url = new URL(config.authorizeUrl);
  const params = {
    client_id: config.clientId,
    response_type: "code",
    redirect_uri: redirectUri,
    scope: config.scopes.join(" "),
    state,
    code_challenge: createHash("sha256").update(verifierOf(session.token, state)).digest("base64url"),
    code_challenge_method: "S256",
    ...config.authorizeParams,
    ...(input.loginHint ? { login_hint: input.loginHint } : {}),
  };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return { authorizeUrl: url.toString(), redirectUri };
}

/** What the provider's redirect carried to the console's callback page. */
export interface CallbackInput {
  state: string;
  /** The provider's `code` (see the API's oauthCallbackInput for the name). */
  authorizationCode?: string;
  error?: string;
  errorDescription?: string;
}

/** Finishes a sign-in: the mailbox created or reconnected. Every refusal is a 400 naming the field, or a diagnosis. */
export async function completeSignIn(deps: SignInDeps, session: SignInSession, input: CallbackInput): Promise<AccountRecord> {
  const key = keys.oauthState(sha256(input.state));
  const started = await deps.db.get("main", key);
  const now = Math.floor(Date.now() / 1000);
  // another session's state (a link planted on this user), an old one, or one already used
  if (!started || started.sessionHash !== sha256(session.token) || started.userId !== session.user.id || Number(started.expiresAt) <= now) throw stateError();
  // single use: of two callbacks racing with the same state, one deletes it and the other is refused
  if (!(await deps.db.delete("main", key, "attribute_exists(pk)"))) throw stateError();
  const config = configured(deps, String(started.provider));
  const params = { provider: config.label };
  if (input.error) {
    const code = oauthErrorCode(input.error, input.errorDescription ?? "", "sign-in");
    if (code) throw new AppError("permanent", `diag.${code}`, { params });
    throw new AppError("permanent", input.error === "access_denied" ? "oauth_denied" : "diag.oauth_failed", { params });
  }
  if (!input.authorizationCode) throw new AppError("validation", "validation_failed", { fields: [{ field: "authorizationCode", key: "required" }] });
  let tokens: TokenSet;
  try {
    tokens = await requestTokens(
      config,
      { grant_type: "authorization_code", code: input.authorizationCode, redirect_uri: String(started.redirectUri), code_verifier: verifierOf(session.token, input.state) },
      deps.fetch,
    );
  } catch (err) {
    if (!(err instanceof TokenEndpointError)) throw err;
    if (err.error === "invalid_grant") throw new AppError("validation", "validation_failed", { fields: [{ field: "authorizationCode", key: "oauth_code_invalid", params }] });
    const code = oauthErrorCode(err.error, err.description, "sign-in");
    throw new AppError("permanent", code ? `diag.${code}` : "diag.oauth_failed", { params, cause: err });
  }
  const missing = missingMailScopes(config, tokens.scope);
  if (missing.length) throw new AppError("permanent", "diag.oauth_scope_missing", { params: { scopes: missing.join(", ") } });
  if (!tokens.refreshToken) throw new AppError("permanent", "diag.oauth_failed", { params });
  const email = addressFromIdToken(config, tokens.idToken);
  if (!email) throw new AppError("permanent", "oauth_no_address", { params });
  const grant = { provider: config.id, label: config.label, email, refreshToken: tokens.refreshToken, accessToken: tokens.accessToken, ...mailboxServersFor(config, email) };
  const reconnecting = started.accountId ? await getAccount(deps.db, session.user, String(started.accountId)) : undefined;
  const account = await connectOAuthMailbox(deps, session.user, grant, reconnecting?.id);
  accessTokens.seed(account.id, account.secretVersion, tokens);
  if (reconnecting && isPaused(reconnecting))
    await deps.notifier?.notify({ kind: "mailbox.resumed", accountId: account.id, address: account.email, ownerId: account.ownerId, at: nowIso() });
  return account;
}
