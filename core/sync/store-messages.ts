import type { Db } from "../store/db";
import { keys } from "../store/keys";
import type { MailRecord } from "./message-record";

export interface MessageSource {
  accountId: string;
  ownerId: string;
  folder: string;
  uid: number;
  uidValidity: string;
}

/**
 * Writes one item per matched contact address. UpdateItem with SET and ADD is idempotent:
 * a redelivered job, a concurrent job, or the same message in a colleague's mailbox writes
 * the same key again and only adds its owner to the sets. Direction is the contact's: the
 * contact sent it -> "received" by us, else "sent" by us.
 */
export async function storeMessage(db: Db, record: MailRecord, contactAddresses: string[], source: MessageSource): Promise<number> {
  let written = 0;
  for (const contactEmail of contactAddresses) {
    const direction = record.from?.address === contactEmail ? "received" : "sent";
    await db.update("mail", keys.mailItem(contactEmail, record.date, record.messageKey), {
      expression:
        "SET gsi1pk = :g, gsi1sk = :d, messageKey = :k, messageId = :mid, threadKey = :t, inReplyTo = :irt, #date = :d, subject = :s, #from = :f, #to = :to, cc = :cc, direction = :dir, #size = :sz, contactEmail = :ce, preview = :pv, attachments = :att, #src = :src ADD owners :o, accounts :a",
      names: { "#date": "date", "#from": "from", "#to": "to", "#size": "size", "#src": `src_${source.accountId}` },
      values: {
        ":g": keys.threadIndex(record.threadKey),
        ":d": record.date,
        ":k": record.messageKey,
        ":mid": record.messageId,
        ":t": record.threadKey,
        ":irt": record.inReplyTo,
        ":s": record.subject,
        ":f": record.from,
        ":to": record.to,
        ":cc": record.cc,
        ":dir": direction,
        ":sz": record.size,
        ":ce": contactEmail,
        ":pv": record.preview ?? null,
        ":att": record.attachments ?? [],
        ":src": { folder: source.folder, uid: source.uid, uidValidity: source.uidValidity, ownerId: source.ownerId },
        ":o": new Set([source.ownerId]),
        ":a": new Set([source.accountId]),
      },
    });
    written++;
  }
  return written;
}
