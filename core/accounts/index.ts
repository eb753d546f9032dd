import type { Db, Item } from "../store/db";
import { keys } from "../store/keys";
import type { SecretStore } from "../secrets/index";
import { deleteCredentials, deleteRotatedToken, saveCredentials, updateCredentials } from "./credentials";
import { AppError } from "../shared/errors";
import { newId, nowIso } from "../shared/ids";
import { normaliseEmail } from "../contacts/index";
import { forgetCursors } from "../jobs/index";
import type { User } from "../users/index";
import { checkHost, type HostAllowance, type Resolver } from "../mail/index";
import { judgeForSave, testConnection, type ConnectionReport, type ConnectionSecrets, type ConnectionSettings } from "./connection-test";
import type { Account, AccountInput, AccountPatch } from "./schema";
import { defaultSaveSentCopy } from "../mail/index";
import { limitedConnectionTest } from "./login-limits";
import { afterSave, isPaused } from "./state-machine";
import type { Notifier } from "../notifications/index";
import { bindingOf, destinationsOf, readBoundSecrets, rebind, unboundUses, type SecretBinding } from "./secret-binding";
import { checkSharingChange, claimAccountEmail, ensureAccountEmailFree, releaseAccountEmail } from "./ownership";
import { countAccountCopies, deleteAccountCopies } from "../sharing/index";
import { refuseServerEdit } from "./oauth-mailbox";

export * from "./schema";
export { toAccountView, withLastJobs } from "./account-view";
export { changeAccountOwner } from "./ownership";
export { holdOwnerSync, refuseSyncWhileHeld } from "./owner-hold";
export { accountsVersion } from "./list-version";
export { checkHost, parseAllowance, refusedReason, type HostAllowance } from "../mail/index";
export { detectSentFolder, selectableFolders } from "../mail/index";
export {
  PAUSE_AFTER_FAILED_LOGINS,
  FAILING_AFTER_RUNS,
  FAILING_AFTER_MS,
  failingAfterJob,
  afterJob,
  afterSave,
  duringFirstSync,
  isPaused,
  maySendSavedPassword,
  maySync,
  shownState,
  type JobEnd,
} from "./state-machine";
export {
  recordJobEnd,
  saveSyncFolders,
  saveFirstSyncProgress,
  clearFirstSyncProgress,
  claimBackfillJobSlot,
  saveBackfillMarks,
  type BackfillFields,
  type SyncError,
} from "./sync-record";
export { PROBE_LIMIT, MAILBOX_LOGIN_FAILURES, limitedConnectionTest } from "./login-limits";
export { pauseRuleInput, getPauseRule, savePauseRule, type PauseRule } from "./pause-rule";
export { readBoundSecrets, ensureBound, type SecretBinding, type Destinations, type TypedSecrets } from "./secret-binding";
export { readCredentials, imapPasswordStore, saveCredentials, updateCredentials, deleteCredentials, type MailboxCredentials, type OAuthCredentials } from "./credentials";

export interface AccountDeps {
  db: Db;
  secrets: SecretStore;
  /** Which internal address ranges a mailbox host may resolve to. */
  hostAllowance: HostAllowance;
  resolve?: Resolver;
  /**
   * The connection test run before saving new server settings or passwords. Default: the real
   * test (accounts/connection-test.ts). Tests that save accounts for unreachable servers inject one.
   */
  verify?: (settings: ConnectionSettings, secrets: ConnectionSecrets) => Promise<ConnectionReport>;
  /** Extra CA (PEM) trusted by the default test (the API passes the runtime's imapCa). */
  tlsCa?: string;
  /** Whose probe the connection test on save is (the API passes the signed-in user): counted against PROBE_LIMIT. */
  probeSubject?: string;
  /** Told when a new password resumes a paused mailbox (mailbox.resumed). */
  notifier?: Notifier;
}

/**
 * Runs the connection test the deps say (see AccountDeps.verify), within the probe limit and
 * the per-mailbox failed-login limit (login-limits.ts).
 */
