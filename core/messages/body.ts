import type { Db, Item } from "../store/db";
import { keys } from "../store/keys";
import type { SecretStore } from "../secrets/index";
import { AppError } from "../shared/errors";
import type { Logger } from "../shared/log";
import { checkHost, getAccountRecord, type HostAllowance } from "../accounts/index";
import { mailSecretsFor, type OAuthProviders } from "../oauth/index";
import type { Notifier } from "../notifications/index";
import type { ImapFlow } from "imapflow";
import { consume, type RateLimit } from "../store/rate-limit";
import { SharingGate, contactsHolding, type Reader } from "../sharing/index";
import { bodyConnections } from "./imap-pool";
import { decodeText, htmlToText, pickPreviewPart, transferDecode } from "../mail/index";
import { messageSortKey } from "./index";

/** The most of a body part fetched for reading: enough for any human-written mail. */
export const BODY_MAX_BYTES = 512 * 1024;

export interface BodyDeps {
  db: Db;
  secrets: SecretStore;
  log: Logger;
  hostAllowance: HostAllowance;
  imapCa?: string;
  /** OAuth2 providers, for mailboxes connected with Google or Microsoft. */
  oauth?: OAuthProviders;
  /** Told when an OAuth2 mailbox's grant has ended (mailbox.reconnect_needed). */
  notifier?: Notifier;
}

/** A message item's id as the API gives it out: the contact address and the sort key. */
export function parseMessageId(id: string): { pk: string; sk: string } {
  const bar = id.indexOf("|");
  if (bar < 1) throw new AppError("notFound", "message_not_found");
  try {
    return { pk: decodeURIComponent(id.slice(0, bar)), sk: id.slice(bar + 1) };
  } catch {
    throw new AppError("notFound", "message_not_found");
  }
}

/**
 * The message (its first visible copy's fields) and the copies of it `reader` may see (see
 * core/sharing), their owners resolved from the mailbox now. None visible answers 404, as for
 * a message that does not exist: a 403 would tell the reader it exists.
 */
export async function loadMessage(db: Db, id: string, reader: Reader): Promise<{ message: Item; owners: Item[] }> {
  const { pk, sk } = parseMessageId(id);
  const { items } = await db.query("mail", {
    KeyConditionExpression: "pk = :p AND begins_with(sk, :s)",
    ExpressionAttributeValues: { ":p": pk, ":s": `${sk}#` },
  });
  const copies = items.filter((i) => messageSortKey(i.sk) === sk);
  const visible = copies.length ? await new SharingGate(db, reader).filter(copies, await contactsHolding(db, pk)) : [];
  if (!visible.length) throw new AppError("notFound", "message_not_found");
  return { message: { ...visible[0]!, sk }, owners: visible };
}

/** Opening messages: enough for a person reading a thread, too little to mirror a mailbox through the API. */
export const BODY_READER_LIMIT: RateLimit = { bucket: "body-reader", limit: 60, windowSeconds: 60 };
/** Per mailbox, whoever reads: the provider sees one client, and throttles or locks it past a point. */
export const BODY_MAILBOX_LIMIT: RateLimit = { bucket: "body-mailbox", limit: 120, windowSeconds: 60 };

/**
 * The text of a message, fetched on demand through a copy the reader may see (their own
 * mailbox's first), never through any other mailbox: only its first text part, at most
 * BODY_MAX_BYTES, HTML turned into text. Never stored, never rendered as HTML, no remote
 * content. Counted per reader and per mailbox (rate limits above); the IMAP connection is
 * reused for a while (imap-pool.ts) and opened only to a host the policy allows.
 */
