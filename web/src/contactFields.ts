// Helpers shared by the contact add and edit forms.
import { splitFieldErrors } from "./components";
import type { FieldError } from "./api/types";

/** "a@x, b@y\nc@z" -> ["a@x", "b@y", "c@z"] (commas, semicolons, Japanese commas, whitespace). */
export function parseEmails(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const part of text.split(/[\s,;、，；]+/)) {
    const email = part.trim();
    if (!email || seen.has(email.toLowerCase())) continue;
    seen.add(email.toLowerCase());
    out.push(email);
  }
  return out;
}

/** Maps `secondaryEmails.2` to the textarea, naming the offending address. */
export function contactFieldErrors(fields: FieldError[], secondary: string[]) {
  const prefixed = fields.map((f) => {
    const m = /^secondaryEmails\.(\d+)$/.exec(f.field);
    if (!m) return f;
    const value = secondary[Number(m[1])];
    return { field: "secondaryEmails", message: value ? `${value}: ${f.message}` : f.message };
  });
  return splitFieldErrors(prefixed, (f) => (["name", "company", "primaryEmail", "secondaryEmails"].includes(f) ? f : null));
}
