import { ProtocolMismatchError, type DiagnosisCode, type DiagnosisContext } from "./diagnosis-codes";

/**
 * Reads what imapflow, nodemailer and Node's socket/TLS layers actually put on their errors
 * and decides the diagnosis code and whether retrying can help. Every library error is judged
 * here, once; diagnosis.ts turns the verdict into words.
 *
 * The fields matched are the real ones (probed against Dovecot 2.3 and Postfix with imapflow
 * 2.1.2 and nodemailer 10.6; test/integration/library-errors.test.ts keeps the unit tests'
 * errors equal to them):
 * - imapflow: `authenticationFailed`, `serverResponseCode` ('AUTHENTICATIONFAILED', 'ALERT',
 *   'UNAVAILABLE', 'THROTTLED'...), `responseText`, `code` ('GREETING_TIMEOUT', 'ETHROTTLE',
 *   Node's codes passed through), `tlsFailed`, `oauthError`.
 * - nodemailer: `code` ('EAUTH', 'ESOCKET', 'EDNS', 'ETLS', 'ETIMEDOUT', 'EENVELOPE'...),
 *   `originalCode` (Node's code under ESOCKET/EDNS), `responseCode`, `command`, `response`,
 *   `timeoutType`.
 * - Node: ENOTFOUND, EAI_AGAIN, ECONNREFUSED, ETIMEDOUT, EHOSTUNREACH, the certificate codes and
 *   OpenSSL's 'wrong version number' (ERR_SSL_WRONG_VERSION_NUMBER) / 'packet length too long'.
 *
 * The rules are one ordered list (classify below): reading them in one place is what keeps
 * the order right, specific server texts before generic codes.
 */

interface ErrorFields {
  code: string;
  originalCode: string;
  responseCode?: number;
  command: string;
  serverResponseCode: string;
  authenticationFailed: boolean;
  tlsFailed: boolean;
  oauthError?: unknown;
  timeoutType: string;
  mailboxMissing: boolean;
  /** SMTP: whether the server's EHLO on a plain connection advertised STARTTLS (see smtpNoAuthOffered); unknown if not probed. */
  ehloOffersStartTls?: boolean;
  /** Every text the error carries: server reply, response text, message, OpenSSL reason. */
  text: string;
  /** The server's own words when there are some, else the message. */
  said: string;
}

const isMicrosoft = (provider: string | undefined) => provider === "microsoft365" || provider === "outlook";
const str = (v: unknown) => (typeof v === "string" ? v : "");

function readFields(err: unknown): ErrorFields {
  const e = (err && typeof err === "object" ? err : { message: String(err ?? "") }) as Record<string, unknown>;
  const response = str(e.response);
  const responseText = str(e.responseText);
  const message = str(e.message);
  const reason = str(e.reason);
  const said = (response || responseText || message || reason).trim();
  return {
    code: str(e.code),
    originalCode: str(e.originalCode),
    responseCode: typeof e.responseCode === "number" ? e.responseCode : undefined,
    command: str(e.command),
    serverResponseCode: str(e.serverResponseCode).toUpperCase(),
    authenticationFailed: e.authenticationFailed === true,
    tlsFailed: e.tlsFailed === true,
    oauthError: e.oauthError,
    timeoutType: str(e.timeoutType),
    mailboxMissing: e.mailboxMissing === true,
    ehloOffersStartTls: typeof e.ehloOffersStartTls === "boolean" ? e.ehloOffersStartTls : undefined,
    text: [response, responseText, message, reason].filter(Boolean).join(" \u2022 "),
    said,
  };
}

const CERT_UNTRUSTED = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_UNTRUSTED",
  "CERT_SIGNATURE_FAILURE",
  "CERT_REJECTED",
  "CERT_REVOKED",
  "INVALID_CA",
  "ERR_TLS_CERT_SIGNATURE_ALGORITHM_UNSUPPORTED",
]);
const CERT_DATES = new Set(["CERT_HAS_EXPIRED", "CERT_NOT_YET_VALID", "ERROR_IN_CERT_NOT_BEFORE_FIELD", "ERROR_IN_CERT_NOT_AFTER_FIELD"]);