const verifyWith = (deps: AccountDeps) => (settings: ConnectionSettings, secrets: ConnectionSecrets) =>
  limitedConnectionTest(deps.db, deps.probeSubject, settings, () =>
    deps.verify ? deps.verify(settings, secrets) : testConnection(settings, secrets, { hostAllowance: deps.hostAllowance, resolve: deps.resolve, ca: deps.tlsCa }),
  );

/** The stored form; lastError keeps a code and params so it can be shown in any language. */
export interface AccountRecord extends Omit<Account, "lastError" | "syncFolders" | "syncProgress" | "lastJob" | "heldBecause"> {
  /** Folders to sync; null until discovered (INBOX and the \\Sent folder) or set by the admin. */
  syncFolders?: string[] | null;
  lastError: { code: string; params?: Record<string, string | number> } | null;
  /** Changes whenever a password of the account changes; never the password itself. */
  secretVersion?: string;
  /** Where each saved password may be sent (secret-binding.ts); absent on accounts saved before it. */
  secretBinding?: SecretBinding;
  /** The sync job's lease (core/jobs/lease.ts): which job holds the mailbox, whose process, until when, since when. */
  leaseJobId?: string;
  leaseOwner?: string;
  leaseUntil?: number;
  leaseStartedAt?: string;
  /** When the last job was queued (fan-out, Sync now): fan-out skips a mailbox queued within the interval. */
  queuedAt?: string;
  /** Backfill marks (sync-record.ts, core/sync/backfill-requests.ts): requests surely taken, the last one taken, the next job planned. */
  backfillSeen?: string;
  backfillTaken?: string;
  backfillJobAt?: string;
  /** Failed logins in a row (state-machine.ts pauses the mailbox at the pause rule's count). */
  authFailures?: number;
  /** The pause rule's count the last refused login was judged by (state-machine.ts). */
  pauseAfter?: number;
  /** The owner is deactivated: sync held (state-machine.ts, owner-hold.ts). */
  ownerInactive?: boolean;
  /** The failing incident (state-machine.ts, failingAfterJob): connectError runs in a row, since when, when it was told. */
  connectFailures?: number;
  failingSince?: string | null;
  failingToldAt?: string | null;
  /** OAuth2: which create-only secret holds the refresh token Microsoft last rotated (core/oauth/rotation.ts); none: the mailbox's own. */
  oauthRotation?: number;
}

function canSee(actor: User, item: Item): boolean {
  return actor.role === "admin" || item.ownerId === actor.id;
}

export async function getAccountRecord(db: Db, id: string): Promise<AccountRecord | undefined> {
  return (await db.get("main", keys.account(id))) as AccountRecord | undefined;
}

export async function getAccount(db: Db, actor: User, id: string): Promise<AccountRecord> {
  const item = await getAccountRecord(db, id);
  if (!item || !canSee(actor, item)) throw new AppError("notFound", "account_not_found");
  return item;
}

export async function listAccounts(db: Db, actor: User): Promise<AccountRecord[]> {
  const items = (await db.queryIndex(keys.accountsIndex)) as AccountRecord[];
  return items.filter((i) => canSee(actor, i));
}

/** Every account, for the scheduler. */
export async function listAllAccounts(db: Db): Promise<AccountRecord[]> {
  return (await db.queryIndex(keys.accountsIndex)) as AccountRecord[];
}

