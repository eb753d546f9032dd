/*
 * Add or edit a mailbox: 1. the address (autodiscovery) or a provider card, 2. sign-in
 * (password or app password, with the provider's steps), 3. advanced settings, 4. the
 * connection test. Saving runs the test on the server; a failure can still be saved disabled.
 */
import { useEffect, useMemo, useRef, useState, type FormEvent, type ReactNode } from "react";
import { api, ApiError } from "../api";
import { AccountStatusPanel, POLL_ACTIVE_MS, syncActive, useProviderLabel, useProviders } from "../accountStatus";
import { DiagnosisBox, TestResults, diagnosisOfSaveError } from "../connectionTest";
import { ErrorBanner, FormField, IconBack, IconChevron, IconWarning, Loading, PageHeader, TextField, errorText, splitFieldErrors, useNotify } from "../components";
import { parseEmails } from "../contactFields";
import { SkippedMessages } from "../skippedMessages";
import { type MessageKey, useI18n } from "../i18n";
import { href, navigate } from "../router";
import type {
  Account,
  AutodiscoverResult,
  ConnectionTestResult,
  Contact,
  Folder,
  ProviderId,
  ProviderView,
  Security,
  SharingMode,
  TestMailResult,
  User,
} from "../api/types";
import type { AccountBody, AccountSettings, DiscoverySource, ShownDiagnosis, ShownStep } from "../types";

const IMAP_PORT: Record<Security, number> = { tls: 993, starttls: 143, none: 143 };
const SMTP_PORT: Record<Security, number> = { tls: 465, starttls: 587, none: 587 };
const SECURITIES: Security[] = ["tls", "starttls", "none"];
const SHARING_MODES: SharingMode[] = ["private", "custom", "public"];
const PROVIDER_ORDER: ProviderId[] = ["gmail", "microsoft365", "outlook", "yahoo", "yahoo_japan", "zoho", "zoho_pro", "icloud", "aol", "other"];

type Source = DiscoverySource | "manual";

interface ServerForm {
  host: string;
  port: string;
  security: Security;
  user: string;
}

