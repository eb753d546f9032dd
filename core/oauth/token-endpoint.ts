import { AppError } from "../shared/errors";
import type { OAuthProviderConfig } from "./providers";

/** What a token endpoint answered that the product uses. Never logged: it holds tokens. */
export interface TokenSet {
  accessToken: string;
  /** Epoch ms. */
  expiresAt: number;
  /** Present on the code exchange, and on a refresh when the provider rotates it (Microsoft). */
  refreshToken?: string;
  scope?: string;
  idToken?: string;
}

/** An error answer of the token endpoint (RFC 6749 5.2), kept for the diagnosis; its text holds no token. */
export class TokenEndpointError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(`${error}: ${description}`.slice(0, 300));
    this.name = "TokenEndpointError";
  }
}

/** Seconds the token endpoint may take; a Lambda waits on it before its IMAP login. */
const TIMEOUT_MS = 10_000;

/**
 * POSTs a grant to the provider's token endpoint with the client's id and secret in the body
 * (client_secret_post: both Google and Microsoft take it). Network failures and 5xx are
 * transient AppErrors; an OAuth error answer is a TokenEndpointError.
 */
export async function requestTokens(config: OAuthProviderConfig, grant: Record<string, string>, fetchFn: typeof fetch = fetch): Promise<TokenSet> {
  const body = new URLSearchParams({ ...grant, client_id: config.clientId, client_secret: config.clientSecret });
  // Microsoft wants the scopes again on a refresh (else it answers for its default resource)
  if (grant.grant_type === "refresh_token" && config.id === "microsoft") body.set("scope", config.scopes.join(" "));
  let res: Response;
  try {
    res = await fetchFn(config.tokenUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    throw new AppError("transient", "oauth_provider_failed", { params: { provider: config.label }, cause: new Error(`token endpoint unreachable: ${(err as Error).name}`) });
  }
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    /* an HTML error page: judged by its status below */
  }
  if (!res.ok || typeof json.access_token !== "string") {
    if (typeof json.error === "string") throw new TokenEndpointError(res.status, json.error, String(json.error_description ?? ""));
    throw new AppError("transient", "oauth_provider_failed", { params: { provider: config.label }, cause: new Error(`token endpoint answered ${res.status}`) });
  }
  const expiresIn = Number(json.expires_in);
  return {
    accessToken: json.access_token,
    // an answer without expires_in is taken as the usual hour's token
    expiresAt: Date.now() + (Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 3600) * 1000,
    ...(typeof json.refresh_token === "string" ? { refreshToken: json.refresh_token } : {}),
    ...(typeof json.scope === "string" ? { scope: json.scope } : {}),
    ...(typeof json.id_token === "string" ? { idToken: json.id_token } : {}),
  };
}

/**
 * The address an ID token names (`email`, else Microsoft's `preferred_username` when it is an
 * address), checked to be for this client and not expired. The signature is not checked: the
 * token came straight from the provider's token endpoint over TLS, which OpenID Connect Core
 * 3.1.3.7 (6.) accepts in place of the signature.
 */
export function addressFromIdToken(config: OAuthProviderConfig, idToken: string | undefined): string | undefined {
  if (!idToken) return undefined;
  let claims: Record<string, unknown>;
  try {
    claims = JSON.parse(Buffer.from(idToken.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audience.includes(config.clientId)) return undefined;
  if (typeof claims.exp === "number" && claims.exp * 1000 < Date.now() - 300_000) return undefined;
  if (claims.email_verified === false) return undefined;
  const candidates = [claims.email, claims.preferred_username].filter((v): v is string => typeof v === "string" && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v));
  return candidates[0]?.toLowerCase();
}

/**
 * The diagnosis code of a provider's refusal, from its error and (Microsoft) AADSTS number:
 * - AADSTS65001 / 90094 / 90008 / "consent_required" at sign-in: the organisation must consent;
 * - AADSTS50020 / 50034 / 700016 / 90072: the account is not of the configured tenant;
 * - invalid_grant on a refresh (Google "Token has been expired or revoked.", Microsoft
 *   AADSTS70000 / 70008 / 50173 / 65001): the grant is gone, only a new sign-in helps.
 */
export function oauthErrorCode(
  error: string,
  description: string,
  during: "sign-in" | "refresh",
): "oauth_admin_consent" | "oauth_wrong_tenant" | "oauth_reconnect_needed" | undefined {
  const aadsts = /AADSTS(\d+)/.exec(description)?.[1];
  if (during === "refresh") return error === "invalid_grant" || error === "interaction_required" ? "oauth_reconnect_needed" : undefined;
  if (aadsts && ["65001", "90094", "90008", "65004"].includes(aadsts)) return "oauth_admin_consent";
  if (error === "consent_required" || /admin (consent|approval)/i.test(description)) return "oauth_admin_consent";
  if (aadsts && ["50020", "50034", "700016", "90072", "500200"].includes(aadsts)) return "oauth_wrong_tenant";
  return undefined;
}
