/**
 * The sending port, modelled on nodemailer's transport contract (one object, one `send`). It
 * lives beside the SMTP adapter that implements it so that the mail layer needs nothing from
 * the layers above; core/sending re-exports it as its own face.
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
