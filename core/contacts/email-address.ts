import { domainToASCII } from "node:url";

/**
 * The one way an email address becomes a key: surrounding space trimmed, Unicode NFC,
 * lower case, the domain in its ASCII (punycode) form. Dots and "+tags" in the local part are
 * kept: "j.smith@" and "jsmith@" are different people at most providers, and Gmail's folding
 * is Gmail's business, not ours.
 */
export function normaliseEmail(raw: string): string {
  // most addresses already are: printable ASCII without capitals or a trailing dot (NFC and
  // punycode leave them as they are); the sync normalises every address of every message
  if (ALREADY_NORMAL.test(raw)) return raw;
  const trimmed = raw.trim().normalize("NFC");
  const at = trimmed.lastIndexOf("@");
  if (at < 1) return trimmed.toLowerCase();
  const local = trimmed.slice(0, at).toLowerCase();
  const domain = trimmed.slice(at + 1).replace(/\.$/, "");
  const ascii = domainToASCII(domain.toLowerCase());
  return `${local}@${ascii || domain.toLowerCase()}`;
}

const ALREADY_NORMAL = /^[\x21-\x40\x5b-\x7e]*[\x21-\x2d\x2f-\x40\x5b-\x7e]$/;

/** A pragmatic address check (RFC 5321 sizes, one @, a dotted domain, no spaces). */
export function looksLikeEmail(raw: string): boolean {
  const value = raw.trim();
  if (value.length > 254 || /\s/.test(value)) return false;
  const at = value.lastIndexOf("@");
  if (at < 1 || at > 64) return false;
  const domain = value.slice(at + 1);
  return /^[^@.]+(\.[^@.]+)+$/.test(domain) && !value.slice(0, at).includes("@");
}
