/*
 * The mailbox form's model, pure (no React, no fetch): the form's state, the reducer every
 * change goes through, where each API error field is shown, and the conversion to the body
 * the API takes. Unit-tested in test/unit/account-form-model.test.ts.
 */
import type { Account, AutodiscoverResult, FieldError, Folder, ProviderId, ProviderView, Security, SharingMode } from "../../api/types";
import type { AccountSettings, DiscoverySource } from "../../types";
import { parseEmails } from "../../contactFields";

export const IMAP_PORT: Record<Security, number> = { tls: 993, starttls: 143, none: 143 };
export const SMTP_PORT: Record<Security, number> = { tls: 465, starttls: 587, none: 587 };
export const SHARING_MODES: SharingMode[] = ["private", "custom", "public"];
export const PROVIDER_ORDER: ProviderId[] = ["gmail", "microsoft365", "outlook", "yahoo", "yahoo_japan", "zoho", "zoho_pro", "icloud", "aol", "other"];

export type Source = DiscoverySource | "manual";

export interface ServerForm {
  host: string;
  port: string;
  security: Security;
  user: string;
}

export interface FormState {
  ownerId: string;
  email: string;
  displayName: string;
  provider: ProviderId;
  imap: ServerForm;
  imapSource: Source | null;
  smtpEnabled: boolean;
  smtp: ServerForm;
  smtpSource: Source | null;
  sameCredentials: boolean;
  allowInsecureCerts: boolean;
  aliases: string;
  bccSelf: boolean;
  /** Added below mail written in the CRM from this mailbox. */
  signature: string;
  saveSentCopy: boolean;
  sentFolder: string;
  /** null: the default (INBOX and the Sent folder). */
  syncFolders: string[] | null;
  sharingMode: SharingMode;
  contactIds: string[];
  excludedDomains: string;
  syncEnabled: boolean;
  initialSyncDays: string;
}

export const emptyServer = (security: Security, port: number): ServerForm => ({ host: "", port: String(port), security, user: "" });

export function blankForm(ownerId: string): FormState {
  return {
    ownerId,
    email: "",
    displayName: "",
    provider: "other",
    imap: emptyServer("tls", 993),
    imapSource: null,
    smtpEnabled: true,
    smtp: emptyServer("tls", 465),
    smtpSource: null,
    sameCredentials: true,
    allowInsecureCerts: false,
    aliases: "",
    bccSelf: false,
    signature: "",
    saveSentCopy: true,
    sentFolder: "",
    syncFolders: null,
    sharingMode: "private",
    contactIds: [],
    excludedDomains: "",
    syncEnabled: true,
    initialSyncDays: "90",
  };
}

export function fromAccount(a: Account): FormState {
  return {
    ownerId: a.ownerId,
    email: a.email,
    displayName: a.displayName ?? "",
    provider: a.provider ?? "other",
    imap: { host: a.imap.host, port: String(a.imap.port), security: a.imap.security, user: a.imap.user },
    imapSource: null,
    smtpEnabled: a.smtp !== null,
    smtp: a.smtp ? { host: a.smtp.host, port: String(a.smtp.port), security: a.smtp.security, user: a.smtp.user } : emptyServer("tls", 465),
    smtpSource: null,
    sameCredentials: a.smtp?.sameCredentials ?? true,
    allowInsecureCerts: a.allowInsecureCerts,
    aliases: (a.aliases ?? []).join("\n"),
    bccSelf: a.bccSelf,
    signature: a.signature ?? "",
    saveSentCopy: a.saveSentCopy,
    sentFolder: a.sentFolder ?? "",
    syncFolders: a.syncFolders,
    sharingMode: a.sharing?.mode ?? "private",
    contactIds: a.sharing?.contactIds ?? [],
    excludedDomains: (a.sharing?.excludedDomains ?? []).join("\n"),
    syncEnabled: a.syncEnabled,
    initialSyncDays: String(a.initialSyncDays ?? 90),
  };
}

export const usernameFor = (style: ProviderView["username"] | undefined, email: string) => {
  if (style !== "localpart") return email;
  const at = email.lastIndexOf("@");
  return at > 0 ? email.slice(0, at) : email;
};

export const portValue = (text: string): number | string => (/^\d+$/.test(text.trim()) ? Number(text.trim()) : text.trim());

/** "example.co.jp, @other.test" -> ["example.co.jp", "other.test"] */
export function parseDomains(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(/[\s,;、，；]+/)) {
    const d = part.trim().replace(/^@/, "").toLowerCase();
    if (d && !out.includes(d)) out.push(d);
  }
  return out;
}

export const domainOf = (email: string) => {
  const at = email.lastIndexOf("@");
  return at > 0
    ? email
        .slice(at + 1)
        .trim()
        .toLowerCase()
    : "";
};
export const looksLikeEmail = (email: string) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim());

