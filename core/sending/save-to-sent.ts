import {
  checkHost,
  closeImap,
  detectSentFolder,
  diagnose,
  diagnosisOf,
  openImap,
  selectableFolders,
  type Diagnosis,
  type DiagnosisContext,
  type HostAllowance,
  type Resolver,
} from "../mail/index";
import type { Logger } from "../shared/log";
import { createLogger } from "../shared/log";

/** The account fields an APPEND to Sent needs. */
export interface SentFolderAccount {
  provider?: string | null;
  imap: { host: string; port: number; security: "tls" | "starttls" | "none"; user: string };
  allowInsecureCerts?: boolean;
  sentFolder?: string | null;
}

export type SavedCopy = { ok: true; folder: string; uid?: number } | { ok: false; folder?: string; diagnosis: Diagnosis };

/**
 * APPENDs the very bytes that were sent to the mailbox's Sent folder (the one set on the
 * account, else the one the server marks \Sent or a known name such as "送信済みメール"),
 * flagged \Seen, through the host policy. Never throws for a server problem: the diagnosis says
 * what went wrong. The test mail and mail sent from the CRM both save their copy here.
 */
export async function saveToSent(
  deps: { hostAllowance: HostAllowance; resolve?: Resolver; ca?: string; log?: Logger },
  account: SentFolderAccount,
  password: string,
  raw: Buffer,
  date: Date,
  /** An OAuth2 mailbox signs in with XOAUTH2 (core/oauth); a password mailbox leaves it out. */
  accessToken?: string,
): Promise<SavedCopy> {
  const log = deps.log ?? createLogger({ fn: "save-to-sent" });
  const { imap } = account;
  const ctx: DiagnosisContext = { protocol: "imap", step: "imap_append", host: imap.host, port: imap.port, security: imap.security, provider: account.provider };
  let client: Awaited<ReturnType<typeof openImap>>;
  try {
    const address = await checkHost(imap.host, deps.hostAllowance, "imap.host", deps.resolve);
    client = await openImap({ ...imap, address, password, accessToken, allowInsecureCerts: account.allowInsecureCerts, ca: deps.ca, provider: account.provider }, log);
  } catch (err) {
    return { ok: false, diagnosis: diagnose(err, ctx) };
  }
  try {
    const folder = account.sentFolder ?? detectSentFolder(selectableFolders(await client.list()));
    if (!folder) return { ok: false, diagnosis: diagnosisOf("folder_not_found", "permanent", ctx, { folder: "Sent" }) };
    const appended = await client.append(folder, raw, ["\\Seen"], date);
    if (!appended) throw Object.assign(new Error(`APPEND to ${folder} failed`), { mailboxMissing: true });
    return { ok: true, folder, ...(appended.uid ? { uid: appended.uid } : {}) };
  } catch (err) {
    const folder = account.sentFolder ?? "Sent";
    const diagnosis = diagnose(err, ctx);
    return { ok: false, folder, diagnosis: diagnosis.code === "folder_not_found" ? diagnosisOf("folder_not_found", "permanent", ctx, { folder }) : diagnosis };
  } finally {
    await closeImap(client);
  }
}