export async function fetchMessageText(deps: BodyDeps, id: string, reader: Reader): Promise<{ text: string; truncated: boolean; accountId: string }> {
  const { owners } = await loadMessage(deps.db, id, reader);
  await consume(deps.db, BODY_READER_LIMIT, reader.id);
  const ordered = [...owners.filter((o) => o.ownerId === reader.id), ...owners.filter((o) => o.ownerId !== reader.id)];
  let lastError: unknown;
  for (const owner of ordered) {
    // written in the CRM and not yet read back from Sent (core/sending): the text is in its record
    if (owner.sendId && !owner.uid) {
      const outgoing = await deps.db.get("main", keys.outgoing(owner.sendId as string));
      if (typeof outgoing?.text === "string") return { text: outgoing.text, truncated: false, accountId: owner.accountId };
      continue;
    }
    const account = await getAccountRecord(deps.db, owner.accountId);
    if (!account) continue;
    await consume(deps.db, BODY_MAILBOX_LIMIT, account.id);
    try {
      // only the IMAP password, and only to the server it was typed for (accounts/secret-binding.ts)
      const imapOnly = { imap: account.imap, smtp: null, allowInsecureCerts: account.allowInsecureCerts };
      // (an OAuth2 mailbox: its access token, refreshed once for everyone who needs it now)
      const { password, accessToken } = await mailSecretsFor(deps, account, { target: imapOnly });
      if (!password && !accessToken) continue;
      const settings = async () => {
        const address = await checkHost(account.imap.host, deps.hostAllowance, "imap.host");
        return { ...account.imap, address, password: password ?? "", accessToken, allowInsecureCerts: account.allowInsecureCerts, ca: deps.imapCa };
      };
      // a pooled connection serves only the same password at the same destination
      const poolKey = `${account.id}#${account.secretVersion ?? ""}#${account.imap.host}:${account.imap.port}:${account.imap.security}:${!!account.allowInsecureCerts}`;
      const got = await bodyConnections.use(poolKey, settings, deps.log, (client) => readText(client, owner));
      if (got) return { ...got, accountId: account.id };
    } catch (err) {
      lastError = err;
      deps.log.warn("message.body.failed", { accountId: owner.accountId, err });
    }
  }
  throw new AppError("transient", "message_body_unavailable", { cause: lastError });
}

/** The first text part of one copy, or undefined when the mailbox no longer holds that message. */
async function readText(client: ImapFlow, owner: Item): Promise<{ text: string; truncated: boolean } | undefined> {
  const lock = await client.getMailboxLock(owner.folder, { readOnly: true });
  try {
    // a changed UIDVALIDITY means the stored UID may now name another message
    if (String(client.mailbox && (client.mailbox as { uidValidity?: bigint }).uidValidity) !== String(owner.uidValidity)) return undefined;
    const meta = await client.fetchOne(String(owner.uid), { uid: true, bodyStructure: true }, { uid: true });
    const part = meta ? pickPreviewPart(meta.bodyStructure as Parameters<typeof pickPreviewPart>[0]) : null;
    if (!part) return { text: "", truncated: false };
    const got = await client.fetchOne(String(owner.uid), { uid: true, bodyParts: [{ key: part.part, start: 0, maxLength: BODY_MAX_BYTES + 1 }] }, { uid: true });
    const raw = got ? (got.bodyParts?.get(part.part) ?? [...(got.bodyParts?.values() ?? [])][0]) : undefined;
    if (!got || !raw) return undefined;
    const truncated = raw.length > BODY_MAX_BYTES;
    const bytes = got.binaryParts?.has(part.part) ? raw.subarray(0, BODY_MAX_BYTES) : transferDecode(raw.subarray(0, BODY_MAX_BYTES), part.encoding);
    let text = decodeText(bytes, part.charset);
    if (part.type === "text/html")
      text = htmlToText(text)
        .replace(/[ \t]+\n/g, "\n")
        .replace(/\n{3,}/g, "\n\n")
        .trim();
    return {
      text: text
        .replace(/\r\n/g, "\n")
        .replace(/\uFFFD+$/, "")
        .trimEnd(),
      truncated,
    };
  } finally {
    lock.release();
  }
}
