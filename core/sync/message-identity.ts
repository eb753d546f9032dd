import type { Db } from "../store/db";
import { keys } from "../store/keys";
import { digest } from "../shared/ids";

/**
 * A message's identity: its key (`messageKey`) and the date its items are sorted by. Both must
 * come out the same from every copy of one message, in every mailbox, before and after a
 * mailbox is rebuilt (new UIDVALIDITY, new INTERNALDATE): the copies' items share the sort key
 * <date>#<messageKey> and fold into one message. So neither may depend on INTERNALDATE, the
 * UID or the folder.
 *
 * - With a Message-ID: the key is the Message-ID's digest, exactly as before, so no stored
 *   message is re-keyed by an upgrade. Two different messages that share a Message-ID (a
 *   broken mailer) are still told apart by their date, which is part of the sort key: the
 *   history folds by <date>#<messageKey>, never by the key alone. From and Subject are not
 *   used to tell them apart: they are not identical in every copy (a mailing list tags the
 *   subject "[sales] ..." and rewrites From for DMARC), so using them would split one message
 *   into two entries.
 * - Without a Message-ID: a digest of header fields (date, from, to, subject), as before when
 *   the message has a Date header; without one, the earliest Received: date stands in.
 * - The date: the Date header; else the earliest Received: header's date (added by the first
 *   server the message passed, so the same in every copy delivered from one submission); else,
 *   for mail that says nothing about when it was written (a draft or a script's APPEND), the
 *   INTERNALDATE of the first copy the product ever saw, kept in a FIRSTSEEN item under the
 *   message's key (see firstSeenDates) so that later copies and rebuilds reuse it.
 */
export interface Identity {
  messageKey: string;
  /** ISO date; for an undated message, a stand-in until firstSeenDates replaces it. */
  date: string;
  /** True when neither a Date nor a Received header gave the date. */
  undated: boolean;
}

export interface IdentityInput {
  messageId: string | null;
  dateHeader: Date | string | undefined;
  /** Unfolded Received: header values, in any order; read only when there is no Date header. */
  received: () => string[];
  internalDate: Date | string | undefined;
  from: string | undefined;
  to: string[];
  subject: string;
}

export function validDate(value: Date | string | undefined | null): Date | null {
  if (!value) return null;
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** The earliest date among Received: headers (the part after the last ";"), or null. */
export function earliestReceived(values: string[]): Date | null {
  let earliest: Date | null = null;
  for (const value of values) {
    const semi = value.lastIndexOf(";");
    if (semi < 0) continue;
    // "Mon, 2 Nov 2026 09:00:00 +0000 (UTC)": Date.parse dislikes the trailing comment
    const d = validDate(
      value
        .slice(semi + 1)
        .replace(/\([^()]*\)/g, "")
        .trim(),
    );
    if (d && (!earliest || d < earliest)) earliest = d;
  }
  return earliest;
}

export function messageIdentity(input: IdentityInput): Identity {
  const known = validDate(input.dateHeader) ?? earliestReceived(input.received());
  // the stand-in (never part of the key) until the first-seen date is known
  const date = (known ?? validDate(input.internalDate) ?? new Date(0)).toISOString();
  const contentDate = known ? date : "undated";
  const messageKey = digest(input.messageId ? `id:${input.messageId.toLowerCase()}` : `h:${contentDate}|${input.from ?? ""}|${input.to.join(",")}|${input.subject}`);
  return { messageKey, date, undated: !known };
}

/**
 * The dates of undated messages: the first-seen date kept under each message's key, written
 * now (this copy's stand-in date) for messages never seen before. A conditional put per
 * message, then a read for those another copy saw first: only undated mail pays this.
 */
export async function firstSeenDates(db: Db, records: { messageKey: string; date: string }[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const taken: string[] = [];
  for (const r of records) {
    if (out.has(r.messageKey)) continue;
    const created = await db.put("main", { ...keys.firstSeen(r.messageKey), messageKey: r.messageKey, date: r.date }, { expression: "attribute_not_exists(pk)" });
    if (created === false) taken.push(r.messageKey);
    else out.set(r.messageKey, r.date);
  }
  if (taken.length) {
    for (const item of await db.batchGet(
      "main",
      taken.map((k) => keys.firstSeen(k)),
    ))
      out.set(item.messageKey as string, item.date as string);
  }
  return out;
}
