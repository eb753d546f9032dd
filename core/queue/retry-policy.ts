import { AppError } from "../shared/errors";

/**
 * Whether retrying a failed sync job can help: the one policy the queue worker follows
 * (core/sync/sync-account.ts decides with it whether a failed job throws back to the queue,
 * functions/sync.ts whether a record is redelivered with backoff or dropped).
 *
 * Retried, with a growing backoff (backoffSeconds): a refused or reset connection (a server
 * restarting, a load balancer draining), timeouts, throttling ("[THROTTLED]", "too many
 * connections", DynamoDB's ProvisionedThroughputExceeded) and server-side failures (IMAP
 * "[UNAVAILABLE]", SMTP 421, an AWS 5xx). Not retried: anything a person has to fix first: a
 * wrong or changed password (retrying gets the mailbox locked at the provider), a certificate
 * problem, a missing folder, a host the policy refuses, a malformed job.
 *
 * Mail-server errors arrive here already translated, once, at the adapter edge: their kind is
 * the verdict of the diagnosis table (core/mail/diagnosis.ts), which the connection test
 * shares. What is decided here is everything else that can fail a job.
 */
export function shouldRetry(err: unknown): boolean {
  if (err instanceof AppError) return err.kind === "transient" || err.kind === "rateLimited";
  const e = err as { name?: string; code?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } } | null | undefined;
  if (!e || typeof e !== "object") return true;
  // AWS SDK v3: its own verdict first (throttling and transient errors carry $retryable)
  if (e.$retryable) return true;
  if (e.name && AWS_THROTTLING.has(e.name)) return true;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined) return status >= 500 || status === 429;
  if (e.code && NETWORK_CODES.has(e.code)) return true;
  // unknown: one more try costs little; the queue gives up after 3 receives (dead-letter queue)
  return true;
}

const AWS_THROTTLING = new Set([
  "ThrottlingException",
  "ProvisionedThroughputExceededException",
  "RequestLimitExceeded",
  "TooManyRequestsException",
  "TransactionConflictException",
  "InternalServerError",
  "ServiceUnavailable",
]);

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "ECONNABORTED", "TimeoutError"]);
