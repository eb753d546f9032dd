import type { Lang } from "../shared/i18n";
import type { SecurityMode } from "./mail-server";
import { PROVIDER_STEPS, zohoSteps, type ProviderSteps } from "./provider-steps";

/** Provider presets (PRESETS below fills their servers); "other" is manual. */
export const providerIds = ["gmail", "microsoft365", "outlook", "yahoo", "yahoo_japan", "zoho", "zoho_pro", "icloud", "aol", "other"] as const;
export type ProviderId = (typeof providerIds)[number];

/** The OAuth2 sign-ins a mailbox can be connected with (core/oauth holds their endpoints and scopes). */
export const oauthProviderIds = ["google", "microsoft"] as const;
export type OAuthProviderId = (typeof oauthProviderIds)[number];

/**
 * Provider presets: the servers, user-name style and sign-in rules of the mail services our
 * users have, so that picking "Gmail" (or typing a gmail.com address) fills everything in.
 * The one provider table: presets, address domain -> provider, server host -> provider (the
 * autodiscovery and the diagnosis both ask here) and, through provider-steps.ts, the steps a
 * person follows at the provider.
 *
 * Sources, checked 2026: the providers' own help pages, Thunderbird's ISPDB
 * (github.com/thunderbird/autoconfig, ispdb/*.xml: the domain lists and MX names), and Gmail's
 * Japanese Sent folder "[Gmail]/送信済みメール" as a Japanese-language mailbox shows it.
 */

export type UsernameStyle = "email" | "localpart";
export const usernameStyles = ["email", "localpart"] as const;

/**
 * How a password login works: "app_password" = the account password is refused, an app
 * password is needed; "oauth2_only" = no password of any kind works (Microsoft);
 * "password" = the mailbox password works (an app password only under two-step verification).
 */
export type AuthMode = "app_password" | "oauth2_only" | "password";
export const authModes = ["app_password", "oauth2_only", "password"] as const;

/** Zoho's data centres; the accounts of one live only there. */
export const zohoRegions = ["com", "eu", "in", "com.au", "jp", "zohocloud.ca"] as const;
export type ZohoRegion = (typeof zohoRegions)[number];

export interface ServerPreset {
  host: string;
  port: number;
  security: SecurityMode;
}

type Localised<T = string> = Record<Lang, T>;

export interface ProviderPreset extends ProviderSteps {
  id: ProviderId;
  label: Localised;
  /** null only for "other": the user types the servers. */
  imap: ServerPreset | null;
  smtp: ServerPreset | null;
  /** What to log in with: the whole address or the part before "@". */
  username: UsernameStyle;
  /** Default of the account's saveSentCopy: false where the provider files sent mail itself. */
  saveSentCopy: boolean;
  auth: AuthMode;
  /**
   * Domains of the provider's own addresses. "name.*" stands for name.<country or generic
   * TLD> (hotmail.fr, hotmail.co.jp), never name.<anything>.<tld>: see domainMatches.
   */
  domains: readonly string[];
  /**
   * Domains the provider's server host names end in, beyond the preset servers (aliases such as
   * imap.googlemail.com, regional hosts): see providerForHost.
   */
  serverDomains: readonly string[];
  /** Where sent mail usually is, for the user to recognise; sync uses the \Sent flag. */
  sentFolder: Localised | null;
  /** OAuth2 scopes, for the providers where OAuth is the way in. */
  oauthScopes?: readonly string[];
  /** Zoho: the data centre these servers belong to, and the ones to choose from. */
  region?: ZohoRegion;
  regions?: readonly ZohoRegion[];
}

const tls = (host: string, port = 993): ServerPreset => ({ host, port, security: "tls" });
const starttls = (host: string, port = 587): ServerPreset => ({ host, port, security: "starttls" });

// Microsoft's consumer domains (ISPDB hotmail.com.xml lists ~100 country variants of these).
const MICROSOFT_CONSUMER = ["outlook.*", "hotmail.*", "live.*", "msn.com", "windowslive.com", "passport.com", "livemail.tw"];

/** Zoho's host suffix per data centre: Canada is the odd one (imap.zohocloud.ca, not imap.zoho.ca). */
const zohoBase = (region: ZohoRegion): string => (region === "zohocloud.ca" ? "zohocloud.ca" : `zoho.${region}`);

