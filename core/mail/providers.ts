import { z } from "zod";
import type { Lang } from "../shared/i18n";
import { securityModes, type SecurityMode } from "./mail-server";

/** Provider presets (PRESETS below fills their servers); "other" is manual. */
export const providerIds = ["gmail", "microsoft365", "outlook", "yahoo", "yahoo_japan", "zoho", "zoho_pro", "icloud", "aol", "other"] as const;
export type ProviderId = (typeof providerIds)[number];

/** The OAuth2 sign-ins a mailbox can be connected with (core/oauth holds their endpoints and scopes). */
export const oauthProviderIds = ["google", "microsoft"] as const;
export type OAuthProviderId = (typeof oauthProviderIds)[number];

/**
 * Provider presets: the servers, user-name style and sign-in rules of the mail services our
 * users have, so that picking "Gmail" (or typing a gmail.com address) fills everything in.
 * Over 400 lines because it is one table (ten providers' servers, user names and steps in two
 * languages); the lookups over it are the few functions at the end.
 *
 * Sources, checked 2026: the providers' own help pages, Thunderbird's ISPDB
 * (github.com/thunderbird/autoconfig, ispdb/*.xml: the domain lists and MX names), Zoho CRM's
 * app-password steps per provider, and Gmail's Japanese Sent folder "[Gmail]/送信済みメール"
 * as a Japanese-language mailbox shows it.
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

export interface ProviderPreset {
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
  /** Where sent mail usually is, for the user to recognise; sync uses the \Sent flag. */
  sentFolder: Localised | null;
  /** Short numbered steps to get a password that works over IMAP (or why none will). */
  appPasswordSteps: Localised<readonly string[]>;
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

function zohoSteps(region: ZohoRegion, organisation: boolean): Localised<readonly string[]> {
  const accounts = zohoAccountsHost(region);
  return {
    en: [
      `Turn on IMAP: in Zoho Mail open Settings → Mail Accounts → IMAP and tick "IMAP Access"${organisation ? " (your organisation's administrator may have to allow IMAP first)" : ""}.`,
      `If two-factor authentication is on, sign in at https://${accounts}, open Security → App Passwords and click "Generate New Password".`,
      `Enter a name such as "CRM Mail Sync" and your current Zoho password, then click Generate.`,
      "Copy the password (it is shown only once) and paste it here as the password.",
    ],
    ja: [
      `IMAPを有効にします。Zoho メールの［設定］→［メールアカウント］→［IMAP］で「IMAPアクセス」にチェックを入れます${organisation ? "（組織の管理者がIMAPを許可している必要があります）" : ""}。`,
      `2段階認証を有効にしている場合は https://${accounts} にサインインし、［セキュリティ］→［アプリケーション固有のパスワード］で［新しいパスワードを生成］をクリックします。`,
      "「CRM Mail Sync」などの端末名と現在のZohoアカウントのパスワードを入力し、［生成］をクリックします。",
      "表示されたパスワード（一度だけ表示されます）をコピーし、ここのパスワード欄に貼り付けます。",
    ],
  };
}

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
    sentFolder: { en: "Sent", ja: "Sent" },
    appPasswordSteps: zohoSteps(region, organisation),
    region,
    regions: zohoRegions,
  };
}

