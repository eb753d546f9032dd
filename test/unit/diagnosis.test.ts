import { describe, expect, it } from "vitest";
import { diagnose, diagnosisCodes, diagnosisKey, isAuthenticationProblem, localizeDiagnosis, ProtocolMismatchError, type DiagnosisContext } from "../../core/mail/diagnosis";
import { AppError } from "../../core/shared/errors";
import { hasMessage, translate } from "../../core/shared/i18n";
import { translateImapError } from "../../core/mail/imap-connection";
import { presetFor } from "../../core/mail/providers";
import {
  certificateError,
  certificateNameError,
  dnsError,
  imapCommandFailed,
  imapCommandReported,
  imapConnectTimeout,
  imapGreetingTimeout,
  imapLoginDisabled,
  imapNoConnection,
  imapSignInRefused,
  imapStartTlsFailed,
  imapStartTlsMissing,
  netError,
  opensslError,
  smtpError,
  smtpRefused,
  smtpSignInRefused,
  smtpSocketError,
  smtpTimeout,
} from "../support/library-errors";

/**
 * Every mapping of the diagnosis, fed with errors built as the libraries build them
 * (test/support/library-errors.ts). The ones marked "captured" were printed from imapflow 2.1.2
 * / nodemailer 10.6 against the test Dovecot and Postfix (test/harness/mail-servers.ts); the
 * provider ones quote the providers' documented or widely reported server texts.
 */

const imapCtx = (over: Partial<DiagnosisContext> = {}): DiagnosisContext => ({
  protocol: "imap",
  host: "mail.example.com",
  port: 993,
  security: "tls",
  step: "imap_login",
  ...over,
});
const smtpCtx = (over: Partial<DiagnosisContext> = {}): DiagnosisContext => ({
  protocol: "smtp",
  host: "smtp.example.com",
  port: 587,
  security: "starttls",
  step: "smtp_login",
  ...over,
});

// ---- the table -----------------------------------------------------------------------------

interface Case {
  name: string;
  err: unknown;
  ctx: DiagnosisContext;
  code: (typeof diagnosisCodes)[number];
  kind: "transient" | "permanent";
  params?: Record<string, string | number>;
}

