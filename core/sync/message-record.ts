import { digest } from "../shared/ids";
import { messageIdentity } from "./message-identity";
import { normaliseEmail } from "../contacts/index";
import { attachmentsOf, type Attachment, type BodyNode } from "../mail/index";
import { ADDRESS_HEADERS, addressList, decodeSubject, parseHeaderBlock, stripMailto } from "./header-record";

export interface Address {
  name: string | null;
  address: string;
}

/** What the sync keeps of one message: metadata only, never the body or attachments. */
export interface MailRecord {
  /** Stable across mailboxes: from the Message-ID, else from the headers that identify it. */
  messageKey: string;
  messageId: string | null;
  threadKey: string;
  /**
   * Digests of the Message-IDs that join this message to its conversation: its own and the
   * ones it refers to (References, In-Reply-To), at most THREAD_REFS_MAX + 1. Joined at read
   * time (core/messages/threads.ts), so a reply that names only its parent finds its root.
   */
  threadRefs: string[];
  inReplyTo: string | null;
  date: string;
  subject: string;
  from: Address | null;
  to: Address[];
  cc: Address[];
  bcc: Address[];
  replyTo: Address[];
  size: number | null;
  /** A short plain-text preview of the first text part, when fetched. */
  preview?: string | null;
  attachments?: Attachment[];
  /** Neither Date nor Received said when it was written: `date` is a stand-in until its first-seen date is known. */
  undated?: boolean;
}

/** The fields of an imapflow FETCH response we read (ENVELOPE, INTERNALDATE, a few headers). */
export interface FetchedMessage {
  uid: number;
  size?: number;
  internalDate?: Date | string;
  envelope?: {
    date?: Date | string;
    subject?: string;
    messageId?: string;
    inReplyTo?: string;
    from?: { name?: string; address?: string }[];
    to?: { name?: string; address?: string }[];
    cc?: { name?: string; address?: string }[];
    bcc?: { name?: string; address?: string }[];
    replyTo?: { name?: string; address?: string }[];
  };
  headers?: Buffer;
  bodyStructure?: BodyNode;
  bodyParts?: Map<string, Buffer>;
  binaryParts?: Set<string>;
}

const addresses = (list?: { name?: string; address?: string }[]): Address[] =>
  (list ?? []).filter((a) => a.address && a.address.includes("@")).map((a) => ({ name: a.name?.trim() || null, address: normaliseEmail(stripMailto(a.address!)) }));

/** The ENVELOPE fields, read from raw headers (FETCH BODY[HEADER.FIELDS (...)]). */
function envelopeFromHeaders(raw: Buffer | undefined): NonNullable<FetchedMessage["envelope"]> {
  const h = parseHeaderBlock(raw);
  const ids = (name: string) => messageIds(h.get(name));
  return {
    date: h.get("date") ?? undefined,
    subject: decodeSubject(h.get("subject")),
    messageId: ids("message-id")[0] ?? h.get("message-id") ?? undefined,
    inReplyTo: ids("in-reply-to")[0],
    from: addressList(h.get("from"))
      .slice(0, 1)
      .map((a) => ({ name: a.name ?? undefined, address: a.address })),
    to: addressList(h.get("to")).map((a) => ({ name: a.name ?? undefined, address: a.address })),
    cc: addressList(h.get("cc")).map((a) => ({ name: a.name ?? undefined, address: a.address })),
    bcc: addressList(h.get("bcc")).map((a) => ({ name: a.name ?? undefined, address: a.address })),
    replyTo: addressList(h.get("reply-to")).map((a) => ({ name: a.name ?? undefined, address: a.address })),
  };
}

/**
 * References kept per message: the first (the root) and the nearest ancestors. A long thread's
 * middle adds nothing the parent does not already join, and each copy stays small.
 */
export const THREAD_REFS_MAX = 20;

/** The digest a Message-ID is keyed by (messageKey, threadKey and threadRefs share it). */
const idDigest = (id: string): string => digest(`id:${id.toLowerCase()}`);

/** The digests of a message's own id and the ids it refers to, capped (see THREAD_REFS_MAX). */
function threadRefsOf(messageId: string | null, references: string[], inReplyTo: string | null): string[] {
  const named = [...new Set([...references, ...(inReplyTo ? [inReplyTo] : [])].map((id) => id.toLowerCase()))];
  const kept = named.length > THREAD_REFS_MAX ? [named[0]!, ...named.slice(-(THREAD_REFS_MAX - 1))] : named;
  return [...new Set([...(messageId ? [messageId] : []), ...kept].map(idDigest))];
}