/** Modified UTF-7 paths ("&MAFP4TDhMPww7DDrMPww-") are shown by their decoded name instead. */
export const folderLabel = (f: Folder) => (/&[A-Za-z0-9+,]+-/.test(f.path) ? f.name : f.path);
export const isSent = (f: Folder) => (f.specialUse ?? "").toLowerCase() === "\\sent";

export function normaliseFolders(res: unknown): Folder[] {
  const list = Array.isArray(res)
    ? res
    : Array.isArray((res as { items?: unknown })?.items)
      ? (res as { items: unknown[] }).items
      : Array.isArray((res as { folders?: unknown })?.folders)
        ? (res as { folders: unknown[] }).folders
        : [];
  return list
    .filter((f): f is Folder => typeof f === "object" && f !== null && typeof (f as Folder).path === "string")
    .map((f) => ({ ...f, name: typeof f.name === "string" && f.name ? f.name : f.path }));
}

/** Where each error field is shown: "aliases.2" -> "aliases", "sharing.excludedDomains.0" -> "excludedDomains". */
export function fieldKey(field: string): string | null {
  const f = field.replace(/\.\d+$/, "");
  const map: Record<string, string> = {
    ownerId: "ownerId",
    email: "email",
    displayName: "displayName",
    provider: "provider",
    "imap.host": "imap.host",
    "imap.port": "imap.port",
    "imap.security": "imap.security",
    "imap.user": "imap.user",
    imap: "imap.host",
    "smtp.host": "smtp.host",
    "smtp.port": "smtp.port",
    "smtp.security": "smtp.security",
    "smtp.user": "smtp.user",
    smtp: "smtp.host",
    password: "password",
    smtpPassword: "smtpPassword",
    allowInsecureCerts: "allowInsecureCerts",
    aliases: "aliases",
    bccSelf: "bccSelf",
    signature: "signature",
    saveSentCopy: "saveSentCopy",
    sentFolder: "sentFolder",
    syncFolders: "syncFolders",
    "sharing.mode": "sharing",
    sharing: "sharing",
    "sharing.excludedDomains": "excludedDomains",
    "sharing.contactIds": "sharing",
    syncEnabled: "syncEnabled",
    initialSyncDays: "initialSyncDays",
  };
  return map[f] ?? null;
}

export const ADVANCED_FIELDS = new Set([
  "imap.host",
  "imap.port",
  "imap.security",
  "imap.user",
  "smtp.host",
  "smtp.port",
  "smtp.security",
  "smtp.user",
  "smtpPassword",
  "allowInsecureCerts",
  "aliases",
  "bccSelf",
  "signature",
  "saveSentCopy",
  "sentFolder",
  "syncFolders",
  "sharing",
  "excludedDomains",
  "syncEnabled",
  "initialSyncDays",
]);

/** What the form sends: trimmed, parsed, the SMTP user following the IMAP one when shared. */
export function settingsOf(form: FormState): AccountSettings {
  const email = form.email.trim();
  const imapUser = form.imap.user.trim() || email;
  const days = form.initialSyncDays.trim();
  return {
    email,
    displayName: form.displayName.trim() || null,
    provider: form.provider,
    imap: { host: form.imap.host.trim(), port: portValue(form.imap.port), security: form.imap.security, user: imapUser },
    smtp:
      form.smtpEnabled && form.smtp.host.trim()
        ? {
            host: form.smtp.host.trim(),
            port: portValue(form.smtp.port),
            security: form.smtp.security,
            user: form.sameCredentials ? imapUser : form.smtp.user.trim() || imapUser,
            sameCredentials: form.sameCredentials,
          }
        : null,
    allowInsecureCerts: form.allowInsecureCerts,
    aliases: parseEmails(form.aliases),
    bccSelf: form.bccSelf,
    signature: form.signature.trim() ? form.signature : null,
    saveSentCopy: form.saveSentCopy,
    sentFolder: form.sentFolder || null,
    ...(form.syncFolders ? { syncFolders: form.syncFolders } : {}),
    sharing: { mode: form.sharingMode, excludedDomains: parseDomains(form.excludedDomains), contactIds: form.sharingMode === "custom" ? form.contactIds : [] },
    syncEnabled: form.syncEnabled,
    initialSyncDays: /^\d+$/.test(days) ? Number(days) : days,
  };
}

/** Whether the settings reach the same servers as the saved account (then its saved password can be used for a test). */
export function sameConnection(settings: AccountSettings, account: Account): boolean {
  const saved = settingsOf(fromAccount(account));
  return (
    JSON.stringify([settings.email, settings.imap, settings.smtp, settings.allowInsecureCerts]) === JSON.stringify([saved.email, saved.imap, saved.smtp, saved.allowInsecureCerts])
  );
}

/** Why "Test connection" cannot run yet (a message key), or null when it can. */
export function testBlocker(
  settings: AccountSettings,
  options: { useSaved: boolean; password: string; editing: boolean },
): "accountForm.testNeedsHost" | "accountForm.testNeedsPassword" | "accountForm.testNeedsPasswordChanged" | null {
  if (!settings.imap.host) return "accountForm.testNeedsHost";
  // The browser never gets a saved password back: changed settings need it typed again.
  if (!options.useSaved && !options.password) return options.editing ? "accountForm.testNeedsPasswordChanged" : "accountForm.testNeedsPassword";
  return null;
}