/** Zoho's personal (free) address domains and the data centre each lives in. */
const ZOHO_PERSONAL_DOMAINS: Record<string, ZohoRegion> = {
  "zoho.com": "com",
  "zohomail.com": "com",
  "zoho.eu": "eu",
  "zohomail.eu": "eu",
  "zoho.in": "in",
  "zohomail.in": "in",
  "zoho.com.au": "com.au",
  "zohomail.com.au": "com.au",
  "zoho.jp": "jp",
  "zohomail.jp": "jp",
  "zohocloud.ca": "zohocloud.ca",
  "zohomail.ca": "zohocloud.ca",
};

const zohoAccountsHost = (region: ZohoRegion) => `accounts.${zohoBase(region)}`;

function zohoPreset(region: ZohoRegion, organisation: boolean): ProviderPreset {
  const base = zohoBase(region);
  const imapName = organisation ? "imappro" : "imap";
  const smtpName = organisation ? "smtppro" : "smtp";
  return {
    id: organisation ? "zoho_pro" : "zoho",
    label: organisation ? { en: "Zoho Mail (organisation)", ja: "Zoho メール（組織）" } : { en: "Zoho Mail (personal)", ja: "Zoho メール（個人）" },
    imap: tls(`${imapName}.${base}`),
    // 465 implicit TLS (587 STARTTLS also works): Zoho's "IMAP access" help page.
    smtp: tls(`${smtpName}.${base}`, 465),
    username: "email",
    saveSentCopy: true,
    auth: "password",
    // Organisation accounts use the company's own domain: found by MX (mx.zoho.<dc>), not here.
    domains: organisation ? [] : Object.keys(ZOHO_PERSONAL_DOMAINS),
    // Zoho's hosts carry the data centre: providerForHost reads them by pattern.
    serverDomains: [],
    sentFolder: { en: "Sent", ja: "Sent" },
    ...zohoSteps(zohoAccountsHost(region), organisation),
    region,
    regions: zohoRegions,
  };
}

const MICROSOFT_OAUTH = ["https://outlook.office.com/IMAP.AccessAsUser.All", "https://outlook.office.com/SMTP.Send", "offline_access"] as const;