const cases: Case[] = [
  // sign-in refused
  {
    name: "Dovecot refuses a wrong password (captured)",
    err: await imapSignInRefused("2 NO [AUTHENTICATIONFAILED] Authentication failed."),
    ctx: imapCtx(),
    code: "auth_failed",
    kind: "permanent",
  },
  {
    name: "Gmail refuses a wrong or non-app password",
    err: await imapSignInRefused("2 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)"),
    ctx: imapCtx({ host: "imap.gmail.com", provider: "gmail" }),
    code: "auth_failed",
    kind: "permanent",
  },
  {
    name: "Yahoo refuses a wrong password",
    err: await imapSignInRefused("2 NO [AUTHENTICATIONFAILED] LOGIN Invalid credentials", { command: "LOGIN" }),
    ctx: imapCtx({ host: "imap.mail.yahoo.com" }),
    code: "auth_failed",
    kind: "permanent",
  },
  {
    name: "Yandex's 'Invalid credentials or IMAP is disabled' names both causes: treated as a sign-in failure",
    err: await imapSignInRefused("2 NO [AUTHENTICATIONFAILED] LOGIN Invalid credentials or IMAP is disabled sc=ebI8JB0ug4Y1"),
    ctx: imapCtx({ host: "imap.yandex.com" }),
    code: "auth_failed",
    kind: "permanent",
  },
  {
    name: "Postfix refuses a wrong SMTP password (captured)",
    err: smtpSignInRefused("535 5.7.8 Error: authentication failed: (reason unavailable)"),
    ctx: smtpCtx(),
    code: "auth_failed",
    kind: "permanent",
  },
  {
    name: "Gmail SMTP: 535-5.7.8 Username and Password not accepted",
    err: smtpSignInRefused("535-5.7.8 Username and Password not accepted. For more information, go to\n535 5.7.8  https://support.google.com/mail/?p=BadCredentials"),
    ctx: smtpCtx({ host: "smtp.gmail.com", port: 465, security: "tls" }),
    code: "auth_failed",
    kind: "permanent",
  },
  {
    name: "Microsoft SMTP 535 5.7.3 (wrong password while SMTP AUTH is allowed)",
    err: smtpSignInRefused("535 5.7.3 Authentication unsuccessful [TYCP286CA0001.JPNP286.PROD.OUTLOOK.COM]", "LOGIN"),
    ctx: smtpCtx({ host: "smtp.office365.com" }),
    code: "auth_failed",
    kind: "permanent",
  },
  { name: "no credentials given to nodemailer", err: smtpError('Missing credentials for "PLAIN"', "EAUTH", false, "API"), ctx: smtpCtx(), code: "auth_failed", kind: "permanent" },

  // Google's [ALERT]s and their SMTP forms
  {
    name: "Gmail: [ALERT] Application-specific password required",
    err: await imapSignInRefused("2 NO [ALERT] Application-specific password required: https://support.google.com/accounts/answer/185833 (Failure)"),
    ctx: imapCtx({ host: "imap.gmail.com" }),
    code: "app_password_required",
    kind: "permanent",
  },
  {
    name: "Gmail SMTP: 534-5.7.9 Application-specific password required",
    err: smtpSignInRefused("534-5.7.9 Application-specific password required. Learn more at\n534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor"),
    ctx: smtpCtx({ host: "smtp.gmail.com" }),
    code: "app_password_required",
    kind: "permanent",
  },
  {
    name: "Gmail: [ALERT] Please log in via your web browser (seed 004)",
    err: await imapSignInRefused("2 NO [ALERT] Please log in via your web browser: https://support.google.com/mail/accounts/answer/78754 (Failure)"),
    ctx: imapCtx({ host: "imap.gmail.com" }),
    code: "web_login_required",
    kind: "permanent",
  },
  {
    name: "Gmail SMTP: 534-5.7.14 Please log in via your web browser",
    err: smtpSignInRefused("534-5.7.14 <https://accounts.google.com/signin/continue?sarp=1&scc=1> Please log in via your web browser and\n534-5.7.14 then try again."),
    ctx: smtpCtx({ host: "smtp.gmail.com" }),
    code: "web_login_required",
    kind: "permanent",
  },
  {
    name: "Gmail: [ALERT] Your account is not enabled for IMAP use",
    err: await imapSignInRefused("2 NO [ALERT] Your account is not enabled for IMAP use. Please visit your Gmail settings page and enable your account for IMAP access. (Failure)"),
    ctx: imapCtx({ host: "imap.gmail.com" }),
    code: "imap_disabled",
    kind: "permanent",
  },
  {
    name: "a server that says IMAP access is disabled for the account",
    err: await imapSignInRefused("2 NO [ALERT] IMAP access is disabled for this account"),
    ctx: imapCtx(),
    code: "imap_disabled",
    kind: "permanent",
  },

  // Microsoft: password sign-in switched off
  {
    name: "Microsoft 365 IMAP answers a bare 'AUTHENTICATE failed.' (basic auth is gone)",
    err: await imapSignInRefused("2 NO AUTHENTICATE failed."),
    ctx: imapCtx({ host: "outlook.office365.com" }),
    code: "basic_auth_disabled",
    kind: "permanent",
  },
  {
    name: "Microsoft IMAP 'LOGIN failed.' with the outlook provider preset",
    err: await imapSignInRefused("2 NO LOGIN failed.", { command: "LOGIN" }),
    ctx: imapCtx({ host: "outlook.office365.com", provider: "outlook" }),
    code: "basic_auth_disabled",
    kind: "permanent",
  },
  {
    name: "Microsoft SMTP 535 5.7.139 basic authentication is disabled",
    err: smtpSignInRefused("535 5.7.139 Authentication unsuccessful, basic authentication is disabled. [OS3P286CA0062.JPNP286.PROD.OUTLOOK.COM]", "LOGIN"),
    ctx: smtpCtx({ host: "smtp.office365.com" }),
    code: "basic_auth_disabled",
    kind: "permanent",
  },
  {
    name: "Microsoft SMTP 535 5.7.139 SmtpClientAuthentication is disabled for the Tenant",
    err: smtpSignInRefused(
      "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information.",
      "LOGIN",
    ),
    ctx: smtpCtx({ host: "smtp.office365.com", provider: "microsoft365" }),
    code: "basic_auth_disabled",
    kind: "permanent",
  },
  {
    name: "Microsoft SMTP 550 5.7.30 Basic authentication is not supported for Client Submission",
    err: smtpRefused("MAIL FROM", "550 5.7.30 Basic authentication is not supported for Client Submission."),
    ctx: smtpCtx({ host: "smtp.office365.com", step: "smtp_send" }),
    code: "basic_auth_disabled",
    kind: "permanent",
  },
  {
    name: "an IMAP server naming BasicAuthBlocked",
    err: await imapSignInRefused("2 NO AUTHENTICATE failed: BasicAuthBlocked"),
    ctx: imapCtx({ host: "imap.example.org" }),
    code: "basic_auth_disabled",
    kind: "permanent",
  },

  // OAuth
  {
    name: "imapflow XOAUTH2: the token was rejected (oauthError)",
    err: await imapSignInRefused("2 NO [AUTHENTICATIONFAILED] Authentication failed.", {
      command: "AUTHENTICATE XOAUTH2",
      oauthError: { status: "invalid_token", schemes: "bearer", scope: "mail" },
    }),
    ctx: imapCtx(),
    code: "oauth_failed",
    kind: "permanent",
  },
  {
    name: "imapflow: the token server is down (UNAVAILABLE, temporary)",
    err: await imapSignInRefused("2 NO [UNAVAILABLE] Temporary authentication failure. [mx:2026-11-22 05:30:00]"),
    ctx: imapCtx(),
    code: "server_unavailable",
    kind: "transient",
  },

  // locked after failures (seed 001) and throttling
  {
    name: "Yahoo SMTP: 535 5.7.0 (#AUTH005) Too many bad auth attempts",
    err: smtpSignInRefused("535 5.7.0 (#AUTH005) Too many bad auth attempts."),
    ctx: smtpCtx({ host: "smtp.mail.yahoo.com", port: 465, security: "tls" }),
    code: "too_many_attempts",
    kind: "permanent",
  },
  {
    name: "Gmail: [ALERT] Too many simultaneous connections",
    err: await imapSignInRefused("2 NO [ALERT] Too many simultaneous connections. (Failure)"),
    ctx: imapCtx({ host: "imap.gmail.com" }),
    code: "throttled",
    kind: "transient",
  },
  {
    name: "Gmail: [THROTTLED] Account exceeded command or bandwidth limits",
    err: await imapCommandReported("5 NO [THROTTLED] Account exceeded command or bandwidth limits. (Failure)", "FETCH 1:* UID"),
    ctx: imapCtx({ step: "folders" }),
    code: "throttled",
    kind: "transient",
  },
  {
    name: "Microsoft: * BYE Server Unavailable. 15",
    err: imapNoConnection("Server Unavailable. 15"),
    ctx: imapCtx({ host: "outlook.office365.com" }),
    code: "throttled",
    kind: "transient",
  },
  {
    name: "imapflow ETHROTTLE: Microsoft 'Request is throttled'",
    err: await imapCommandFailed("5 BAD Request is throttled. Suggested Backoff Time: 92415 milliseconds", "FETCH 1:* UID"),
    ctx: imapCtx({ step: "folders" }),
    code: "throttled",
    kind: "transient",
  },
  {
    name: "Dovecot: Maximum number of connections from user+IP exceeded",
    err: imapNoConnection("Maximum number of connections from user+IP exceeded (mail_max_userip_connections=10)"),
    ctx: imapCtx(),
    code: "throttled",
    kind: "transient",
  },

  // certificates
  {
    name: "imapflow: self-signed certificate (captured)",
    err: certificateError("DEPTH_ZERO_SELF_SIGNED_CERT", "self-signed certificate"),
    ctx: imapCtx({ step: "tls" }),
    code: "tls_untrusted",
    kind: "permanent",
  },
  {
    name: "imapflow STARTTLS: self-signed certificate, tlsFailed (captured)",
    err: imapStartTlsFailed(certificateError("DEPTH_ZERO_SELF_SIGNED_CERT", "self-signed certificate")),
    ctx: imapCtx({ port: 143, security: "starttls" }),
    code: "tls_untrusted",
    kind: "permanent",
  },
  {
    name: "nodemailer: ESOCKET with originalCode DEPTH_ZERO_SELF_SIGNED_CERT (captured)",
    err: smtpSocketError(certificateError("DEPTH_ZERO_SELF_SIGNED_CERT", "self-signed certificate")),
    ctx: smtpCtx(),
    code: "tls_untrusted",
    kind: "permanent",
  },
  {
    name: "a private CA: self-signed certificate in certificate chain",
    err: certificateError("SELF_SIGNED_CERT_IN_CHAIN", "self-signed certificate in certificate chain"),
    ctx: imapCtx(),
    code: "tls_untrusted",
    kind: "permanent",
  },
  {
    name: "a missing intermediate: unable to verify the first certificate",
    err: certificateError("UNABLE_TO_VERIFY_LEAF_SIGNATURE", "unable to verify the first certificate"),
    ctx: imapCtx(),
    code: "tls_untrusted",
    kind: "permanent",
  },
  {
    name: "an unknown issuer: unable to get local issuer certificate",
    err: smtpSocketError(certificateError("UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "unable to get local issuer certificate")),
    ctx: smtpCtx(),
    code: "tls_untrusted",
    kind: "permanent",
  },
  {
    name: "nodemailer ETLS: Error initiating TLS around a certificate error",
    err: smtpError(new Error("Error initiating TLS - self-signed certificate"), "ETLS", false, "STARTTLS"),
    ctx: smtpCtx(),
    code: "tls_untrusted",
    kind: "permanent",
  },
  { name: "an expired certificate", err: certificateError("CERT_HAS_EXPIRED", "certificate has expired"), ctx: imapCtx(), code: "tls_expired", kind: "permanent" },
  {
    name: "a certificate for another name (captured)",
    err: certificateNameError("imap.example.test", "DNS:localhost, IP Address:127.0.0.1"),
    ctx: imapCtx({ host: "imap.example.test" }),
    code: "tls_name_mismatch",
    kind: "permanent",
    params: { names: "localhost, 127.0.0.1", host: "imap.example.test" },
  },

  // TLS against STARTTLS
  {
    name: "imapflow: TLS spoken to the STARTTLS port, 'wrong version number' (captured)",
    err: opensslError("wrong version number"),
    ctx: imapCtx({ port: 143, security: "tls" }),
    code: "tls_mismatch",
    kind: "permanent",
    params: { expected: "STARTTLS", port: 143 },
  },
  {
    name: "nodemailer: ESOCKET originalCode ERR_SSL_WRONG_VERSION_NUMBER on 587 (captured)",
    err: smtpSocketError(opensslError("wrong version number")),
    ctx: smtpCtx({ port: 587, security: "tls" }),
    code: "tls_mismatch",
    kind: "permanent",
    params: { expected: "STARTTLS" },
  },
  {
    name: "older OpenSSL: EPROTO, packet length too long",
    err: netError("EPROTO", "write", "139990000000000:error:1408F10B:SSL routines:ssl3_get_record:packet length too long"),
    ctx: imapCtx({ port: 143, security: "tls" }),
    code: "tls_mismatch",
    kind: "permanent",
    params: { expected: "STARTTLS" },
  },
  {
    name: "imapflow: plain text to the TLS port, GREETING_TIMEOUT 'Maybe should use TLS?' (captured)",
    err: imapGreetingTimeout(false, 3000),
    ctx: imapCtx({ port: 993, security: "starttls" }),
    code: "tls_mismatch",
    kind: "permanent",
    params: { expected: "TLS", port: 993 },
  },
  {
    name: "nodemailer: plain text to 465, 'Greeting never received' (captured)",
    err: smtpTimeout("GREETING_TIMEOUT"),
    ctx: smtpCtx({ port: 465, security: "starttls" }),
    code: "tls_mismatch",
    kind: "permanent",
    params: { expected: "TLS" },
  },
  {
    name: "our sniffing: a plain-text greeting on a TLS connection",
    err: new ProtocolMismatchError("starttls", "plaintext_greeting", "* OK [CAPABILITY IMAP4rev1 STARTTLS] Dovecot ready."),
    ctx: imapCtx({ port: 143, security: "tls", step: "tls" }),
    code: "tls_mismatch",
    kind: "permanent",
    params: { expected: "STARTTLS" },
  },
  {
    name: "our sniffing: a TLS handshake answered on a plain connection",
    err: new ProtocolMismatchError("tls", "tls_handshake"),
    ctx: smtpCtx({ port: 465, security: "starttls", step: "tcp" }),
    code: "tls_mismatch",
    kind: "permanent",
    params: { expected: "TLS" },
  },
  {
    name: "Postfix: 530 5.7.0 Must issue a STARTTLS command first (captured, security none)",
    err: smtpSignInRefused("530 5.7.0 Must issue a STARTTLS command first"),
    ctx: smtpCtx({ security: "none" }),
    code: "tls_mismatch",
    kind: "permanent",
    params: { expected: "STARTTLS" },
  },
  {
    name: "Postfix: 503 5.5.1 authentication not enabled before STARTTLS (security none)",
    err: smtpSignInRefused("503 5.5.1 Error: authentication not enabled"),
    ctx: smtpCtx({ security: "none" }),
    code: "tls_mismatch",
    kind: "permanent",
    params: { expected: "STARTTLS" },
  },
  // AUTH refused as a command: what EHLO advertised decides (core/mail/ehlo-probe.ts adds it)
  {
    name: "Postfix 503 on a plain port whose EHLO offers STARTTLS -> use STARTTLS",
    err: Object.assign(smtpSignInRefused("503 5.5.1 Error: authentication not enabled"), { ehloOffersStartTls: true }),
    ctx: smtpCtx({ security: "none" }),
    code: "tls_mismatch",
    kind: "permanent",
    params: { expected: "STARTTLS" },
  },
  {
    name: "503 on a plain port offering neither STARTTLS nor AUTH -> no sign-in on this port",
    err: Object.assign(smtpSignInRefused("503 5.5.1 Error: authentication not enabled"), { ehloOffersStartTls: false }),
    ctx: smtpCtx({ port: 25, security: "none" }),
    code: "smtp_auth_unavailable",
    kind: "permanent",
    params: { port: 25 },
  },
  {
    name: "Exim 500 unrecognized AUTH on a port without STARTTLS -> no sign-in on this port",
    err: Object.assign(smtpSignInRefused("500 unrecognized command"), { ehloOffersStartTls: false }),
    ctx: smtpCtx({ port: 25, security: "none" }),
    code: "smtp_auth_unavailable",
    kind: "permanent",
  },
  {
    name: "502 AUTH not implemented after STARTTLS -> no sign-in on this port, not a wrong password",
    err: smtpSignInRefused("502 5.5.2 Error: command not recognized"),
    ctx: smtpCtx({ port: 25, security: "starttls" }),
    code: "smtp_auth_unavailable",
    kind: "permanent",
  },
  // a TLS alert from the server: its configuration, not a passing fault
  {
    name: "the server fails the handshake: sslv3 alert handshake failure (Node's code)",
    err: opensslError("sslv3 alert handshake failure", "ssl3_read_bytes"),
    ctx: imapCtx(),
    code: "tls_handshake_failed",
    kind: "permanent",
    params: { port: 993 },
  },
  {
    name: "the server fails the handshake, through nodemailer (ESOCKET)",
    err: smtpSocketError(opensslError("sslv3 alert handshake failure", "ssl3_read_bytes")),
    ctx: smtpCtx({ port: 465, security: "tls" }),
    code: "tls_handshake_failed",
    kind: "permanent",
  },
  { name: "the server says no shared cipher", err: new Error("no shared cipher"), ctx: imapCtx(), code: "tls_handshake_failed", kind: "permanent" },
  {
    name: "IMAP [PRIVACYREQUIRED] before STARTTLS",
    err: await imapSignInRefused("2 NO [PRIVACYREQUIRED] Plaintext authentication disallowed on non-secure (SSL/TLS) connections."),
    ctx: imapCtx({ port: 143, security: "none" }),
    code: "tls_mismatch",
    kind: "permanent",
    params: { expected: "STARTTLS" },
  },
  // imapflow 2.1.2 authenticate(): with LOGINDISABLED and no AUTH= offered it throws
  // AuthenticationFailure("Login is disabled") without sending the password (Cyrus, Courier on 143)
  {
    name: "IMAP LOGINDISABLED before STARTTLS (imapflow's own refusal, nothing sent)",
    err: imapLoginDisabled(),
    ctx: imapCtx({ port: 143, security: "none" }),
    code: "tls_mismatch",
    kind: "permanent",
    params: { expected: "STARTTLS" },
  },
  {
    name: "imapflow: Server does not support STARTTLS",
    err: imapStartTlsMissing(),
    ctx: imapCtx({ port: 143, security: "starttls" }),
    code: "starttls_unavailable",
    kind: "permanent",
    params: { port: 143 },
  },
  {
    name: "nodemailer: ETLS, the server refused STARTTLS with 454",
    err: smtpError(new Error("Error upgrading connection with STARTTLS"), "ETLS", "454 4.7.0 TLS not available due to local problem", "STARTTLS"),
    ctx: smtpCtx(),
    code: "starttls_unavailable",
    kind: "permanent",
  },
  {
    name: "an old server: unsupported protocol (TLS 1.0 only)",
    err: opensslError("unsupported protocol", "ssl_choose_client_version"),
    ctx: imapCtx(),
    code: "tls_outdated",
    kind: "permanent",
  },
  {
    name: "an old server: tlsv1 alert protocol version",
    err: smtpSocketError(opensslError("tlsv1 alert protocol version", "ssl3_read_bytes")),
    ctx: smtpCtx({ port: 465, security: "tls" }),
    code: "tls_outdated",
    kind: "permanent",
  },

  // network
  {
    name: "imapflow: ENOTFOUND (captured)",
    err: dnsError("ENOTFOUND", "getaddrinfo", "nope.invalid"),
    ctx: imapCtx({ host: "nope.invalid" }),
    code: "host_not_found",
    kind: "permanent",
    params: { host: "nope.invalid" },
  },
  {
    name: "nodemailer: EDNS with originalCode ENOTFOUND (captured)",
    err: smtpSocketError(dnsError("ENOTFOUND", "getaddrinfo", "nope.invalid"), "EDNS"),
    ctx: smtpCtx({ host: "nope.invalid" }),
    code: "host_not_found",
    kind: "permanent",
  },
  {
    name: "a resolver failure: EAI_AGAIN (may pass on a retry)",
    err: dnsError("EAI_AGAIN", "getaddrinfo", "imap.example.com"),
    ctx: imapCtx(),
    code: "host_not_found",
    kind: "transient",
  },
  {
    name: "host-policy's checkHost: host_not_found",
    err: new AppError("validation", "validation_failed", { fields: [{ field: "imap.host", key: "host_not_found" }] }),
    ctx: imapCtx({ step: "dns" }),
    code: "host_not_found",
    kind: "permanent",
  },
  {
    name: "host-policy's checkHost: the metadata address",
    err: new AppError("validation", "validation_failed", { fields: [{ field: "imap.host", key: "host_not_allowed", params: { address: "169.254.169.254" } }] }),
    ctx: imapCtx({ host: "169.254.169.254", step: "dns" }),
    code: "host_not_allowed",
    kind: "permanent",
  },
  {
    name: "imapflow: ECONNREFUSED (captured)",
    err: netError("ECONNREFUSED", "connect", { address: "127.0.0.1", port: 1 }),
    ctx: imapCtx({ port: 1 }),
    code: "connection_refused",
    kind: "transient",
    params: { port: 1 },
  },
  {
    name: "nodemailer: ESOCKET with originalCode ECONNREFUSED (captured)",
    err: smtpSocketError(netError("ECONNREFUSED", "connect", { address: "127.0.0.1", port: 1 })),
    ctx: smtpCtx({ port: 1 }),
    code: "connection_refused",
    kind: "transient",
  },
  {
    name: "a firewall that drops: connect ETIMEDOUT",
    err: netError("ETIMEDOUT", "connect", { address: "203.0.113.7", port: 993 }),
    ctx: imapCtx(),
    code: "timeout",
    kind: "transient",
  },
  { name: "imapflow CONNECT_TIMEOUT", err: imapConnectTimeout(15_000), ctx: imapCtx(), code: "timeout", kind: "transient" },
  { name: "nodemailer ETIMEDOUT CONNECT_TIMEOUT", err: smtpTimeout("CONNECT_TIMEOUT"), ctx: smtpCtx(), code: "timeout", kind: "transient" },
  { name: "no route: EHOSTUNREACH", err: netError("EHOSTUNREACH", "connect", { address: "192.0.2.1", port: 993 }), ctx: imapCtx(), code: "timeout", kind: "transient" },
  {
    name: "a greeting that never comes over TLS is a timeout, not a mismatch",
    err: imapGreetingTimeout(true),
    ctx: imapCtx({ security: "tls" }),
    code: "timeout",
    kind: "transient",
  },
  { name: "read ECONNRESET", err: netError("ECONNRESET", "read"), ctx: imapCtx({ step: "folders" }), code: "connection_closed", kind: "transient" },
  {
    name: "nodemailer ECONNECTION: Connection closed unexpectedly",
    err: smtpError(new Error("Connection closed unexpectedly"), "ECONNECTION", false, "CONN"),
    ctx: smtpCtx(),
    code: "connection_closed",
    kind: "transient",
  },

  // SMTP replies while sending; APPEND
  {
    name: "SMTP 550 5.1.1 recipient unknown: permanent",
    err: smtpRefused("RCPT TO", "550 5.1.1 <nobody@example.test>: Recipient address rejected: User unknown in virtual mailbox table"),
    ctx: smtpCtx({ step: "smtp_send" }),
    code: "recipient_refused",
    kind: "permanent",
  },
  {
    name: "Postfix: 552 5.3.4 message too large: permanent",
    err: smtpRefused("DATA", "552 5.3.4 Message size exceeds fixed limit"),
    ctx: smtpCtx({ step: "smtp_send" }),
    code: "message_too_large",
    kind: "permanent",
  },
  {
    name: "Gmail: 550 5.4.5 daily sending limit: sending disabled, permanent",
    err: smtpRefused("MAIL FROM", "550 5.4.5 Daily user sending limit exceeded. For more information on Gmail sending limits go to https://support.google.com/a/answer/166852"),
    ctx: smtpCtx({ step: "smtp_send", host: "smtp.gmail.com" }),
    code: "sending_disabled",
    kind: "permanent",
  },
  {
    name: "SMTP 503 is not permanent (EmailEngine's rule)",
    err: smtpRefused("RCPT TO", "503 5.5.1 Error: need MAIL command"),
    ctx: smtpCtx({ step: "smtp_send" }),
    code: "smtp_rejected",
    kind: "transient",
  },
  {
    name: "SMTP 452 too many recipients: transient",
    err: smtpRefused("RCPT TO", "452 4.5.3 Error: too many recipients"),
    ctx: smtpCtx({ step: "smtp_send" }),
    code: "smtp_rejected",
    kind: "transient",
  },
  {
    name: "SMTP 554 5.7.1 spam block: permanent",
    err: smtpRefused("DATA", "554 5.7.1 Message rejected as spam"),
    ctx: smtpCtx({ step: "smtp_send" }),
    code: "smtp_rejected",
    kind: "permanent",
  },
  {
    name: "SMTP 421 service not available: transient",
    err: smtpError(
      "Server terminates connection. response=421 4.3.2 Service not available, closing transmission channel",
      "ECONNECTION",
      "421 4.3.2 Service not available, closing transmission channel",
      "EHLO",
    ),
    ctx: smtpCtx(),
    code: "server_unavailable",
    kind: "transient",
  },
  {
    name: "SMTP 454 temporary authentication failure",
    err: smtpSignInRefused("454 4.7.0 Temporary authentication failure"),
    ctx: smtpCtx(),
    code: "server_unavailable",
    kind: "transient",
  },
  {
    name: "Postfix: 553 5.7.1 Sender address rejected: not owned by user",
    err: smtpRefused("MAIL FROM", "553 5.7.1 <boss@example.test>: Sender address rejected: not owned by user alice@example.test"),
    ctx: smtpCtx({ step: "smtp_send" }),
    code: "sender_not_allowed",
    kind: "permanent",
  },
  {
    name: "Microsoft: 550 5.7.60 Client does not have permissions to send as this sender",
    err: smtpRefused("DATA", "550 5.7.60 SMTP; Client does not have permissions to send as this sender"),
    ctx: smtpCtx({ host: "smtp.office365.com", step: "smtp_send" }),
    code: "sender_not_allowed",
    kind: "permanent",
  },
  {
    name: "IMAP APPEND to a missing folder: [TRYCREATE]",
    err: await imapCommandReported("5 NO [TRYCREATE] Mailbox doesn't exist: Sent Items", "APPEND Sent"),
    ctx: imapCtx({ step: "imap_append" }),
    code: "folder_not_found",
    kind: "permanent",
  },
  {
    name: "anything else stays unknown and transient, with the server's words",
    err: new Error("Unexpected server response: * BAD Internal error occurred. Refer to server log for more information."),
    ctx: imapCtx({ step: "folders" }),
    code: "unknown",
    kind: "transient",
  },
];

describe("diagnose: every mapping from real error fields", () => {
  it.each(cases)("$name -> $code ($kind)", ({ err, ctx, code, kind, params }) => {
    const d = diagnose(err, ctx);
    expect({ code: d.code, kind: d.kind }).toEqual({ code, kind });
    expect(d.step).toBe(ctx.step);
    expect(d.protocol).toBe(ctx.protocol);
    if (params) expect(d.params).toMatchObject(params);
    // the texts are complete in both languages: no placeholder left unfilled
    for (const text of [d.cause.en, d.cause.ja, d.fix.en, d.fix.ja]) {
      expect(text.length).toBeGreaterThan(10);
      expect(text).not.toMatch(/\{\w+\}/);
    }
  });

  it("covers every diagnosis code except the ones decided without a library error", () => {
    const seen = new Set(cases.map((c) => c.code));
    // smtp_not_configured is a settings fact, not an error (see sending/test-mail.ts); the OAuth2
    // sign-in codes are decided from the provider's token endpoint answers (core/oauth/token-endpoint.ts)
    expect(diagnosisCodes.filter((c) => !seen.has(c))).toEqual([
      "oauth_reconnect_needed",
      "oauth_admin_consent",
      "oauth_wrong_tenant",
      "oauth_scope_missing",
      "smtp_not_configured",
    ]);
  });
});

describe("diagnosis texts", () => {
  it("says a wrong password plainly, in English and Japanese, with seed 001's advice", () => {
    const d = diagnose(cases[0]!.err, imapCtx());
    expect(d.cause.en).toBe("The mail server refused the user name or password.");
    expect(d.cause.ja).toBe("メールサーバーがユーザー名またはパスワードを拒否しました。");
    expect(d.fix.en).toMatch(/app password/);
    expect(d.fix.en).toMatch(/every other mail app/);
    expect(d.fix.en).toMatch(/about 15 minutes/);
    expect(d.fix.ja).toMatch(/アプリパスワード/);
    expect(d.fix.ja).toMatch(/約15分/);
    expect(d.fix.ja).toMatch(/他のすべてのメールソフト/);
  });

  it("names the port and the security it expects on a mismatch", () => {
    const d = diagnose(new ProtocolMismatchError("tls", "tls_handshake"), imapCtx({ port: 993, security: "starttls", step: "tcp" }));
    expect(d.cause.en).toBe("The security setting does not match the port: the server on port 993 expects TLS.");
    expect(d.fix.ja).toMatch(/^ポート 993 には TLS を選んでください。/);
  });

  it("gives the provider's app-password steps with an authentication failure (seed 000)", () => {
    const gmail = diagnose(cases[1]!.err, imapCtx({ host: "imap.gmail.com", provider: "gmail" }));
    expect(gmail.providerSteps?.en.join("\n")).toMatch(/myaccount\.google\.com\/apppasswords/);
    expect(gmail.providerSteps?.ja[0]).toMatch(/Google アカウント/);
    const yahoo = diagnose(cases[2]!.err, imapCtx({ host: "imap.mail.yahoo.com" }));
    expect(yahoo.providerSteps?.en.join("\n")).toMatch(/Generate app password/);
    const icloud = diagnose(cases[0]!.err, imapCtx({ host: "imap.mail.me.com" }));
    expect(icloud.providerSteps?.ja.join("\n")).toMatch(/App用パスワード/);
    const unknown = diagnose(cases[0]!.err, imapCtx({ host: "mail.example.com" }));
    expect(unknown.providerSteps).toBeUndefined();
  });

  it("tells Zoho and Yahoo! JAPAN users to switch IMAP access on, since their servers only say the login failed", async () => {
    const zoho = diagnose(await imapSignInRefused("2 NO [AUTHENTICATIONFAILED] Invalid credentials(Failure)"), imapCtx({ host: "imappro.zoho.com", provider: "zoho_pro" }));
    expect(zoho.code).toBe("auth_failed");
    expect(zoho.providerSteps?.en.join("\n")).toMatch(/tick "IMAP Access"/);
    expect(zoho.providerSteps?.ja.join("\n")).toMatch(/アプリケーション固有のパスワード/);
    expect(zoho.providerSteps?.ja.join("\n")).toMatch(/「IMAPアクセス」にチェック/);
    const yj = diagnose(await imapSignInRefused("2 NO [AUTHENTICATIONFAILED] Authentication failed."), imapCtx({ host: "imap.mail.yahoo.co.jp" }));
    expect(yj.providerSteps?.ja.join("\n")).toMatch(/IMAP\/POP\/SMTPアクセスとメール転送/);
    expect(yj.providerSteps?.ja.join("\n")).toMatch(/Yahoo! JAPAN ID/);
  });

  it("takes the steps from the provider table, the one source the console shows too", async () => {
    // Prepare
    const refused = await imapSignInRefused("2 NO [AUTHENTICATIONFAILED] Authentication failed.");
    for (const id of ["gmail", "yahoo", "yahoo_japan", "icloud", "aol", "zoho", "zoho_pro"] as const) {
      const preset = presetFor(id);
      // Act
      const d = diagnose(refused, imapCtx({ host: preset.imap!.host, provider: id }));
      // Assess
      expect(d.providerSteps, id).toEqual({ en: [...preset.appPasswordSteps.en], ja: [...preset.appPasswordSteps.ja] });
    }
  });

  it("settles Gmail and Zoho on what they require: Gmail's app password dies with a password change, Zoho's is made in the account's own data centre and only under two-factor authentication", async () => {
    const refused = await imapSignInRefused("2 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)");
    const gmail = diagnose(refused, imapCtx({ host: "imap.gmail.com", provider: "gmail" }));
    expect(gmail.providerSteps?.en.join("\n")).toMatch(/2-Step Verification/);
    expect(gmail.providerSteps?.en.join("\n")).toMatch(/stops working when you change your Google password/);
    const zohoEu = diagnose(refused, imapCtx({ host: "imappro.zoho.eu", provider: "zoho_pro" }));
    expect(zohoEu.providerSteps?.en.join("\n")).toMatch(/^If two-factor authentication is on, sign in at https:\/\/accounts\.zoho\.eu,/m);
    expect(zohoEu.providerSteps?.en.join("\n")).not.toMatch(/accounts\.zoho\.com/);
    expect(zohoEu.providerSteps).toEqual({ en: [...presetFor("zoho_pro", "eu").appPasswordSteps.en], ja: [...presetFor("zoho_pro", "eu").appPasswordSteps.ja] });
  });

  it("finds the provider from the server's host when the account says 'other'", async () => {
    const d = diagnose(await imapSignInRefused("2 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)"), imapCtx({ host: "imap.googlemail.com", provider: "other" }));
    expect(d.providerSteps?.en).toEqual([...presetFor("gmail").appPasswordSteps.en]);
  });

  it("gives Google's own way out for 'Please log in via your web browser' (seed 004) and for IMAP switched off", () => {
    const web = diagnose(cases.find((c) => c.code === "web_login_required")!.err, imapCtx({ host: "imap.gmail.com" }));
    expect(web.cause.ja).toMatch(/ウェブブラウザでサインイン/);
    expect(web.providerSteps?.ja.join("\n")).toMatch(/最近のセキュリティ アクティビティ/);
    const imap = diagnose(cases.find((c) => c.code === "imap_disabled")!.err, imapCtx({ host: "imap.gmail.com" }));
    expect(imap.providerSteps?.ja.join("\n")).toMatch(/IMAP を有効にする/);
  });

  it("points Microsoft 365 to OAuth for IMAP and to Authenticated SMTP for sending", async () => {
    const imap = diagnose(await imapSignInRefused("2 NO AUTHENTICATE failed."), imapCtx({ host: "outlook.office365.com" }));
    expect(imap.fix.en).toMatch(/OAuth/);
    expect(imap.providerSteps?.en.join("\n")).toMatch(/Sign in with Microsoft/);
    const smtp = diagnose(cases.find((c) => c.name.includes("SmtpClientAuthentication"))!.err, smtpCtx({ host: "smtp.office365.com" }));
    expect(smtp.providerSteps?.en.join("\n")).toMatch(/Authenticated SMTP/);
  });

  it("keeps the server's words as the technical detail and in the SMTP rejection text", () => {
    const d = diagnose(cases.find((c) => c.name.startsWith("SMTP 550 5.1.1"))!.err, smtpCtx({ step: "smtp_send" }));
    expect(d.detail).toMatch(/User unknown in virtual mailbox table/);
    expect(d.cause.en).toMatch(/^The outgoing mail server refused a recipient: 550 5\.1\.1/);
  });

  it("has the one-line message, the cause and the fix for every code in both languages, the message being cause then fix", () => {
    for (const code of diagnosisCodes) {
      for (const suffix of ["", ".cause", ".fix"]) expect(hasMessage(diagnosisKey(code) + suffix), `${code}${suffix}`).toBe(true);
      const params = { host: "h", port: 1, expected: "TLS", names: "n", response: "r", detail: "d", folder: "f" };
      expect(translate(diagnosisKey(code), "en", params)).toBe(`${translate(`${diagnosisKey(code)}.cause`, "en", params)} ${translate(`${diagnosisKey(code)}.fix`, "en", params)}`);
      expect(translate(diagnosisKey(code), "ja", params)).toBe(translate(`${diagnosisKey(code)}.cause`, "ja", params) + translate(`${diagnosisKey(code)}.fix`, "ja", params));
      expect(translate(`${diagnosisKey(code)}.cause`, "ja", params)).toMatch(/[ぁ-んァ-ヶ一-龠]/);
    }
  });

  it("localises a diagnosis for the API", () => {
    const d = diagnose(cases[0]!.err, imapCtx());
    const ja = localizeDiagnosis(d, "ja");
    expect(ja).toMatchObject({ code: "auth_failed", kind: "permanent", protocol: "imap", step: "imap_login", cause: d.cause.ja, fix: d.fix.ja });
    expect(ja.message).toBe(d.cause.ja + d.fix.ja);
    expect(localizeDiagnosis(d, "en").message).toBe(`${d.cause.en} ${d.fix.en}`);
  });
});

describe("translateImapError (the sync's adapter edge)", () => {
  it("returns an AppError with the catalogue code, the kind and the original error", () => {
    const original = cases[0]!.err;
    const err = translateImapError(original);
    expect(err).toBeInstanceOf(AppError);
    expect(err.code).toBe("diag.auth_failed");
    expect(err.kind).toBe("permanent");
    expect(err.cause).toBe(original);
    expect(hasMessage(err.code)).toBe(true);
    expect(translate(err.code, "en", err.params)).toMatch(/refused the user name or password/);
  });

  it("keeps transient errors transient so the queue retries them", () => {
    const err = translateImapError(netError("ECONNRESET", "read"));
    expect(err.code).toBe("diag.connection_closed");
    expect(err.kind).toBe("transient");
    // no host or port is known mid-sync: the message must not show an empty placeholder
    expect(translate(err.code, "en", err.params)).not.toMatch(/\{|\bport\s*$/);
  });

  it("passes an AppError through unchanged", () => {
    const already = new AppError("permanent", "password_missing");
    expect(translateImapError(already)).toBe(already);
  });

  it("re-diagnoses a translated error's cause with a fuller context", () => {
    const first = translateImapError(new ProtocolMismatchError("tls", "tls_handshake"), { port: 993, security: "starttls" });
    const d = diagnose(first, imapCtx({ port: 993, security: "starttls", step: "tcp" }));
    expect(d.code).toBe("tls_mismatch");
    expect(d.step).toBe("tcp");
  });
});

describe("isAuthenticationProblem (the sync's account state)", () => {
  it("is true for every sign-in refusal, old stored codes included, and false for the rest", () => {
    for (const code of [
      "diag.auth_failed",
      "diag.app_password_required",
      "diag.web_login_required",
      "diag.imap_disabled",
      "diag.basic_auth_disabled",
      "diag.oauth_failed",
      "diag.too_many_attempts",
      "imap_auth_failed",
      "password_missing",
    ])
      expect(isAuthenticationProblem(code), code).toBe(true);
    for (const code of ["diag.tls_untrusted", "diag.timeout", "diag.throttled", "diag.unknown", "imap_timeout", "service_unavailable"])
      expect(isAuthenticationProblem(code), code).toBe(false);
  });
});
