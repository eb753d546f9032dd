import type { Db, Item } from "../store/db";
import { keys } from "../store/keys";
import { storeMessages, toMailRecord, type MailRecord } from "../sync/index";
import { previewText } from "../mail/index";
import { matchContactEmails, normaliseEmail } from "../contacts/index";
import { loadStoragePolicy } from "../sharing/index";
import { buildMessage, headerBlock, type MessageParts } from "./build-message";

/**
 * The outgoing message (SEND#<sendId>, see core/store/keys.ts) and its place in the contacts'
 * histories. The record is the delivery's idempotency record: its `status` moves only forward
 * (queued -> sending -> accepted -> sent, or -> failed), each step a conditional write, so a
 * job delivered twice finds the work done or held and sends nothing.
 */
export type SendStatus = "queued" | "sending" | "accepted" | "sent" | "failed";

/** Why a message failed or waits for a retry: a diagnosis code (diag.*) or another catalogue key, with its params. */
export interface SendFailure {
  code: string;
  kind: "transient" | "permanent";
  params: Record<string, string | number>;
  at: string;
}

export interface OutgoingRecord extends MessageParts {
  sendId: string;
  accountId: string;
  userId: string;
  status: SendStatus;
  attempts: number;
  /** Upload ids and what the history shows of them. */
  attachmentRefs: { uploadId: string; key: string; filename: string; contentType: string; size: number }[];
  /** The contact addresses whose histories show it (their Mail-table copies carry sendId). */
  contactEmails: string[];
  /** The Mail-table sort key of its copies: <date>#<messageKey>#<accountId>. */
  copySk: string;
  bccSelf: boolean;
  claimId?: string;
  claimUntil?: number;
  failure?: SendFailure;
  /** The SMTP server's last reply on acceptance, and the recipients it refused. */
  response?: string;
  rejected?: string[];
  /** Set when the copy could not be APPENDed to Sent (the message itself went out). */
  savedCopyFailure?: SendFailure;
  savedCopyFolder?: string;
  createdAt: string;
  updatedAt: string;
}

export async function getOutgoing(db: Db, sendId: string): Promise<OutgoingRecord | undefined> {
  return (await db.get("main", keys.outgoing(sendId))) as OutgoingRecord | undefined;
}

/**
 * The metadata the sync would store for this message once it reads it back from Sent: the very
 * same parser over the very same header block, so the key, date and thread links agree and the
 * sync's put replaces this item instead of adding a second one.
 */
export async function historyRecord(parts: MessageParts, attachments: { filename: string; contentType: string; size: number }[]): Promise<MailRecord> {
  const { sentCopy } = await buildMessage({ ...parts, attachments: [] });
  const record = toMailRecord({ uid: 0, size: sentCopy.length + attachments.reduce((n, a) => n + Math.ceil((a.size * 4) / 3), 0), headers: headerBlock(sentCopy) });
  record.preview = previewText(Buffer.from(parts.text, "utf8"), { part: "1", type: "text/plain", charset: "utf-8", encoding: "8bit" }, true);
  record.attachments = attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.size }));
  return record;
}

/** The contact addresses among the recipients whose histories may hold it (as the sync decides: contacts only, never internal or excluded). */
export async function recipientContacts(db: Db, mailbox: { sharing?: { excludedDomains?: string[] } | null }, addresses: string[]): Promise<string[]> {
  const [matched, storable] = await Promise.all([matchContactEmails(db, addresses.map(normaliseEmail)), loadStoragePolicy(db, mailbox)]);
  return [...matched].filter(storable);
}

/**
 * Stores the record (queued), then its copies in the recipients' histories through the sync's
 * own writer (partition markers, change log), each with sendId and sendStatus. Queued first:
 * a job never finds copies without their record.
 */
export async function saveOutgoing(
  db: Db,
  record: OutgoingRecord,
  mail: MailRecord,
  mailbox: { id: string; ownerId: string; email: string; imap: { user: string }; aliases?: string[]; sentFolder?: string | null },
): Promise<void> {
  await db.put(
    "main",
    { ...keys.outgoing(record.sendId), gsi1pk: keys.outgoingIndex(record.userId), gsi1sk: `${record.createdAt}#${record.sendId}`, ...record },
    { expression: "attribute_not_exists(pk)" },
  );
  if (!record.contactEmails.length) return;
  const own = new Set([mailbox.email, normaliseEmail(mailbox.imap.user), ...(mailbox.aliases ?? [])].map(normaliseEmail));
  await storeMessages(db, [
    {
      record: mail,
      contacts: record.contactEmails,
      // no UID yet: the sync's copy from Sent replaces this item and brings folder and UID
      source: { accountId: mailbox.id, ownerId: mailbox.ownerId, folder: mailbox.sentFolder ?? "", uid: 0, uidValidity: "", own },
      extra: { sendId: record.sendId, sendStatus: "queued" },
    },
  ]);
}

/**
 * Shows a new status on the message's history copies. Only on copies still carrying this
 * sendId: once the sync has stored the message from Sent, its item is the mailbox's ordinary
 * copy (the message was sent) and is left as the sync wrote it; an item is never recreated.
 */
export async function showStatus(db: Db, record: Pick<OutgoingRecord, "sendId" | "contactEmails" | "copySk">, status: SendStatus, failure?: SendFailure): Promise<void> {
  const shown = status === "accepted" || status === "sending" ? (status === "accepted" ? "sent" : "queued") : status;
  await Promise.all(
    record.contactEmails.map((contactEmail) =>
      db.update(
        "mail",
        { pk: contactEmail, sk: record.copySk },
        {
          expression: failure ? "SET sendStatus = :s, sendFailure = :f" : "SET sendStatus = :s REMOVE sendFailure",
          values: { ":s": shown, ":id": record.sendId, ...(failure ? { ":f": failure } : {}) },
          condition: "attribute_exists(pk) AND sendId = :id",
          returnValues: "NONE",
        },
      ),
    ),
  );
}

export type { Item };
