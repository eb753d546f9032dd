import { isIP } from "node:net";
import nodemailer from "nodemailer";
import type { Transporter, SMTPSentMessageInfo } from "nodemailer";
import { diagnose, toAppError, type DiagnosisContext, type DiagnosisStep } from "./diagnosis";
import type { AppError } from "../shared/errors";
import type { Mailer, OutgoingMessage, SendResult } from "./mailer";
import type { MailServerSettings } from "./mail-server";
import { withEhloEvidence } from "./ehlo-probe";

/** What it takes to talk to one SMTP submission server. */
export interface SmtpSettings extends MailServerSettings {
  /** Timeouts in ms. Defaults: connect 15 s, greeting 10 s, idle socket 60 s. */
  timeouts?: { connection?: number; greeting?: number; socket?: number };
}

/**
 * A nodemailer SMTP transport for these settings. It connects to the checked address (closing
 * the DNS-rebinding gap), with the typed host name as TLS server name unless it is an IP
 * (RFC 6066 forbids an IP as SNI; Node then checks the IP against the certificate). It always
 * authenticates (forceAuth): without that, nodemailer skips AUTH when the server does not
 * advertise it, and verify() would report success without ever checking the password.
 */
export function createSmtpTransport(settings: SmtpSettings): Transporter<SMTPSentMessageInfo> {
  const servername = isIP(settings.host) ? undefined : settings.host;
  return nodemailer.createTransport({
    host: settings.address ?? settings.host,
    port: settings.port,
    secure: settings.security === "tls",
    requireTLS: settings.security === "starttls",
    ignoreTLS: settings.security === "none",
    servername,
    // OAuth2: nodemailer sends AUTH XOAUTH2 with the token (it never fetches or refreshes one itself here)
    auth: settings.accessToken ? { type: "OAuth2", user: settings.user, accessToken: settings.accessToken } : { user: settings.user, pass: settings.password },
    forceAuth: true,
    tls: { rejectUnauthorized: !settings.allowInsecureCerts, servername, ca: settings.ca, minVersion: "TLSv1.2" },
    connectionTimeout: settings.timeouts?.connection ?? 15_000,
    greetingTimeout: settings.timeouts?.greeting ?? 10_000,
    socketTimeout: settings.timeouts?.socket ?? 60_000,
    dnsTimeout: 10_000,
    logger: false,
    debug: false,
  });
}

export const smtpDiagnosisContext = (settings: Pick<SmtpSettings, "host" | "port" | "security" | "provider">, step: DiagnosisStep): DiagnosisContext => ({
  protocol: "smtp",
  host: settings.host,
  port: settings.port,
  security: settings.security,
  provider: settings.provider,
  step,
});

/** nodemailer / Node errors -> an AppError with a diagnosis code (diag.*), once, here at the adapter edge. */
export function translateSmtpError(err: unknown, context: DiagnosisContext): AppError {
  return toAppError(diagnose(err, context), err);
}

/** Connects, upgrades as configured, logs in, and says goodbye. Rejects with a translated AppError. */
export async function verifySmtp(settings: SmtpSettings): Promise<void> {
  const transport = createSmtpTransport(settings);
  try {
    await transport.verify();
  } catch (err) {
    throw translateSmtpError(await withEhloEvidence(err, settings), smtpDiagnosisContext(settings, "smtp_login"));
  } finally {
    transport.close();
  }
}

/** The Mailer port over one SMTP transport (one connection per message, as nodemailer's plain transport does). */
export function createSmtpMailer(settings: SmtpSettings): Mailer {
  const transport = createSmtpTransport(settings);
  return {
    async send(message: OutgoingMessage): Promise<SendResult> {
      try {
        const info = await transport.sendMail({ envelope: message.envelope, raw: message.raw });
        return {
          messageId: message.messageId ?? info.messageId,
          accepted: info.accepted.map(String),
          rejected: info.rejected.map(String),
          response: info.response,
        };
      } catch (err) {
        throw translateSmtpError(await withEhloEvidence(err, settings), smtpDiagnosisContext(settings, "smtp_send"));
      }
    },
    close: () => transport.close(),
  };
}
