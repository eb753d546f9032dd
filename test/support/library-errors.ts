/**
 * The errors imapflow 2.1.2, nodemailer 10.6.0 and Node's net/dns/tls raise, built the way
 * those libraries build them, to feed the diagnosis (core/mail/diagnosis.ts) in unit tests
 * without a server that fails on cue. Where the library's own code can do the building it does:
 * imapflow's IMAP parser, status-code and error-text helpers, its connection-error and
 * connect-deadline builders, and nodemailer's SMTPConnection._formatError. The rest copies the
 * library's few lines, named beside each function. test/integration/library-errors.test.ts
 * compares these with the errors the real libraries raise against Dovecot and Postfix.
 */
import { ConnectionDeadline } from "imapflow/lib/connection-deadline.js";
import { AuthenticationFailure } from "imapflow/lib/errors.js";
import { compiler, parser } from "imapflow/lib/handler/imap-handler.js";
import { buildConnectionError, getErrorText, getStatusCode, getTextValues } from "imapflow/lib/tools.js";
import SMTPConnection from "nodemailer/lib/smtp-connection";
import { getSystemErrorMap } from "node:util";

type Fields = Record<string, unknown>;
/** An Error with the fields a library put on it (code, response, authenticationFailed...). */
export type LibraryError = Error & Fields;
const failure = (message: string, fields: Fields = {}): LibraryError => Object.assign(new Error(message), fields);

// ---- imapflow ------------------------------------------------------------------------------

/** imap-flow.js MAX_THROTTLE_DELAY and the default socketTimeout (5 minutes each). */
const MAX_THROTTLE_DELAY = 5 * 60 * 1000;
const SOCKET_TIMEOUT = 5 * 60 * 1000;

/** The pending request imapflow keeps per tag (requestTagMap: no tag of its own), from "AUTHENTICATE PLAIN". */
function requestOf(command: string) {
  const [name = "NOOP", ...args] = command.split(" ");
  return { command: name, attributes: args.map((value) => ({ type: "ATOM", value })) };
}

/**
 * A tagged NO or BAD answer, as ImapFlow.settleRequest rejects the command (imap-flow.js):
 * message "Command failed", the parsed response, responseStatus, executedCommand, responseText,
 * and for Microsoft's "Request is throttled. Suggested Backoff Time: N milliseconds" the code
 * ETHROTTLE with throttleReset and throttleWaited.
 */
export async function imapCommandFailed(tagged: string, command = "SELECT INBOX"): Promise<LibraryError> {
  const parsed = await parser(tagged);
  const err = failure("Command failed");
  err.response = parsed;
  err.responseStatus = String(parsed.command).toUpperCase();
  err.executedCommand = parsed.tag + (await compiler(requestOf(command) as never, { isLogging: true })).toString();
  const text = getTextValues(parsed.attributes)
    .map((v) => v.trim())
    .join(" ");
  if (text) {
    err.responseText = text;
    const backoff = /Request is throttled/i.test(text) && /Backoff Time/i.test(text) ? /Backoff Time[:=\s]+(\d+)/i.exec(text) : null;
    if (backoff) {
      err.code = "ETHROTTLE";
      err.throttleReset = Number(backoff[1]);
      err.throttleWaited = Math.min(Number(backoff[1]), MAX_THROTTLE_DELAY, Math.floor(SOCKET_TIMEOUT / 2));
    }
  }
  return err;
}

/** A failed command after its own failure path (tools.js enhanceCommandError): serverResponseCode, response as text. */
export async function imapCommandReported(tagged: string, command?: string): Promise<LibraryError> {
  const err = await imapCommandFailed(tagged, command);
  const code = getStatusCode(err.response as never);
  if (code) err.serverResponseCode = code;
  err.response = await getErrorText(err.response as never);
  return err;
}

/**
 * LOGIN or AUTHENTICATE refused (commands/login.js; authenticate.js handleAuthError):
 * authenticationFailed, serverResponseCode, the response as text, and for OAuth the server's
 * decoded error payload as oauthError.
 */
export async function imapSignInRefused(
  tagged: string,
  options: { command?: "LOGIN" | "AUTHENTICATE PLAIN" | "AUTHENTICATE XOAUTH2"; oauthError?: Fields } = {},
): Promise<LibraryError> {
  const err = await imapCommandReported(tagged, options.command ?? "AUTHENTICATE PLAIN");
  err.authenticationFailed = true;
  if (options.oauthError) err.oauthError = options.oauthError;
  return err;
}

