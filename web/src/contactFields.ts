// Helpers shared by the contact add and edit forms.
import type { FieldError } from "./api/types";
import type { SubmitOptions } from "./hooks";

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

/**
 * How the contact add and edit forms show a 400: `secondaryEmails.2` goes under the textarea
 * and names the offending address; fields the form does not have go to the banner.
 */
export function contactSubmitOptions(secondary: string[]): SubmitOptions {
  return {
    fieldKey: (f) => {
      const field = f.replace(/^secondaryEmails\.\d+$/, "secondaryEmails");
      return ["name", "reading", "company", "primaryEmail", "secondaryEmails"].includes(field) ? field : null;
    },
    mapFields: (fields: FieldError[]) =>
      fields.map((f) => {
        const m = /^secondaryEmails\.(\d+)$/.exec(f.field);
        const value = m ? secondary[Number(m[1])] : undefined;
        return value ? { ...f, message: `${value}: ${f.message}` } : f;
      }),
  };
}
