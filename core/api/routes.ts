import { z } from "zod";
import type { Db } from "../store/db";
import type { SecretStore } from "../secrets/index";
import type { JobQueue } from "../queue/index";
import type { Logger } from "../shared/log";
import type { Lang } from "../shared/i18n";
import { AppError } from "../shared/errors";
import * as users from "../users/index";
import * as accounts from "../accounts/index";
import * as contacts from "../contacts/index";
import { contactHistory, messagePage } from "../messages/index";
import { enqueueNow } from "../sync/jobs";
import type { ApiRequest } from "./http";

export interface ApiDeps {
  db: Db;
  secrets: SecretStore;
  queue: JobQueue;
  log: Logger;
  hostAllowance: accounts.HostAllowance;
  /** The first admin, created on first use when no one has signed up yet. */
  bootstrapAdmin?: () => Promise<{ email: string; password: string } | undefined>;
}

export interface RouteContext<B = any, Q = any> {
  deps: ApiDeps;
  req: ApiRequest;
  lang: Lang;
  params: Record<string, string>;
  body: B;
  query: Q;
  /** Present on every route whose auth is not "public". */
  session: users.Session & { token: string };
}

export interface RouteResult {
  status?: number;
  body?: unknown;
  /** Issue the session cookie for this token. */
  setSession?: string;
  clearSession?: boolean;
}

export interface Route {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  path: string;
  auth: "public" | "user" | "admin";
  summary: string;
  tag: string;
  body?: z.ZodType;
  query?: z.ZodType;
  response?: z.ZodType;
  status?: number;
  handle(ctx: RouteContext): Promise<RouteResult>;
}

const userOutput = z.object({ id: z.string(), email: z.string(), name: z.string(), role: z.enum(["admin", "member"]), createdAt: z.string() });
const sessionOutput = z.object({ user: userOutput, csrfToken: z.string() });
const signInInput = z.strictObject({ email: z.string().trim().min(1).max(320), password: z.string().min(1).max(1024) });
const userInput = z.strictObject({
  email: contacts.emailField,
  name: z.string().trim().min(1).max(200),
  password: z.string().min(12).max(1024),
  role: z.enum(["admin", "member"]),
});
const listOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });
const contactQuery = z.object({ q: z.string().max(200).optional() });
const historyQuery = z.object({
  cursor: z.string().max(2000).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  owner: z.string().max(64).optional(),
});

const accountView = (ctx: RouteContext, record: accounts.AccountRecord) => accounts.toAccountView(record, ctx.lang);
const accountDeps = (ctx: RouteContext): accounts.AccountDeps => ({ db: ctx.deps.db, secrets: ctx.deps.secrets, hostAllowance: ctx.deps.hostAllowance });

