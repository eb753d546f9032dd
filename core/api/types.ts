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
import { logNotifier, type Notifier } from "../notifications/index";
import type { DeadLetters } from "../queue/index";
import type { JobEndReporter } from "../monitoring/index";
import type { AttachmentStore, SendQueue } from "../sending/index";
import type { OAuthProviders } from "../oauth/index";

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
  /** Where operations events go (sign-in locks, resumed mailboxes); default: the log. */
  notifier?: Notifier;
  /** Queue a mailbox's sync as soon as it is saved with new settings (SYNC_ON_SAVE; default true). */
  syncOnSave?: boolean;
  /** The dead-letter queues admins list and redrive from; without them those routes answer 503. */
  deadLetters?: DeadLetters;
  /** Told how jobs run by the API (a contact import) ended: the job monitor's normal and abnormal ends. */
  jobEnded?: JobEndReporter;
  /** Where composed mail waits for the send function (core/sending); without it sending answers 503. */
  sendQueue?: SendQueue;
  /** Where attachments are uploaded (S3, or a local folder); without it uploads answer 503. */
  attachments?: AttachmentStore;
  /** OAuth2 providers configured for "Connect with Google / Microsoft" (core/oauth); none: no buttons. */
  oauth?: OAuthProviders;
  /** The OAuth2 token endpoint's HTTP client (tests). Default: global fetch. */
  fetch?: typeof fetch;
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

/** The notifier of these deps: the runtime's (mail per the settings), else the log. */
export const notifierOf = (deps: ApiDeps): Notifier => deps.notifier ?? logNotifier(deps.log);
