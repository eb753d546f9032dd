import { z } from "zod";
import type { Db } from "../store/db";
import { keys } from "../store/keys";
import { AppError } from "../shared/errors";
import * as contacts from "../contacts/index";
import { contactHistory } from "../messages/index";
import type { Reader } from "../sharing/index";

/** The contact holding a CRM's external id; 404 when none does. */
export async function contactByExternalId(db: Db, externalId: string): Promise<contacts.Contact> {
  const known = (await contacts.readExternal(db, [externalId])).get(externalId);
  const contact = known?.contact;
  if (!contact || contact.externalId !== externalId) throw new AppError("notFound", "contact_not_found");
  return contacts.getContact(db, contact.id);
}

/** The contacts one address (primary or secondary) belongs to, oldest first: one read of the address index. */
export async function contactsByEmail(db: Db, address: string): Promise<contacts.Contact[]> {
  const entry = await db.get("main", keys.contactEmail(contacts.normaliseEmail(address)));
  const ids = entry?.contactIds ? [...(entry.contactIds as Set<string>)] : [];
  const found = await Promise.all(ids.map((id) => contacts.getContact(db, id).catch(() => undefined)));
  return found.filter((c): c is contacts.Contact => !!c).sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1));
}

/** The most messages a summary reads; a contact with more says `complete: false` (counts are then at least). */
export const SUMMARY_MAX_MESSAGES = 2000;

export const mailSummaryOutput = z.object({
  lastReceivedAt: z.string().nullable().describe("The newest mail the contact wrote"),
  lastSentAt: z.string().nullable().describe("The newest mail a mailbox wrote to the contact"),
  received: z.number(),
  sent: z.number(),
  copied: z.number(),
  complete: z.boolean().describe("false: more than the counted messages exist"),
});
export type MailSummary = z.infer<typeof mailSummaryOutput>;

/**
 * A CRM sidebar's summary of a contact's mail, as `reader` may see it (the history's own
 * sharing rule: the summary counts exactly what the history would show).
 */
export async function mailSummary(db: Db, contact: contacts.Contact, reader: Reader): Promise<MailSummary> {
  const summary: MailSummary = { lastReceivedAt: null, lastSentAt: null, received: 0, sent: 0, copied: 0, complete: true };
  let cursor: string | undefined;
  let read = 0;
  do {
    const page = await contactHistory(db, contact, reader, { cursor, limit: 200 });
    for (const m of page.items) {
      if (m.direction === "received") {
        summary.received++;
        summary.lastReceivedAt ??= m.date;
      } else if (m.direction === "sent") {
        summary.sent++;
        summary.lastSentAt ??= m.date;
      } else summary.copied++;
    }
    read += page.items.length;
    cursor = page.nextCursor ?? undefined;
    if (cursor && read >= SUMMARY_MAX_MESSAGES) summary.complete = false;
  } while (cursor && summary.complete);
  return summary;
}