/**
 * imapflow's own refusal to sign in, nothing sent (imap-flow.js authenticate): "Login is
 * disabled" when the server announces LOGINDISABLED and offers no AUTH= mechanism.
 */
export const imapLoginDisabled = (): LibraryError => new AuthenticationFailure("Login is disabled") as unknown as LibraryError;

/** SELECT refused (commands/select.js reports it) and LIST finding nothing (imap-flow.js mailboxOpen): mailboxMissing. */
export async function imapMailboxMissing(tagged: string, command = "SELECT INBOX"): Promise<LibraryError> {
  const err = await imapCommandReported(tagged, command);
  err.mailboxMissing = true;
  return err;
}

/**
 * The connection gone (imap-flow.js createNoConnectionError): code NoConnection, "Connection
 * not available", and the server's BYE text as reason ("Server Unavailable. 15").
 */
export function imapNoConnection(byeReason?: string): LibraryError {
  const err = buildConnectionError("t1", "NoConnection", "Connection not available", { rejectedFrom: "execClosed" }) as LibraryError;
  if (byeReason) err.reason = byeReason;
  return err;
}

/** connect() out of time (connection-deadline.js): CONNECT_TIMEOUT. */
export const imapConnectTimeout = (timeout = 90_000): LibraryError => new ConnectionDeadline(timeout).error() as LibraryError;

/**
 * No greeting in time (imap-flow.js connect): GREETING_TIMEOUT, with "Maybe should use TLS?"
 * when the connection was plain (a plain client at a TLS port waits for a greeting that the
 * server holds back until a TLS handshake).
 */
export function imapGreetingTimeout(secureConnection: boolean, greetingTimeout = 16_000): LibraryError {
  const err = failure(`Failed to receive greeting from server in required time${!secureConnection ? ". Maybe should use TLS?" : ""}`);
  err.code = "GREETING_TIMEOUT";
  err.details = { greetingTimeout };
  return err;
}

/** A STARTTLS upgrade that failed (imap-flow.js upgradeToSTARTTLS): the socket's own error, tlsFailed. */
export function imapStartTlsFailed(err: LibraryError): LibraryError {
  err.tlsFailed = true;
  return err;
}

/** STARTTLS required but not offered (imap-flow.js _failSTARTTLS). */
export function imapStartTlsMissing(): LibraryError {
  return imapStartTlsFailed(failure("Server does not support STARTTLS"));
}

// ---- nodemailer ----------------------------------------------------------------------------

// _formatError reads nothing of the connection: an unconnected SMTPConnection builds the error.
const formatter = new SMTPConnection({ logger: false }) as unknown as {
  _formatError(message: string | Error, type: string, response: string | false, command: string): LibraryError;
};

/**
 * An SMTP error as nodemailer raises it (smtp-connection _formatError): code = type, Node's
 * own code kept as originalCode, the reply as response (and appended to the message),
 * responseCode and permanent from the reply, command.
 * E.g. smtpError("Invalid login", "EAUTH", "535 5.7.8 Error: authentication failed", "AUTH PLAIN").
 */
export const smtpError = (message: string | Error, type: string, response: string | false, command: string): LibraryError =>
  formatter._formatError(message, type, response, command);

/** A password refused (smtp-connection _actionAUTHComplete): "Invalid login: <reply>", EAUTH, "AUTH <method>". */
export const smtpSignInRefused = (reply: string, method = "PLAIN"): LibraryError => smtpError("Invalid login", "EAUTH", reply, `AUTH ${method}`);

/** A refused envelope or message (MAIL FROM, RCPT TO, DATA), with the message nodemailer gives each. */
export function smtpRefused(command: "MAIL FROM" | "RCPT TO" | "DATA", reply: string): LibraryError {
  if (command === "DATA") return smtpError("Message failed", "EMESSAGE", reply, "DATA");
  return smtpError(command === "RCPT TO" ? "Can't send mail - all recipients were rejected" : "Mail command failed", "EENVELOPE", reply, command);
}

