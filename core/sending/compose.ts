import { z } from "zod";
import { emailField, normaliseEmail } from "../contacts/index";
import { AppError, type FieldProblem } from "../shared/errors";

/**
 * What a user composes in the CRM, as the API accepts it. Plain text only (the history shows
 * plain text, and no HTML is ever rendered). Replies and forwards name the original by its API
 * id: the server reads it through the sharing rule and sets In-Reply-To and References itself.
 */
export const RECIPIENTS_MAX = 100;
export const ATTACHMENTS_MAX = 20;

export const composeInput = z.strictObject({
  /** The mailbox that sends (one of the sender's own). */
  accountId: z.string().trim().min(1).max(64),
  /** The From address: the mailbox's own address or one of its aliases. Default: the mailbox's address. */
  from: emailField.optional(),
  to: z.array(emailField).max(RECIPIENTS_MAX).optional(),
  cc: z.array(emailField).max(RECIPIENTS_MAX).optional(),
  bcc: z.array(emailField).max(RECIPIENTS_MAX).optional(),
  subject: z.string().trim().min(1).max(900),
  /** Plain text; the mailbox's signature is added below it unless `signature` is false. */
  text: z.string().max(200_000),
  signature: z.boolean().optional(),
  /** A reply, reply-all or forward of a message the sender may see (its API id from the history). */
  original: z.strictObject({ messageId: z.string().min(1).max(1000), mode: z.enum(["reply", "replyAll", "forward"]) }).optional(),
  /** Upload ids from POST /api/uploads. */
  attachments: z.array(z.string().min(1).max(64)).max(ATTACHMENTS_MAX).optional(),
});
export type ComposeInput = z.infer<typeof composeInput>;

/** A mailbox as compose needs it. */
export interface SenderMailbox {
  id: string;
  ownerId: string;
  email: string;
  aliases?: string[];
  smtp?: unknown;
}

/** The recipients, normalised and each once (an address in To is not repeated in Cc or Bcc). */
export function recipientsOf(input: Pick<ComposeInput, "to" | "cc" | "bcc">): { to: string[]; cc: string[]; bcc: string[] } {
  const seen = new Set<string>();
  const take = (list: string[] | undefined) => (list ?? []).map(normaliseEmail).filter((a) => (seen.has(a) ? false : (seen.add(a), true)));
  const to = take(input.to),
    cc = take(input.cc),
    bcc = take(input.bcc);
  return { to, cc, bcc };
}

/**
 * The checks that need the mailbox: From must be its address or an alias (a field error, not a
 * 403: the form shows it beside the chooser), at least one recipient, not too many in all, an
 * SMTP server. Every problem at once, each naming its field.
 */
export function checkCompose(input: ComposeInput, mailbox: SenderMailbox): { from: string; to: string[]; cc: string[]; bcc: string[] } {
  const problems: FieldProblem[] = [];
  const own = [mailbox.email, ...(mailbox.aliases ?? [])].map(normaliseEmail);
  const from = normaliseEmail(input.from ?? mailbox.email);
  if (!own.includes(from)) problems.push({ field: "from", key: "send_from_not_own" });
  const r = recipientsOf(input);
  const count = r.to.length + r.cc.length + r.bcc.length;
  if (count === 0) problems.push({ field: "to", key: "send_no_recipient" });
  if (count > RECIPIENTS_MAX) problems.push({ field: "to", key: "send_too_many_recipients", params: { maximum: RECIPIENTS_MAX } });
  if (!mailbox.smtp) problems.push({ field: "accountId", key: "send_mailbox_no_smtp" });
  if (problems.length) throw new AppError("validation", "validation_failed", { fields: problems });
  return { from, ...r };
}

/** "Re: " / "Fwd: " once, however many times the subject went back and forth (Japanese clients also write "RE:" and "Ｒｅ："). */
export function prefixedSubject(subject: string, mode: "reply" | "replyAll" | "forward"): string {
  const bare = subject.replace(/^\s*((re|fwd?|aw|wg|ｒｅ|ｆｗｄ?)\s*[:：]\s*)+/i, "");
  return `${mode === "forward" ? "Fwd" : "Re"}: ${bare}`;
}

/** The original's text quoted below the reply, each line with "> " (RFC 3676's quote marker). */
export function quoteOriginal(original: { date: string; from: { name: string | null; address: string } | null }, text: string): string {
  const who = original.from ? (original.from.name ? `${original.from.name} <${original.from.address}>` : original.from.address) : "";
  const header = `On ${new Date(original.date).toUTCString()}, ${who} wrote:`;
  return `\n\n${header}\n${text
    .replace(/\r\n/g, "\n")
    .split("\n")
    .map((l) => (l.startsWith(">") ? `>${l}` : `> ${l}`))
    .join("\n")}\n`;
}