export async function createAccount(deps: AccountDeps, actor: User, input: AccountInput): Promise<AccountRecord> {
  const ownerId = input.ownerId ?? actor.id;
  if (ownerId !== actor.id && actor.role !== "admin") throw new AppError("forbidden", "admin_only");
  if (ownerId !== actor.id) {
    const owner = await deps.db.get("main", keys.user(ownerId));
    if (!owner) throw new AppError("validation", "validation_failed", { fields: [{ field: "ownerId", key: "user_not_found" }] });
  }
  // a mailbox starts private: only its owner may share it wider, an admin connecting it for them may not
  checkSharingChange(actor, ownerId, undefined, input.sharing);
  await ensureAccountEmailFree(deps.db, normaliseEmail(input.email));
  // Everything is checked before anything is written.
  await checkHost(input.imap.host, deps.hostAllowance, "imap.host", deps.resolve);
  if (input.smtp) await checkHost(input.smtp.host, deps.hostAllowance, "smtp.host", deps.resolve);
  // The connection test: refused with the diagnosis on the right field, or saved with sync off
  const report = await verifyWith(deps)(
    { email: input.email, provider: input.provider, imap: input.imap, smtp: input.smtp, allowInsecureCerts: input.allowInsecureCerts },
    { password: input.password, smtpPassword: input.smtpPassword },
  );
  const failed = judgeForSave(report, input.saveDisabledOnFailure, input.smtp?.sameCredentials !== false);
  const email = normaliseEmail(input.email);
  const now = nowIso();
  const provider = input.provider ?? "other";
  const record: AccountRecord = {
    id: newId(),
    ownerId,
    email,
    displayName: input.displayName ?? null,
    provider,
    imap: { host: input.imap.host.toLowerCase(), port: input.imap.port, security: input.imap.security, user: input.imap.user },
    smtp: input.smtp
      ? { host: input.smtp.host.toLowerCase(), port: input.smtp.port, security: input.smtp.security, user: input.smtp.user, sameCredentials: input.smtp.sameCredentials ?? true }
      : null,
    allowInsecureCerts: input.allowInsecureCerts ?? false,
    aliases: (input.aliases ?? []).map(normaliseEmail),
    bccSelf: input.bccSelf ?? false,
    signature: input.signature || null,
    saveSentCopy: input.saveSentCopy ?? defaultSaveSentCopy(provider),
    sentFolder: input.sentFolder ?? null,
    syncFolders: input.syncFolders ?? null,
    sharing: { mode: input.sharing?.mode ?? "private", excludedDomains: input.sharing?.excludedDomains ?? [], contactIds: input.sharing?.contactIds ?? [] },
    syncEnabled: failed ? false : (input.syncEnabled ?? true),
    initialSyncDays: input.initialSyncDays ?? 90,
    hasPassword: true,
    hasSmtpPassword: !!input.smtpPassword,
    authMethod: "password",
    oauthProvider: null,
    secretVersion: newId(),
    secretBinding: destinationsOf({ imap: input.imap, smtp: input.smtp, allowInsecureCerts: input.allowInsecureCerts }),
    state: failed?.state ?? "init",
    lastSyncAt: null,
    lastError: failed?.lastError ?? null,
    createdAt: now,
    updatedAt: now,
  };
  await claimAccountEmail(deps.db, email, record.id);
  try {
    await saveCredentials(deps.secrets, record.id, { imap: input.password, smtp: input.smtpPassword || undefined });
    await deps.db.put("main", { ...keys.account(record.id), gsi1pk: keys.accountsIndex, gsi1sk: `${ownerId}#${record.id}`, ...record });
  } catch (err) {
    await releaseAccountEmail(deps.db, email, record.id, ownerId);
    await deleteCredentials(deps.secrets, record.id).catch(() => undefined);
    throw err;
  }
  return record;
}