const MICROSOFT_OAUTH = [
  "https://outlook.office.com/IMAP.AccessAsUser.All",
  "https://outlook.office.com/SMTP.Send",
  "offline_access",
] as const;

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
    // The folder name follows the mailbox's language: a Japanese mailbox shows the Japanese one.
    sentFolder: { en: "[Gmail]/Sent Mail", ja: "[Gmail]/送信済みメール" },
    appPasswordSteps: {
      en: [
        "Turn on 2-Step Verification for your Google Account (Google Account → Security).",
        "Open https://myaccount.google.com/apppasswords.",
        'Enter a name such as "CRM Mail Sync" and click Create.',
        "Copy the 16-character password and paste it here as the password. It stops working when you change your Google password.",
        "Check that IMAP is on: Gmail → Settings → Forwarding and POP/IMAP → Enable IMAP (Google Workspace: your administrator may have to allow it).",
      ],
      ja: [
        "Google アカウントで2段階認証プロセスを有効にします（Google アカウント →［セキュリティ］）。",
        "https://myaccount.google.com/apppasswords を開きます。",
        "「CRM Mail Sync」などの名前を入力して［作成］をクリックします。",
        "表示された16文字のパスワードをコピーし、ここのパスワード欄に貼り付けます。Google アカウントのパスワードを変更すると使えなくなります。",
        "IMAPが有効か確認します: Gmail の［設定］→［メール転送と POP/IMAP］→［IMAP を有効にする］（Google Workspace では管理者の許可が必要な場合があります）。",
      ],
    },
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
    sentFolder: { en: "Sent Items", ja: "送信済みアイテム" },
    appPasswordSteps: {
      en: [
        "Password sign-in is disabled: Microsoft has turned off basic authentication for IMAP, and SMTP AUTH with a password is off by default for tenants from the end of December 2026. App passwords do not help.",
        "Use OAuth: connect the mailbox with \"Sign in with Microsoft\".",
        "If that sign-in is refused, ask your Microsoft 365 administrator to allow IMAP and Authenticated SMTP for your mailbox.",
      ],
      ja: [
        "パスワードでのサインインは無効です。Microsoft は IMAP の基本認証を廃止し、SMTP AUTH のパスワード認証も2026年12月末以降のテナントでは既定で無効です。アプリパスワードでも接続できません。",
        "OAuth を使ってください:「Microsoft でサインイン」でメールボックスを接続します。",
        "サインインが拒否される場合は、Microsoft 365 の管理者にメールボックスの IMAP と SMTP 認証（Authenticated SMTP）の許可を依頼してください。",
      ],
    },
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
    sentFolder: { en: "Sent Items", ja: "送信済みアイテム" },
    appPasswordSteps: {
      en: [
        "Password sign-in is disabled: Outlook.com ended app passwords and basic authentication in September 2024.",
        "Use OAuth: connect the mailbox with \"Sign in with Microsoft\".",
      ],
      ja: [
        "パスワードでのサインインは無効です。Outlook.com は2024年9月にアプリパスワードと基本認証を廃止しました。",
        "OAuth を使ってください:「Microsoft でサインイン」でメールボックスを接続します。",
      ],
    },
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
    sentFolder: { en: "Sent", ja: "Sent" },
    appPasswordSteps: {
      en: [
        "Sign in to Yahoo and open Account Info → Account Security.",
        'Click "Generate app password" (two-step verification must be on).',
        'Enter an app name such as "CRM Mail Sync" and click Generate.',
        "Copy the password and paste it here as the password.",
      ],
      ja: [
        "Yahoo にサインインし、［アカウント情報］→［アカウントのセキュリティ］を開きます。",
        "［アプリパスワードを生成］をクリックします（2段階認証が有効である必要があります）。",
        "「CRM Mail Sync」などのアプリ名を入力して［生成］をクリックします。",
        "表示されたパスワードをコピーし、ここのパスワード欄に貼り付けます。",
      ],
    },
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
    sentFolder: null,
    appPasswordSteps: {
      en: [
        'Sign in to Yahoo! JAPAN Mail on the web and open Settings → "IMAP/POP/SMTP access and mail forwarding".',
        'Choose "Also allow access from services other than Yahoo! JAPAN official ones" and save.',
        'The user name is the part of your address before "@"; the password is your Yahoo! JAPAN ID password (set one first if you sign in without a password).',
      ],
      ja: [
        "Web版 Yahoo!メールにログインし、［設定］→［IMAP/POP/SMTPアクセスとメール転送］を開きます。",
        "「Yahoo! JAPAN公式サービス以外からのアクセスも有効にする」を選んで保存します。",
        "ユーザー名はメールアドレスの「@」より前の部分です。パスワードは Yahoo! JAPAN ID のパスワードです（パスワードなしでログインしている場合は先に設定してください）。",
      ],
    },
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
    sentFolder: { en: "Sent Messages", ja: "Sent Messages" },
    appPasswordSteps: {
      en: [
        "Turn on two-factor authentication for your Apple Account.",
        "Sign in at https://account.apple.com and open Sign-In and Security → App-Specific Passwords.",
        'Click "+", enter a label such as "CRM Mail Sync" and click Create.',
        "Copy the password and paste it here as the password.",
      ],
      ja: [
        "Apple アカウントの2ファクタ認証を有効にします。",
        "https://account.apple.com にサインインし、［サインインとセキュリティ］→［App用パスワード］を開きます。",
        "［+］をクリックし、「CRM Mail Sync」などのラベルを入力して［作成］をクリックします。",
        "表示されたパスワードをコピーし、ここのパスワード欄に貼り付けます。",
      ],
    },
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
    sentFolder: { en: "Sent", ja: "Sent" },
    appPasswordSteps: {
      en: [
        "Sign in to AOL and open Account Info → Account Security.",
        'Click "Generate app password".',
        'Enter an app name such as "CRM Mail Sync" and click Generate.',
        "Copy the password and paste it here as the password.",
      ],
      ja: [
        "AOL にサインインし、［アカウント情報］→［アカウントのセキュリティ］を開きます。",
        "［アプリパスワードを生成］をクリックします。",
        "「CRM Mail Sync」などのアプリ名を入力して［生成］をクリックします。",
        "表示されたパスワードをコピーし、ここのパスワード欄に貼り付けます。",
      ],
    },
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
    sentFolder: null,
    appPasswordSteps: {
      en: [
        "If your mailbox uses two-step verification, create an app password in your mail provider's security settings and enter it here instead of your usual password.",
        "If the servers are not detected, ask your IT team for the IMAP and SMTP server names, ports and security.",
      ],
      ja: [
        "2段階認証を使っている場合は、メールサービスのセキュリティ設定でアプリパスワードを作成し、通常のパスワードの代わりにここに入力します。",
        "サーバーが自動で検出されない場合は、IT担当者に IMAP と SMTP のサーバー名、ポート、暗号化方式を確認してください。",
      ],
    },
  },
};

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
 * The provider whose servers these are, from the IMAP host name: lets a configuration found
 * by autoconfig, ISPDB or DNS say "this is Gmail" (Google Workspace on a company domain).
 */
