import { readConfig } from "../shared/config";
import { oauthProviderIds, presetFor, presetForDomain, securityModes, type OAuthProviderId, type ServerPreset, type SecurityMode } from "../mail/index";

/**
 * The OAuth2 providers a mailbox can be connected with, and this deployment's registration at
 * each (client id and secret; Microsoft's tenant). A provider without a client id and secret
 * is not offered: the console shows no button for it.
 *
 * Endpoints and scopes, from the providers' own documentation (2026):
 * - Google: authorization https://accounts.google.com/o/oauth2/v2/auth, token
 *   https://oauth2.googleapis.com/token; scope `https://mail.google.com/` is the only one
 *   Gmail's IMAP and SMTP accept for XOAUTH2; `access_type=offline` and `prompt=consent` make
 *   Google return a refresh token on every consent (without prompt it only does the first time).
 * - Microsoft identity platform v2: https://login.microsoftonline.com/<tenant>/oauth2/v2.0/
 *   {authorize,token}; scopes `https://outlook.office.com/IMAP.AccessAsUser.All`,
 *   `https://outlook.office.com/SMTP.Send`, `offline_access` (the refresh token); tenant
 *   "common" (any work or personal account), "organizations", or one tenant's id or domain.
 * Both: `openid email` so the ID token names the address that signed in.
 */
export { oauthProviderIds, type OAuthProviderId };

export interface OAuthProviderConfig {
  id: OAuthProviderId;
  /** As shown in buttons and messages ("Google", "Microsoft"). */
  label: string;
  clientId: string;
  /** Confidential client: sent to the token endpoint only. */
  clientSecret: string;
  authorizeUrl: string;
  tokenUrl: string;
  /** Everything asked for at sign-in. */
  scopes: string[];
  /** The scopes IMAP and SMTP need: a grant without one of them is refused (Google lets users untick it). */
  mailScopes: string[];
  /** Extra authorization parameters (Google's access_type / prompt). */
  authorizeParams: Record<string, string>;
  /** The mail provider preset whose servers the mailbox uses (core/mail/providers.ts). */
  preset: "gmail" | "microsoft365";
  imap: ServerPreset;
  smtp: ServerPreset;
  /** The servers come from OAUTH_*_IMAP / _SMTP (a local test server), not the preset. */
  serversOverridden: boolean;
  /** Microsoft: "common" or a fixed tenant. */
  tenant?: string;
}

export type OAuthProviders = Partial<Record<OAuthProviderId, OAuthProviderConfig>>;

const GOOGLE_MAIL = "https://mail.google.com/";
const MS_IMAP = "https://outlook.office.com/IMAP.AccessAsUser.All";
const MS_SMTP = "https://outlook.office.com/SMTP.Send";

/**
 * "host:port:security" (e.g. "127.0.0.1:31993:tls"): servers other than the preset's, for the
 * local runtime and tests against a local Dovecot. Never set in AWS: an access token for a real
 * mailbox must only ever go to the provider's own servers.
 */
function serverOverride(raw: string | undefined, name: string): ServerPreset | undefined {
  if (!raw) return undefined;
  const [host = "", port = "", security = ""] = raw.split(":");
  if (!host || !/^\d+$/.test(port) || !(securityModes as readonly string[]).includes(security)) throw new Error(`${name} must look like host:port:tls|starttls|none, got "${raw}"`);
  return { host, port: Number(port), security: security as SecurityMode };
}

/** Values a deployment gives (sst.Secret links in AWS); environment variables fill what is missing. */
export interface OAuthSecrets {
  googleClientId?: string;
  googleClientSecret?: string;
  microsoftClientId?: string;
  microsoftClientSecret?: string;
}

/**
 * The configured providers. Environment (README "Configuration"):
 * OAUTH_GOOGLE_CLIENT_ID, OAUTH_GOOGLE_CLIENT_SECRET, OAUTH_MICROSOFT_CLIENT_ID,
 * OAUTH_MICROSOFT_CLIENT_SECRET, OAUTH_MICROSOFT_TENANT (default "common"); for a local
 * authorization server: OAUTH_GOOGLE_AUTHORIZE_URL, OAUTH_GOOGLE_TOKEN_URL,
 * OAUTH_MICROSOFT_AUTHORITY (default https://login.microsoftonline.com), and
 * OAUTH_{GOOGLE,MICROSOFT}_{IMAP,SMTP} server overrides.
 */
