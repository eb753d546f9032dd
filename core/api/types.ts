import { z } from "zod";
import type { Db } from "../store/db";
import type { SecretStore } from "../secrets/index";
import type { JobQueue } from "../queue/index";
import type { Logger } from "../shared/log";
import type { Lang } from "../shared/i18n";
import type * as users from "../users/index";
import type { HostAllowance } from "../mail/index";
import type { ApiRequest } from "./http";
import type { RateLimit } from "../store/rate-limit";
import type { ApiScope, WebhookQueue } from "../integrations/index";

export interface ApiDeps {
  db: Db;
  secrets: SecretStore;
  queue: JobQueue;
  log: Logger;
  hostAllowance: HostAllowance;
  /** Extra CA (PEM) trusted for mailbox servers (IMAP and SMTP), e.g. a company CA. */
  imapCa?: string;
  /** Queue a sync of every mailbox when a contact gains an address (default true). */
  syncOnContactChange?: boolean;
  /** In AWS: the secret the Router adds as x-origin-verify; requests without it are refused (see handle.ts checkOrigin). */
  originSecret?: string;
  /** Where webhook test events, resends and replays are queued; without it those routes answer 503. */
  webhookQueue?: WebhookQueue;
  /** The first admin, created on first use when no one has signed up yet. */
  bootstrapAdmin?: () => Promise<{ email: string; password: string } | undefined>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a route without a body or query schema reads them as sent.
export interface RouteContext<B = any, Q = any> {
  deps: ApiDeps;
  req: ApiRequest;
  lang: Lang;
  params: Record<string, string>;
  body: B;
  query: Q;
  /** Present on every route whose auth is not "public". */
  session: users.Session & { token: string };
  /** Set when the caller is an API key (Authorization: Bearer): then `session.user` is the key's integration user. */
  apiKeyId?: string;
}

export interface RouteResult {
  status?: number;
  body?: unknown;
  /** Issue the session cookie for this token. */
  setSession?: string;
  clearSession?: boolean;
}

export interface Route {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  auth: "public" | "user" | "admin";
  summary: string;
  tag: string;
  body?: z.ZodType;
  query?: z.ZodType;
  response?: z.ZodType;
  status?: number;
  /** Counted per signed-in user before the handler runs; over the limit answers 429. */
  rateLimit?: RateLimit;
  /** The API key scope that opens this route to a bearer key; without one the route is for console sessions only. */
  scope?: ApiScope;
  handle(ctx: RouteContext): Promise<RouteResult>;
}

export const listOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });

/** Routes that make the server connect to hosts the user names count against this (see core/accounts/login-limits.ts). */
export { PROBE_LIMIT } from "../accounts/index";
