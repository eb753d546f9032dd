// Typed client for the CRM Mail Sync HTTP API (same origin, JSON, session cookie).
import type {
  Account,
  ApiKey,
  ApiKeyInput,
  AuditPage,
  SetupStatus,
  AutodiscoverResult,
  ConnectionTestResult,
  Contact,
  ContactInput,
  ContactPage,
  ContactPatch,
  CreatedApiKey,
  DomainSettings,
  DomainSettingsInput,
  CreatedWebhook,
  ComposeBody,
  Draft,
  DraftMode,
  ExcludedDomains,
  Outgoing,
  Sender,
  SendingSettings,
  UploadTarget,
  ExcludedDomainsSaved,
  FieldError,
  FolderList,
  PastMailStatus,
  ImportPreview,
  ImportRequest,
  ImportResult,
  ImportTemplate,
  MessageBody,
  MessageDetail,
  MessagePage,
  Notification,
  OAuthCallback,
  OAuthProvider,
  OAuthStart,
  ProviderView,
  SessionInfo,
  SkippedMessage,
  TestMailResult,
  User,
  Reply,
  Body,
  Webhook,
  WebhookDelivery,
  WebhookInput,
  WebhookReplay,
  WebhookReplayQueued,
  WebhookTestQueued,
  NotificationSettings,
  NotificationSettingsInput,
  NotificationTestResult,
  LockoutRule,
  PauseRule,
  LockedUser,
  LockRecord,
  OperationsOverview,
  MonitorSettings,
  MonitorSettingsInput,
  DeadLetter,
  MailboxRun,
} from "./types";
import type { AccountBody, AccountPatchBody, ConnectionTestBody } from "../types";

export type Lang = "en" | "ja";

/** A failed request. `status` 0 means the server could not be reached. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: FieldError[];
  /** The whole `error` object of the reply, for extras some routes add (e.g. a diagnosis). */
  readonly body: Record<string, unknown>;

  constructor(status: number, code: string, message: string, fields: FieldError[] = [], body: Record<string, unknown> = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.fields = fields;
    this.body = body;
  }
}

let csrfToken: string | null = null;
let language: Lang = "en";
let onUnauthorized: (() => void) | null = null;

export function setLanguage(lang: Lang): void {
  language = lang;
}

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when a signed-in request gets 401 (the session expired or was revoked). */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | null | undefined>;
  /** 401 is an expected answer here (sign-in, session probe): do not treat it as an expired session. */
  expect401?: boolean;
  signal?: AbortSignal;
}

export async function request<T>(method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE", path: string, options: RequestOptions = {}): Promise<T> {
  let url = path;
  if (options.query) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(options.query)) {
      if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
    }
    const qs = params.toString();
    if (qs) url += `?${qs}`;
  }

  const headers: Record<string, string> = { Accept: "application/json", "Accept-Language": language };
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  const isSignIn = method === "POST" && path === "/api/session";
  if (method !== "GET" && !isSignIn && csrfToken) headers["x-csrf-token"] = csrfToken;

  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      credentials: "same-origin",
      cache: "no-store",
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    throw new ApiError(0, "network_error", "");
  }

  if (response.status === 204) return undefined as T;

  let data: unknown = null;
  const text = await response.text();
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }

  if (!response.ok) {
    const error = (data as { error?: { code?: unknown; message?: unknown; fields?: unknown } } | null)?.error;
    const code = typeof error?.code === "string" ? error.code : `http_${response.status}`;
    const message = typeof error?.message === "string" ? error.message : "";
    const fields = Array.isArray(error?.fields)
      ? (error.fields as unknown[]).filter(
          (f): f is FieldError => typeof f === "object" && f !== null && typeof (f as FieldError).field === "string" && typeof (f as FieldError).message === "string",
        )
      : [];
    if (response.status === 401 && !options.expect401) onUnauthorized?.();
    const raw = error && typeof error === "object" ? (error as Record<string, unknown>) : {};
    throw new ApiError(response.status, code, message, fields, raw);
  }
  return data as T;
}

const enc = encodeURIComponent;

