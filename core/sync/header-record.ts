import addressparser from "nodemailer/lib/addressparser";
// libmime has no type declarations; decodeWords is all we use
import libmime from "libmime";
import { normaliseEmail } from "../contacts/index";
import { decodeText } from "../mail/index";

/**
 * Reading a message's metadata from its raw header fields instead of ENVELOPE. Measured here,
 * imapflow parses a BODY[HEADER.FIELDS (...)] literal several times faster than an ENVELOPE
 * (a nested list), and the sync needs these fields for every new message. The fields are
 * decoded the way mail really arrives: RFC 2047 encoded words (ISO-2022-JP, Shift_JIS, UTF-8),
 * and raw 8-bit headers in UTF-8 or, when that is invalid, Shift_JIS / EUC-JP.
 */
/** The headers the light pass fetches for every message: enough to know who it involves. */
export const ADDRESS_HEADERS = ["from", "sender", "reply-to", "to", "cc", "bcc"];
/** Every header field a record is built from. */
export const RECORD_HEADERS = [...ADDRESS_HEADERS, "date", "subject", "message-id", "in-reply-to", "references"];

export interface ParsedHeaders {
  get(name: string): string | null;
}

/** Splits a raw header block into unfolded fields, decoding raw 8-bit bytes once. */
export function parseHeaderBlock(raw: Buffer | undefined): ParsedHeaders {
  const fields = new Map<string, string>();
  if (raw) {
    const text = decodeText(raw, null).replace(/\r?\n[ \t]+/g, " ");
    for (const line of text.split(/\r?\n/)) {
      const colon = line.indexOf(":");
      if (colon < 1) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      // the first occurrence wins, as in ENVELOPE
      if (!fields.has(name)) fields.set(name, line.slice(colon + 1).trim());
    }
  }
  return { get: (name) => fields.get(name) ?? null };
}

const decodeWords = (value: string): string => {
  try {
    return (libmime as { decodeWords(v: string): string }).decodeWords(value);
  } catch {
    return value;
  }
};

export interface HeaderAddress {
  name: string | null;
  address: string;
}

/**
 * An address written as a URL (`<mailto:bob@example.com>`, as some mailers and scripts write
 * From:) is the address itself: without this, the message's sender is "mailto:bob@..." and the
 * mail never matches the contact.
 */
export const stripMailto = (address: string): string => (address.length > 7 && /^mailto:/i.test(address) ? address.slice(7) : address);

/** An address list header as {name, address} pairs, groups flattened, names decoded, `mailto:` dropped. */
export function addressList(value: string | null): HeaderAddress[] {
  if (!value) return [];
  return addressparser(value, { flatten: true })
    .filter((a) => a.address && a.address.includes("@"))
    .map((a) => ({ name: a.name ? decodeWords(a.name).trim() || null : null, address: normaliseEmail(stripMailto(a.address)) }));
}

/**
 * A subject as one line of text. Control characters are dropped: Dovecot stores a NUL byte of
 * a header as 0x80 (its message parser's replacement), which would otherwise show as junk.
 */
export const decodeSubject = (value: string | null): string =>
  value
    ? decodeWords(value)
        .replace(/[\x00-\x08\x0e-\x1f\x7f-\x9f]/g, "")
        .replace(/\s+/g, " ")
        .trim()
    : "";