export const routes: Route[] = [
  {
    method: "GET", path: "/api/health", auth: "public", tag: "system", summary: "Liveness check",
    response: z.object({ ok: z.literal(true) }),
    handle: async () => ({ body: { ok: true } }),
  },
  {
    method: "POST", path: "/api/session", auth: "public", tag: "session", summary: "Sign in",
    body: signInInput, response: sessionOutput,
    async handle(ctx) {
      const user = await users.authenticate(ctx.deps.db, ctx.body.email, ctx.body.password);
      const { token, session } = await users.createSession(ctx.deps.db, user);
      ctx.deps.log.info("session.created", { userId: user.id });
      return { body: { user: session.user, csrfToken: session.csrfToken }, setSession: token };
    },
  },
  {
    method: "GET", path: "/api/session", auth: "user", tag: "session", summary: "The signed-in user and the CSRF token",
    response: sessionOutput,
    handle: async (ctx) => ({ body: { user: ctx.session.user, csrfToken: ctx.session.csrfToken } }),
  },
  {
    method: "DELETE", path: "/api/session", auth: "user", tag: "session", summary: "Sign out", status: 204,
    async handle(ctx) {
      await users.deleteSession(ctx.deps.db, ctx.session.token);
      return { status: 204, clearSession: true };
    },
  },
  {
    method: "GET", path: "/api/users", auth: "admin", tag: "users", summary: "List users",
    response: listOf(userOutput),
    handle: async (ctx) => ({ body: { items: await users.listUsers(ctx.deps.db) } }),
  },
  {
    method: "POST", path: "/api/users", auth: "admin", tag: "users", summary: "Add a user", status: 201,
    body: userInput, response: userOutput,
    handle: async (ctx) => ({ status: 201, body: await users.createUser(ctx.deps.db, ctx.body) }),
  },
  {
    method: "DELETE", path: "/api/users/{id}", auth: "admin", tag: "users", summary: "Remove a user", status: 204,
    async handle(ctx) {
      await users.deleteUser(ctx.deps.db, ctx.session.user, ctx.params.id!);
      return { status: 204 };
    },
  },
  {
    method: "GET", path: "/api/accounts", auth: "user", tag: "accounts", summary: "Mailbox accounts the user may see (admins: all)",
    response: listOf(accounts.accountOutput),
    handle: async (ctx) => ({ body: { items: (await accounts.listAccounts(ctx.deps.db, ctx.session.user)).map((a) => accountView(ctx, a)) } }),
  },
  {
    method: "POST", path: "/api/accounts", auth: "user", tag: "accounts", summary: "Connect a mailbox", status: 201,
    body: accounts.accountInput, response: accounts.accountOutput,
    async handle(ctx) {
      const record = await accounts.createAccount(accountDeps(ctx), ctx.session.user, ctx.body);
      ctx.deps.log.info("account.created", { accountId: record.id, ownerId: record.ownerId });
      return { status: 201, body: accountView(ctx, record) };
    },
  },
  {
    method: "GET", path: "/api/accounts/{id}", auth: "user", tag: "accounts", summary: "One mailbox account",
    response: accounts.accountOutput,
    handle: async (ctx) => ({ body: accountView(ctx, await accounts.getAccount(ctx.deps.db, ctx.session.user, ctx.params.id!)) }),
  },
  {
    method: "PATCH", path: "/api/accounts/{id}", auth: "user", tag: "accounts", summary: "Change a mailbox account",
    body: accounts.accountPatch, response: accounts.accountOutput,
    handle: async (ctx) => ({ body: accountView(ctx, await accounts.updateAccount(accountDeps(ctx), ctx.session.user, ctx.params.id!, ctx.body)) }),
  },
  {
    method: "DELETE", path: "/api/accounts/{id}", auth: "user", tag: "accounts", summary: "Disconnect a mailbox and delete its password", status: 204,
    async handle(ctx) {
      await accounts.deleteAccount(accountDeps(ctx), ctx.session.user, ctx.params.id!);
      return { status: 204 };
    },
  },
  {
    method: "POST", path: "/api/accounts/{id}/sync", auth: "user", tag: "accounts", summary: "Sync now", status: 202,
    response: z.object({ jobId: z.string() }),
    async handle(ctx) {
      const account = await accounts.getAccount(ctx.deps.db, ctx.session.user, ctx.params.id!);
      const job = await enqueueNow(ctx.deps.db, ctx.deps.queue, account.id);
      return { status: 202, body: { jobId: job.jobId } };
    },
  },
  {
    method: "GET", path: "/api/contacts", auth: "user", tag: "contacts", summary: "List or search contacts",
    query: contactQuery, response: listOf(contacts.contactOutput),
    handle: async (ctx) => ({ body: { items: await contacts.listContacts(ctx.deps.db, ctx.query.q) } }),
  },
  {
    method: "POST", path: "/api/contacts", auth: "user", tag: "contacts", summary: "Add a contact", status: 201,
    body: contacts.contactInput, response: contacts.contactOutput,
    handle: async (ctx) => ({ status: 201, body: await contacts.createContact(ctx.deps.db, ctx.body) }),
  },
  {
    method: "GET", path: "/api/contacts/{id}", auth: "user", tag: "contacts", summary: "One contact",
    response: contacts.contactOutput,
    handle: async (ctx) => ({ body: await contacts.getContact(ctx.deps.db, ctx.params.id!) }),
  },
  {
    method: "PATCH", path: "/api/contacts/{id}", auth: "user", tag: "contacts", summary: "Change a contact",
    body: contacts.contactPatch, response: contacts.contactOutput,
    handle: async (ctx) => ({ body: await contacts.updateContact(ctx.deps.db, ctx.params.id!, ctx.body) }),
  },
  {
    method: "DELETE", path: "/api/contacts/{id}", auth: "user", tag: "contacts", summary: "Delete a contact", status: 204,
    async handle(ctx) {
      await contacts.deleteContact(ctx.deps.db, ctx.params.id!);
      return { status: 204 };
    },
  },
  {
    method: "GET", path: "/api/contacts/{id}/messages", auth: "user", tag: "contacts", summary: "A contact's email history, newest first",
    query: historyQuery, response: messagePage,
    async handle(ctx) {
      const contact = await contacts.getContact(ctx.deps.db, ctx.params.id!);
      return { body: await contactHistory(ctx.deps.db, contact, { cursor: ctx.query.cursor, limit: ctx.query.limit, ownerId: ctx.query.owner }) };
    },
  },
];

export function assertAdmin(ctx: RouteContext): void {
  if (ctx.session.user.role !== "admin") throw new AppError("forbidden", "admin_only");
}