const PRESETS: Record<Exclude<ProviderId, "zoho" | "zoho_pro">, ProviderPreset> = {
  gmail: {
    id: "gmail",
    label: { en: "Gmail / Google Workspace", ja: "Gmail / Google Workspace" },
    imap: tls("imap.gmail.com"),
    // 465 implicit TLS; 587 STARTTLS also works.
    smtp: tls("smtp.gmail.com", 465),
    username: "email",
    // Gmail files what it sends into Sent itself: an APPENDed copy would be a duplicate.
    saveSentCopy: false,
    auth: "app_password",
    domains: ["gmail.com", "googlemail.com"],
    serverDomains: ["gmail.com", "googlemail.com"],
    // The folder name follows the mailbox's language: a Japanese mailbox shows the Japanese one.
    sentFolder: { en: "[Gmail]/Sent Mail", ja: "[Gmail]/送信済みメール" },
    ...PROVIDER_STEPS.gmail,
    oauthScopes: ["https://mail.google.com/"],
  },
  microsoft365: {
    id: "microsoft365",
    label: { en: "Microsoft 365 (Exchange Online)", ja: "Microsoft 365（Exchange Online）" },
    imap: tls("outlook.office365.com"),
    smtp: starttls("smtp.office365.com"),
    username: "email",
    saveSentCopy: false,
    auth: "oauth2_only",
    // Company domains: recognised by their MX (*.mail.protection.outlook.com), not by name.
    domains: [],
    serverDomains: ["office365.com", "office.com"],
    sentFolder: { en: "Sent Items", ja: "送信済みアイテム" },
    ...PROVIDER_STEPS.microsoft365,
    oauthScopes: MICROSOFT_OAUTH,
  },
  outlook: {
    id: "outlook",
    label: { en: "Outlook.com / Hotmail / Live", ja: "Outlook.com / Hotmail / Live" },
    imap: tls("outlook.office365.com"),
    smtp: starttls("smtp-mail.outlook.com"),
    username: "email",
    saveSentCopy: false,
    auth: "oauth2_only",
    domains: MICROSOFT_CONSUMER,
    serverDomains: ["outlook.com"],
    sentFolder: { en: "Sent Items", ja: "送信済みアイテム" },
    ...PROVIDER_STEPS.outlook,
    oauthScopes: MICROSOFT_OAUTH,
  },
  yahoo: {
    id: "yahoo",
    label: { en: "Yahoo Mail", ja: "Yahoo Mail（米国ほか）" },
    imap: tls("imap.mail.yahoo.com"),
    smtp: tls("smtp.mail.yahoo.com", 465),
    username: "email",
    saveSentCopy: true,
    auth: "app_password",
    // ISPDB yahoo.com.xml; yahoo.co.jp is a different company (Yahoo! JAPAN) and matches
    // exactly there before this pattern is tried.
    domains: ["yahoo.com", "yahoo.*", "ymail.com", "rocketmail.com"],
    serverDomains: ["yahoo.com"],
    sentFolder: { en: "Sent", ja: "Sent" },
    ...PROVIDER_STEPS.yahoo,
  },
  yahoo_japan: {
    id: "yahoo_japan",
    label: { en: "Yahoo! JAPAN Mail", ja: "Yahoo!メール（Yahoo! JAPAN）" },
    // Not an officially supported client setup: IMAP must be switched on by the user.
    imap: tls("imap.mail.yahoo.co.jp"),
    smtp: tls("smtp.mail.yahoo.co.jp", 465),
    // Yahoo! JAPAN logs in with the part before "@", not the whole address (its help pages).
    username: "localpart",
    saveSentCopy: true,
    auth: "password",
    domains: ["yahoo.co.jp", "yahoo.ne.jp", "ymail.ne.jp"],
    serverDomains: ["yahoo.co.jp"],
    sentFolder: null,
    ...PROVIDER_STEPS.yahoo_japan,
  },
  icloud: {
    id: "icloud",
    label: { en: "iCloud Mail", ja: "iCloud メール" },
    imap: tls("imap.mail.me.com"),
    smtp: starttls("smtp.mail.me.com"),
    // Apple documents the name part for IMAP but the whole address also works, and SMTP needs
    // the whole address: one user name for both is the whole address.
    username: "email",
    saveSentCopy: true,
    auth: "app_password",
    domains: ["icloud.com", "me.com", "mac.com"],
    serverDomains: ["me.com", "icloud.com"],
    sentFolder: { en: "Sent Messages", ja: "Sent Messages" },
    ...PROVIDER_STEPS.icloud,
  },
  aol: {
    id: "aol",
    label: { en: "AOL Mail", ja: "AOL メール" },
    imap: tls("imap.aol.com"),
    smtp: tls("smtp.aol.com", 465),
    username: "email",
    saveSentCopy: true,
    auth: "app_password",
    domains: ["aol.com", "aol.*", "aim.com"],
    serverDomains: ["aol.com"],
    sentFolder: { en: "Sent", ja: "Sent" },
    ...PROVIDER_STEPS.aol,
  },
  other: {
    id: "other",
    label: { en: "Other (IMAP)", ja: "その他（IMAP）" },
    imap: null,
    smtp: null,
    username: "email",
    saveSentCopy: true,
    auth: "password",
    domains: [],
    serverDomains: [],
    sentFolder: null,
    ...PROVIDER_STEPS.other,
  },
};

const isProviderId = (value: string): value is ProviderId => (providerIds as readonly string[]).includes(value);
const isZohoRegion = (value: unknown): value is ZohoRegion => (zohoRegions as readonly unknown[]).includes(value);

/** The preset of a provider; Zoho's for the given data centre (default "com"). */
export function presetFor(id: ProviderId, region?: ZohoRegion): ProviderPreset {
  if (id === "zoho" || id === "zoho_pro") {
    if (region !== undefined && !isZohoRegion(region)) throw new RangeError(`unknown Zoho region: ${String(region)}`);
    return zohoPreset(region ?? "com", id === "zoho_pro");
  }
  const preset = PRESETS[id];
  if (!preset) throw new RangeError(`unknown provider: ${String(id)}`);
  return preset;
}

/**
 * Whether an account of this provider keeps a copy of sent mail in Sent by default: not where
 * the provider files sent mail itself (Gmail, Microsoft 365, Outlook.com), where an APPEND
 * would make a second copy. The presets are the one place that says so.
 */
export function defaultSaveSentCopy(provider: string | null | undefined): boolean {
  return (providerIds as readonly string[]).includes(provider ?? "") ? presetFor(provider as ProviderId).saveSentCopy : true;
}

