import { describe, expect, it } from "vitest";
import { shouldRetry } from "../../core/queue/index";
import { AppError } from "../../core/shared/errors";
import { translateImapError } from "../../core/mail/imap-connection";
import { diagnose, toAppError } from "../../core/mail/diagnosis";

/**
 * The queue worker's one policy: retry with backoff when a later try can pass, stop when a
 * person has to change something first. Errors are built as the libraries raise them and go
 * through the same translation the sync job uses (translateImapError, diagnosis.ts).
 */
const netError = (code: string, message: string) => Object.assign(new Error(message), { code, errno: -1, syscall: "connect" });
const imapSaid = (text: string, extra: Record<string, unknown> = {}) => Object.assign(new Error("Command failed"), { responseText: text, ...extra });
const awsError = (name: string, status: number, retryable?: boolean) => Object.assign(new Error(name), { name, $fault: status >= 500 ? "server" : "client", $metadata: { httpStatusCode: status }, ...(retryable ? { $retryable: { throttling: true } } : {}) });
const smtp = (responseCode: number, response: string) =>
  toAppError(diagnose(Object.assign(new Error(response), { code: "EENVELOPE", responseCode, response, command: "RCPT TO" }), { protocol: "smtp", host: "smtp.example.com", port: 587, security: "starttls", step: "smtp_send" }));

describe("retry policy: a retry can help", () => {
  const cases: [string, unknown][] = [
    ["a refused connection (ECONNREFUSED: the server restarting)", translateImapError(netError("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:993"))],
    ["a reset connection (ECONNRESET)", translateImapError(netError("ECONNRESET", "read ECONNRESET"))],
    ["a connection closed mid-session", translateImapError(Object.assign(new Error("Connection not available"), { code: "NoConnection" }))],
    ["a connect timeout", translateImapError(netError("ETIMEDOUT", "connect ETIMEDOUT 203.0.113.7:993"))],
    ["imapflow's connection timeout", translateImapError(Object.assign(new Error("Failed to establish connection in required time"), { code: "CONNECT_TIMEOUT" }))],
    ["Gmail throttling ([THROTTLED])", translateImapError(imapSaid("[THROTTLED] Account exceeded command or bandwidth limits", { serverResponseCode: "THROTTLED" }))],
    ["too many simultaneous connections", translateImapError(imapSaid("Too many simultaneous connections. (Failure)"))],
    ["IMAP [UNAVAILABLE] (a 5xx-like server reply)", translateImapError(imapSaid("[UNAVAILABLE] Internal server error", { serverResponseCode: "UNAVAILABLE" }))],
    ["SMTP 421 (service not available)", smtp(421, "421 4.7.0 Try again later, closing connection")],
    ["DynamoDB throttling", awsError("ProvisionedThroughputExceededException", 400, true)],
    ["an AWS 5xx", awsError("InternalServerError", 500)],
    ["a raw socket error", netError("ECONNRESET", "socket hang up")],
  ];
  for (const [name, err] of cases) it(`retries ${name}`, () => expect(shouldRetry(err)).toBe(true));
});

describe("retry policy: a person has to fix it first", () => {
  const cases: [string, unknown][] = [
    ["wrong credentials", translateImapError(imapSaid("[AUTHENTICATIONFAILED] Invalid credentials (Failure)", { authenticationFailed: true, serverResponseCode: "AUTHENTICATIONFAILED" }))],
    ["an app password needed", translateImapError(imapSaid("[ALERT] Application-specific password required", { authenticationFailed: true }))],
    ["a self-signed certificate", translateImapError(netError("DEPTH_ZERO_SELF_SIGNED_CERT", "self-signed certificate"))],
    ["an expired certificate", translateImapError(netError("CERT_HAS_EXPIRED", "certificate has expired"))],
    ["a missing folder", translateImapError(imapSaid("Mailbox doesn't exist: Archive", { serverResponseCode: "NONEXISTENT", mailboxMissing: true }))],
    ["a missing password", new AppError("permanent", "password_missing")],
    ["an AWS access denial", awsError("AccessDeniedException", 403)],
    ["an SMTP 550 rejection", smtp(550, "550 5.1.1 User unknown")],
  ];
  for (const [name, err] of cases) it(`does not retry ${name}`, () => expect(shouldRetry(err)).toBe(false));
});
