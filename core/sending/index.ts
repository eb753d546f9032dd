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

// Sending from the CRM (issue 11): compose, queue, deliver once, show on the contact at once.
export { composeInput, checkCompose, recipientsOf, prefixedSubject, quoteOriginal, type ComposeInput } from "./compose";
export { DEFAULT_SENDING, getSendingSettings, setSendingSettings, sendingSettingsShape, type SendingSettings } from "./settings";
export { buildMessage, newMessageId, withSignature, wholeSecond, type MessageParts } from "./build-message";
export { getOutgoing, type OutgoingRecord, type SendFailure, type SendStatus } from "./outbox";
export { queueMessage, sendLimits, type QueueDeps } from "./queue-message";
export { deliverTracked } from "./tracked-delivery";
export { deliverOutgoing, MAX_ATTEMPTS, retryDelaySeconds, type DeliverDeps, type DeliverOutcome, type SendEventSink } from "./deliver";
export { saveToSent, type SavedCopy } from "./save-to-sent";
export { SqsSendQueue, parseSendJob, type SendJob, type SendQueue } from "./queue";
export { LocalAttachmentStore, UPLOAD_URL_SECONDS, type AttachmentStore, type UploadTarget } from "./attachments";
export { S3AttachmentStore } from "./s3-attachment-store";
export { createUpload, uploadInput, UPLOAD_KEEP_SECONDS, type UploadInput } from "./uploads";
export { replyDraft, type Draft, type DraftMode } from "./draft";
export { requeueOutgoing } from "./requeue";
export { outgoingView, outgoingOutput } from "./view";
