import { randomUUID } from "node:crypto";
import MailComposer from "nodemailer/lib/mail-composer";
import { withCrlf } from "./line-endings";

/** What one outgoing message is made of (an OutgoingRecord has it all, attachments aside). */
export interface MessageParts {
  from: { name: string | null; address: string };
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  /** The body as sent: the text with the signature already below it. */
  text: string;
  /** ISO date, whole seconds: the Date header says no more, and the sync keys by that header. */
  date: string;
  messageId: string;
  inReplyTo?: string | null;
  references?: string[];
  attachments?: { filename: string; contentType: string; content: Buffer }[];
}

/**
 * A Message-ID fixed before the first attempt, in the sender's domain (RFC 5322 3.6.4: unique,
 * the right side a domain the sender may speak for). Every attempt sends this same id, so the
 * recipient's server and the sync both see one message.
 */
export const newMessageId = (fromAddress: string): string => `<${randomUUID()}@${fromAddress.slice(fromAddress.lastIndexOf("@") + 1)}>`;

/** Now, to the whole second (see MessageParts.date). */
export const wholeSecond = (d: Date): string => new Date(Math.floor(d.getTime() / 1000) * 1000).toISOString();

/** The body with the mailbox's signature below the RFC 3676 signature separator ("-- "). */
export function withSignature(text: string, signature: string | null | undefined): string {
  const sig = signature?.replace(/\r\n/g, "\n").trim();
  if (!sig) return text;
  return `${text.replace(/\s+$/, "")}\n\n-- \n${sig}\n`;
}

/**
 * Builds the message twice from one MIME tree: the bytes delivered over SMTP (no Bcc header:
 * the Bcc recipients are only in the envelope) and the copy kept in the Sent folder (with Bcc,
 * as mail clients keep it, so the sender sees whom they blind-copied). Same Message-ID and Date
 * in both; CRLF line endings throughout (line-endings.ts).
 */
export async function buildMessage(p: MessageParts): Promise<{ delivery: Buffer; sentCopy: Buffer }> {
  const node = new MailComposer({
    from: { name: p.from.name ?? "", address: p.from.address },
    to: p.to,
    cc: p.cc,
    bcc: p.bcc,
    subject: p.subject,
    text: p.text,
    date: new Date(p.date),
    messageId: p.messageId,
    ...(p.inReplyTo ? { inReplyTo: p.inReplyTo } : {}),
    ...(p.references?.length ? { references: p.references } : {}),
    attachments: (p.attachments ?? []).map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
    headers: { "X-Mailer": "CRM Mail Sync" },
  }).compile();
  const delivery = withCrlf(await node.build());
  node.keepBcc = true;
  const sentCopy = withCrlf(await node.build());
  return { delivery, sentCopy };
}

/** The header block of a built message (up to the blank line), as the sync's FETCH of header fields returns it. */
export function headerBlock(raw: Buffer): Buffer {
  const end = raw.indexOf("\r\n\r\n");
  return end < 0 ? raw : raw.subarray(0, end + 2);
}