export const api = {
  health: () => request<{ ok: boolean }>("GET", "/api/health"),

  // Session
  getSession: () => request<SessionInfo>("GET", "/api/session", { expect401: true }),
  signIn: (email: string, password: string) => request<SessionInfo>("POST", "/api/session", { body: { email, password }, expect401: true }),
  signOut: () => request<void>("DELETE", "/api/session", { expect401: true }),
  changePassword: (currentPassword: string, newPassword: string) => request<void>("POST", "/api/session/password", { body: { currentPassword, newPassword } }),

  // Users (admin)
  listUsers: () => request<Reply<"getUsers">>("GET", "/api/users"),
  createUser: (input: Body<"postUsers">) => request<Reply<"postUsers">>("POST", "/api/users", { body: input }),
  updateUser: (id: string, patch: Body<"patchUsersId">) => request<User>("PATCH", `/api/users/${enc(id)}`, { body: patch }),
  deactivateUser: (id: string) => request<Reply<"postUsersIdDeactivate">>("POST", `/api/users/${enc(id)}/deactivate`),
  reactivateUser: (id: string) => request<Reply<"postUsersIdReactivate">>("POST", `/api/users/${enc(id)}/reactivate`),
  resetUserPassword: (id: string) => request<Reply<"postUsersIdPassword-reset">>("POST", `/api/users/${enc(id)}/password-reset`),
  deleteUser: (id: string) => request<void>("DELETE", `/api/users/${enc(id)}`),
  /** The public set-password page (#/reset/<token>): no session, no CSRF token needed. */
  usePasswordLink: (token: string, password: string) => request<void>("POST", "/api/password-reset", { body: { token, password }, expect401: true }),

  // Mailbox accounts
  listAccounts: () => request<{ items: Account[] }>("GET", "/api/accounts"),
  getAccount: (id: string) => request<Account>("GET", `/api/accounts/${enc(id)}`),
  createAccount: (input: AccountBody) => request<Account>("POST", "/api/accounts", { body: input }),
  updateAccount: (id: string, patch: AccountPatchBody) => request<Account>("PATCH", `/api/accounts/${enc(id)}`, { body: patch }),
  deleteAccount: (id: string) => request<void>("DELETE", `/api/accounts/${enc(id)}`),
  /** How many stored copies of mail disconnecting the mailbox deletes. */
  accountCopies: (id: string) => request<{ count: number }>("GET", `/api/accounts/${enc(id)}/copies`),
  /** The organisation's excluded domains (admins set them; saving one deletes copies already stored under it). */
  getExcludedDomains: () => request<ExcludedDomains>("GET", "/api/settings/excluded-domains"),
  setExcludedDomains: (domains: string[]) => request<ExcludedDomainsSaved>("PUT", "/api/settings/excluded-domains", { body: { domains } }),
  syncAccount: (id: string) => request<{ jobId: string }>("POST", `/api/accounts/${enc(id)}/sync`),
  /** Messages the sync could not store, with their reasons (owner or admin). */
  listSkipped: (id: string) => request<{ items: SkippedMessage[] }>("GET", `/api/accounts/${enc(id)}/skipped`),
  /** Tests unsaved settings with the password typed in the form; nothing is stored. */
  testSettings: (input: ConnectionTestBody, signal?: AbortSignal) => request<ConnectionTestResult>("POST", "/api/accounts/test", { body: input, signal }),
  /** Tests a saved account with its saved settings, and its saved password or a new one. */
  testAccount: (id: string, secrets: { password?: string; smtpPassword?: string } = {}, signal?: AbortSignal) =>
    request<ConnectionTestResult>("POST", `/api/accounts/${enc(id)}/test`, { body: secrets, signal }),
  /** Sends a test mail to the account's own address and saves it to Sent. */
  sendTestMail: (id: string) => request<TestMailResult>("POST", `/api/accounts/${enc(id)}/test-mail`, { body: {} }),
  listFolders: (id: string) => request<FolderList>("GET", `/api/accounts/${enc(id)}/folders`),

  // OAuth2 sign-in ("Connect with Google / Microsoft"): the browser goes to authorizeUrl, the provider sends it back to /oauth/callback
  oauthProviders: () => request<{ items: OAuthProvider[] }>("GET", "/api/oauth/providers"),
  oauthStart: (provider: OAuthProvider["id"], input: { accountId?: string; loginHint?: string } = {}) =>
    request<OAuthStart>("POST", `/api/oauth/${enc(provider)}/start`, { body: input }),
  oauthCallback: (input: OAuthCallback) => request<Account>("POST", "/api/oauth/callback", { body: input }),

  // Providers and autodiscovery
  listProviders: () => request<{ items: ProviderView[] }>("GET", "/api/providers"),
  autodiscover: (email: string, signal?: AbortSignal) => request<AutodiscoverResult>("POST", "/api/autodiscover", { body: { email }, signal }),
  getSetup: () => request<SetupStatus>("GET", "/api/setup"),
  setSetupDismissed: (dismissed: boolean) => request<SetupStatus>("PUT", "/api/setup", { body: { dismissed } }),
  listAudit: (filter: { area?: string; actorId?: string; from?: string; to?: string; cursor?: string | null }) => request<AuditPage>("GET", "/api/audit", { query: filter }),
  listDomainSettings: () => request<{ items: DomainSettings[] }>("GET", "/api/domain-settings"),
  putDomainSettings: (domain: string, input: DomainSettingsInput) => request<DomainSettings>("PUT", `/api/domain-settings/${enc(domain)}`, { body: input }),
  deleteDomainSettings: (domain: string) => request<void>("DELETE", `/api/domain-settings/${enc(domain)}`),

  // Contacts
  /** order "kana": 50音 order of the フリガナ (else the name), as the Japanese console lists them. */
  listContacts: (q?: string, signal?: AbortSignal, cursor?: string | null, order?: "name" | "kana") =>
    request<ContactPage>("GET", "/api/contacts", { query: { q, cursor, order }, signal }),
  getContact: (id: string) => request<Contact>("GET", `/api/contacts/${enc(id)}`),
  createContact: (input: ContactInput) => request<Contact>("POST", "/api/contacts", { body: input }),
  updateContact: (id: string, patch: ContactPatch) => request<Contact>("PATCH", `/api/contacts/${enc(id)}`, { body: patch }),
  deleteContact: (id: string) => request<void>("DELETE", `/api/contacts/${enc(id)}`),
  /** Checks a CSV file (UTF-8 or Shift_JIS, detected by the server) without writing anything. */
  previewImport: (input: ImportRequest, signal?: AbortSignal) => request<ImportPreview>("POST", "/api/contacts/import/preview", { body: input, signal }),
  /** Imports a CSV file: valid rows are created or updated, invalid rows skipped with their problems. */
  runImport: (input: ImportRequest) => request<ImportResult>("POST", "/api/contacts/import", { body: input }),
  /** The import's CSV template in the user's language (header line and one example row). */
  importTemplate: () => request<ImportTemplate>("GET", "/api/contacts/import/template"),
  /** Whether the contact's past mail (after it gained an address) is still being fetched. */
  getPastMail: (id: string) => request<PastMailStatus>("GET", `/api/contacts/${enc(id)}/past-mail`),
  listMessages: (id: string, options: { cursor?: string | null; limit?: number; owner?: string | null } = {}) =>
    request<MessagePage>("GET", `/api/contacts/${enc(id)}/messages`, { query: { cursor: options.cursor, limit: options.limit ?? 50, owner: options.owner } }),

  // One message (id = MessageSummary.id, which contains "|" and "%": always URL-encoded)
  getMessage: (id: string, signal?: AbortSignal) => request<MessageDetail>("GET", `/api/messages/${enc(id)}`, { signal }),
  /** The full text body, fetched on demand from the owner's IMAP server. Plain text only. */
  getMessageBody: (id: string, signal?: AbortSignal) => request<MessageBody>("GET", `/api/messages/${enc(id)}/body`, { signal }),

  // Integrations (admin): API keys for a CRM, webhook endpoints and their deliveries
  listApiKeys: () => request<{ items: ApiKey[] }>("GET", "/api/api-keys"),
  /** The answer holds the key itself, this once: only its hash is kept. */
  createApiKey: (input: ApiKeyInput) => request<CreatedApiKey>("POST", "/api/api-keys", { body: input }),
  /** The key answers 401 from now on; the list still shows it, revoked. */
  revokeApiKey: (id: string) => request<ApiKey>("DELETE", `/api/api-keys/${enc(id)}`),
  listWebhooks: () => request<{ items: Webhook[] }>("GET", "/api/webhooks"),
  /** The answer holds the endpoint's signing secret, this once. */
  createWebhook: (input: WebhookInput) => request<CreatedWebhook>("POST", "/api/webhooks", { body: input }),
  removeWebhook: (id: string) => request<void>("DELETE", `/api/webhooks/${enc(id)}`),
  enableWebhook: (id: string) => request<Webhook>("POST", `/api/webhooks/${enc(id)}/enable`, { body: {} }),
  testWebhook: (id: string) => request<WebhookTestQueued>("POST", `/api/webhooks/${enc(id)}/test`, { body: {} }),
  listDeliveries: (id: string, signal?: AbortSignal) => request<{ items: WebhookDelivery[] }>("GET", `/api/webhooks/${enc(id)}/deliveries`, { signal }),
  resendDelivery: (id: string, deliveryId: string) => request<void>("POST", `/api/webhooks/${enc(id)}/deliveries/${enc(deliveryId)}/resend`, { body: {} }),
  replayWebhook: (id: string, range: WebhookReplay) => request<WebhookReplayQueued>("POST", `/api/webhooks/${enc(id)}/replay`, { body: range }),
  // Sending from the CRM
  getSendingSettings: () => request<SendingSettings>("GET", "/api/settings/sending"),
  setSendingSettings: (settings: SendingSettings) => request<SendingSettings>("PUT", "/api/settings/sending", { body: settings }),
  /** The signed-in user's mailboxes and the From addresses each may use. */
  listSenders: () => request<{ items: Sender[] }>("GET", "/api/sending/senders"),
  /** Queues the message: it answers at once (202), delivery follows. */
  send: (body: ComposeBody) => request<Outgoing>("POST", "/api/sends", { body }),
  getDraft: (messageId: string, mode: DraftMode) => request<Draft>("GET", `/api/messages/${enc(messageId)}/draft`, { query: { mode } }),
  /** Announces an attachment; the browser then PUTs its bytes to the answer's URL. */
  createUpload: (file: { filename: string; contentType: string; size: number }) => request<UploadTarget>("POST", "/api/uploads", { body: file }),

  /** The signed-in user's notifications of the last 14 days, newest first. */
  listNotifications: () => request<{ items: Notification[] }>("GET", "/api/notifications"),

  // Operations (admin): notification mail, the sign-in lockout and its locked users, the pause rule
  getNotificationSettings: () => request<NotificationSettings>("GET", "/api/settings/notifications"),
  /** `server.password` only when typed: left out, the saved one is kept (if bound to that server). */
  saveNotificationSettings: (input: NotificationSettingsInput) => request<NotificationSettings>("PUT", "/api/settings/notifications", { body: input }),
  sendTestNotification: () => request<NotificationTestResult>("POST", "/api/settings/notifications/test", { body: {} }),
  getLockoutRule: () => request<LockoutRule>("GET", "/api/settings/signin-lockout"),
  saveLockoutRule: (rule: LockoutRule) => request<LockoutRule>("PUT", "/api/settings/signin-lockout", { body: rule }),
  getPauseRule: () => request<PauseRule>("GET", "/api/settings/mailbox-pause"),
  savePauseRule: (rule: PauseRule) => request<PauseRule>("PUT", "/api/settings/mailbox-pause", { body: rule }),
  listLockedUsers: () => request<{ items: LockedUser[] }>("GET", "/api/users/locked"),
  unlockUser: (id: string) => request<void>("POST", `/api/users/${enc(id)}/unlock`, { body: {} }),
  listLockRecords: () => request<{ items: LockRecord[] }>("GET", "/api/signin-locks"),
  // Operations (admin): the overview, the job monitor's settings, dead letters
  operationsOverview: (signal?: AbortSignal) => request<OperationsOverview>("GET", "/api/operations/overview", { signal }),
  getMonitorSettings: () => request<MonitorSettings>("GET", "/api/settings/monitor"),
  saveMonitorSettings: (input: MonitorSettingsInput) => request<MonitorSettings>("PUT", "/api/settings/monitor", { body: input }),
  listDeadLetters: () => request<{ items: DeadLetter[] }>("GET", "/api/dead-letters"),
  redriveDeadLetter: (queue: DeadLetter["queue"], messageId: string) =>
    request<{ redriven: true }>("POST", `/api/dead-letters/${enc(queue)}/${enc(messageId)}/redrive`, { body: {} }),
  /** A fingerprint of the mailbox list: the list polls it and reloads only when it changed. */
  accountsVersion: () => request<{ version: string }>("GET", "/api/accounts/version"),
  /** A mailbox's last runs: start, duration, counts and diagnosis. */
  accountRuns: (id: string) => request<{ items: MailboxRun[] }>("GET", `/api/accounts/${enc(id)}/runs`),
};