/** Every preset, in the order the console lists them ("other" last); Zoho in its "com" centre. */
export function listPresets(): ProviderPreset[] {
  return providerIds.map((id) => presetFor(id));
}

// The part a "name.*" pattern may stand for: a TLD (fr, com) or a country's second level
// (co.jp, com.au, ne.jp). Never "evil.example": hotmail.evil.example is not Microsoft's.
const PATTERN_SUFFIX = /^([a-z]{2,}|(co|com|ne|or|net|org)\.[a-z]{2})$/;

/** Whether `domain` is `pattern` (an exact name or "name.*", see ProviderPreset.domains). */
export function domainMatches(pattern: string, domain: string): boolean {
  if (!pattern.endsWith(".*")) return pattern === domain;
  const head = pattern.slice(0, -1); // "hotmail."
  return domain.startsWith(head) && PATTERN_SUFFIX.test(domain.slice(head.length));
}

/** The preset whose provider owns this address domain, or undefined (company domains, ISPs). */
export function presetForDomain(rawDomain: string): ProviderPreset | undefined {
  const domain = rawDomain.trim().toLowerCase().replace(/^@/, "").replace(/\.$/, "");
  if (!domain) return undefined;
  const zoho = ZOHO_PERSONAL_DOMAINS[domain];
  if (zoho) return zohoPreset(zoho, false);
  const all = Object.values(PRESETS);
  // Exact names first, so yahoo.co.jp (Yahoo! JAPAN) is never taken by yahoo.* (Yahoo).
  return all.find((p) => p.domains.includes(domain)) ?? all.find((p) => p.domains.some((d) => d.endsWith(".*") && domainMatches(d, domain)));
}

/** The log-in name for an address under a user-name style. */
export function usernameFor(style: UsernameStyle, email: string): string {
  if (style === "email") return email;
  const at = email.lastIndexOf("@");
  return at > 0 ? email.slice(0, at) : email;
}

/**
 * The provider whose servers these are, from a server's host name: lets a configuration found
 * by autoconfig, ISPDB or DNS say "this is Gmail" (Google Workspace on a company domain), and
 * lets the diagnosis give a provider's steps to an account saved as "other".
 */
export function providerForHost(host: string): { id: ProviderId; region?: ZohoRegion } | undefined {
  const h = host.toLowerCase().replace(/\.$/, "");
  const zoho = /^(imap|imappro|smtp|smtppro)\.(zoho\.(com|eu|in|com\.au|jp)|zohocloud\.ca)$/.exec(h);
  if (zoho) {
    const region = (zoho[2] === "zohocloud.ca" ? "zohocloud.ca" : zoho[3]) as ZohoRegion;
    return { id: zoho[1]!.endsWith("pro") ? "zoho_pro" : "zoho", region };
  }
  const all = Object.values(PRESETS);
  for (const p of all) {
    // outlook.office365.com serves both Microsoft 365 and Outlook.com; a company domain that
    // reaches it is Microsoft 365 (Outlook.com addresses were matched by their domain first).
    if (p.id === "outlook") continue;
    if (p.imap?.host === h || p.smtp?.host === h) return { id: p.id };
  }
  if (h === "smtp-mail.outlook.com") return { id: "outlook" };
  // Hosts of the provider that are not the preset's (imap.googlemail.com, p03-imap.mail.me.com)
  const owner = all.find((p) => p.serverDomains.some((d) => h === d || h.endsWith(`.${d}`)));
  if (owner) return { id: owner.id };
  // Zoho outside the data centres above (a new one): its servers, region unknown
  if (/^(imap|smtp)pro\.zoho\./.test(h)) return { id: "zoho_pro" };
  if (/(^|\.)zoho\.[a-z.]+$/.test(h)) return { id: "zoho" };
  return undefined;
}

/** The preset of the provider an account names or, for "other", of its server's host. */
export function presetForAccount(provider: string | null | undefined, host: string): ProviderPreset | undefined {
  const byHost = providerForHost(host);
  const named = provider && provider !== "other" && isProviderId(provider) ? provider : undefined;
  const id = named ?? byHost?.id;
  if (!id) return undefined;
  // the host tells the Zoho data centre (accounts.zoho.eu for an EU account)
  return presetFor(id, id === "zoho" || id === "zoho_pro" ? byHost?.region : undefined);
}
