import { ImapFlow } from "imapflow";
import { ADDRESS_HEADERS, RECORD_HEADERS } from "../../core/sync/header-record";
import { PREVIEW_BYTES } from "../../core/mail/mime-preview";

/**
 * The baseline contender: a bare imapflow loop doing the same work as our first sync and
 * nothing more. Pass 1 fetches the address header fields of every message and looks for a
 * contact's address in them; pass 2 fetches the details and the 4 KB preview of part 1 of the
 * messages that involve one. Nothing is parsed beyond that, nothing is stored.
 */
export async function bareTwoPass(options: ConstructorParameters<typeof ImapFlow>[0], contacts: string[]): Promise<{ listed: number; matched: number }> {
  const wanted = new Set(contacts.map((c) => c.toLowerCase()));
  const client = new ImapFlow(options);
  client.on("error", () => undefined);
  await client.connect();
  const lock = await client.getMailboxLock("INBOX", { readOnly: true });
  let listed = 0;
  const involved: number[] = [];
  try {
    for await (const m of client.fetch("1:*", { uid: true, headers: ADDRESS_HEADERS } as any)) {
      listed++;
      const addresses =
        m.headers
          ?.toString("latin1")
          .toLowerCase()
          .match(/[^\s<>",:;()]+@[^\s<>",:;()]+/g) ?? [];
      if (addresses.some((a) => wanted.has(a))) involved.push(m.uid);
    }
    let matched = 0;
    if (involved.length) {
      const details = {
        uid: true,
        internalDate: true,
        size: true,
        bodyStructure: true,
        headers: RECORD_HEADERS.filter((h) => !ADDRESS_HEADERS.includes(h)),
        bodyParts: [{ key: "1", start: 0, maxLength: PREVIEW_BYTES }],
      };
      for await (const _m of client.fetch(involved.join(","), details as any, { uid: true })) matched++;
    }
    return { listed, matched };
  } finally {
    lock.release();
    await client.logout();
  }
}
