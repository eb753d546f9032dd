// API shapes used by the console. Declared here on purpose (not imported from core/) so the
// console only depends on the HTTP contract (GET /api/openapi.json).

export type Role = "admin" | "member";

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
}

export interface SessionInfo {
  user: User;
  csrfToken: string;
}

export type Security = "tls" | "starttls" | "none";

export type AccountState = "init" | "connected" | "syncing" | "authenticationError" | "connectError" | "paused" | "disabled";

export type ProviderId = "gmail" | "microsoft365" | "outlook" | "yahoo" | "yahoo_japan" | "zoho" | "zoho_pro" | "icloud" | "aol" | "other";

export type SharingMode = "private" | "custom" | "public";

export interface ServerSettings {
  host: string;
  port: number;
  security: Security;
  user: string;
}

export interface SmtpSettings extends ServerSettings {
  /** Log in to SMTP with the incoming server's user name and password. */
  sameCredentials: boolean;
}

export interface Sharing {
  mode: SharingMode;
  excludedDomains: string[];
  contactIds: string[];
}

export interface SyncCounts {
  folders: number;
  fetched: number;
  matched: number;
  written: number;
  skipped: number;
  /** Messages the folders listed: matched + unrelated + skipped + gone (absent on older jobs). */
  listed?: number;
  unrelated?: number;
  gone?: number;
}

export interface SyncJob {
  jobId: string;
  status: string;
  reason: string;
  enqueuedAt: string | null;
  startedAt: string | null;
  endedAt: string | null;
  counts: SyncCounts | null;
  error: string | null;
}

/** A message the sync could not store (GET /api/accounts/{id}/skipped). */
export interface SkippedMessage {
  folder: string;
  uid: number;
  reason: "unreadable" | "unparsable" | "no_addresses";
  attempts: number;
  /** No more retries. */
  permanent: boolean;
  at: string;
}

export interface Account {
  id: string;
  ownerId: string;
  email: string;
  displayName: string | null;
  provider: ProviderId;
  imap: ServerSettings;
  smtp: SmtpSettings | null;
  allowInsecureCerts: boolean;
  aliases: string[];
  bccSelf: boolean;
  saveSentCopy: boolean;
  sentFolder: string | null;
  syncFolders: string[] | null;
  sharing: Sharing;
  syncEnabled: boolean;
  initialSyncDays: number;
  hasPassword: boolean;
  hasSmtpPassword: boolean;
  state: AccountState;
  lastSyncAt: string | null;
  lastError: { code: string; message: string } | null;
  /** While the first sync runs: how far it is. */
  syncProgress: { folder: string; done: number; total: number } | null;
  lastJob: SyncJob | null;
  createdAt: string;
  updatedAt?: string;
}

/** Every setting the form sends (POST /api/accounts, PATCH, and the connection test). */
export interface AccountSettings {
  email: string;
  displayName?: string | null;
  provider?: ProviderId;
  /** Port is `unknown`-ish so a malformed value reaches the server's validation. */
  imap: { host: string; port: number | string; security: Security; user: string };
  smtp?: { host: string; port: number | string; security: Security; user: string; sameCredentials?: boolean } | null;
  allowInsecureCerts?: boolean;
  aliases?: string[];
  bccSelf?: boolean;
  saveSentCopy?: boolean;
  sentFolder?: string | null;
  syncFolders?: string[];
  sharing?: { mode: SharingMode; excludedDomains?: string[]; contactIds?: string[] };
  syncEnabled?: boolean;
  initialSyncDays?: number | string;
}

/** Body of POST /api/accounts/test: only what a connection needs. */
export interface ConnectionTestInput {
  email?: string;
  provider?: ProviderId;
  imap: AccountSettings["imap"];
  smtp?: AccountSettings["smtp"];
  allowInsecureCerts?: boolean;
  password: string;
  smtpPassword?: string;
}

/** Body of POST /api/accounts. */
export interface AccountInput extends AccountSettings {
  ownerId?: string;
  password?: string;
  smtpPassword?: string;
  saveDisabledOnFailure?: boolean;
}

export type AccountPatch = Partial<Omit<AccountInput, "imap">> & { imap?: Partial<AccountInput["imap"]> };

// ---- Providers and autodiscovery ----------------------------------------------------------

export interface ServerPreset {
  host: string;
  port: number;
  security: Security;
}

export interface ProviderView {
  id: ProviderId;
  /** In the request's language. */
  label: string;
  imap: ServerPreset | null;
  smtp: ServerPreset | null;
  /** What to log in with: the whole address or the part before "@". */
  username: "email" | "localpart";
  saveSentCopy: boolean;
  /** app_password: the account password is refused; oauth2_only: no password works (Microsoft). */
  auth: "app_password" | "oauth2_only" | "password";
  domains: string[];
  sentFolder: string | null;
  /** In the request's language. */
  appPasswordSteps: string[];
  oauthScopes?: string[];
  regions?: { region: string; imap: ServerPreset; smtp: ServerPreset }[];
}

export type DiscoverySource = "admin" | "preset" | "autoconfig" | "ispdb" | "srv" | "mx" | "guess";

export interface DiscoveredServer extends ServerSettings {
  source: DiscoverySource;
}

export interface AutodiscoverResult {
  email: string;
  domain: string;
  provider: ProviderId;
  imap: DiscoveredServer | null;
  smtp: DiscoveredServer | null;
  sources: { step: DiscoverySource; ok: boolean; status: "found" | "none" | "failed" | "timeout" | "skipped"; detail: string; ms: number }[];
}

// ---- Connection test --------------------------------------------------------------------

