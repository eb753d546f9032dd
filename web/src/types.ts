// API shapes used by the console. Declared here on purpose (not imported from core/) so the
// console only depends on the HTTP contract.

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

export type AccountState = "init" | "connected" | "syncing" | "authenticationError" | "connectError" | "disabled";

export interface ImapSettings {
  host: string;
  port: number;
  security: Security;
  user: string;
}

export interface Account {
  id: string;
  ownerId: string;
  email: string;
  displayName: string;
  imap: ImapSettings;
  allowInsecureCerts: boolean;
  syncEnabled: boolean;
  hasPassword: boolean;
  state: AccountState;
  lastSyncAt: string | null;
  lastError: { code: string; message: string } | null;
  createdAt: string;
}

/** Body of POST /api/accounts. Port is `unknown` so a malformed value reaches the server's validation. */
export interface AccountInput {
  email: string;
  displayName?: string;
  ownerId?: string;
  imap: { host: string; port: number | string; security: Security; user: string };
  password?: string;
  allowInsecureCerts?: boolean;
  syncEnabled?: boolean;
}

export type AccountPatch = Partial<Omit<AccountInput, "imap">> & { imap?: Partial<AccountInput["imap"]> };

export interface Contact {
  id: string;
  name: string;
  company: string | null;
  primaryEmail: string;
  secondaryEmails: string[];
  createdAt: string;
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

export interface MessageSummary {
  id: string;
  date: string;
  direction: "sent" | "received";
  subject: string;
  counterpart: Address;
  from: Address | null;
  to: Address[];
  owners: { userId: string; accountId: string; email: string }[];
  preview: string | null;
  threadId: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface FieldError {
  field: string;
  message: string;
}

export interface ErrorBody {
  error: { code: string; message: string; fields?: FieldError[] };
}