export function providerForHost(host: string): { id: ProviderId; region?: ZohoRegion } | undefined {
  const h = host.toLowerCase().replace(/\.$/, "");
  const zoho = /^(imap|imappro|smtp|smtppro)\.(zoho\.(com|eu|in|com\.au|jp)|zohocloud\.ca)$/.exec(h);
  if (zoho) {
    const region = (zoho[2] === "zohocloud.ca" ? "zohocloud.ca" : zoho[3]) as ZohoRegion;
    return { id: zoho[1]!.endsWith("pro") ? "zoho_pro" : "zoho", region };
  }
  for (const p of Object.values(PRESETS)) {
    // outlook.office365.com serves both Microsoft 365 and Outlook.com; a company domain that
    // reaches it is Microsoft 365 (Outlook.com addresses were matched by their domain first).
    if (p.id === "outlook") continue;
    if (p.imap?.host === h || p.smtp?.host === h) return { id: p.id };
  }
  if (h === "smtp-mail.outlook.com") return { id: "outlook" };
  return undefined;
}

// What the console receives: one language, plain data.
const serverPresetOutput = z.object({ host: z.string(), port: z.number(), security: z.enum(securityModes) });

export const providerOutput = z.object({
  id: z.enum(providerIds),
  label: z.string(),
  imap: serverPresetOutput.nullable(),
  smtp: serverPresetOutput.nullable(),
  username: z.enum(usernameStyles),
  saveSentCopy: z.boolean(),
  auth: z.enum(authModes),
  domains: z.array(z.string()),
  sentFolder: z.string().nullable(),
  appPasswordSteps: z.array(z.string()),
  oauthScopes: z.array(z.string()).optional(),
  /** Zoho: the servers of every data centre. */
  regions: z.array(z.object({ region: z.enum(zohoRegions), imap: serverPresetOutput, smtp: serverPresetOutput })).optional(),
});
export type ProviderView = z.infer<typeof providerOutput>;

export function toProviderView(preset: ProviderPreset, lang: Lang): ProviderView {
  const view: ProviderView = {
    id: preset.id,
    label: preset.label[lang],
    imap: preset.imap,
    smtp: preset.smtp,
    username: preset.username,
    saveSentCopy: preset.saveSentCopy,
    auth: preset.auth,
    domains: [...preset.domains],
    sentFolder: preset.sentFolder?.[lang] ?? null,
    appPasswordSteps: [...preset.appPasswordSteps[lang]],
  };
  if (preset.oauthScopes) view.oauthScopes = [...preset.oauthScopes];
  if (preset.regions) {
    view.regions = preset.regions.map((region) => {
      const p = presetFor(preset.id, region);
      return { region, imap: p.imap!, smtp: p.smtp! };
    });
  }
  return view;
}
