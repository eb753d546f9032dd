/**
 * Folders as the mailbox shows them: which LIST entries can be opened, which one is the Sent
 * folder. Used by the connection test (the folder picker), the sync (which folders to read)
 * and the test mail (where to file the sent copy), so that all three agree.
 */
import type { ListResponse } from "imapflow";

export interface FolderInfo {
  /** Full path, decoded (e.g. "[Gmail]/送信済みメール"). */
  path: string;
  /** Last part of the path, decoded (e.g. "送信済みメール"). */
  name: string;
  /** RFC 6154 SPECIAL-USE attribute the server declares (\Sent, \Drafts...), or null. */
  specialUse: string | null;
  delimiter: string;
}

/**
 * Names of Sent folders on servers without SPECIAL-USE, most specific first. Compared with the
 * full path and with the last part of it (so "INBOX.Sent" and "INBOX/Sent Items" match too).
 */
export const SENT_FOLDER_NAMES = [
  "[Gmail]/Sent Mail",
  "[Google Mail]/Sent Mail",
  "[Gmail]/送信済みメール",
  "Sent Items",
  "Sent Messages",
  "Sent Mail",
  "Sent",
  "Sent-Mail",
  "送信済みメール",
  "送信済みアイテム",
  "送信済み",
  "送信済みトレイ",
  "送信済メール",
];

/** The Sent folder: the one the server marks \Sent, else the first whose name is a known Sent name. */
export function detectSentFolder(folders: Pick<FolderInfo, "path" | "name" | "specialUse">[]): string | undefined {
  const marked = folders.find((f) => f.specialUse === "\\Sent");
  if (marked) return marked.path;
  const norm = (s: string) => s.normalize("NFC").toLowerCase();
  for (const candidate of SENT_FOLDER_NAMES.map(norm)) {
    const hit = folders.find((f) => norm(f.path) === candidate) ?? folders.find((f) => norm(f.name) === candidate);
    if (hit) return hit.path;
  }
  return undefined;
}

const SPECIAL_USE = ["\\All", "\\Archive", "\\Drafts", "\\Flagged", "\\Junk", "\\Sent", "\\Trash", "\\Important"];
/** Attribute flags are atoms and compare case-insensitively (RFC 3501 9): Cyrus announces "\\sent". */
const SPECIAL_USE_BY_LOWER = new Map(SPECIAL_USE.map((f) => [f.toLowerCase(), f]));
const canonicalSpecialUse = (flag: string | undefined): string | undefined => (flag ? SPECIAL_USE_BY_LOWER.get(flag.toLowerCase()) : undefined);

/**
 * One LIST entry as the folder picker shows it. Only what the server declares counts as
 * special use: imapflow also guesses from names (specialUseSource "name"), which we leave to
 * detectSentFolder so that the list stays a faithful picture of the server.
 */
/**
 * The folders a mailbox can actually open: a "\Noselect" (or "\NonExistent") entry is only a
 * level in the hierarchy, like Gmail's "[Gmail]" (RFC 3501 7.2.2), and can be neither synced
 * nor a Sent folder.
 */
export function selectableFolders(list: Pick<ListResponse, "path" | "name" | "delimiter" | "flags" | "specialUse" | "specialUseSource">[]): FolderInfo[] {
  return list.filter((e) => ![...(e.flags ?? [])].some((f) => /^\\(Noselect|NonExistent)$/i.test(f))).map(toFolderInfo);
}

export function toFolderInfo(entry: Pick<ListResponse, "path" | "name" | "delimiter" | "flags" | "specialUse" | "specialUseSource">): FolderInfo {
  const declared =
    entry.specialUseSource === "extension" || entry.specialUseSource === "user"
      ? canonicalSpecialUse(entry.specialUse)
      : [...(entry.flags ?? [])].map(canonicalSpecialUse).find((f) => f !== undefined);
  return { path: entry.path, name: entry.name, specialUse: declared ?? null, delimiter: entry.delimiter ?? "/" };
}
