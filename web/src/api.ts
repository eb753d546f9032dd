// Typed client for the CRM Mail Sync HTTP API (same origin, JSON, session cookie).
import type {
  Account,
  AccountInput,
  AccountPatch,
  Contact,
  ContactInput,
  FieldError,
  MessageSummary,
  Page,
  SessionInfo,
  User,
} from "./types";

export type Lang = "en" | "ja";

/** A failed request. `status` 0 means the server could not be reached. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: FieldError[];

  constructor(status: number, code: string, message: string, fields: FieldError[] = []) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.fields = fields;
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

async function request<T>(method: "GET" | "POST" | "PATCH" | "DELETE", path: string, options: RequestOptions = {}): Promise<T> {
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
    throw new ApiError(response.status, code, message, fields);
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

  // Users (admin)
  listUsers: () => request<{ items: User[] }>("GET", "/api/users"),
  createUser: (input: { email: string; name: string; password: string; role: User["role"] }) => request<User>("POST", "/api/users", { body: input }),
  deleteUser: (id: string) => request<void>("DELETE", `/api/users/${enc(id)}`),

  // Mailbox accounts
  listAccounts: () => request<{ items: Account[] }>("GET", "/api/accounts"),
  getAccount: (id: string) => request<Account>("GET", `/api/accounts/${enc(id)}`),
  createAccount: (input: AccountInput) => request<Account>("POST", "/api/accounts", { body: input }),
  updateAccount: (id: string, patch: AccountPatch) => request<Account>("PATCH", `/api/accounts/${enc(id)}`, { body: patch }),
  deleteAccount: (id: string) => request<void>("DELETE", `/api/accounts/${enc(id)}`),
  syncAccount: (id: string) => request<{ jobId: string }>("POST", `/api/accounts/${enc(id)}/sync`),

  // Contacts
  listContacts: (q?: string, signal?: AbortSignal) => request<{ items: Contact[] }>("GET", "/api/contacts", { query: { q }, signal }),
  getContact: (id: string) => request<Contact>("GET", `/api/contacts/${enc(id)}`),
  createContact: (input: ContactInput) => request<Contact>("POST", "/api/contacts", { body: input }),
  updateContact: (id: string, patch: Partial<ContactInput>) => request<Contact>("PATCH", `/api/contacts/${enc(id)}`, { body: patch }),
  deleteContact: (id: string) => request<void>("DELETE", `/api/contacts/${enc(id)}`),
  listMessages: (id: string, cursor?: string | null, limit = 50) =>
    request<Page<MessageSummary>>("GET", `/api/contacts/${enc(id)}/messages`, { query: { cursor, limit } }),
};
