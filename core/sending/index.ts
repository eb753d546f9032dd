/**
 * Sending mail. The domain owns a small port, `Mailer`, modelled on nodemailer's transport
 * contract (one object, one `send`): the caller builds the message once (raw RFC 5322 bytes,
 * so the very same bytes can be APPENDed to the Sent folder) and hands it over with its
 * envelope. The SMTP adapter (smtp.ts) implements it with nodemailer; tests or other
 * transports (an HTTP API such as SES or Graph later) implement the same interface.
 */

export type { Mailer, OutgoingMessage, SendResult } from "../mail/index";
export { createSmtpMailer, createSmtpTransport, smtpDiagnosisContext, translateSmtpError, verifySmtp, type SmtpSettings } from "../mail/index";
export { buildTestMessage, sendTestMail, type TestMailAccount, type TestMailDeps, type TestMailReport, type TestMailPart } from "./test-mail";
export { withCrlf } from "./line-endings";
