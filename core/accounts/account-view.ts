// What the API shows of an account: the stored item in the reader's language, with its latest job.
import type { Db, Item } from "../store/db";
import { hasMessage, translate, type Lang, type MessageKey } from "../shared/i18n";
import { jobStatusNow, recentJobs } from "../jobs/index";
import { defaultSaveSentCopy } from "../mail/index";
import type { Account } from "./schema";
import { heldBecause, shownState } from "./state-machine";
import type { AccountRecord } from "./index";

/**
 * Codes the first sync wrote before the diagnosis catalogue existed, as the diagnosis names the
 * same failure now: an account whose last error dates from then still reads in plain words.
 */
const LEGACY_ERROR_CODES: Record<string, MessageKey> = {
  imap_auth_failed: "diag.auth_failed",
  imap_tls_untrusted: "diag.tls_untrusted",
  imap_tls_mismatch: "diag.tls_mismatch",
  imap_connection_refused: "diag.connection_refused",
  imap_timeout: "diag.timeout",
  imap_throttled: "diag.throttled",
  imap_failed: "diag.unknown",
};

function lastErrorView(error: { code: string; params?: Record<string, string | number> }, lang: Lang): { code: string; message: string } {
  const code = LEGACY_ERROR_CODES[error.code] ?? error.code;
  // a stored code is data from an earlier version: one that is no message any more shows as itself
  return { code, message: hasMessage(code) ? translate(code, lang, error.params) : code };
}

export const toAccountView = (item: Item, lang: Lang): Account => ({
  id: item.id,
  ownerId: item.ownerId,
  email: item.email,
  displayName: item.displayName ?? null,
  provider: item.provider ?? "other",
  imap: item.imap,
  smtp: item.smtp ?? null,
  allowInsecureCerts: !!item.allowInsecureCerts,
  aliases: item.aliases ?? [],
  bccSelf: !!item.bccSelf,
  signature: item.signature || null,
  saveSentCopy: item.saveSentCopy ?? defaultSaveSentCopy(item.provider),
  sentFolder: item.sentFolder ?? null,
  syncFolders: item.syncFolders ?? null,
  sharing: { mode: item.sharing?.mode ?? "private", excludedDomains: item.sharing?.excludedDomains ?? [], contactIds: item.sharing?.contactIds ?? [] },
  syncEnabled: item.syncEnabled !== false,
  initialSyncDays: item.initialSyncDays ?? 90,
  hasPassword: !!item.hasPassword,
  hasSmtpPassword: !!item.hasSmtpPassword,
  authMethod: item.authMethod ?? "password",
  oauthProvider: item.oauthProvider ?? null,
  state: shownState(item as AccountRecord),
  heldBecause: heldBecause(item as AccountRecord),
  lastSyncAt: item.lastSyncAt ?? null,
  lastError: item.lastError ? lastErrorView(item.lastError, lang) : null,
  syncProgress: item.syncProgress ? { folder: item.syncProgress.folder, done: item.syncProgress.done, total: item.syncProgress.total } : null,
  lastJob: item.lastJob ?? null,
  createdAt: item.createdAt,
  updatedAt: item.updatedAt,
});

/** Adds each account's latest job (one query per account on its job index). */
export async function withLastJobs(db: Db, records: AccountRecord[]): Promise<(AccountRecord & { lastJob?: unknown })[]> {
  return Promise.all(
    records.map(async (r) => {
      const [j] = await recentJobs(db, r.id, 1);
      const status = j ? jobStatusNow(j, r) : undefined;
      const running = status === "running";
      const lastJob = j
        ? {
            jobId: j.jobId,
            status,
            reason: j.reason ?? "schedule",
            enqueuedAt: j.enqueuedAt ?? null,
            startedAt: j.startedAt ?? (running ? (r.leaseStartedAt ?? null) : null),
            endedAt: j.endedAt ?? null,
            counts: j.counts ?? null,
            error: j.error ?? null,
          }
        : null;
      // "syncing" is written only after a login: a job that died mid-sync left a connected mailbox
      // (its last progress stays, to show where it stopped)
      const state = status === "abandoned" && r.state === "syncing" ? { state: "connected" as const } : {};
      return { ...r, ...state, lastJob };
    }),
  );
}
