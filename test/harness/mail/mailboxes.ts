/** Helpers usable from test files with the provided info object: folders, messages, resets. */
import fsp from "node:fs/promises";
import path from "node:path";
import { ImapWire, quoteImap } from "./imap-wire";
import { execFileText } from "./processes";
import type { AppendOptions, MailServersInfo } from "./types";
import { findUser } from "./users";

const DOVEADM = "/usr/bin/doveadm";

/** Runs `doveadm -c <dir>/dovecot.conf ...args` against the instance; resolves with stdout. */
export function doveadm(info: MailServersInfo, args: string[]): Promise<string> {
  return execFileText(DOVEADM, ["-c", path.join(info.dir, "dovecot.conf"), ...args]);
}

/** Creates and subscribes a folder (UTF-8 name, "/" separates levels); fine if it exists. */
export async function createFolder(info: MailServersInfo, userEmail: string, name: string): Promise<void> {
  const user = findUser(info, userEmail);
  try {
    await doveadm(info, ["mailbox", "create", "-s", "-u", user.email, name]);
  } catch (err) {
    // doveadm says "Mailbox already exists" and exits non-zero
    if (!/already exists/i.test(String((err as { stderr?: string }).stderr ?? ""))) throw err;
  }
}

/**
 * Empties a user's account: all messages and every folder, as if the user had never logged in
 * (the next session re-creates INBOX and the auto folders). Open sessions are kicked first.
 * UIDVALIDITY keeps moving forward because Maildir's `dovecot-uidvalidity` files are kept, so a
 * client that cached the old state sees the reset as a new mailbox, as it would on a real server.
 */
export async function resetUser(info: MailServersInfo, userEmail: string): Promise<void> {
  const user = findUser(info, userEmail);
  await doveadm(info, ["kick", user.email]).catch(() => undefined); // "no users kicked" is fine
  const [local = "", domain = ""] = user.email.split("@");
  const maildir = path.join(info.dir, "mail", domain, local, "Maildir");
  const entries = await fsp.readdir(maildir).catch(() => [] as string[]);
  await Promise.all(entries.filter((e) => !e.startsWith("dovecot-uidvalidity")).map((e) => fsp.rm(path.join(maildir, e), { recursive: true, force: true })));
}

/**
 * Stores messages in a folder through IMAP MULTIAPPEND with LITERAL+ (RFC 3502/7888), 1,000
 * messages (or 32 MiB) per command: 10,000 small messages load in well under a second, where an
 * APPEND per message takes ~38 s. The folder is created if missing. Strings have their line
 * ends normalised to CRLF; Buffers are stored byte for byte.
 */
export async function appendMessages(info: MailServersInfo, userEmail: string, folder: string, messages: (string | Buffer)[], opts: AppendOptions = {}): Promise<void> {
  const user = findUser(info, userEmail);
  const session = await ImapWire.login(info, user);
  try {
    const mailbox = quoteImap(encodeMailboxName(folder));
    // "NO [ALREADYEXISTS] Mailbox already exists" (and NO for INBOX) is fine; a real problem
    // surfaces in the APPEND's own answer
    await session.command([`CREATE ${mailbox}`]).catch(() => undefined);
    const attrs = (opts.flags?.length ? ` (${opts.flags.join(" ")})` : "") + (opts.internalDate ? ` ${quoteImap(formatInternalDate(opts.internalDate))}` : "");
    const bodies = messages.map((m) => (typeof m === "string" ? Buffer.from(m.replace(/\r?\n/g, "\r\n")) : m));
    for (let i = 0; i < bodies.length;) {
      const parts: (string | Buffer)[] = [`APPEND ${mailbox}`];
      let bytes = 0;
      let count = 0;
      while (i < bodies.length && count < 1000 && (count === 0 || bytes < 32 * 1024 * 1024)) {
        const body = bodies[i++]!;
        parts.push(`${attrs} {${body.length}+}\r\n`, body);
        bytes += body.length;
        count++;
      }
      await session.command(parts);
    }
  } finally {
    await session.logout();
  }
}

/** RFC 3501 modified UTF-7 for mailbox names (Dovecot 2.3 has no UTF8=ACCEPT). */
export function encodeMailboxName(name: string): string {
  let out = "";
  for (let i = 0; i < name.length;) {
    const code = name.charCodeAt(i);
    if (code >= 0x20 && code <= 0x7e) {
      out += code === 0x26 ? "&-" : name[i];
      i++;
      continue;
    }
    let j = i;
    while (j < name.length && (name.charCodeAt(j) < 0x20 || name.charCodeAt(j) > 0x7e)) j++;
    const utf16 = Buffer.alloc((j - i) * 2);
    for (let k = i; k < j; k++) utf16.writeUInt16BE(name.charCodeAt(k), (k - i) * 2);
    out += "&" + utf16.toString("base64").replace(/=+$/, "").replaceAll("/", ",") + "-";
    i = j;
  }
  return out;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
function formatInternalDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}