export async function updateAccount(deps: AccountDeps, actor: User, id: string, patch: AccountPatch): Promise<AccountRecord> {
  const before = await getAccount(deps.db, actor, id);
  checkSharingChange(actor, before.ownerId, before.sharing, patch.sharing);
  // an OAuth2 mailbox's token goes only to its provider's servers; a password switches it back (oauth-mailbox.ts)
  const toPassword = before.authMethod === "oauth2" && patch.password !== undefined;
  if (before.authMethod === "oauth2" && !toPassword) refuseServerEdit(before, patch);
  const imap = { ...before.imap, ...patch.imap };
  if (patch.imap?.host) {
    imap.host = patch.imap.host.toLowerCase();
    await checkHost(imap.host, deps.hostAllowance, "imap.host", deps.resolve);
  }
  const smtp =
    patch.smtp === undefined
      ? before.smtp
      : patch.smtp === null
        ? null
        : { host: patch.smtp.host.toLowerCase(), port: patch.smtp.port, security: patch.smtp.security, user: patch.smtp.user, sameCredentials: patch.smtp.sameCredentials ?? true };
  if (patch.smtp) await checkHost(patch.smtp.host, deps.hostAllowance, "smtp.host", deps.resolve);
  const allowInsecureCerts = patch.allowInsecureCerts ?? before.allowInsecureCerts;
  // a saved password goes only where it was typed for (host, port, security, certificate check)
  const target = { imap, smtp, allowInsecureCerts };
  const elsewhere = unboundUses(bindingOf(before), target, patch, before.hasSmtpPassword);
  if (elsewhere.length) throw new AppError("validation", "validation_failed", { fields: elsewhere });
  const serverChanged =
    JSON.stringify(imap) !== JSON.stringify(before.imap) ||
    patch.password !== undefined ||
    JSON.stringify(smtp) !== JSON.stringify(before.smtp) ||
    patch.smtpPassword !== undefined ||
    allowInsecureCerts !== before.allowInsecureCerts;
  // New server settings or passwords are tested before anything is written (the email claim included)
  let failed: ReturnType<typeof judgeForSave>;
  if (serverChanged) {
    const saved = await readBoundSecrets(deps, before, { target, typed: patch });
    const report = await verifyWith(deps)(
      { email: patch.email ?? before.email, provider: patch.provider ?? before.provider, imap, smtp, allowInsecureCerts },
      { password: saved.password ?? "", smtpPassword: saved.smtpPassword },
    );
    failed = judgeForSave(report, patch.saveDisabledOnFailure, smtp?.sameCredentials !== false);
  }
  const email = patch.email ? normaliseEmail(patch.email) : before.email;
  if (email !== before.email) {
    await claimAccountEmail(deps.db, email, id);
  }
  const next: AccountRecord = {
    ...before,
    email,
    displayName: patch.displayName === undefined ? before.displayName : patch.displayName,
    provider: patch.provider ?? before.provider ?? "other",
    imap,
    smtp,
    allowInsecureCerts,
    aliases: patch.aliases ? patch.aliases.map(normaliseEmail) : (before.aliases ?? []),
    bccSelf: patch.bccSelf ?? before.bccSelf ?? false,
    signature: patch.signature === undefined ? (before.signature ?? null) : patch.signature || null,
    saveSentCopy: patch.saveSentCopy ?? before.saveSentCopy,
    sentFolder: patch.sentFolder === undefined ? before.sentFolder : patch.sentFolder,
    // null goes back to the default (INBOX and the Sent folder, found again on the next sync)
    syncFolders: patch.syncFolders === undefined ? (before.syncFolders ?? null) : patch.syncFolders,
    sharing: patch.sharing ? { mode: patch.sharing.mode, excludedDomains: patch.sharing.excludedDomains ?? [], contactIds: patch.sharing.contactIds ?? [] } : before.sharing,
    syncEnabled: failed ? false : (patch.syncEnabled ?? before.syncEnabled),
    initialSyncDays: patch.initialSyncDays ?? before.initialSyncDays ?? 90,
    hasSmtpPassword: before.hasSmtpPassword || patch.smtpPassword !== undefined,
    ...(toPassword ? { authMethod: "password" as const, oauthProvider: null, hasPassword: true, oauthRotation: undefined } : {}),
    // a new password gets a new version: caches of the old one (see sync/secret-cache.ts) drop it
    secretVersion: patch.password !== undefined || patch.smtpPassword !== undefined ? newId() : before.secretVersion,
    secretBinding: rebind(bindingOf(before), target, patch),
    // new credentials or server: the old diagnosis no longer applies; a failed test's does
    ...afterSave(before, { serverChanged, failedState: failed?.state }),
    lastError: failed?.lastError ?? (serverChanged ? null : before.lastError),
    updatedAt: nowIso(),
  };
  if (patch.password !== undefined || patch.smtpPassword !== undefined) await updateCredentials(deps, id, { imap: patch.password, smtp: patch.smtpPassword });
  // Only what this edit changes is written: a full put of the record read above would undo
  // whatever a sync job wrote meanwhile (its state, last sync, progress, backfill mark) and could
  // bring back a lease the job had just released, blocking the mailbox for 15 minutes.
  const sets: string[] = [];
  const removes: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const changed = (Object.keys(next) as (keyof AccountRecord)[]).filter((k) => k === "updatedAt" || JSON.stringify(next[k]) !== JSON.stringify(before[k]));
  changed.forEach((k, i) => {
    names[`#f${i}`] = k;
    if (next[k] === undefined) removes.push(`#f${i}`);
    else {
      values[`:f${i}`] = next[k];
      sets.push(`#f${i} = :f${i}`);
    }
  });
  const written = await deps.db.update("main", keys.account(id), {
    expression: `SET ${sets.join(", ")}${removes.length ? ` REMOVE ${removes.join(", ")}` : ""}`,
    names,
    values,
    condition: "attribute_exists(pk)",
  });
  if (written === false) {
    // deleted meanwhile: take back what this edit wrote beside it
    if (email !== before.email) await releaseAccountEmail(deps.db, email, id, before.ownerId);
    if (patch.password !== undefined || patch.smtpPassword !== undefined) await deleteCredentials(deps.secrets, id).catch(() => undefined);
    throw new AppError("notFound", "account_not_found");
  }
  if (email !== before.email) await releaseAccountEmail(deps.db, before.email, id, before.ownerId);
  // a paused mailbox whose new password passed the save's test logs in again
  if (isPaused(before) && patch.password !== undefined && !failed)
    await deps.notifier?.notify({ kind: "mailbox.resumed", accountId: id, address: email, ownerId: before.ownerId, at: nowIso() });
  // the grant's rotated refresh token, if any, goes with the switch to a password
  if (toPassword) await deleteRotatedToken(deps.secrets, id, before.oauthRotation);
  return written as AccountRecord;
}

