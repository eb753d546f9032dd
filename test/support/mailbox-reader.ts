import { ImapFlow } from "imapflow";
import type { MailServersInfo, MailUser } from "../harness/mail-servers";

/** One message as a recipient's mailbox holds it: its raw source and its attachments (names as the server's BODYSTRUCTURE gives them, decoded by imapflow). */
export interface ReadMessage {
  raw: string;
  attachments: { filename: string; type: string; content: string }[];
}

/** The messages of one user's folder whose header `name` contains `value` (e.g. a Message-ID or a subject), read over IMAPS. */
export async function readMessages(mail: MailServersInfo, user: MailUser, folder: string, name: string, value: string): Promise<ReadMessage[]> {
  const client = new ImapFlow({ host: mail.host, port: mail.imapsPort, secure: true, auth: { user: user.email, pass: user.password }, logger: false, tls: { ca: mail.caPem } });
  client.on("error", () => undefined);
  await client.connect();
  try {
    const lock = await client.getMailboxLock(folder, { readOnly: true });
    try {
      const uids = (await client.search({ header: { [name]: value } }, { uid: true })) || [];
      const out: ReadMessage[] = [];
      for (const uid of uids) {
        const m = await client.fetchOne(String(uid), { source: true, bodyStructure: true }, { uid: true });
        if (!m) continue;
        const attachments: ReadMessage["attachments"] = [];
        for (const part of (m.bodyStructure?.childNodes ?? []).filter((p) => p.disposition === "attachment")) {
          const { content } = await client.download(String(uid), part.part, { uid: true });
          const chunks: Buffer[] = [];
          for await (const chunk of content ?? []) chunks.push(chunk as Buffer);
          attachments.push({ filename: part.dispositionParameters?.filename ?? "", type: part.type, content: Buffer.concat(chunks).toString("utf8") });
        }
        out.push({ raw: m.source?.toString("utf8") ?? "", attachments });
      }
      return out;
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
}

/** One header of a raw message, unfolded; undefined when absent. */
export const headerOf = (raw: string, name: string): string | undefined =>
  new RegExp(`^${name}:[ \\t]*(.*(?:\\r?\\n[ \\t].*)*)`, "im")
    .exec(raw)?.[1]
    ?.replace(/\r?\n[ \t]+/g, " ")
    .trim();
