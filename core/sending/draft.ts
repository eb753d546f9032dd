import type { Db, Item } from "../store/db";
import type { Logger } from "../shared/log";
import type { SecretStore } from "../secrets/index";
import { listAccounts, type HostAllowance } from "../accounts/index";
import { fetchMessageText, loadMessage } from "../messages/index";
import type { User } from "../users/index";
import { normaliseEmail } from "../contacts/index";
import { prefixedSubject, quoteOriginal } from "./compose";

export type DraftMode = "reply" | "replyAll" | "forward";

export interface Draft {
  accountId: string | null;
  from: string | null;
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  original: { messageId: string; mode: DraftMode };
}

const name = (a: { name: string | null; address: string } | null | undefined) => (a ? (a.name ? `${a.name} <${a.address}>` : a.address) : "");

/**
 * A reply, reply-all or forward of a message the user may see, ready for the compose form:
 * sent from the user's mailbox that holds the original (else their first), to the right
 * people (never to the user's own addresses), "Re: "/"Fwd: " once, and the original's text
 * quoted below, fetched through the same rule as opening it (its preview when the mail
 * server cannot be reached now).
 */
export async function replyDraft(
  deps: { db: Db; secrets: SecretStore; log: Logger; hostAllowance: HostAllowance; imapCa?: string },
  user: User,
  messageId: string,
  mode: DraftMode,
): Promise<Draft> {
  const { message, owners } = await loadMessage(deps.db, messageId, user);
  const mine = (await listAccounts(deps.db, user)).filter((a) => a.ownerId === user.id);
  const holder = mine.find((a) => owners.some((o: Item) => o.accountId === a.id)) ?? mine[0];
  const own = new Set(mine.flatMap((a) => [a.email, ...(a.aliases ?? [])]).map(normaliseEmail));
  const from = message.from as { name: string | null; address: string } | null;
  const to = (message.to ?? []) as { address: string }[];
  const cc = (message.cc ?? []) as { address: string }[];
  const fromOwn = !!from && own.has(from.address);
  const notOwn = (list: string[]) => [...new Set(list.filter((a) => !own.has(a)))];
  let recipients: { to: string[]; cc: string[] } = { to: [], cc: [] };
  if (mode === "reply") recipients = { to: fromOwn ? notOwn(to.map((a) => a.address)) : notOwn(from ? [from.address] : []), cc: [] };
  if (mode === "replyAll") {
    const first = fromOwn ? notOwn(to.map((a) => a.address)) : notOwn([...(from ? [from.address] : []), ...to.map((a) => a.address)]);
    recipients = { to: first, cc: notOwn(cc.map((a) => a.address)).filter((a) => !first.includes(a)) };
  }
  let text: string;
  try {
    text = (await fetchMessageText(deps, messageId, user)).text;
  } catch (err) {
    deps.log.warn("send.draft.text_unavailable", { err });
    text = (message.preview as string | null) ?? "";
  }
  const body =
    mode === "forward"
      ? `\n\n---------- Forwarded message ----------\nFrom: ${name(from)}\nDate: ${new Date(message.date).toUTCString()}\nSubject: ${message.subject ?? ""}\nTo: ${to.map((a) => a.address).join(", ")}\n${cc.length ? `Cc: ${cc.map((a) => a.address).join(", ")}\n` : ""}\n${text}\n`
      : quoteOriginal({ date: message.date, from }, text);
  return {
    accountId: holder?.id ?? null,
    from: holder?.email ?? null,
    ...recipients,
    subject: prefixedSubject(message.subject ?? "", mode),
    text: body,
    original: { messageId, mode },
  };
}