/** How many stored copies disconnecting this mailbox deletes (for the console's confirmation). */
export async function accountCopyCount(db: Db, actor: User, id: string): Promise<number> {
  await getAccount(db, actor, id);
  return countAccountCopies(db, id);
}

/**
 * Disconnects a mailbox: its passwords, cursors and item first (from then on every copy it
 * wrote is hidden, core/sharing hides copies whose account is gone), then every copy it wrote
 * (found by its partition markers, see keys.ts). A copy a running job writes meanwhile stays
 * hidden the same way. Returns how many copies were deleted.
 */
export async function deleteAccount(deps: AccountDeps, actor: User, id: string): Promise<number> {
  const before = await getAccount(deps.db, actor, id);
  await deleteCredentials(deps.secrets, id, before.oauthRotation);
  await forgetCursors(deps.db, id);
  await deps.db.delete("main", keys.account(id));
  // again: a two-secret account's migration running meanwhile may have just created its one secret
  await deleteCredentials(deps.secrets, id);
  await releaseAccountEmail(deps.db, before.email, id, before.ownerId);
  return deleteAccountCopies(deps.db, id);
}
export { connectOAuthMailbox, refuseServerEdit, type OAuthGrant } from "./oauth-mailbox";
export { testConnection, localizeSteps, type ConnectionReport, type ConnectionTestDeps } from "./connection-test";
export { autodiscover, autodiscoverInput, autodiscoverOutput, createAutodiscoverDeps } from "./autodiscover";
export { mailDomainField, pinnedSettingsLookup, domainSettingsInput, domainSettingsOutput, listDomainSettings, putDomainSettings, deleteDomainSettings } from "./domain-settings";