export type TestStepName = "dns" | "tcp" | "tls" | "imap_login" | "folders" | "smtp_login" | "smtp_send" | "imap_append" | (string & {});

export interface Diagnosis {
  code: string;
  kind?: "transient" | "permanent";
  protocol?: "imap" | "smtp";
  step?: string;
  message?: string;
  cause: string;
  fix: string;
  providerSteps?: string[];
  detail?: string;
}

export interface TestStep {
  step: TestStepName;
  ok: boolean;
  /** Missing or null when the step did not run (an earlier one failed). */
  ms?: number | null;
  detail?: string | null;
  /** Some servers are tested twice (IMAP and SMTP): which one this step belongs to. */
  protocol?: "imap" | "smtp";
  skipped?: boolean;
  diagnosis?: Diagnosis | null;
}

export interface Folder {
  path: string;
  /** The last level, decoded, e.g. "送信済みメール". */
  name: string;
  specialUse?: string | null;
  delimiter?: string;
  /** Decoded full path when `path` is not ("[Gmail]/送信済みメール"). */
  displayPath?: string;
}

export interface ConnectionTestResult {
  ok: boolean;
  steps: TestStep[];
  folders?: Folder[];
  sentFolder?: string | null;
}

/** POST /api/accounts/{id}/test-mail: the sending and the copy in Sent, each on its own. */
export interface TestMailPart {
  ok: boolean;
  skipped?: boolean;
  ms: number;
  diagnosis?: Diagnosis | null;
}

export interface TestMailResult {
  messageId?: string;
  subject?: string;
  sent: TestMailPart & { accepted?: string[]; rejected?: string[]; response?: string };
  savedToSent: TestMailPart & { folder?: string; uid?: number };
}

// ---- Contacts and messages --------------------------------------------------------------

export interface Contact {
  id: string;
  name: string;
  company: string | null;
  primaryEmail: string;
  secondaryEmails: string[];
  createdAt: string;
  updatedAt?: string;
}

export interface ContactInput {
  name: string;
  company?: string | null;
  primaryEmail: string;
  secondaryEmails?: string[];
}

export interface Address {
  name: string | null;
  address: string;
}

export interface Attachment {
  filename: string | null;
  contentType: string;
  /** Bytes as stored on the server (encoded); null when unknown. */
  size: number | null;
}

export interface MessageOwner {
  userId: string;
  accountId: string;
  email: string | null;
  /** The owner's display name (users see their colleagues' names, not just mailbox addresses). */
  name: string | null;
}

export interface MessageSummary {
  id: string;
  date: string;
  /** sent: the mailbox wrote it; received: the contact did; copy: someone else wrote, the contact was in To or Cc. */
  direction: "sent" | "received" | "copy";
  subject: string;
  counterpart: Address;
  from: Address | null;
  to: Address[];
  cc?: Address[];
  owners: MessageOwner[];
  preview: string | null;
  threadId: string;
  /** Keys the message joins its conversation through (core/messages/threads.ts). */
  threadLinks?: string[];
  attachments?: Attachment[];
}

/** GET /api/contacts/{id}/past-mail: whether the contact's past mail is still being fetched. */
export interface PastMailStatus {
  pending: boolean;
  requestedAt: string | null;
  /** When the last mailbox still to search has its job planned to start. */
  expectedAt: string | null;
}

export interface MessageDetail extends MessageSummary {
  messageId?: string | null;
  inReplyTo?: string | null;
  size?: number | null;
  attachments: Attachment[];
  replyTo?: Address[];
  bcc?: Address[];
}

export interface MessageBody {
  text: string;
  truncated: boolean;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

// ---- CSV import (POST /api/contacts/import/preview and /api/contacts/import) ----------------

/** Body of both import routes: the file's bytes, never decoded in the browser. */
export interface ImportRequest {
  filename?: string;
  /** The file in base64 (a FileReader data: URL is accepted as is). */
  contentBase64: string;
}

export type ImportEncoding = "utf-8" | "shift_jis";
export type ImportField = "name" | "company" | "primaryEmail" | "secondaryEmails" | "externalId";

export interface ImportColumn {
  index: number;
  /** The header cell as written in the file. */
  header: string;
  /** null: the column is not imported (unknown header, or a second column for the same field). */
  field: ImportField | null;
}

export interface ImportValues {
  externalId: string | null;
  name: string;
  company: string | null;
  primaryEmail: string;
  secondaryEmails: string[];
}

export interface ImportPreviewRow {
  /** The physical line in the file where the record starts (the header is line 1). */
  line: number;
  values: ImportValues;
  /** In the request's language; empty when the row will be imported. `field` may be "secondaryEmails.2". */
  errors: FieldError[];
  /** What importing the row would do; null for a row with problems (skipped). */
  action: "create" | "update" | "unchanged" | null;
}

export interface ImportPreview {
  filename: string | null;
  encoding: ImportEncoding;
  columns: ImportColumn[];
  counts: { rows: number; valid: number; invalid: number };
  /** What importing would do to the contacts, read when the file was checked. */
  plan: { create: number; update: number; unchanged: number };
  rows: ImportPreviewRow[];
}

export type ImportStatus = "created" | "updated" | "unchanged" | "skipped" | "error";

export interface ImportOutcomeRow {
  line: number;
  status: ImportStatus;
  id: string | null;
  errors: FieldError[];
}

export interface ImportResult {
  filename: string | null;
  encoding: ImportEncoding;
  counts: Record<ImportStatus, number> & { rows: number };
  rows: ImportOutcomeRow[];
}

export interface FieldError {
  field: string;
  code?: string;
  message: string;
}

export interface ErrorBody {
  error: { code: string; message: string; fields?: FieldError[] };
}