const conventionalSecurity = (port: number): "tls" | "starttls" | undefined =>
  port === 993 || port === 465 ? "tls" : port === 143 || port === 587 || port === 25 ? "starttls" : undefined;
const securityLabel = (s: "tls" | "starttls") => (s === "tls" ? "TLS" : "STARTTLS");

/** The names a certificate is valid for, from Node's "... is not in the cert's altnames: DNS:a, IP Address:b". */
function certNames(text: string): string {
  const m = /cert's altnames:\s*([^\u2022]*)/i.exec(text);
  if (!m) return "?";
  return m[1]!
    .split(",")
    .map((p) => p.trim().replace(/^(DNS|IP Address):/i, ""))
    .filter(Boolean)
    .join(", ");
}

export interface Verdict {
  code: DiagnosisCode;
  kind: "transient" | "permanent";
  params?: Record<string, string | number>;
}

/** The decision table. Order matters: specific server texts before generic codes. */
function classify(err: unknown, f: ErrorFields, ctx: DiagnosisContext, provider: string | undefined): Verdict {
  const t = f.text;
  const codes = `${f.code} ${f.originalCode}`;
  const has = (re: RegExp) => re.test(t);
  const permanent = (code: DiagnosisCode, params?: Verdict["params"]): Verdict => ({ code, kind: "permanent", params });
  const transient = (code: DiagnosisCode, params?: Verdict["params"]): Verdict => ({ code, kind: "transient", params });
  const mismatch = (expected: "tls" | "starttls") => permanent("tls_mismatch", { expected: securityLabel(expected) });
  const smtpReply = f.responseCode !== undefined;

  if (err instanceof ProtocolMismatchError) return mismatch(err.expected);

  // Locked after repeated failures (Yahoo SMTP: "535 5.7.0 (#AUTH005) Too many bad auth attempts.";
  // Zoho asks to wait about 15 minutes). Retrying would only extend the lock.
  if (
    has(/too many (bad |failed |invalid )?(auth(entication)?|login|sign-?in)s?( attempts| failures| tries)?|#AUTH005|account (is )?(temporarily )?locked|login attempts exceeded/i)
  )
    return permanent("too_many_attempts");

  // Throttling: Gmail "[THROTTLED]" / "Too many simultaneous connections. (Failure)" / "Account exceeded
  // command or bandwidth limits"; Microsoft "Server Unavailable. 15", "Request is throttled"
  // (imapflow: code ETHROTTLE); Dovecot "Maximum number of connections from user+IP exceeded".
  if (
    f.code === "ETHROTTLE" ||
    f.serverResponseCode === "THROTTLED" ||
    has(
      /\[THROTTLED\]|Server Unavailable\.?\s*15\b|too many (simultaneous |concurrent |open |parallel )?connections|maximum number of connections|exceeded command or bandwidth limits|request is throttled|rate limit(ed)?|try again later.*too many/i,
    )
  )
    return transient("throttled");

  // Google's [ALERT] texts (IMAP) and their SMTP forms (534-5.7.9, 534-5.7.14)
  if (has(/application-specific password required|InvalidSecondFactor|\b5\.7\.9\b/i)) return permanent("app_password_required");
  if (has(/log ?in via your web browser|WebLoginRequired|\b5\.7\.14\b/i)) return permanent("web_login_required");
  // ...but not Yandex's "LOGIN Invalid credentials or IMAP is disabled", which names both causes
  // (Zoho and Yahoo! JAPAN answer a plain authentication failure: their steps mention IMAP access)
  if (
    has(/not enabled for IMAP|enable IMAP|IMAP (access )?(is )?(disabled|not enabled|turned off|not allowed)|IMAP.{0,20}(has been|is) disabled/i) &&
    !has(/credentials|password/i)
  )
    return permanent("imap_disabled");

  // Microsoft: password sign-in switched off. SMTP "535 5.7.139 Authentication unsuccessful, basic
  // authentication is disabled" / "... SmtpClientAuthentication is disabled for the Tenant" /
  // "550 5.7.30 Basic authentication is not supported for Client Submission"; IMAP answers a bare
  // "NO AUTHENTICATE failed." (or "LOGIN failed.") on outlook.office365.com: basic auth is gone there.
  if (has(/\b5\.7\.139\b|\b5\.7\.30\b|BasicAuthBlocked|basic auth(entication)? (is )?(disabled|not supported|blocked)|SmtpClientAuthentication is disabled/i))
    return permanent("basic_auth_disabled");

  if (f.oauthError) return permanent("oauth_failed");

  // "must issue STARTTLS first": the server wants encryption before sign-in. imapflow refuses by
  // itself on LOGINDISABLED ("Login is disabled"): the password was never sent
  if (
    f.serverResponseCode === "PRIVACYREQUIRED" ||
    has(/LOGINDISABLED|Login is disabled|must issue a STARTTLS|STARTTLS (is )?required|plaintext authentication (is )?(disallowed|not allowed)/i)
  )
    return mismatch("starttls");

  const authFailed =
    f.authenticationFailed ||
    f.serverResponseCode === "AUTHENTICATIONFAILED" ||
    f.serverResponseCode === "AUTHORIZATIONFAILED" ||
    f.serverResponseCode === "EXPIRED" ||
    f.code === "EAUTH" ||
    f.code === "ENOAUTH";
  if (authFailed) {
    // nodemailer EAUTH with a 4xx reply: "454 4.7.0 Temporary authentication failure"
    if (f.responseCode !== undefined && f.responseCode >= 400 && f.responseCode < 500) return transient("server_unavailable");
    // AUTH answered "500/502/504 command not recognized" or "503 5.5.1 Error: authentication not
    // enabled": the password was never checked, this port offers no sign-in as it stands. Whether
    // STARTTLS would unlock it (Postfix offers AUTH only after STARTTLS) is what the server's EHLO
    // said (smtpNoAuthOffered), not the reply code; without that answer, 503 on a plain
    // connection keeps meaning "use STARTTLS".
    if (f.responseCode !== undefined && f.responseCode >= 500 && f.responseCode <= 504 && f.responseCode !== 501) {
      if (f.ehloOffersStartTls === true && ctx.security === "none") return mismatch("starttls");
      if (f.ehloOffersStartTls === false || ctx.security !== "none") return permanent("smtp_auth_unavailable");
      if (f.responseCode === 503) return mismatch("starttls");
    }
    if (f.serverResponseCode === "UNAVAILABLE") return transient("server_unavailable");
    if (isMicrosoft(provider) && ctx.protocol === "imap") return permanent("basic_auth_disabled");
    return permanent("auth_failed");
  }

  // Certificates
  const certCode = [f.code, f.originalCode].find((c) => CERT_UNTRUSTED.has(c) || CERT_DATES.has(c) || c === "ERR_TLS_CERT_ALTNAME_INVALID");
  if (certCode === "ERR_TLS_CERT_ALTNAME_INVALID" || has(/does not match certificate's altnames|not in the cert's altnames/i))
    return permanent("tls_name_mismatch", { names: certNames(t) });
  if ((certCode && CERT_DATES.has(certCode)) || has(/certificate has expired|certificate is not yet valid/i)) return permanent("tls_expired");
  if (certCode || has(/self[- ]signed certificate|unable to verify the first certificate|unable to get (local )?issuer certificate|certificate (is )?not trusted/i))
    return permanent("tls_untrusted");

  // TLS versions: the server offers only TLS 1.0/1.1 and we require 1.2
  if (
    /ERR_SSL_UNSUPPORTED_PROTOCOL|ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION|ERR_SSL_NO_PROTOCOLS_AVAILABLE/.test(codes) ||
    has(/unsupported protocol|alert protocol version|no protocols available/i)
  )
    return permanent("tls_outdated");

  // The server ended the handshake with an alert: no TLS version, cipher or certificate in common,
  // or its own key/certificate setup is broken (e.g. "sslv3 alert handshake failure", GnuTLS
  // "no shared cipher"). Retrying cannot help; it is the server's TLS configuration.
  if (
    /ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE|ERR_SSL_TLSV1_ALERT_INSUFFICIENT_SECURITY|ERR_SSL_TLSV1_ALERT_INTERNAL_ERROR|ERR_SSL_NO_SHARED_CIPHER|ERR_SSL_TLSV1_ALERT_DECODE_ERROR|ERR_SSL_SSLV3_ALERT_ILLEGAL_PARAMETER/.test(
      codes,
    ) ||
    has(/alert handshake failure|no shared cipher|alert insufficient security|tlsv1 alert internal error/i)
  )
    return permanent("tls_handshake_failed");

  // STARTTLS refused or not offered: imapflow "Server does not support STARTTLS"; nodemailer ETLS
  // "Error upgrading connection with STARTTLS" with the server's reply to STARTTLS (e.g. 502/454)
  if (has(/does not support STARTTLS|STARTTLS (is )?not (supported|available|advertised)/i) || (f.code === "ETLS" && f.command === "STARTTLS" && smtpReply))
    return permanent("starttls_unavailable");

  // TLS vs plain mismatch. TLS spoken to a plain-text port: OpenSSL reads the "* OK" / "220"
  // greeting as a record header -> "wrong version number" / "packet length too long".
  // Plain text spoken to a TLS port: the server waits for our ClientHello and never greets
  // (imapflow: "Failed to receive greeting from server in required time. Maybe should use TLS?").
  if (
    /ERR_SSL_WRONG_VERSION_NUMBER|ERR_SSL_PACKET_LENGTH_TOO_LONG|ERR_SSL_HTTP_REQUEST|ERR_SSL_UNKNOWN_PROTOCOL|\bEPROTO\b/.test(codes) ||
    has(/wrong version number|packet length too long|unknown protocol|http request/i)
  )
    return mismatch(ctx.security === "tls" ? "starttls" : "tls");
  const greetingTimeout = f.code === "GREETING_TIMEOUT" || f.timeoutType === "GREETING_TIMEOUT";
  if (greetingTimeout && ctx.security !== "tls") return mismatch("tls");

  // Network
  const netCode = [f.code, f.originalCode].find((c) =>
    /^(ENOTFOUND|EAI_NONAME|ENODATA|EAI_AGAIN|ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|EHOSTDOWN|ETIMEDOUT|ECONNRESET|EPIPE)$/.test(c),
  );
  if (netCode === "ENOTFOUND" || netCode === "EAI_NONAME" || netCode === "ENODATA") return permanent("host_not_found");
  if (netCode === "EAI_AGAIN") return transient("host_not_found"); // the resolver itself failed: may pass
  // A refused port is most often a server restarting or a balancer draining: a retry with
  // backoff may pass (a wrong port stays refused, and the queue gives up after 3 receives)
  if (netCode === "ECONNREFUSED") return transient("connection_refused");
  if (
    netCode === "EHOSTUNREACH" ||
    netCode === "ENETUNREACH" ||
    netCode === "EHOSTDOWN" ||
    netCode === "ETIMEDOUT" ||
    greetingTimeout ||
    /^(CONNECT_TIMEOUT|UPGRADE_TIMEOUT|ETIMEOUT|ETIMEDOUT)$/.test(f.code)
  )
    return transient("timeout");
  // (a 421 arrives as nodemailer ECONNECTION too: the server's reply decides below)
  if (
    f.responseCode === undefined &&
    (netCode === "ECONNRESET" ||
      netCode === "EPIPE" ||
      /^(ECONNECTION|NoConnection|EConnectionClosed|ClosedAfterConnectText|ClosedAfterConnectTLS)$/.test(f.code) ||
      has(/connection closed|socket (hang up|closed)/i))
  )
    return transient("connection_closed");

  if (f.serverResponseCode === "UNAVAILABLE") return transient("server_unavailable");
  if (f.mailboxMissing || f.serverResponseCode === "TRYCREATE" || f.serverResponseCode === "NONEXISTENT")
    return permanent("folder_not_found", { folder: /(?:doesn't|does not) exist:?\s*([^\u2022]+)/i.exec(t)?.[1]?.trim() || "?" });

  // SMTP replies. Microsoft "550 5.7.60 SMTP; Client does not have permissions to send as this
  // sender"; Postfix "553 5.7.1 <x>: Sender address rejected: not owned by user y".
  if (smtpReply) {
    const code = f.responseCode!;
    if (has(/\b5\.7\.60\b|SendAsDenied|not owned by user|send as this sender|sender address rejected/i)) return permanent("sender_not_allowed");
    if (code === 421) return transient("server_unavailable");
    const response = { response: f.said.slice(0, 300) };
    // The provider blocks the account's sending: Gmail "550 5.4.5 Daily user sending limit
    // exceeded", Microsoft "554 5.2.252 SendAsDenied... / 5.7.708 Access denied, traffic not
    // accepted" and "550 5.1.8 ... Sender blocked"; a retry within the day cannot pass.
    if (
      has(/\b5\.4\.5\b|sending (limit|quota) exceeded|\b5\.7\.708\b|\b5\.1\.8\b|sender (is )?blocked|account (has been )?(suspended|disabled)|outbound.{0,20}(blocked|disabled)/i)
    )
      return permanent("sending_disabled", response);
    // Too large: "552 5.3.4 Message size exceeds fixed limit" (Postfix), "552-5.2.3 Your message exceeded Google's message size limits"
    if (code === 552 || has(/\b5\.3\.4\b|\b5\.2\.3\b|message (size )?(exceeds|too (big|large))|exceeded .{0,30}size limit/i)) return permanent("message_too_large", response);
    // A recipient refused at RCPT TO: "550 5.1.1 <x>: Recipient address rejected: User unknown"
    if (f.command.toUpperCase().startsWith("RCPT") || has(/\b5\.1\.[0-6]\b|recipient address rejected|user unknown|no such user|mailbox unavailable|invalid recipient/i)) {
      if (code >= 500 && code !== 503) return permanent("recipient_refused", response);
    }
    // SMTP 5xx is permanent except 503, bad sequence of commands (EmailEngine lib/delivery-error.js;
    // nodemailer's isPermanentResponseCode says the same)
    const isPermanent = code >= 500 && code < 600 && code !== 503;
    return { code: "smtp_rejected", kind: isPermanent ? "permanent" : "transient", params: { response: f.said.slice(0, 300) } };
  }
  // nodemailer "Can't send mail - all recipients were rejected" (EENVELOPE, the reply is in `response` when there was one)
  if (f.code === "EENVELOPE" && has(/recipients were rejected/i)) return permanent("recipient_refused", { response: f.said.slice(0, 300) });
  if (f.code === "EENVELOPE" || f.code === "EMESSAGE") return permanent("smtp_rejected", { response: f.said.slice(0, 300) });

  return transient("unknown", { detail: f.said.slice(0, 300) || f.code || "?" });
}

/** The verdict on one library error, with the server's own words as the technical detail. */
export function classifyError(err: unknown, ctx: DiagnosisContext, provider: string | undefined): Verdict & { detail?: string } {
  const f = readFields(err);
  let verdict = classify(err, f, ctx, provider);
  if (verdict.code === "tls_mismatch" && !verdict.params?.expected) {
    const expected = conventionalSecurity(ctx.port) ?? (ctx.security === "tls" ? "starttls" : "tls");
    verdict = { ...verdict, params: { ...verdict.params, expected: securityLabel(expected) } };
  }
  const detail = [f.said, f.code && !f.said.includes(f.code) ? `(${f.code}${f.originalCode ? `/${f.originalCode}` : ""})` : ""].filter(Boolean).join(" ").slice(0, 500);
  return { ...verdict, ...(detail ? { detail } : {}) };
}
