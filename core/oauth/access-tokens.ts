import type { Db } from "../store/db";
import type { SecretStore } from "../secrets/index";
import { AppError } from "../shared/errors";
import { readGrant, saveRotatedGrant } from "./rotation";
import { missingMailScopes, providerConfig, type OAuthProviders } from "./providers";
import { oauthErrorCode, requestTokens, TokenEndpointError, type TokenSet } from "./token-endpoint";

/**
 * Access tokens of OAuth2 mailboxes, in this process's memory only (a warm Lambda container,
 * npm start): never in the secret store, the database, a log line or an API reply. The refresh
 * token is read from the mailbox's one secret when a new access token is needed.
 *
 * - A token is used until REFRESH_MARGIN_MS before it expires, so a job never starts an IMAP
 *   session with a token that dies during its login.
 * - However many jobs of this process need the same mailbox's token at once (a sync, a body
 *   fetch, a test mail), one refresh runs and all of them wait for it (single flight): Google
 *   limits refreshes per client and user, and with Microsoft's rotating refresh tokens two
 *   refreshes racing would each save a different "latest" token.
 * - A rotated refresh token (Microsoft returns a new one with every refresh) is saved before the
 *   access token is handed out, create-only (rotation.ts). Microsoft keeps the previous one valid
 *   for a while, so two containers refreshing at the same moment both succeed.
 * - Entries are tagged with the account's secretVersion: a reconnect (a new grant) gets a new
 *   version, and a token of the old grant is never used after it.
 */
export const REFRESH_MARGIN_MS = 5 * 60_000;

export interface TokenDeps {
  secrets: SecretStore;
  /** The configured providers (core/runtime: oauthProvidersFrom). */
  oauth?: OAuthProviders;
  /** The account item says which rotation of its refresh token is current. */
  db: Db;
  /** The token endpoint's HTTP client (tests count calls). Default: global fetch. */
  fetch?: typeof fetch;
}

/** An OAuth2 mailbox as far as its tokens go. */
export interface TokenAccount {
  id: string;
  oauthProvider?: string;
  secretVersion?: string;
}

interface Entry {
  token: string;
  expiresAt: number;
  version: string | undefined;
}

export class AccessTokenCache {
  private readonly entries = new Map<string, Entry>();
  private readonly flights = new Map<string, Promise<string>>();

  /** A token valid for at least REFRESH_MARGIN_MS more, refreshing it once for all callers when needed. */
  async get(deps: TokenDeps, account: TokenAccount): Promise<string> {
    const hit = this.entries.get(account.id);
    if (hit && hit.version === account.secretVersion && hit.expiresAt - REFRESH_MARGIN_MS > Date.now()) return hit.token;
    const key = `${account.id}#${account.secretVersion ?? ""}`;
    let flight = this.flights.get(key);
    if (!flight) {
      flight = this.refresh(deps, account).finally(() => this.flights.delete(key));
      this.flights.set(key, flight);
    }
    return flight;
  }

  /** Keeps the access token a fresh sign-in returned (the connect's own test already used it). */
  seed(accountId: string, version: string | undefined, tokens: Pick<TokenSet, "accessToken" | "expiresAt">): void {
    if (this.entries.size >= 5_000) this.entries.clear();
    this.entries.set(accountId, { token: tokens.accessToken, expiresAt: tokens.expiresAt, version });
  }

  forget(accountId: string): void {
    this.entries.delete(accountId);
  }

  clear(): void {
    this.entries.clear();
  }

  private async refresh(deps: TokenDeps, account: TokenAccount): Promise<string> {
    const config = providerConfig(deps.oauth, account.oauthProvider);
    if (!config) throw new AppError("permanent", "oauth_not_configured", { params: { provider: account.oauthProvider ?? "?" } });
    const params = { provider: config.label };
    const current = await readGrant(deps, account.id);
    const saved = current.grant;
    if (!saved?.refreshToken) throw new AppError("permanent", "diag.oauth_reconnect_needed", { params });
    let tokens: TokenSet;
    try {
      tokens = await requestTokens(config, { grant_type: "refresh_token", refresh_token: saved.refreshToken }, deps.fetch);
    } catch (err) {
      if (!(err instanceof TokenEndpointError)) throw err;
      // consent withdrawn, the user's password changed, the token expired: only a new sign-in helps
      if (oauthErrorCode(err.error, err.description, "refresh") === "oauth_reconnect_needed")
        throw new AppError("permanent", "diag.oauth_reconnect_needed", { params, cause: err });
      throw new AppError(err.status >= 500 ? "transient" : "permanent", err.status >= 500 ? "oauth_provider_failed" : "diag.oauth_failed", { params, cause: err });
    }
    const missing = missingMailScopes(config, tokens.scope);
    if (tokens.scope !== undefined && missing.length) throw new AppError("permanent", "diag.oauth_scope_missing", { params: { scopes: missing.join(", ") } });
    if (tokens.refreshToken && tokens.refreshToken !== saved.refreshToken) {
      await saveRotatedGrant(deps, account.id, current, { provider: saved.provider, refreshToken: tokens.refreshToken });
    }
    this.seed(account.id, account.secretVersion, tokens);
    return tokens.accessToken;
  }
}

/** One cache per process, shared by the sync, the API's tests and body fetches. */
export const accessTokens = new AccessTokenCache();
