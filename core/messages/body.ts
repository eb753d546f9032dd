import type { Db, Item } from "../store/db";
import { keys } from "../store/keys";
import type { SecretStore } from "../secrets/index";
import { AppError } from "../shared/errors";
import type { Logger } from "../shared/log";
import { checkHost, getAccountRecord, readBoundSecrets, type HostAllowance } from "../accounts/index";
import { closeImap, openImap } from "../sync/imap-connection";
import { decodeText, htmlToText, pickPreviewPart, transferDecode } from "../sync/mime-preview";
import { messageSortKey } from "./index";

/** The most of a body part fetched for reading: enough for any human-written mail. */
export const BODY_MAX_BYTES = 512 * 1024;

export interface BodyDeps {
  db: Db;
  secrets: SecretStore;
  log: Logger;
  hostAllowance: HostAllowance;
  imapCa?: string;
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

/** The message (its first copy's fields) and every mailbox's copy of it. */
export async function loadMessage(db: Db, id: string): Promise<{ message: Item; owners: Item[] }> {
  const { pk, sk } = parseMessageId(id);
  const { items } = await db.query("mail", {
    KeyConditionExpression: "pk = :p AND begins_with(sk, :s)",
    ExpressionAttributeValues: { ":p": pk, ":s": `${sk}#` },
  });
  const copies = items.filter((i) => messageSortKey(i.sk) === sk);
  if (!copies.length) throw new AppError("notFound", "message_not_found");
  return { message: { ...copies[0]!, sk }, owners: copies };
}

/**
 * The text of a message, fetched on demand from a mailbox that holds it (the reader's own
 * first, else a colleague's): only its first text part, at most BODY_MAX_BYTES, HTML turned
 * into text. Never stored, never rendered as HTML, no remote content.
 */
export async function fetchMessageText(deps: BodyDeps, id: string, readerId: string): Promise<{ text: string; truncated: boolean; accountId: string }> {
  const { owners } = await loadMessage(deps.db, id);
  const ordered = [...owners.filter((o) => o.ownerId === readerId), ...owners.filter((o) => o.ownerId !== readerId)];
  let lastError: unknown;
  for (const owner of ordered) {
    const account = await getAccountRecord(deps.db, owner.accountId);
    if (!account) continue;
    try {
      // only the IMAP password, and only to the server it was typed for (accounts/secret-binding.ts)
      const imapOnly = { imap: account.imap, smtp: null, allowInsecureCerts: account.allowInsecureCerts };
      const { password } = await readBoundSecrets(deps, account, { target: imapOnly });
      if (!password) continue;
      const address = await checkHost(account.imap.host, deps.hostAllowance, "imap.host");
      const client = await openImap({ ...account.imap, address, password, allowInsecureCerts: account.allowInsecureCerts, ca: deps.imapCa }, deps.log);
      try {
        const lock = await client.getMailboxLock(owner.folder, { readOnly: true });
        try {
          // a changed UIDVALIDITY means the stored UID may now name another message
          if (String(client.mailbox && (client.mailbox as { uidValidity?: bigint }).uidValidity) !== String(owner.uidValidity)) continue;
          const meta = await client.fetchOne(String(owner.uid), { uid: true, bodyStructure: true }, { uid: true });
          const part = meta ? pickPreviewPart(meta.bodyStructure as any) : null;
          if (!part) return { text: "", truncated: false, accountId: account.id };
          const got = await client.fetchOne(String(owner.uid), { uid: true, bodyParts: [{ key: part.part, start: 0, maxLength: BODY_MAX_BYTES + 1 }] }, { uid: true });
          const raw = got ? (got.bodyParts?.get(part.part) ?? [...(got.bodyParts?.values() ?? [])][0]) : undefined;
          if (!got || !raw) continue;
          const truncated = raw.length > BODY_MAX_BYTES;
          const bytes = got.binaryParts?.has(part.part) ? raw.subarray(0, BODY_MAX_BYTES) : transferDecode(raw.subarray(0, BODY_MAX_BYTES), part.encoding);
          let text = decodeText(bytes, part.charset);
          if (part.type === "text/html") text = htmlToText(text).replace(/[ \t]+\n/g, "\n").replace(/\n{3,}/g, "\n\n").trim();
          return { text: text.replace(/\r\n/g, "\n").replace(/\uFFFD+$/, "").trimEnd(), truncated, accountId: account.id };
        } finally {
          lock.release();
        }
      } finally {
        await closeImap(client);
      }
    } catch (err) {
      lastError = err;
      deps.log.warn("message.body.failed", { accountId: owner.accountId, err });
    }
  }
  throw new AppError("transient", "message_body_unavailable", { cause: lastError });
}
