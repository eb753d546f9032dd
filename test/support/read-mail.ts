import { ImapFlow } from "imapflow";
import { simpleParser, type ParsedMail } from "mailparser";
import type { MailServersInfo } from "../harness/mail-servers";

/**
 * Reads a Dovecot user's INBOX over IMAP (implicit TLS, the harness's CA) until a message
 * delivered since `since` matches, as a person would find a mail in their mailbox. The messages
 * are parsed with mailparser, so tests read subjects and text decoded.
 */
export async function waitForMail(
  mail: MailServersInfo,
  user: { email: string; password: string },
  match: (m: ParsedMail) => boolean,
  options: { since: Date; timeoutMs?: number } = { since: new Date(0) },
): Promise<ParsedMail> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    const found = (await readInbox(mail, user, options.since)).find(match);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no matching mail for ${user.email} since ${options.since.toISOString()}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Every message in the user's INBOX that arrived since `since` (by the server's arrival date). */
export async function readInbox(mail: MailServersInfo, user: { email: string; password: string }, since: Date): Promise<ParsedMail[]> {
  const client = new ImapFlow({ host: mail.host, port: mail.imapsPort, secure: true, auth: { user: user.email, pass: user.password }, logger: false, tls: { ca: mail.caPem } });
  client.on("error", () => undefined);
  await client.connect();
  try {
    const box = await client.mailboxOpen("INBOX");
    // nothing delivered yet: Dovecot answers FETCH 1:* on an empty mailbox with BAD, which
    // imapflow throws as "Command failed" (the server's words only in responseText)
    if (box.exists === 0) return [];
    const out: ParsedMail[] = [];
    for await (const m of client.fetch("1:*", { source: true, internalDate: true })) {
      if (!m.source || (m.internalDate && new Date(m.internalDate) < new Date(since.getTime() - 1000))) continue;
      out.push(await simpleParser(m.source));
    }
    return out;
  } catch (err) {
    // an empty mailbox answers "1:*" with nothing or an error, depending on the server
    if (/Invalid messageset|no messages/i.test(String(err))) return [];
    throw err;
  } finally {
    await client.logout().catch(() => client.close());
  }
}
