/**
 * Sending mail. The domain owns a small port, `Mailer`, modelled on nodemailer's transport
 * contract (one object, one `send`): the caller builds the message once (raw RFC 5322 bytes,
 * so the very same bytes can be APPENDed to the Sent folder) and hands it over with its
 * envelope. The SMTP adapter (smtp.ts) implements it with nodemailer; tests or other
 * transports (an HTTP API such as SES or Graph later) implement the same interface.
 */

/** A message ready to go out. */
export interface OutgoingMessage {
  /** SMTP envelope: MAIL FROM and RCPT TO, independent of the headers (Bcc lives only here). */
  envelope: { from: string; to: string[] };
  /** The complete message, headers and body, exactly as it is sent and stored. */
  raw: Buffer;
  /** The Message-ID header of `raw` (with angle brackets), when the caller knows it. */
  messageId?: string;
}

/** What the server said about one sent message. */
export interface SendResult {
  messageId: string;
  /** Recipients the server accepted. */
  accepted: string[];
  /** Recipients the server refused (the message went to the others). */
  rejected: string[];
  /** The server's final reply, e.g. "250 2.0.0 Ok: queued as 4Xy...". */
  response?: string;
}

/**
 * The port. `send` rejects with an AppError whose code is a diagnosis key (diag.*) and whose
 * kind says whether to retry (SMTP 5xx is permanent except 503).
 */
export interface Mailer {
  send(message: OutgoingMessage): Promise<SendResult>;
  /** Releases the connection(s). */
  close(): void;
}

export { createSmtpMailer, createSmtpTransport, smtpDiagnosisContext, translateSmtpError, verifySmtp, type SmtpSettings } from "../mail/smtp";
export { buildTestMessage, sendTestMail, type TestMailAccount, type TestMailDeps, type TestMailReport, type TestMailPart } from "./test-mail";