interface FormState {
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

const emptyServer = (security: Security, port: number): ServerForm => ({ host: "", port: String(port), security, user: "" });

function blankForm(ownerId: string): FormState {
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

function fromAccount(a: Account): FormState {
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

const usernameFor = (style: ProviderView["username"] | undefined, email: string) => {
  if (style !== "localpart") return email;
  const at = email.lastIndexOf("@");
  return at > 0 ? email.slice(0, at) : email;
};

const portValue = (text: string): number | string => (/^\d+$/.test(text.trim()) ? Number(text.trim()) : text.trim());

/** "example.co.jp, @other.test" -> ["example.co.jp", "other.test"] */
export function parseDomains(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(/[\s,;、，；]+/)) {
    const d = part.trim().replace(/^@/, "").toLowerCase();
    if (d && !out.includes(d)) out.push(d);
  }
  return out;
}

const domainOf = (email: string) => {
  const at = email.lastIndexOf("@");
  return at > 0 ? email.slice(at + 1).trim().toLowerCase() : "";
};
const looksLikeEmail = (email: string) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim());

/** Modified UTF-7 paths ("&MAFP4TDhMPww7DDrMPww-") are shown by their decoded name instead. */
const folderLabel = (f: Folder) => (/&[A-Za-z0-9+,]+-/.test(f.path) ? f.name : f.path);
const isSent = (f: Folder) => (f.specialUse ?? "").toLowerCase() === "\\sent";

function normaliseFolders(res: unknown): Folder[] {
  const list = Array.isArray(res) ? res : Array.isArray((res as { items?: unknown })?.items) ? (res as { items: unknown[] }).items : Array.isArray((res as { folders?: unknown })?.folders) ? (res as { folders: unknown[] }).folders : [];
  return list
    .filter((f): f is Folder => typeof f === "object" && f !== null && typeof (f as Folder).path === "string")
    .map((f) => ({ ...f, name: typeof f.name === "string" && f.name ? f.name : f.path }));
}

/** Where each error field is shown: "aliases.2" -> "aliases", "sharing.excludedDomains.0" -> "excludedDomains". */
function fieldKey(field: string): string | null {
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

const ADVANCED_FIELDS = new Set([
  "imap.host", "imap.port", "imap.security", "imap.user", "smtp.host", "smtp.port", "smtp.security", "smtp.user", "smtpPassword",
  "allowInsecureCerts", "aliases", "bccSelf", "saveSentCopy", "sentFolder", "syncFolders", "sharing", "excludedDomains", "syncEnabled", "initialSyncDays",
]);

/** What the form sends: trimmed, parsed, the SMTP user following the IMAP one when shared. */
function settingsOf(form: FormState): AccountSettings {
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
    saveSentCopy: form.saveSentCopy,
    sentFolder: form.sentFolder || null,
    ...(form.syncFolders ? { syncFolders: form.syncFolders } : {}),
    sharing: { mode: form.sharingMode, excludedDomains: parseDomains(form.excludedDomains), contactIds: form.sharingMode === "custom" ? form.contactIds : [] },
    syncEnabled: form.syncEnabled,
    initialSyncDays: /^\d+$/.test(days) ? Number(days) : days,
  };
}

type Discovery =
  | { status: "idle" }
  | { status: "running"; email: string; domain: string }
  | { status: "done"; email: string; result: AutodiscoverResult }
  | { status: "error"; email: string; domain: string; message: string };

type TestState<T> = { status: "idle" } | { status: "running" } | { status: "done"; result: T; key: string } | { status: "error"; message: string; unavailable?: boolean };

export function AccountFormPage(props: { user: User; id?: string }) {
  const { t, lang } = useI18n();
  const notify = useNotify();
  const editing = props.id !== undefined;
  const isAdmin = props.user.role === "admin";
  const { providers, failed: providersFailed } = useProviders();
  const providerLabel = useProviderLabel(providers);

  const [form, setForm] = useState<FormState>(() => blankForm(props.user.id));
  // Write-only secrets: kept only while the form is open, never loaded from the API.
  const [password, setPassword] = useState("");
  const [smtpPassword, setSmtpPassword] = useState("");
  const [userTouched, setUserTouched] = useState(editing);
  const [saveSentTouched, setSaveSentTouched] = useState(editing);
  const [advancedOpen, setAdvancedOpen] = useState(editing);
  const [account, setAccount] = useState<Account | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [users, setUsers] = useState<User[]>([]);
  const [busy, setBusy] = useState(false);
  const [generalErrors, setGeneralErrors] = useState<string[]>([]);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [saveFailure, setSaveFailure] = useState<{ diagnosis: ShownDiagnosis | null; steps: ShownStep[] | null } | null>(null);
  const [discovery, setDiscovery] = useState<Discovery>({ status: "idle" });
  const [test, setTest] = useState<TestState<ConnectionTestResult>>({ status: "idle" });
  const [mailTest, setMailTest] = useState<TestState<TestMailResult>>({ status: "idle" });
  const [folders, setFolders] = useState<Folder[] | null>(null);
  const [detectedSent, setDetectedSent] = useState<string | null>(null);
  const [foldersBusy, setFoldersBusy] = useState(false);
  const [foldersError, setFoldersError] = useState<string | null>(null);
  const discoveryAbort = useRef<AbortController | null>(null);
  const testResultRef = useRef<HTMLDivElement>(null);
  const topRef = useRef<HTMLDivElement>(null);

  // ---- loading -------------------------------------------------------------------------

  useEffect(() => {
    if (!props.id) return;
    let cancelled = false;
    api
      .getAccount(props.id)
      .then((a) => {
        if (cancelled) return;
        setAccount(a);
        setForm(fromAccount(a));
      })
      .catch((err) => {
        if (!cancelled) setLoadError(err);
      });
    return () => {
      cancelled = true;
    };
  }, [props.id]);

  // The status card follows the sync while it runs (and the first sync's progress bar moves).
  const active = account ? syncActive(account) : false;
  useEffect(() => {
    if (!props.id || !active) return;
    const id = props.id;
    const timer = window.setInterval(() => {
      api
        .getAccount(id)
        .then(setAccount)
        .catch(() => undefined);
    }, POLL_ACTIVE_MS);
    return () => window.clearInterval(timer);
  }, [props.id, active]);

  // Server-side texts (lastError) follow the language.
  const firstLang = useRef(lang);
  useEffect(() => {
    if (!props.id || firstLang.current === lang) return;
    api
      .getAccount(props.id)
      .then(setAccount)
      .catch(() => undefined);
  }, [props.id, lang]);

  useEffect(() => {
    if (!isAdmin) return;
    api
      .listUsers()
      .then((res) => setUsers(res.items))
      .catch(() => undefined);
  }, [isAdmin]);

  const provider = providers?.find((p) => p.id === form.provider) ?? null;

  // ---- field helpers ---------------------------------------------------------------------

  function set<K extends keyof FormState>(key: K, value: FormState[K]) {
    setForm((f) => ({ ...f, [key]: value }));
  }

  function clearFieldError(...paths: string[]) {
    setFieldErrors((e) => {
      if (!paths.some((p) => p in e)) return e;
      const next = { ...e };
      for (const p of paths) delete next[p];
      return next;
    });
  }

  function setServer(which: "imap" | "smtp", patch: Partial<ServerForm>) {
    setForm((f) => ({ ...f, [which]: { ...f[which], ...patch }, [`${which}Source`]: "manual" }));
    for (const k of Object.keys(patch)) clearFieldError(`${which}.${k}`);
  }

  function changeSecurity(which: "imap" | "smtp", security: Security) {
    const usual = which === "imap" ? IMAP_PORT : SMTP_PORT;
    setForm((f) => {
      const port = f[which].port.trim();
      const standard = port === "" || Object.values(usual).some((p) => String(p) === port);
      return { ...f, [which]: { ...f[which], security, port: standard ? String(usual[security]) : f[which].port }, [`${which}Source`]: "manual" };
    });
    clearFieldError(`${which}.security`);
  }

  /** Fills the servers from a preset card. */
  function chooseProvider(id: ProviderId) {
    const preset = providers?.find((p) => p.id === id);
    clearFieldError("provider", "imap.host", "imap.port", "imap.security", "smtp.host", "smtp.port", "smtp.security");
    setForm((f) => {
      const next: FormState = { ...f, provider: id };
      if (preset?.imap) {
        const user = userTouched ? f.imap.user : usernameFor(preset.username, f.email.trim());
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
      if (!saveSentTouched && preset) next.saveSentCopy = preset.saveSentCopy;
      return next;
    });
    if (id === "other") setAdvancedOpen(true);
  }

  /** Looks the address up: admin pin, preset, autoconfig, ISPDB, SRV, MX, guess. */
  async function detect(emailRaw: string) {
    const email = emailRaw.trim();
    if (!looksLikeEmail(email)) return;
    discoveryAbort.current?.abort();
    const controller = new AbortController();
    discoveryAbort.current = controller;
    const domain = domainOf(email);
    setDiscovery({ status: "running", email, domain });
    try {
      const result = await api.autodiscover(email, controller.signal);
      if (controller.signal.aborted) return;
      setDiscovery({ status: "done", email, result });
      applyDiscovery(result);
    } catch (err) {
      if (controller.signal.aborted || (err instanceof DOMException && err.name === "AbortError")) return;
      setDiscovery({ status: "error", email, domain, message: errorText(err, t) });
      setAdvancedOpen(true);
    }
  }

  function applyDiscovery(result: AutodiscoverResult) {
    const preset = providers?.find((p) => p.id === result.provider);
    setForm((f) => {
      const next: FormState = { ...f, provider: result.provider };
      if (result.imap) {
        next.imap = { host: result.imap.host, port: String(result.imap.port), security: result.imap.security, user: userTouched ? f.imap.user : result.imap.user };
        next.imapSource = result.imap.source;
      }
      if (result.smtp) {
        next.smtp = { host: result.smtp.host, port: String(result.smtp.port), security: result.smtp.security, user: result.smtp.user };
        next.smtpSource = result.smtp.source;
        next.smtpEnabled = true;
        // one login for both servers unless what was found names another SMTP user
        next.sameCredentials = f.sameCredentials && result.smtp.user === next.imap.user;
      }
      if (!saveSentTouched && preset) next.saveSentCopy = preset.saveSentCopy;
      return next;
    });
    if (!result.imap) setAdvancedOpen(true);
    clearFieldError("imap.host", "imap.port", "imap.security", "imap.user", "smtp.host", "smtp.port", "smtp.security");
  }

  // ---- what is sent ----------------------------------------------------------------------

  const settings = useMemo(() => settingsOf(form), [form]);

  // What a test result was made from: a later change marks it as stale.
  const testKey = JSON.stringify([settings.imap, settings.smtp, settings.allowInsecureCerts, password, smtpPassword]);

  // ---- connection test -------------------------------------------------------------------

  /** Whether the form's connection settings are still the saved account's. */
  const connectionUnchanged = useMemo(() => {
    if (!account) return false;
    const saved = fromAccount(account);
    const a = { ...settings, provider: undefined };
    const b = { ...settingsOf(saved), provider: undefined };
    return JSON.stringify([a.email, a.imap, a.smtp, a.allowInsecureCerts]) === JSON.stringify([b.email, b.imap, b.smtp, b.allowInsecureCerts]);
  }, [account, settings]);

  async function runTest() {
    if (!settings.imap.host) {
      setTest({ status: "error", message: t("accountForm.testNeedsHost") });
      setAdvancedOpen(true);
      return;
    }
    // A saved account is tested with its saved password; changed settings need it typed again
    // (the browser never gets the saved one back).
    const useSaved = editing && props.id && connectionUnchanged;
    if (!useSaved && !password) {
      setTest({ status: "error", message: editing ? t("accountForm.testNeedsPasswordChanged") : t("accountForm.testNeedsPassword") });
      return;
    }
    const key = testKey;
    setTest({ status: "running" });
    try {
      const smtpSecret = smtpPassword && !form.sameCredentials ? { smtpPassword } : {};
      const result = useSaved
        ? await api.testAccount(props.id!, { ...(password ? { password } : {}), ...smtpSecret })
        : await api.testSettings({
            email: settings.email || undefined,
            provider: settings.provider,
            imap: settings.imap,
            smtp: settings.smtp,
            allowInsecureCerts: settings.allowInsecureCerts,
            password,
            ...smtpSecret,
          });
      setTest({ status: "done", result, key });
      if (result.ok) {
        setSaveFailure(null);
        setGeneralErrors([]);
      }
      if (result.folders?.length) setFolders(normaliseFolders(result.folders));
      if (result.sentFolder !== undefined) setDetectedSent(result.sentFolder ?? null);
    } catch (err) {
      const unavailable = err instanceof ApiError && err.status === 404 && err.code === "route_not_found";
      const fields = err instanceof ApiError ? err.fields : [];
      setTest({ status: "error", message: unavailable ? t("accountForm.testUnavailable") : [errorText(err, t), ...fields.map((f) => f.message)].join(" "), unavailable });
    }
    window.setTimeout(() => testResultRef.current?.scrollIntoView({ block: "nearest", behavior: "smooth" }), 50);
  }

  async function runMailTest() {
    if (!props.id) return;
    setMailTest({ status: "running" });
    try {
      const result = await api.sendTestMail(props.id);
      setMailTest({ status: "done", result, key: testKey });
    } catch (err) {
      const unavailable = err instanceof ApiError && err.status === 404 && err.code === "route_not_found";
      setMailTest({ status: "error", message: unavailable ? t("accountForm.testUnavailable") : errorText(err, t), unavailable });
    }
  }

  async function loadFolders() {
    if (!props.id) return;
    setFoldersBusy(true);
    setFoldersError(null);
    try {
      const res = await api.listFolders(props.id);
      setFolders(normaliseFolders(res));
      if (res.sentFolder !== undefined) setDetectedSent(res.sentFolder);
    } catch (err) {
      setFoldersError(errorText(err, t));
    } finally {
      setFoldersBusy(false);
    }
  }

  // ---- save ------------------------------------------------------------------------------

  async function save(options: { disabled?: boolean } = {}) {
    if (busy) return;
    setBusy(true);
    setGeneralErrors([]);
    setFieldErrors({});
    if (!options.disabled) setSaveFailure(null);
    const secrets = { ...(password ? { password } : {}), ...(smtpPassword && !form.sameCredentials ? { smtpPassword } : {}) };
    const extra = options.disabled ? { saveDisabledOnFailure: true } : {};
    try {
      let saved: Account;
      if (editing && props.id) {
        // An admin may give the mailbox to another user (sent only when changed). PATCH keeps
        // the saved folder list when none is sent: "back to the default" is sent as that default.
        const sent = form.sentFolder || detectedSent || account?.sentFolder;
        const folders = form.syncFolders === null && account?.syncFolders && sent ? { syncFolders: ["INBOX", sent] } : {};
        const owner = isAdmin && account && form.ownerId !== account.ownerId ? { ownerId: form.ownerId } : {};
        saved = await api.updateAccount(props.id, { ...settings, ...folders, ...secrets, ...extra, ...owner });
      } else {
        const input: AccountBody = {
          ...settings,
          ...(isAdmin && form.ownerId !== props.user.id ? { ownerId: form.ownerId } : {}),
          password,
          ...(secrets.smtpPassword ? { smtpPassword: secrets.smtpPassword } : {}),
          ...extra,
        };
        saved = await api.createAccount(input);
      }
      if (options.disabled && !saved.syncEnabled) notify(t("accountForm.savedDisabled", { email: saved.email }), "info");
      else notify(t(editing ? "accountForm.saved" : "accountForm.created", { email: saved.email }));
      setPassword("");
      setSmtpPassword("");
      navigate(editing ? "/accounts" : `/accounts/${encodeURIComponent(saved.id)}`);
    } catch (err) {
      const fields = err instanceof ApiError ? err.fields : [];
      const prefixed = fields.map((f) => {
        const m = /^(aliases|sharing\.excludedDomains)\.(\d+)$/.exec(f.field);
        if (!m) return f;
        const list = m[1] === "aliases" ? settings.aliases ?? [] : settings.sharing?.excludedDomains ?? [];
        const value = list[Number(m[2])];
        return { ...f, message: value ? `${value}: ${f.message}` : f.message };
      });
      const split = splitFieldErrors(prefixed, fieldKey);
      setFieldErrors(split.byField);
      if (Object.keys(split.byField).some((k) => ADVANCED_FIELDS.has(k))) setAdvancedOpen(true);
      const failure = err instanceof ApiError && err.status === 400 ? diagnosisOfSaveError(err.body, fields) : null;
      setSaveFailure(failure);
      const general = failure ? t("accountForm.saveFailedTest") : errorText(err, t) || t("error.fixFields");
      setGeneralErrors([general, ...split.other]);
      setBusy(false);
      window.setTimeout(() => topRef.current?.scrollIntoView({ block: "start", behavior: "smooth" }), 30);
    }
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    void save();
  }

  // ---- rendering -------------------------------------------------------------------------

  const back = (
    <a className="back-link" href={href("/accounts")}>
      <IconBack />
      {t("accountForm.back")}
    </a>
  );

  if (editing && loadError) {
    const notFound = loadError instanceof ApiError && loadError.status === 404;
    return (
      <>
        <PageHeader title={t("accountForm.titleEdit")} back={back} />
        <ErrorBanner messages={[notFound ? t("accountForm.notFound") : errorText(loadError, t)]} />
      </>
    );
  }
  if (editing && !account) {
    return (
      <>
        <PageHeader title={t("accountForm.titleEdit")} back={back} />
        <Loading />
      </>
    );
  }

  const err = (path: string) => fieldErrors[path];
  const ownerChoices = isAdmin ? (users.length ? users : [props.user]) : [];
  // Only a mailbox's owner may widen its sharing (the server refuses it to anyone else, admins
  // included): modes wider than the saved one (a new mailbox starts private) are offered to the owner only.
  const sharingOwner = editing ? account?.ownerId : form.ownerId;
  const mayWiden = sharingOwner === props.user.id;
  const baseMode: SharingMode = editing ? (account?.sharing.mode ?? "private") : "private";
  const tooWide = (mode: SharingMode) => !mayWiden && SHARING_MODES.indexOf(mode) > SHARING_MODES.indexOf(baseMode);
  const passwordLabel = provider?.auth === "app_password" ? t("accountForm.appPassword") : t("accountForm.password");
  const providerName = providerLabel(form.provider);
  const canTestMail = editing && !!account?.smtp;

  return (
    <div className="account-page" ref={topRef}>
      <PageHeader
        title={editing ? t("accountForm.titleEdit") : t("accountForm.titleNew")}
        subtitle={account ? <span data-testid="account-form-subtitle">{account.email}</span> : undefined}
        back={back}
      />

      {account ? <AccountStatusPanel account={account} onChanged={setAccount} /> : null}
      {account ? <SkippedMessages accountId={account.id} refreshKey={account.lastSyncAt} /> : null}

      <ErrorBanner messages={generalErrors} testId="account-form-error" />
      {saveFailure ? (
        <div className="card save-failure" data-testid="account-save-failure">
          {saveFailure.diagnosis ? <DiagnosisBox diagnosis={saveFailure.diagnosis} providerLabel={providerName} testId="save-diagnosis" /> : null}
          {saveFailure.steps?.length ? <TestResults kind="connection" result={{ ok: false, steps: saveFailure.steps }} providerLabel={providerName} testId="save-test-result" /> : null}
          <div className="save-failure__actions">
            <p className="muted">{t("accountForm.saveDisabledHint")}</p>
            <button type="button" className="btn" onClick={() => void save({ disabled: true })} disabled={busy} data-testid="account-save-disabled">
              {t("accountForm.saveDisabled")}
            </button>
          </div>
        </div>
      ) : null}

      <div className="account-layout">
        <form className="form account-form__form" onSubmit={submit} noValidate autoComplete="off">
          {/* 1. Mailbox ------------------------------------------------------------------- */}
          <section className="card form-step" aria-labelledby="step-mailbox">
            <h2 className="form-step__title" id="step-mailbox">
              <span className="form-step__num" aria-hidden="true">1</span>
              {t("accountForm.step1")}
            </h2>
            {!editing ? <p className="form-step__hint">{t("accountForm.step1Hint")}</p> : null}
            {isAdmin ? (
              <FormField label={t("accountForm.owner")} error={err("ownerId")} hint={editing ? t("accountForm.ownerChangeHint") : undefined}>
                {({ id, describedBy, invalid }) => (
                  <select
                    id={id}
                    className="input"
                    value={form.ownerId}
                    onChange={(e) => {
                      set("ownerId", e.target.value);
                      clearFieldError("ownerId");
                    }}
                    aria-describedby={describedBy}
                    aria-invalid={invalid || undefined}
                    data-testid="account-owner"
                  >
                    {ownerChoices.some((u) => u.id === form.ownerId) ? null : <option value={form.ownerId}>{form.ownerId}</option>}
                    {ownerChoices.map((u) => (
                      <option key={u.id} value={u.id}>
                        {u.name ? `${u.name} <${u.email}>` : u.email}
                      </option>
                    ))}
                  </select>
                )}
              </FormField>
            ) : null}
            <FormField label={t("accountForm.email")} error={err("email")}>
              {({ id, describedBy, invalid }) => (
                <div className="input-row">
                  <input
                    id={id}
                    type="email"
                    className="input"
                    value={form.email}
                    onChange={(e) => {
                      const email = e.target.value;
                      setForm((f) => ({ ...f, email, imap: userTouched ? f.imap : { ...f.imap, user: usernameFor(provider?.username, email.trim()) } }));
                      clearFieldError("email");
                    }}
                    onBlur={() => {
                      const email = form.email.trim();
                      const last = discovery.status === "idle" ? "" : discovery.email;
                      if (!editing && looksLikeEmail(email) && email !== last) void detect(email);
                    }}
                    aria-describedby={describedBy}
                    aria-invalid={invalid || undefined}
                    autoComplete="off"
                    spellCheck={false}
                    placeholder="name@example.co.jp"
                    data-testid="account-email"
                  />
                  <button
                    type="button"
                    className="btn"
                    onClick={() => void detect(form.email)}
                    disabled={!looksLikeEmail(form.email) || discovery.status === "running"}
                    data-testid="account-detect"
                  >
                    {t("accountForm.detect")}
                  </button>
                </div>
              )}
            </FormField>
            <DiscoveryBox discovery={discovery} providerLabel={providerLabel} />

            <fieldset className="providers" aria-describedby={providersFailed ? "providers-failed" : undefined}>
              <legend className="field__label">{t("accountForm.chooseProvider")}</legend>
              {providersFailed ? (
                <p id="providers-failed" className="field__hint">
                  {t("accountForm.providersUnavailable")}
                </p>
              ) : null}
              <div className="providers__grid" data-testid="provider-cards">
                {(providers ? PROVIDER_ORDER.filter((id) => providers.some((p) => p.id === id)) : (["other"] as ProviderId[])).map((id) => {
                  const p = providers?.find((x) => x.id === id);
                  const checked = form.provider === id;
                  return (
                    <label key={id} className={`provider-card${checked ? " provider-card--checked" : ""}`} data-testid={`provider-${id}`}>
                      <input type="radio" name="provider" value={id} checked={checked} onChange={() => chooseProvider(id)} className="visually-hidden" />
                      <span className={`provider-card__logo provider-card__logo--${id}`} aria-hidden="true">
                        {providerInitial(id)}
                      </span>
                      <span className="provider-card__text">
                        <span className="provider-card__name">{providerLabel(id)}</span>
                        <span className="provider-card__host">{p?.imap ? p.imap.host : t("provider.otherHint")}</span>
                      </span>
                    </label>
                  );
                })}
              </div>
              {err("provider") ? <p className="field__error">{err("provider")}</p> : null}
            </fieldset>
          </section>

          {/* 2. Sign-in -------------------------------------------------------------------- */}
          <section className="card form-step" aria-labelledby="step-signin">
            <h2 className="form-step__title" id="step-signin">
              <span className="form-step__num" aria-hidden="true">2</span>
              {t("accountForm.step2")}
            </h2>
            {provider?.auth === "oauth2_only" ? (
              <div className="callout callout--warn" data-testid="provider-oauth">
                <IconWarning />
                <div>
                  <p className="callout__title">{t("accountForm.oauthTitle", { provider: providerName })}</p>
                  <p>{t("accountForm.oauthBody")}</p>
                  {provider.appPasswordSteps.length ? (
                    <ul className="callout__list">
                      {provider.appPasswordSteps.map((s, i) => (
                        <li key={i}>{s}</li>
                      ))}
                    </ul>
                  ) : null}
                </div>
              </div>
            ) : provider?.auth === "app_password" ? (
              <div className="callout callout--info" data-testid="provider-app-password">
                <div>
                  <p className="callout__title">{t("accountForm.appPasswordNeeded", { provider: providerName })}</p>
                  {provider.appPasswordSteps.length ? (
                    <>
                      <p className="callout__sub">{t("accountForm.appPasswordHowTo")}</p>
                      <ol className="callout__list">
                        {provider.appPasswordSteps.map((s, i) => (
                          <li key={i}>{s}</li>
                        ))}
                      </ol>
                    </>
                  ) : null}
                </div>
              </div>
            ) : provider && provider.appPasswordSteps.length ? (
              <details className="howto" data-testid="provider-password-steps">
                <summary>{provider.id === "other" ? t("accountForm.passwordHowToGeneric") : t("accountForm.passwordHowTo", { provider: providerName })}</summary>
                <ol>
                  {provider.appPasswordSteps.map((s, i) => (
                    <li key={i}>{s}</li>
                  ))}
                </ol>
              </details>
            ) : null}
            <div className="form__row">
              <TextField
                label={passwordLabel}
                error={err("password")}
                hint={editing && account?.hasPassword ? t("accountForm.passwordSaved") : t("accountForm.passwordHint")}
                type="password"
                value={password}
                placeholder={editing && account?.hasPassword ? "••••••••" : undefined}
                onValueChange={(v) => {
                  setPassword(v);
                  clearFieldError("password");
                  setSaveFailure(null);
                }}
                autoComplete="new-password"
                testId="account-password"
              />
              <TextField
                label={t("accountForm.senderName")}
                error={err("displayName")}
                hint={t("accountForm.senderNameHint")}
                optional
                value={form.displayName}
                onValueChange={(v) => {
                  set("displayName", v);
                  clearFieldError("displayName");
                }}
                testId="account-display-name"
              />
            </div>
          </section>

          {/* 3. Advanced settings ---------------------------------------------------------- */}
          <section className="card form-step" aria-labelledby="step-advanced">
            <h2 className="form-step__title form-step__title--toggle" id="step-advanced">
              <span className="form-step__num" aria-hidden="true">3</span>
              <button
                type="button"
                className="form-step__toggle"
                aria-expanded={advancedOpen}
                aria-controls="advanced-body"
                onClick={() => setAdvancedOpen((o) => !o)}
                data-testid="account-advanced-toggle"
              >
                {t("accountForm.step3")}
                <IconChevron open={advancedOpen} />
              </button>
            </h2>
            {!advancedOpen ? (
              <p className="server-summary" data-testid="account-server-summary">
                <ServerLine label={t("accountForm.incoming")} server={form.imap.host ? form.imap : null} source={form.imapSource} />
                <ServerLine label={t("accountForm.outgoing")} server={form.smtpEnabled && form.smtp.host ? form.smtp : null} source={form.smtpSource} />
              </p>
            ) : null}
            <div id="advanced-body" hidden={!advancedOpen} className="advanced">
              <ServerFields
                which="imap"
                legend={t("accountForm.incoming")}
                server={form.imap}
                source={form.imapSource}
                errors={fieldErrors}
                email={form.email}
                onChange={(patch) => {
                  if ("user" in patch) setUserTouched(true);
                  setServer("imap", patch);
                }}
                onSecurity={(s) => changeSecurity("imap", s)}
              />

              <fieldset className="form__section">
                <legend className="form__legend form__legend--with-source">
                  {t("accountForm.outgoing")}
                  {form.smtpSource && form.smtpEnabled ? <SourceBadge source={form.smtpSource} /> : null}
                </legend>
                {form.smtpEnabled ? (
                  <>
                    <ServerRow which="smtp" server={form.smtp} errors={fieldErrors} onChange={(patch) => setServer("smtp", patch)} onSecurity={(s) => changeSecurity("smtp", s)} />
                    <label className="check">
                      <input
                        type="checkbox"
                        checked={form.sameCredentials}
                        onChange={(e) => set("sameCredentials", e.target.checked)}
                        data-testid="account-smtp-same"
                      />
                      <span className="check__text">
                        <span className="check__label">{t("accountForm.sameCredentials")}</span>
                      </span>
                    </label>
                    {!form.sameCredentials ? (
                      <div className="form__row">
                        <TextField
                          label={t("accountForm.smtpUser")}
                          error={err("smtp.user")}
                          value={form.smtp.user}
                          onValueChange={(v) => setServer("smtp", { user: v })}
                          autoComplete="off"
                          spellCheck={false}
                          testId="account-smtp-user"
                        />
                        <TextField
                          label={t("accountForm.smtpPassword")}
                          error={err("smtpPassword")}
                          hint={editing && account?.hasSmtpPassword ? t("accountForm.smtpPasswordSaved") : t("accountForm.passwordHint")}
                          type="password"
                          value={smtpPassword}
                          placeholder={editing && account?.hasSmtpPassword ? "••••••••" : undefined}
                          onValueChange={(v) => {
                            setSmtpPassword(v);
                            clearFieldError("smtpPassword");
                          }}
                          autoComplete="new-password"
                          testId="account-smtp-password"
                        />
                      </div>
                    ) : null}
                    <p className="inline-hint">
                      <button type="button" className="btn-link" onClick={() => set("smtpEnabled", false)} data-testid="account-smtp-remove">
                        {t("accountForm.removeSmtp")}
                      </button>
                    </p>
                  </>
                ) : (
                  <p className="inline-hint inline-hint--flat">
                    {t("accountForm.noSmtp")}{" "}
                    <button type="button" className="btn-link" onClick={() => set("smtpEnabled", true)} data-testid="account-smtp-add">
                      {t("accountForm.addSmtp")}
                    </button>
                  </p>
                )}
              </fieldset>

              <fieldset className="form__section">
                <legend className="form__legend">{t("accountForm.sectionSecurity")}</legend>
                <label className={`check${form.allowInsecureCerts ? " check--warn" : ""}`}>
                  <input
                    type="checkbox"
                    checked={form.allowInsecureCerts}
                    onChange={(e) => {
                      set("allowInsecureCerts", e.target.checked);
                      clearFieldError("allowInsecureCerts");
                    }}
                    data-testid="account-insecure"
                  />
                  <span className="check__text">
                    <span className="check__label">{t("accountForm.insecure")}</span>
                    <span className={`check__hint${form.allowInsecureCerts ? " check__hint--warn" : ""}`} data-testid="account-insecure-warning">
                      {form.allowInsecureCerts ? <IconWarning /> : null}
                      {t("accountForm.insecureWarning")}
                    </span>
                    {err("allowInsecureCerts") ? <span className="field__error">{err("allowInsecureCerts")}</span> : null}
                  </span>
                </label>
              </fieldset>

              <fieldset className="form__section">
                <legend className="form__legend">{t("accountForm.sectionSending")}</legend>
                <FormField label={t("accountForm.aliases")} error={err("aliases")} hint={t("accountForm.aliasesHint")} optional>
                  {({ id, describedBy, invalid }) => (
                    <textarea
                      id={id}
                      className="input textarea"
                      rows={2}
                      value={form.aliases}
                      onChange={(e) => {
                        set("aliases", e.target.value);
                        clearFieldError("aliases");
                      }}
                      aria-describedby={describedBy}
                      aria-invalid={invalid || undefined}
                      spellCheck={false}
                      data-testid="account-aliases"
                    />
                  )}
                </FormField>
                <div className="check-grid">
                  <Check
                    label={t("accountForm.bccSelf")}
                    hint={t("accountForm.bccSelfHint")}
                    checked={form.bccSelf}
                    onChange={(v) => set("bccSelf", v)}
                    error={err("bccSelf")}
                    testId="account-bcc-self"
                  />
                  <Check
                    label={t("accountForm.saveSentCopy")}
                    hint={t("accountForm.saveSentCopyHint")}
                    checked={form.saveSentCopy}
                    onChange={(v) => {
                      setSaveSentTouched(true);
                      set("saveSentCopy", v);
                    }}
                    error={err("saveSentCopy")}
                    testId="account-save-sent"
                  />
                </div>
                <FolderPicker
                  folders={folders}
                  value={form.sentFolder}
                  detected={detectedSent}
                  error={err("sentFolder")}
                  onChange={(v) => {
                    set("sentFolder", v);
                    clearFieldError("sentFolder");
                  }}
                  canLoad={editing}
                  loading={foldersBusy}
                  loadError={foldersError}
                  onLoad={() => void loadFolders()}
                />
              </fieldset>

              <fieldset className="form__section">
                <legend className="form__legend">{t("accountForm.sectionSync")}</legend>
                <Check
                  label={t("accountForm.syncEnabled")}
                  hint={t("accountForm.syncEnabledHint")}
                  checked={form.syncEnabled}
                  onChange={(v) => {
                    set("syncEnabled", v);
                    clearFieldError("syncEnabled");
                  }}
                  error={err("syncEnabled")}
                  testId="account-sync-enabled"
                />
                <FormField label={t("accountForm.initialSyncDays")} error={err("initialSyncDays")} hint={t("accountForm.initialSyncDaysHint")}>
                  {({ id, describedBy, invalid }) => (
                    <div className="input-unit">
                      <input
                        id={id}
                        className="input input--short"
                        inputMode="numeric"
                        value={form.initialSyncDays}
                        onChange={(e) => {
                          set("initialSyncDays", e.target.value);
                          clearFieldError("initialSyncDays");
                        }}
                        aria-describedby={describedBy}
                        aria-invalid={invalid || undefined}
                        data-testid="account-initial-days"
                      />
                      <span className="input-unit__unit">{t("accountForm.initialSyncDaysUnit")}</span>
                    </div>
                  )}
                </FormField>
                <SyncFoldersPicker
                  folders={folders}
                  value={form.syncFolders}
                  sentFolder={form.sentFolder || detectedSent}
                  error={err("syncFolders")}
                  onChange={(v) => {
                    set("syncFolders", v);
                    clearFieldError("syncFolders");
                  }}
                />
              </fieldset>

              <fieldset className="form__section">
                <legend className="form__legend">{t("accountForm.sectionSharing")}</legend>
                <div className="radio-cards" role="radiogroup" aria-label={t("accountForm.sharingMode")}>
                  <p className="field__label">{t("accountForm.sharingMode")}</p>
                  {SHARING_MODES.map((mode) => (
                    <label key={mode} className={`radio-card${form.sharingMode === mode ? " radio-card--checked" : ""}`}>
                      <input
                        type="radio"
                        name="sharing"
                        value={mode}
                        checked={form.sharingMode === mode}
                        disabled={tooWide(mode) && form.sharingMode !== mode}
                        onChange={() => {
                          set("sharingMode", mode);
                          clearFieldError("sharing");
                        }}
                        data-testid={`account-sharing-${mode}`}
                      />
                      <span className="check__text">
                        <span className="check__label">{t(`accountForm.sharing.${mode}` as MessageKey)}</span>
                        <span className="check__hint">{t(`accountForm.sharing.${mode}Hint` as MessageKey)}</span>
                      </span>
                    </label>
                  ))}
                  {!mayWiden && baseMode !== "public" ? (
                    <p className="field__hint" data-testid="account-sharing-owner-only">
                      {t("accountForm.sharingOwnerOnly")}
                    </p>
                  ) : null}
                  {err("sharing") ? <p className="field__error">{err("sharing")}</p> : null}
                </div>
                {form.sharingMode === "custom" ? <ContactPicker value={form.contactIds} onChange={(ids) => set("contactIds", ids)} /> : null}
                <FormField label={t("accountForm.excludedDomains")} error={err("excludedDomains")} hint={t("accountForm.excludedDomainsHint")} optional>
                  {({ id, describedBy, invalid }) => (
                    <textarea
                      id={id}
                      className="input textarea"
                      rows={2}
                      value={form.excludedDomains}
                      onChange={(e) => {
                        set("excludedDomains", e.target.value);
                        clearFieldError("excludedDomains");
                      }}
                      aria-describedby={describedBy}
                      aria-invalid={invalid || undefined}
                      spellCheck={false}
                      data-testid="account-excluded-domains"
                    />
                  )}
                </FormField>
              </fieldset>
            </div>
          </section>

          <div className="form__actions form__actions--bar">
            <a className="btn" href={href("/accounts")}>
              {t("common.cancel")}
            </a>
            <button type="submit" className="btn btn--primary" disabled={busy} data-testid="account-save">
              {busy ? t("accountForm.savingTesting") : editing ? t("common.save") : t("accountForm.saveAdd")}
            </button>
          </div>
        </form>
        <aside className="account-layout__side">
          {/* 4. Connection test ------------------------------------------------------------ */}
          <section className="card form-step test-card" aria-labelledby="step-test" ref={testResultRef}>
            <h2 className="form-step__title" id="step-test">
              <span className="form-step__num" aria-hidden="true">4</span>
              {t("accountForm.step4")}
            </h2>
            <p className="form-step__hint">{t("accountForm.testIntro")}</p>
            <div className="test-actions">
              <button type="button" className="btn" onClick={() => void runTest()} disabled={test.status === "running"} data-testid="account-test">
                {test.status === "running" ? <span className="spinner spinner--small" aria-hidden="true" /> : null}
                {test.status === "running" ? t("accountForm.testing") : t("accountForm.test")}
              </button>
              <button type="button" className="btn" onClick={() => void runMailTest()} disabled={!canTestMail || mailTest.status === "running"} data-testid="account-test-mail" aria-describedby="test-mail-hint">
                {mailTest.status === "running" ? <span className="spinner spinner--small" aria-hidden="true" /> : null}
                {mailTest.status === "running" ? t("accountForm.testMailSending") : t("accountForm.testMail")}
              </button>
              <span id="test-mail-hint" className="field__hint">
                {canTestMail ? t("accountForm.testMailHint", { email: account!.email }) : editing ? t("accountForm.noSmtp") : t("accountForm.testMailSaveFirst")}
              </span>
            </div>
            <div aria-live="polite">
              {test.status === "running" ? <Loading /> : null}
              {test.status === "error" ? <ErrorBanner messages={[test.message]} testId="account-test-error" /> : null}
              {test.status === "done" ? (
                <TestResults kind="connection" result={test.result} stale={test.key !== testKey} providerLabel={providerName} testId="account-test-result" />
              ) : null}
              {mailTest.status === "error" ? <ErrorBanner messages={[mailTest.message]} testId="account-test-mail-error" /> : null}
              {mailTest.status === "done" ? <TestResults kind="mail" result={mailTest.result} providerLabel={providerName} testId="account-test-mail-result" /> : null}
            </div>
          </section>
        </aside>
      </div>
    </div>
  );
}

function providerInitial(id: ProviderId): string {
  const letters: Record<ProviderId, string> = { gmail: "G", microsoft365: "M", outlook: "O", yahoo: "Y!", yahoo_japan: "Y!", zoho: "Z", zoho_pro: "Z", icloud: "i", aol: "A", other: "@" };
  return letters[id];
}

function SourceBadge(props: { source: Source }) {
  const { t } = useI18n();
  return (
    <span className={`source source--${props.source}`} data-testid="setting-source" data-source={props.source} title={t("source.label", { source: t(`source.${props.source}` as MessageKey) })}>
      {t(`source.${props.source}` as MessageKey)}
    </span>
  );
}

function ServerLine(props: { label: string; server: ServerForm | null; source: Source | null }) {
  const { t } = useI18n();
  return (
    <span className="server-line">
      <span className="server-line__label">{props.label}</span>
      {props.server ? (
        <>
          <code className="server-line__host">
            {props.server.host}:{props.server.port}
          </code>
          <span className="muted">{t(`security.${props.server.security}` as MessageKey)}</span>
          {props.source ? <SourceBadge source={props.source} /> : null}
        </>
      ) : (
        <span className="muted">{t("accountForm.notSet")}</span>
      )}
    </span>
  );
}

function DiscoveryBox(props: { discovery: Discovery; providerLabel: (id: ProviderId) => string }) {
  const { t } = useI18n();
  const d = props.discovery;
  if (d.status === "idle") return null;
  if (d.status === "running") {
    return (
      <div className="discovery discovery--running" role="status" data-testid="account-discovery">
        <span className="spinner spinner--small" aria-hidden="true" />
        {t("accountForm.detecting", { domain: d.domain })}
      </div>
    );
  }
  if (d.status === "error") {
    return (
      <div className="discovery discovery--none" role="status" data-testid="account-discovery" data-status="error">
        {t("accountForm.detectFailed", { error: d.message })}
      </div>
    );
  }
  const r = d.result;
  const found = r.imap !== null;
  return (
    <div className={`discovery${found ? " discovery--found" : " discovery--none"}`} role="status" data-testid="account-discovery" data-status={found ? "found" : "none"}>
      {found ? (
        <>
          <p className="discovery__title">
            {t("accountForm.detected", { domain: r.domain })}
            <span className="discovery__provider">{t("accountForm.detectedProvider", { provider: props.providerLabel(r.provider) })}</span>
          </p>
          <p className="server-summary">
            <ServerLine label={t("accountForm.incoming")} server={r.imap ? { ...r.imap, port: String(r.imap.port) } : null} source={r.imap?.source ?? null} />
            <ServerLine label={t("accountForm.outgoing")} server={r.smtp ? { ...r.smtp, port: String(r.smtp.port) } : null} source={r.smtp?.source ?? null} />
          </p>
        </>
      ) : (
        <p>{t("accountForm.detectNone", { domain: r.domain })}</p>
      )}
      {r.sources.length ? (
        <details className="discovery__details">
          <summary>{t("accountForm.detectDetails")}</summary>
          <ul>
            {r.sources.map((s) => (
              <li key={s.step} data-status={s.status}>
                <span className="discovery__step">{t(`source.${s.step}` as MessageKey)}</span>
                <span className={`discovery__status discovery__status--${s.status}`}>{t(`discovery.status.${s.status}` as MessageKey)}</span>
                {s.status !== "skipped" ? <span className="muted">{t("step.ms", { ms: s.ms })}</span> : null}
                {s.detail ? <span className="discovery__detail">{s.detail}</span> : null}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}

function ServerRow(props: {
  which: "imap" | "smtp";
  server: ServerForm;
  errors: Record<string, string>;
  onChange: (patch: Partial<ServerForm>) => void;
  onSecurity: (s: Security) => void;
}) {
  const { t } = useI18n();
  const { which, server } = props;
  const usual = (which === "imap" ? IMAP_PORT : SMTP_PORT)[server.security];
  const portDiffers = server.port.trim() !== String(usual);
  return (
    <>
      <div className="form__row form__row--server">
        <TextField
          label={t(which === "imap" ? "accountForm.host" : "accountForm.smtpHost")}
          error={props.errors[`${which}.host`]}
          fieldClassName="field--grow"
          value={server.host}
          placeholder={t(which === "imap" ? "accountForm.hostPlaceholder" : "accountForm.smtpHostPlaceholder")}
          onValueChange={(v) => props.onChange({ host: v })}
          autoComplete="off"
          spellCheck={false}
          testId={which === "imap" ? "account-host" : "account-smtp-host"}
        />
        <FormField label={t("accountForm.security")} error={props.errors[`${which}.security`]} className="field--security">
          {({ id, describedBy, invalid }) => (
            <select
              id={id}
              className="input"
              value={server.security}
              onChange={(e) => props.onSecurity(e.target.value as Security)}
              aria-describedby={describedBy}
              aria-invalid={invalid || undefined}
              data-testid={which === "imap" ? "account-security" : "account-smtp-security"}
            >
              {SECURITIES.map((s) => (
                <option key={s} value={s}>
                  {t(`security.${s}` as MessageKey)}
                </option>
              ))}
            </select>
          )}
        </FormField>
        <TextField
          label={t("accountForm.port")}
          error={props.errors[`${which}.port`]}
          fieldClassName="field--port"
          inputMode="numeric"
          value={server.port}
          onValueChange={(v) => props.onChange({ port: v })}
          autoComplete="off"
          testId={which === "imap" ? "account-port" : "account-smtp-port"}
        />
      </div>
      {portDiffers ? (
        <p className="inline-hint" data-testid={which === "imap" ? "account-port-suggest" : "account-smtp-port-suggest"}>
          {t("accountForm.portSuggest", { security: t(`security.${server.security}` as MessageKey), port: usual })}{" "}
          <button type="button" className="btn-link" onClick={() => props.onChange({ port: String(usual) })}>
            {t("accountForm.usePort", { port: usual })}
          </button>
        </p>
      ) : null}
      {server.security === "none" ? (
        <div className="warning">
          <IconWarning />
          <span>{t("accountForm.noneWarning")}</span>
        </div>
      ) : null}
    </>
  );
}

function ServerFields(props: {
  which: "imap";
  legend: string;
  server: ServerForm;
  source: Source | null;
  errors: Record<string, string>;
  email: string;
  onChange: (patch: Partial<ServerForm>) => void;
  onSecurity: (s: Security) => void;
}) {
  const { t } = useI18n();
  return (
    <fieldset className="form__section">
      <legend className="form__legend form__legend--with-source">
        {props.legend}
        {props.source ? <SourceBadge source={props.source} /> : null}
      </legend>
      <ServerRow which="imap" server={props.server} errors={props.errors} onChange={props.onChange} onSecurity={props.onSecurity} />
      <TextField
        label={t("accountForm.user")}
        error={props.errors["imap.user"]}
        hint={t("accountForm.userHint")}
        fieldClassName="field--half"
        value={props.server.user}
        placeholder={props.email}
        onValueChange={(v) => props.onChange({ user: v })}
        autoComplete="off"
        spellCheck={false}
        testId="account-user"
      />
    </fieldset>
  );
}

function Check(props: { label: string; hint?: string; checked: boolean; onChange: (v: boolean) => void; error?: string; testId: string }) {
  return (
    <label className="check">
      <input type="checkbox" checked={props.checked} onChange={(e) => props.onChange(e.target.checked)} data-testid={props.testId} />
      <span className="check__text">
        <span className="check__label">{props.label}</span>
        {props.hint ? <span className="check__hint">{props.hint}</span> : null}
        {props.error ? <span className="field__error">{props.error}</span> : null}
      </span>
    </label>
  );
}

function FolderPicker(props: {
  folders: Folder[] | null;
  value: string;
  detected: string | null;
  error?: string;
  onChange: (v: string) => void;
  canLoad: boolean;
  loading: boolean;
  loadError: string | null;
  onLoad: () => void;
}) {
  const { t } = useI18n();
  const folders = props.folders ?? [];
  const known = folders.some((f) => f.path === props.value);
  const autoFolder = props.detected ?? folders.find(isSent)?.path ?? null;
  const autoLabel = autoFolder ? t("accountForm.sentFolderAutoDetected", { folder: labelOf(folders, autoFolder) }) : t("accountForm.sentFolderAuto");
  const hint: ReactNode = props.folders ? t("accountForm.sentFolderLoaded", { count: folders.length }) : t("accountForm.sentFolderHint");
  return (
    <FormField label={t("accountForm.sentFolder")} error={props.error ?? props.loadError ?? undefined} hint={hint}>
      {({ id, describedBy, invalid }) => (
        <div className="input-row">
          <select
            id={id}
            className="input"
            value={props.value}
            onChange={(e) => props.onChange(e.target.value)}
            aria-describedby={describedBy}
            aria-invalid={invalid || undefined}
            data-testid="account-sent-folder"
          >
            <option value="">{autoLabel}</option>
            {props.value && !known ? <option value={props.value}>{props.value}</option> : null}
            {folders.map((f) => (
              <option key={f.path} value={f.path} data-special-use={f.specialUse ?? ""}>
                {isSent(f) ? t("accountForm.folderWithRole", { name: folderLabel(f), role: t("accountForm.folderSent") }) : folderLabel(f)}
              </option>
            ))}
          </select>
          {props.canLoad ? (
            <button type="button" className="btn" onClick={props.onLoad} disabled={props.loading} data-testid="account-load-folders">
              {props.loading ? t("accountForm.loadingFolders") : t("accountForm.loadFolders")}
            </button>
          ) : null}
        </div>
      )}
    </FormField>
  );
}

function labelOf(folders: Folder[], path: string): string {
  const f = folders.find((x) => x.path === path);
  return f ? folderLabel(f) : path;
}

function SyncFoldersPicker(props: { folders: Folder[] | null; value: string[] | null; sentFolder: string | null; error?: string; onChange: (v: string[] | null) => void }) {
  const { t } = useI18n();
  const folders = props.folders ?? [];
  const sent = props.sentFolder ?? folders.find(isSent)?.path ?? null;
  const defaults = ["INBOX", ...(sent ? [sent] : [])];
  const selected = props.value ?? defaults;
  const paths = [...folders.map((f) => f.path), ...selected.filter((p) => !folders.some((f) => f.path === p))];
  const toggle = (path: string, on: boolean) => {
    const next = on ? [...selected.filter((p) => p !== path), path] : selected.filter((p) => p !== path);
    props.onChange(next.length ? next : null);
  };
  return (
    <fieldset className="sync-folders" data-testid="account-sync-folders">
      <legend className="field__label">{t("accountForm.syncFolders")}</legend>
      {!props.folders ? (
        <p className="field__hint">
          {props.value ? props.value.join(", ") : t("accountForm.syncFoldersDefault")} · {t("accountForm.syncFoldersHint")}
        </p>
      ) : (
        <div className="folder-list">
          {paths.map((path) => {
            const f = folders.find((x) => x.path === path);
            const label = f ? folderLabel(f) : path;
            return (
              <label key={path} className="folder-list__item">
                <input type="checkbox" checked={selected.includes(path)} onChange={(e) => toggle(path, e.target.checked)} data-folder={path} />
                <span>{path.toUpperCase() === "INBOX" ? t("accountForm.folderWithRole", { name: label, role: t("accountForm.folderInbox") }) : label}</span>
                {f && isSent(f) ? <span className="tag">{t("accountForm.folderSent")}</span> : null}
              </label>
            );
          })}
        </div>
      )}
      {props.value ? (
        <button type="button" className="btn-link" onClick={() => props.onChange(null)}>
          {t("accountForm.syncFoldersReset")}
        </button>
      ) : null}
      {props.error ? <p className="field__error">{props.error}</p> : null}
    </fieldset>
  );
}

/** Custom sharing: the contacts whose mail is shared, searched by name, company or address. */
function ContactPicker(props: { value: string[]; onChange: (ids: string[]) => void }) {
  const { t, lang } = useI18n();
  const [query, setQuery] = useState("");
  const [matches, setMatches] = useState<Contact[]>([]);
  const [names, setNames] = useState<Record<string, Contact>>({});

  useEffect(() => {
    const missing = props.value.filter((id) => !names[id]).slice(0, 50);
    if (!missing.length) return;
    let cancelled = false;
    Promise.all(missing.map((id) => api.getContact(id).catch(() => null))).then((found) => {
      if (cancelled) return;
      setNames((n) => ({ ...n, ...Object.fromEntries(found.filter((c): c is Contact => !!c).map((c) => [c.id, c])) }));
    });
    return () => {
      cancelled = true;
    };
  }, [props.value, names]);

  useEffect(() => {
    const q = query.trim();
    if (!q) {
      setMatches([]);
      return;
    }
    const controller = new AbortController();
    const timer = window.setTimeout(() => {
      api
        .listContacts(q, controller.signal)
        .then((res) => setMatches(res.items.slice(0, 8)))
        .catch(() => undefined);
    }, 200);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [query]);

  return (
    <div className="contact-picker" data-testid="account-sharing-contacts">
      <p className="field__label">{t("accountForm.sharingContacts")}</p>
      {props.value.length ? (
        <ul className="chips">
          {props.value.map((id) => {
            const c = names[id];
            const label = c ? c.name : id;
            return (
              <li key={id} className="chip">
                <span>{label}</span>
                {c ? <span className="chip__sub">{c.primaryEmail}</span> : null}
                <button type="button" className="chip__remove" aria-label={t("accountForm.sharingContactRemove", { name: label })} onClick={() => props.onChange(props.value.filter((x) => x !== id))}>
                  ×
                </button>
              </li>
            );
          })}
        </ul>
      ) : (
        <p className="field__hint">{t("accountForm.sharingContactsEmpty")}</p>
      )}
      <input
        type="search"
        className="input"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        placeholder={t("contacts.searchPlaceholder")}
        aria-label={t("accountForm.sharingContactsSearch")}
        lang={lang}
      />
      {matches.length ? (
        <ul className="picker-results">
          {matches
            .filter((c) => !props.value.includes(c.id))
            .map((c) => (
              <li key={c.id}>
                <button
                  type="button"
                  className="picker-results__item"
                  onClick={() => {
                    setNames((n) => ({ ...n, [c.id]: c }));
                    props.onChange([...props.value, c.id]);
                    setQuery("");
                  }}
                >
                  <span className="cell-main">{c.name}</span>
                  <span className="cell-sub">
                    {c.company ? `${c.company} · ` : ""}
                    {c.primaryEmail}
                  </span>
                </button>
              </li>
            ))}
        </ul>
      ) : null}
    </div>
  );
}
