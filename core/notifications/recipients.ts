import type { FieldProblem } from "../shared/errors";
import { looksLikeEmail, normaliseEmail } from "../contacts/index";

/**
 * "a@x.jp; b@y.jp ;" -> the addresses (normalised, each once), and a problem per part that is
 * not one, named `<field>.<i>` (i: its place in the text). The full-width "；" separates too:
 * Japanese input methods type it. Used by every ";"-separated recipient list (the notification
 * settings' extra addresses, the job monitor's per-type recipients).
 */
export function parseRecipients(text: string, field = "extraRecipients"): { addresses: string[]; problems: FieldProblem[] } {
  const parts = text
    .split(/[;；]/)
    .map((p) => p.trim())
    .filter(Boolean);
  const problems: FieldProblem[] = [];
  parts.forEach((p, i) => {
    if (!looksLikeEmail(p)) problems.push({ field: `${field}.${i}`, key: "recipient_invalid", params: { address: p } });
  });
  return { addresses: [...new Set(parts.filter(looksLikeEmail).map(normaliseEmail))], problems };
}
