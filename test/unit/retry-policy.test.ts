import { describe, expect, it } from "vitest";
import { shouldRetry } from "../../core/queue/index";
import { AppError } from "../../core/shared/errors";
import { translateImapError } from "../../core/mail/imap-connection";
import { diagnose, toAppError } from "../../core/mail/diagnosis";
import {
  certificateError,
  imapCommandReported,
  imapConnectTimeout,
  imapMailboxMissing,
  imapNoConnection,
  imapSignInRefused,
  netError,
  smtpRefused,
  socketHangUp,
} from "../support/library-errors";

/**
 * The queue worker's one policy: retry with backoff when a later try can pass, stop when a
 * person has to change something first. Errors are built as the libraries raise them and go
 * through the same translation the sync job uses (translateImapError, diagnosis.ts).
 */
const awsError = (name: string, status: number, retryable?: boolean) =>
  Object.assign(new Error(name), {
    name,
    $fault: status >= 500 ? "server" : "client",
    $metadata: { httpStatusCode: status },
    ...(retryable ? { $retryable: { throttling: true } } : {}),
  });
const smtp = (reply: string) =>
  toAppError(diagnose(smtpRefused("RCPT TO", reply), { protocol: "smtp", host: "smtp.example.com", port: 587, security: "starttls", step: "smtp_send" }));

const retried: [string, unknown][] = [
  ["a refused connection (ECONNREFUSED: the server restarting)", translateImapError(netError("ECONNREFUSED", "connect", { address: "127.0.0.1", port: 993 }))],
  ["a reset connection (ECONNRESET)", translateImapError(netError("ECONNRESET", "read"))],
  ["a connection closed mid-session", translateImapError(imapNoConnection())],
  ["a connect timeout", translateImapError(netError("ETIMEDOUT", "connect", { address: "203.0.113.7", port: 993 }))],
  ["imapflow's connection timeout", translateImapError(imapConnectTimeout())],
  ["Gmail throttling ([THROTTLED])", translateImapError(await imapCommandReported("5 NO [THROTTLED] Account exceeded command or bandwidth limits", "FETCH 1:* UID"))],
  ["too many simultaneous connections", translateImapError(await imapSignInRefused("2 NO [ALERT] Too many simultaneous connections. (Failure)"))],
  ["IMAP [UNAVAILABLE] (a 5xx-like server reply)", translateImapError(await imapCommandReported("5 NO [UNAVAILABLE] Internal server error", "SELECT INBOX"))],
  ["SMTP 421 (service not available)", smtp("421 4.7.0 Try again later, closing connection")],
  ["DynamoDB throttling", awsError("ProvisionedThroughputExceededException", 400, true)],
  ["an AWS 5xx", awsError("InternalServerError", 500)],
  ["a raw socket error", socketHangUp()],
];

describe("retry policy: a retry can help", () => {
  for (const [name, err] of retried) it(`retries ${name}`, () => expect(shouldRetry(err)).toBe(true));
});

const stopped: [string, unknown][] = [
  ["wrong credentials", translateImapError(await imapSignInRefused("2 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)"))],
  ["an app password needed", translateImapError(await imapSignInRefused("2 NO [ALERT] Application-specific password required"))],
  ["a self-signed certificate", translateImapError(certificateError("DEPTH_ZERO_SELF_SIGNED_CERT", "self-signed certificate"))],
  ["an expired certificate", translateImapError(certificateError("CERT_HAS_EXPIRED", "certificate has expired"))],
  ["a missing folder", translateImapError(await imapMailboxMissing("5 NO [NONEXISTENT] Mailbox doesn't exist: Archive", "SELECT Archive"))],
  ["a missing password", new AppError("permanent", "password_missing")],
  ["an AWS access denial", awsError("AccessDeniedException", 403)],
  ["an SMTP 550 rejection", smtp("550 5.1.1 User unknown")],
];

describe("retry policy: a person has to fix it first", () => {
  for (const [name, err] of stopped) it(`does not retry ${name}`, () => expect(shouldRetry(err)).toBe(false));
});