/** A socket, DNS or TLS failure under nodemailer (_onSocketError / EDNS / ETLS): Node's code becomes originalCode. */
export const smtpSocketError = (nodeError: Error, type: "ESOCKET" | "EDNS" = "ESOCKET"): LibraryError => smtpError(nodeError, type, false, "CONN");

/**
 * A nodemailer timeout (timeoutError + _onError): code ETIMEDOUT, timeoutType saying which one
 * ("Greeting never received" is GREETING_TIMEOUT, "Connection timeout" CONNECT_TIMEOUT).
 */
export function smtpTimeout(timeoutType: "CONNECT_TIMEOUT" | "GREETING_TIMEOUT" | "UPGRADE_TIMEOUT" | "SOCKET_TIMEOUT"): LibraryError {
  const message = { CONNECT_TIMEOUT: "Connection timeout", GREETING_TIMEOUT: "Greeting never received", UPGRADE_TIMEOUT: "TLS handshake timed out", SOCKET_TIMEOUT: "Timeout" }[
    timeoutType
  ];
  return smtpError(Object.assign(new Error(message), { timeoutType }), "ETIMEDOUT", false, "CONN");
}

// ---- Node ----------------------------------------------------------------------------------

const errnoOf = (code: string): number | undefined => [...getSystemErrorMap()].find(([, [name]]) => name === code)?.[0];

/**
 * A socket error as net raises it: "connect ECONNREFUSED 127.0.0.1:1" with address and port
 * (exceptionWithHostPort), or "<syscall> <code> <details>" (errnoException: "write EPROTO ...").
 */
export function netError(code: string, syscall: "connect" | "read" | "write", target?: { address: string; port?: number } | string): LibraryError {
  const where = typeof target === "string" ? ` ${target}` : target ? ` ${target.address}${target.port ? `:${target.port}` : ""}` : "";
  return failure(`${syscall} ${code}${where}`, {
    errno: errnoOf(code),
    code,
    syscall,
    ...(typeof target === "object" ? { address: target.address, ...(target.port ? { port: target.port } : {}) } : {}),
  });
}

/** A peer gone mid-request, as Node's http raises it (connResetException): "socket hang up", ECONNRESET. */
export const socketHangUp = (): LibraryError => failure("socket hang up", { code: "ECONNRESET" });

/**
 * A name lookup that failed as dns raises it (dnsException): getaddrinfo (lookup, what sockets
 * use) with its libuv errno, or a resolver query (queryMx, queryTxt, querySrv...) with the
 * c-ares code and no errno.
 */
export function dnsError(code: "ENOTFOUND" | "EAI_AGAIN" | "ENODATA" | "ESERVFAIL" | "ETIMEOUT", syscall: string, hostname: string): LibraryError {
  // getaddrinfo's errno is libuv's (ENOTFOUND is its EAI_NONAME); c-ares queries carry none
  const errno = syscall === "getaddrinfo" ? errnoOf(code === "ENOTFOUND" ? "EAI_NONAME" : code) : undefined;
  return failure(`${syscall} ${code} ${hostname}`, { errno, code, syscall, hostname });
}

/** A certificate the TLS layer refused (tls verifyError): OpenSSL's message, its code. */
export function certificateError(code: string, message: string): LibraryError {
  return failure(message, { code });
}

/** A certificate for another name (tls checkServerIdentity): ERR_TLS_CERT_ALTNAME_INVALID, reason, host. */
export function certificateNameError(host: string, altnames: string): LibraryError {
  const reason = `Host: ${host}. is not in the cert's altnames: ${altnames}`;
  return failure(`Hostname/IP does not match certificate's altnames: ${reason}`, { code: "ERR_TLS_CERT_ALTNAME_INVALID", reason, host });
}

/**
 * An OpenSSL failure as Node raises it: "<hex>:error:<id>:SSL routines:<function>:<reason>:...",
 * code ERR_SSL_<REASON>, library and reason.
 */
export function opensslError(reason: string, fn = "ssl3_get_record"): LibraryError {
  const code = `ERR_SSL_${reason.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}`;
  const message = `80CCBF169D7F0000:error:0A00010B:SSL routines:${fn}:${reason}:../deps/openssl/openssl/ssl/record/ssl3_record.c:350:\n`;
  return failure(message, { code, library: "SSL routines", reason });
}
