import { z } from "zod";
import { localizeFailure } from "../mail/index";
import type { Lang } from "../shared/i18n";
import type { OutgoingRecord } from "./outbox";

const failureOutput = z.object({ code: z.string(), message: z.string(), cause: z.string(), fix: z.string() });

/** An outgoing message as the API shows it to its sender. */
export const outgoingOutput = z.object({
  id: z.string(),
  /** queued (waiting or between attempts), sending, accepted (the server took it; the Sent copy is being saved), sent, failed. */
  status: z.enum(["queued", "sending", "accepted", "sent", "failed"]),
  accountId: z.string(),
  from: z.object({ name: z.string().nullable(), address: z.string() }),
  to: z.array(z.string()),
  cc: z.array(z.string()),
  bcc: z.array(z.string()),
  subject: z.string(),
  messageId: z.string(),
  date: z.string(),
  attempts: z.number(),
  attachments: z.array(z.object({ filename: z.string(), contentType: z.string(), size: z.number() })),
  /** The contact addresses whose histories show it. */
  contactEmails: z.array(z.string()),
  /** Why it failed (or why the last attempt did, while it waits for a retry), with what to do. */
  failure: failureOutput.nullable(),
  /** The recipients the server refused while it accepted the others. */
  rejected: z.array(z.string()),
  /** Where its copy was saved, or why it could not be (the message went out all the same). */
  savedCopy: z.object({ folder: z.string().nullable(), failure: failureOutput.nullable() }).nullable(),
});

export function outgoingView(r: OutgoingRecord, lang: Lang): z.infer<typeof outgoingOutput> {
  return {
    id: r.sendId,
    status: r.status,
    accountId: r.accountId,
    from: r.from,
    to: r.to,
    cc: r.cc,
    bcc: r.bcc,
    subject: r.subject,
    messageId: r.messageId,
    date: r.date,
    attempts: r.attempts,
    attachments: (r.attachmentRefs ?? []).map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.size })),
    contactEmails: r.contactEmails,
    failure: r.failure ? localizeFailure(r.failure.code, r.failure.params, lang) : null,
    rejected: r.rejected ?? [],
    savedCopy:
      r.savedCopyFolder || r.savedCopyFailure
        ? { folder: r.savedCopyFolder ?? null, failure: r.savedCopyFailure ? localizeFailure(r.savedCopyFailure.code, r.savedCopyFailure.params, lang) : null }
        : null,
  };
}