/** "aliases.2" names a line of a list: say which value the message is about ("x@y: not an address"). */
export function labelListErrors(fields: FieldError[], settings: AccountSettings): FieldError[] {
  return fields.map((f) => {
    const m = /^(aliases|sharing\.excludedDomains)\.(\d+)$/.exec(f.field);
    if (!m) return f;
    const list = m[1] === "aliases" ? (settings.aliases ?? []) : (settings.sharing?.excludedDomains ?? []);
    const value = list[Number(m[2])];
    return { ...f, message: value ? `${value}: ${f.message}` : f.message };
  });
}

/** What the user already chose by hand and a preset or a discovery must not overwrite. */
export interface Touched {
  /** The IMAP user name was typed: it no longer follows the address. */
  user: boolean;
  /** "Save a copy in Sent" was set: a provider's default no longer applies. */
  saveSent: boolean;
  /** The owner was chosen by hand (admins): it no longer follows the address. */
  owner?: boolean;
}

export type FormAction =
  | { type: "load"; form: FormState }
  | { [K in keyof FormState]: { type: "set"; key: K; value: FormState[K] } }[keyof FormState]
  | { type: "email"; email: string; username: ProviderView["username"] | undefined; touched: Touched; users?: { id: string; email: string }[] }
  | { type: "server"; which: "imap" | "smtp"; patch: Partial<ServerForm> }
  | { type: "security"; which: "imap" | "smtp"; security: Security }
  | { type: "provider"; id: ProviderId; preset: ProviderView | undefined; touched: Touched }
  | { type: "discovered"; result: AutodiscoverResult; preset: ProviderView | undefined; touched: Touched };

/** Every change to the form goes through here. */
export function formReducer(f: FormState, action: FormAction): FormState {
  switch (action.type) {
    case "load":
      return action.form;
    case "set":
      return { ...f, [action.key]: action.value };
    case "email": {
      const imap = action.touched.user ? f.imap : { ...f.imap, user: usernameFor(action.username, action.email.trim()) };
      // a mailbox belongs to the person whose address it is: an admin connecting a colleague's
      // mailbox gets that colleague as owner unless they chose one by hand
      const address = action.email.trim().toLowerCase();
      const holder = action.touched.owner ? undefined : action.users?.find((u) => u.email.toLowerCase() === address);
      return { ...f, email: action.email, imap, ...(holder ? { ownerId: holder.id } : {}) };
    }
    case "server":
      return { ...f, [action.which]: { ...f[action.which], ...action.patch }, [`${action.which}Source`]: "manual" };
    case "security": {
      // A port left at a standard value follows the security; one typed by hand stays.
      const usual = action.which === "imap" ? IMAP_PORT : SMTP_PORT;
      const port = f[action.which].port.trim();
      const standard = port === "" || Object.values(usual).some((p) => String(p) === port);
      return {
        ...f,
        [action.which]: { ...f[action.which], security: action.security, port: standard ? String(usual[action.security]) : f[action.which].port },
        [`${action.which}Source`]: "manual",
      };
    }
    case "provider": {
      const { id, preset, touched } = action;
      const next: FormState = { ...f, provider: id };
      if (preset?.imap) {
        const user = touched.user ? f.imap.user : usernameFor(preset.username, f.email.trim());
        next.imap = { host: preset.imap.host, port: String(preset.imap.port), security: preset.imap.security, user };
        next.imapSource = "preset";
      } else if (id === "other") {
        next.imapSource = f.imap.host ? f.imapSource : null;
      }
      if (preset?.smtp) {
        next.smtp = { host: preset.smtp.host, port: String(preset.smtp.port), security: preset.smtp.security, user: f.smtp.user };
        next.smtpSource = "preset";
        next.smtpEnabled = true;
      }
      if (!touched.saveSent && preset) next.saveSentCopy = preset.saveSentCopy;
      return next;
    }
    case "discovered": {
      const { result, preset, touched } = action;
      const next: FormState = { ...f, provider: result.provider };
      if (result.imap) {
        next.imap = { host: result.imap.host, port: String(result.imap.port), security: result.imap.security, user: touched.user ? f.imap.user : result.imap.user };
        next.imapSource = result.imap.source;
      }
      if (result.smtp) {
        next.smtp = { host: result.smtp.host, port: String(result.smtp.port), security: result.smtp.security, user: result.smtp.user };
        next.smtpSource = result.smtp.source;
        next.smtpEnabled = true;
        // one login for both servers unless what was found names another SMTP user
        next.sameCredentials = f.sameCredentials && result.smtp.user === next.imap.user;
      }
      if (!touched.saveSent && preset) next.saveSentCopy = preset.saveSentCopy;
      return next;
    }
  }
}