/** Message-IDs in a References / In-Reply-To value, in order. */
export const messageIds = (value: string | undefined | null): string[] => (value ? (value.match(/<[^<>\s]+>/g) ?? []) : []);

/** Unfolds one header's value from a raw header block. */
export function headerValue(raw: Buffer | undefined, name: string): string | null {
  if (!raw) return null;
  const text = raw.toString("latin1").replace(/\r?\n[ \t]+/g, " ");
  const match = new RegExp(`^${name}:[ \\t]*(.*)$`, "im").exec(text);
  return match ? match[1]!.trim() : null;
}

/** Every occurrence of one header, unfolded (Received: comes many times). */
function headerValues(raw: Buffer | undefined, name: string): string[] {
  if (!raw) return [];
  const text = raw.toString("latin1").replace(/\r?\n[ \t]+/g, " ");
  return [...text.matchAll(new RegExp(`^${name}:[ \\t]*(.*)$`, "gim"))].map((m) => m[1]!.trim());
}

export function toMailRecord(msg: FetchedMessage): MailRecord {
  // without ENVELOPE, the record comes from the raw header fields (see header-record.ts)
  const env = msg.envelope ?? envelopeFromHeaders(msg.headers);
  const messageId = env.messageId?.trim() || null;
  const from = addresses(env.from)[0] ?? null;
  const to = addresses(env.to);
  const cc = addresses(env.cc);
  const subject = env.subject ?? "";
  // key and date from what every copy shares, never INTERNALDATE (message-identity.ts)
  const identity = messageIdentity({
    messageId,
    dateHeader: env.date,
    received: () => headerValues(msg.headers, "received"),
    internalDate: msg.internalDate,
    from: from?.address,
    to: to.map((a) => a.address),
    subject,
  });
  const { messageKey, date } = identity;
  // Thread root: the first References id, then In-Reply-To, then the message itself.
  const references = messageIds(headerValue(msg.headers, "references"));
  const inReplyTo = messageIds(env.inReplyTo)[0] ?? null;
  const root = references[0] ?? inReplyTo ?? messageId;
  return {
    messageKey,
    messageId,
    threadKey: root ? idDigest(root) : messageKey,
    threadRefs: threadRefsOf(messageId, references, inReplyTo),
    inReplyTo,
    date,
    subject,
    from,
    to,
    cc,
    bcc: addresses(env.bcc),
    replyTo: addresses(env.replyTo),
    size: msg.size ?? null,
    attachments: attachmentsOf(msg.bodyStructure),
    ...(identity.undated ? { undated: true } : {}),
  };
}

/** Every participant address of a message, each once. */
export function participants(r: MailRecord): string[] {
  return [...new Set([r.from, ...r.to, ...r.cc, ...r.bcc, ...r.replyTo].filter((a): a is Address => !!a).map((a) => a.address))];
}

/**
 * Every address in a raw header block, normalised: a fast, forgiving scan used only to decide
 * which messages to look at closely. Quoted display names and comments are dropped first so a
 * name like "Sales, Tokyo" or "a@b (old)" cannot confuse it; what is finally stored is parsed
 * properly (header-record.ts). A false positive costs one extra FETCH, nothing more. It runs
 * for every new message, so the common case (ASCII, no quotes, comments or folding) is kept
 * free of work it does not need.
 */
export function headerAddresses(raw: Buffer | undefined): string[] {
  if (!raw) return [];
  let text = raw.toString("latin1");
  if (text.includes("\n ") || text.includes("\n\t")) text = text.replace(/\r?\n[ \t]+/g, " ");
  if (text.includes('"')) text = text.replace(/"(?:[^"\\]|\\.)*"/g, " ");
  if (text.includes("(")) text = text.replace(/\((?:[^()\\]|\\.)*\)/g, " ");
  const out = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    // only address fields: a Message-ID or References value looks like an address too
    if (!ADDRESS_HEADERS.includes(line.slice(0, colon).trim().toLowerCase())) continue;
    const value = line.slice(colon + 1);
    for (const m of value.matchAll(/<([^<>\s]+@[^<>\s]+)>|([^\s<>,;:"()]+@[^\s<>,;:"()]+)/g)) {
      let address = stripMailto(m[1] ?? m[2]!);
      // raw 8-bit bytes (an internationalised address) were read as latin1: read them as UTF-8
      if (/[^\x00-\x7f]/.test(address)) address = Buffer.from(address, "latin1").toString("utf8");
      out.add(normaliseEmail(address));
    }
  }
  return [...out];
}