export function oauthProvidersFrom(env: Record<string, string | undefined>, secrets: OAuthSecrets = {}): OAuthProviders {
  const providers: OAuthProviders = {};
  const googleId = secrets.googleClientId || env.OAUTH_GOOGLE_CLIENT_ID;
  const googleSecret = secrets.googleClientSecret || env.OAUTH_GOOGLE_CLIENT_SECRET;
  if (googleId && googleSecret) {
    const preset = presetFor("gmail");
    providers.google = {
      id: "google",
      label: "Google",
      clientId: googleId,
      clientSecret: googleSecret,
      authorizeUrl: env.OAUTH_GOOGLE_AUTHORIZE_URL || "https://accounts.google.com/o/oauth2/v2/auth",
      tokenUrl: env.OAUTH_GOOGLE_TOKEN_URL || "https://oauth2.googleapis.com/token",
      scopes: ["openid", "email", GOOGLE_MAIL],
      mailScopes: [GOOGLE_MAIL],
      authorizeParams: { access_type: "offline", prompt: "consent" },
      preset: "gmail",
      imap: serverOverride(env.OAUTH_GOOGLE_IMAP, "OAUTH_GOOGLE_IMAP") ?? preset.imap!,
      smtp: serverOverride(env.OAUTH_GOOGLE_SMTP, "OAUTH_GOOGLE_SMTP") ?? preset.smtp!,
      serversOverridden: !!(env.OAUTH_GOOGLE_IMAP || env.OAUTH_GOOGLE_SMTP),
    };
  }
  const msId = secrets.microsoftClientId || env.OAUTH_MICROSOFT_CLIENT_ID;
  const msSecret = secrets.microsoftClientSecret || env.OAUTH_MICROSOFT_CLIENT_SECRET;
  if (msId && msSecret) {
    const preset = presetFor("microsoft365");
    const tenant = readConfig(env).OAUTH_MICROSOFT_TENANT;
    const authority = (env.OAUTH_MICROSOFT_AUTHORITY || "https://login.microsoftonline.com").replace(/\/$/, "");
    providers.microsoft = {
      id: "microsoft",
      label: "Microsoft",
      clientId: msId,
      clientSecret: msSecret,
      authorizeUrl: `${authority}/${tenant}/oauth2/v2.0/authorize`,
      tokenUrl: `${authority}/${tenant}/oauth2/v2.0/token`,
      scopes: ["openid", "email", "offline_access", MS_IMAP, MS_SMTP],
      mailScopes: [MS_IMAP, MS_SMTP],
      authorizeParams: {},
      preset: "microsoft365",
      imap: serverOverride(env.OAUTH_MICROSOFT_IMAP, "OAUTH_MICROSOFT_IMAP") ?? preset.imap!,
      smtp: serverOverride(env.OAUTH_MICROSOFT_SMTP, "OAUTH_MICROSOFT_SMTP") ?? preset.smtp!,
      serversOverridden: !!(env.OAUTH_MICROSOFT_IMAP || env.OAUTH_MICROSOFT_SMTP),
      tenant,
    };
  }
  return providers;
}

/**
 * The preset and servers of the address that signed in: Microsoft's sign-in serves both
 * Microsoft 365 and Outlook.com / Hotmail / Live, whose SMTP server differs
 * (smtp-mail.outlook.com), so a consumer address gets the Outlook.com preset.
 */
export function mailboxServersFor(config: OAuthProviderConfig, email: string): { preset: "gmail" | "microsoft365" | "outlook"; imap: ServerPreset; smtp: ServerPreset } {
  const consumer = config.id === "microsoft" && presetForDomain(email.slice(email.lastIndexOf("@") + 1))?.id === "outlook";
  if (!consumer) return { preset: config.preset, imap: config.imap, smtp: config.smtp };
  const outlook = presetFor("outlook");
  return config.serversOverridden ? { preset: "outlook", imap: config.imap, smtp: config.smtp } : { preset: "outlook", imap: outlook.imap!, smtp: outlook.smtp! };
}

/** The configured provider, or undefined. */
export const providerConfig = (providers: OAuthProviders | undefined, id: string | undefined): OAuthProviderConfig | undefined =>
  id && (oauthProviderIds as readonly string[]).includes(id) ? providers?.[id as OAuthProviderId] : undefined;

/**
 * Whether a granted scope list covers the mail scopes. Microsoft answers the short names
 * ("IMAP.AccessAsUser.All") or the full ones; both count.
 */
export function missingMailScopes(config: OAuthProviderConfig, granted: string | undefined): string[] {
  const have = new Set(
    (granted ?? "")
      .split(/\s+/)
      .filter(Boolean)
      .flatMap((s) => [s, s.replace(/^https:\/\/outlook\.office(365)?\.com\//, "")]),
  );
  return config.mailScopes.filter((s) => !have.has(s) && !have.has(s.replace(/^https:\/\/outlook\.office\.com\//, "")));
}
