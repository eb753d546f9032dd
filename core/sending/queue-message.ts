import type { Db } from "../store/db";
import { keys } from "../store/keys";
import { reserve, type RateLimit } from "../store/rate-limit";
import { AppError, fieldError } from "../shared/errors";
import { newId } from "../shared/ids";
import type { Logger } from "../shared/log";
import { getAccountRecord, isPaused, type AccountRecord } from "../accounts/index";
import { loadMessage } from "../messages/index";
import type { Reader } from "../sharing/index";
import { checkCompose, type ComposeInput } from "./compose";
import { getSendingSettings } from "./settings";
import { newMessageId, wholeSecond, withSignature, type MessageParts } from "./build-message";
import { historyRecord, recipientContacts, saveOutgoing, showStatus, type OutgoingRecord } from "./outbox";
import type { SendQueue } from "./queue";

export interface QueueDeps {
  db: Db;
  queue: SendQueue;
  log: Logger;
  now?: () => Date;
}

/** Per-user limits, counted when a message is queued (sliding windows, core/store/rate-limit.ts). */
export const sendLimits = (perHour: number, perDay: number): RateLimit[] => [
  { bucket: "send-hour", limit: perHour, windowSeconds: 3600, code: "send_limit_hour" },
  { bucket: "send-day", limit: perDay, windowSeconds: 86_400, code: "send_limit_day" },
];

/** References of a reply: the original's chain as far as we know it (its parent), then the original itself. */
function replyHeaders(original: { messageId?: string | null; inReplyTo?: string | null }): { inReplyTo: string | null; references: string[] } {
  if (!original.messageId) return { inReplyTo: null, references: [] };
  return { inReplyTo: original.messageId, references: [...(original.inReplyTo ? [original.inReplyTo] : []), original.messageId] };
}

/** The uploads named by a message: the sender's own, still kept; each problem on its field. */
async function loadUploads(db: Db, actorId: string, ids: string[]): Promise<OutgoingRecord["attachmentRefs"]> {
  if (!ids.length) return [];
  const found = new Map(
    (
      await db.batchGet(
        "main",
        ids.map((id) => keys.upload(id)),
      )
    ).map((i) => [i.uploadId as string, i]),
  );
  const now = Date.now() / 1000;
  const problems = ids.flatMap((id, i) => {
    const u = found.get(id);
    return u && u.userId === actorId && (u.expiresAt as number) > now ? [] : [{ field: `attachments.${i}`, key: "send_upload_not_found" as const }];
  });
  if (problems.length) throw new AppError("validation", "validation_failed", { fields: problems });
  return ids.map((id) => {
    const u = found.get(id)!;
    return { uploadId: id, key: u.key as string, filename: u.filename as string, contentType: u.contentType as string, size: u.size as number };
  });
}

/**
 * Validates a composed message, stores it (status queued) with its Message-ID and Date fixed,
 * shows it at once in every recipient contact's history, and queues its delivery. Answers
 * before any mail server is contacted. Refused: sending switched off (403), a mailbox that is
 * not the sender's, paused or without SMTP, a bad From or recipients (400 per field), the
 * sender's hourly or daily limit reached (429).
 */
export async function queueMessage(deps: QueueDeps, actor: Reader, input: ComposeInput): Promise<OutgoingRecord> {
  const { db } = deps;
  const settings = await getSendingSettings(db);
  if (!settings.enabled) throw new AppError("forbidden", "sending_off");
  const mailbox = await getAccountRecord(db, input.accountId);
  // someone else's mailbox looks like no mailbox at all: one's own are the only choices
  if (!mailbox || mailbox.ownerId !== actor.id) throw fieldError("accountId", "send_from_not_own");
  if (isPaused(mailbox)) throw fieldError("accountId", "send_mailbox_paused");
  const { from, to, cc, bcc } = checkCompose(input, mailbox);

  let threading: { inReplyTo: string | null; references: string[] } = { inReplyTo: null, references: [] };
  if (input.original) {
    const original = await loadMessage(db, input.original.messageId, actor).catch((err) => {
      throw err instanceof AppError && err.kind === "notFound" ? fieldError("original.messageId", "send_original_not_found") : err;
    });
    // a forward starts its own conversation; a reply joins the original's
    if (input.original.mode !== "forward") threading = replyHeaders(original.message);
  }
  const attachmentRefs = await loadUploads(db, actor.id, input.attachments ?? []);
  const bytes = Buffer.byteLength(input.text, "utf8") + attachmentRefs.reduce((n, a) => n + a.size, 0);
  if (bytes > settings.maxMessageMb * 1024 * 1024) {
    throw fieldError("attachments", "send_too_large", { size: (bytes / 1024 / 1024).toFixed(1), max: settings.maxMessageMb });
  }
  // counted last: a refused request costs nothing of the limit
  for (const limit of sendLimits(settings.perHour, settings.perDay)) await reserve(db, limit, actor.id, { limit: limit.limit });

  const now = deps.now?.() ?? new Date();
  const parts: MessageParts = {
    from: { name: mailbox.displayName ?? null, address: from },
    to,
    cc,
    bcc,
    // as written: the reply draft (replyDraft) proposes "Re: ...", the sender may change it
    subject: input.subject,
    text: input.signature === false ? input.text : withSignature(input.text, mailbox.signature),
    date: wholeSecond(now),
    messageId: newMessageId(from),
    inReplyTo: threading.inReplyTo,
    references: threading.references,
  };
  const mail = await historyRecord(parts, attachmentRefs);
  const contactEmails = await recipientContacts(db, mailbox, [...to, ...cc, ...bcc]);
  const record: OutgoingRecord = {
    ...parts,
    sendId: newId(),
    accountId: mailbox.id,
    userId: actor.id,
    status: "queued",
    attempts: 0,
    attachmentRefs,
    contactEmails,
    copySk: keys.mailCopy("", mail.date, mail.messageKey, mailbox.id).sk,
    bccSelf: !!mailbox.bccSelf,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  await saveOutgoing(db, record, mail, mailbox as AccountRecord);
  try {
    await deps.queue.enqueue({ sendId: record.sendId });
  } catch (err) {
    // stored but never to be sent: say so on the record and the history, not a silent "queued"
    const failure = { code: "service_unavailable", kind: "transient" as const, params: {}, at: new Date().toISOString() };
    await db.update("main", keys.outgoing(record.sendId), {
      expression: "SET #s = :f, failure = :x",
      names: { "#s": "status" },
      values: { ":f": "failed", ":x": failure },
      returnValues: "NONE",
    });
    await showStatus(db, record, "failed", failure);
    throw new AppError("transient", "service_unavailable", { cause: err });
  }
  deps.log.info("send.queued", {
    sendId: record.sendId,
    accountId: mailbox.id,
    recipients: to.length + cc.length + bcc.length,
    contacts: contactEmails.length,
    attachments: attachmentRefs.length,
  });
  return record;
}
