import { keys } from "../store/keys";
import { AppError, type FieldProblem } from "../shared/errors";
import { newId, nowIso } from "../shared/ids";
import { normaliseEmail } from "../contacts/index";
import { checkHost, defaultSaveSentCopy, type OAuthProviderId, type ServerPreset } from "../mail/index";
import type { User } from "../users/index";
import { saveCredentials, updateCredentials, deleteCredentials, deleteRotatedToken } from "./credentials";
import { judgeForSave, testConnection } from "./connection-test";
import { limitedConnectionTest } from "./login-limits";
import { claimAccountEmail, ensureAccountEmailFree, releaseAccountEmail } from "./ownership";
import { destinationsOf } from "./secret-binding";
import { afterSave } from "./state-machine";
import type { AccountDeps, AccountPatch, AccountRecord } from "./index";

/**
 * Mailboxes connected with OAuth2 ("Connect with Google / Microsoft"): created, or reconnected
 * in place, from a grant the sign-in just returned (core/oauth does the sign-in). The refresh
 * token goes into the mailbox's one secret (credentials.ts), replacing any password; the account
 * item records only that it signs in with OAuth2 and with which provider.
 *
 * Reconnecting keeps the account's id, so its synced mail, folder cursors and settings stay:
 * switching a password mailbox to OAuth2 (or a paused one back on) is a reconnect, and switching
 * back is an ordinary edit with a password (index.ts updateAccount).
 */
export interface OAuthGrant {
  provider: OAuthProviderId;
  /** The provider's name in messages ("Google"). */
  label: string;
  /** The address the ID token named. */
  email: string;
  refreshToken: string;
  /** Fresh from the sign-in: the connection test uses it, nothing stores it. */
  accessToken: string;
  preset: "gmail" | "microsoft365" | "outlook";
  imap: ServerPreset;
  smtp: ServerPreset;
}

/** Creates a mailbox for the grant, or reconnects `accountId` (same address) with it. */
export async function connectOAuthMailbox(deps: AccountDeps, actor: User, grant: OAuthGrant, accountId?: string): Promise<AccountRecord> {
  const email = normaliseEmail(grant.email);
  const imap = { ...grant.imap, user: email };
  const smtp = { ...grant.smtp, user: email, sameCredentials: true };
  const before = accountId ? await ownAccount(deps, actor, accountId) : undefined;
  if (before && before.email !== email) {
    throw new AppError("validation", "validation_failed", { fields: [{ field: "email", key: "oauth_address_mismatch", params: { signedIn: email, expected: before.email } }] });
  }
  if (!before) await ensureAccountEmailFree(deps.db, email);
  await checkHost(imap.host, deps.hostAllowance, "imap.host", deps.resolve);
  await checkHost(smtp.host, deps.hostAllowance, "smtp.host", deps.resolve);
  // the same connection test as a password save: refused with the diagnosis (IMAP switched off
  // for the user, a token the server does not take) before anything is written
  const settings = { email, provider: grant.preset, imap, smtp, allowInsecureCerts: false };
  const report = await limitedConnectionTest(deps.db, deps.probeSubject, settings, () =>
    testConnection(settings, { password: "", accessToken: grant.accessToken }, { hostAllowance: deps.hostAllowance, resolve: deps.resolve, ca: deps.tlsCa }),
  );
  judgeForSave(report, false, true);
  const oauth = { provider: grant.provider, refreshToken: grant.refreshToken };
  const signIn = {
    provider: grant.preset,
    imap,
    smtp,
    allowInsecureCerts: false,
    hasPassword: false,
    hasSmtpPassword: false,
    authMethod: "oauth2" as const,
    oauthProvider: grant.provider,
    // a new grant: caches of the old one (access tokens, passwords) are dropped
    secretVersion: newId(),
    secretBinding: destinationsOf({ imap, smtp, allowInsecureCerts: false }),
    lastError: null,
    updatedAt: nowIso(),
  };
  if (before) {
    await updateCredentials(deps, before.id, { oauth });
    const next = { ...signIn, ...afterSave(before, { serverChanged: true }) };
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets = Object.entries(next).map(([k, v], i) => {
      names[`#f${i}`] = k;
      values[`:f${i}`] = v;
      return `#f${i} = :f${i}`;
    });
    // a new grant starts from the mailbox's own secret: a refresh token rotated from the old grant is dropped
    const written = await deps.db.update("main", keys.account(before.id), {
      expression: `SET ${sets.join(", ")} REMOVE oauthRotation`,
      names,
      values,
      condition: "attribute_exists(pk)",
    });
    if (written === false) {
      await deleteCredentials(deps.secrets, before.id).catch(() => undefined);
      throw new AppError("notFound", "account_not_found");
    }
    await deleteRotatedToken(deps.secrets, before.id, before.oauthRotation);
    return written as AccountRecord;
  }
  const now = nowIso();
  const record: AccountRecord = {
    ...signIn,
    id: newId(),
    ownerId: actor.id,
    email,
    displayName: null,
    signature: null,
    aliases: [],
    bccSelf: false,
    saveSentCopy: defaultSaveSentCopy(grant.preset),
    sentFolder: null,
    syncFolders: null,
    sharing: { mode: "private", excludedDomains: [], contactIds: [] },
    syncEnabled: true,
    initialSyncDays: 90,
    state: "init",
    lastSyncAt: null,
    createdAt: now,
  };
  await claimAccountEmail(deps.db, email, record.id);
  try {
    await saveCredentials(deps.secrets, record.id, { oauth });
    await deps.db.put("main", { ...keys.account(record.id), gsi1pk: keys.accountsIndex, gsi1sk: `${actor.id}#${record.id}`, ...record });
  } catch (err) {
    await releaseAccountEmail(deps.db, email, record.id, actor.id);
    await deleteCredentials(deps.secrets, record.id).catch(() => undefined);
    throw err;
  }
  return record;
}

/** The account, when the actor owns it or is an admin (as getAccount decides). */
async function ownAccount(deps: AccountDeps, actor: User, id: string): Promise<AccountRecord> {
  const item = (await deps.db.get("main", keys.account(id))) as AccountRecord | undefined;
  if (!item || (actor.role !== "admin" && item.ownerId !== actor.id)) throw new AppError("notFound", "account_not_found");
  return item;
}

/**
 * An OAuth2 mailbox's servers are its provider's: an edit that moves them (or stops checking
 * certificates) would send the provider's access token elsewhere, and is refused unless it
 * also gives a password (switching the mailbox back to password sign-in).
 */
export function refuseServerEdit(before: AccountRecord, patch: AccountPatch): void {
  const label = before.oauthProvider === "microsoft" ? "Microsoft" : "Google";
  const moved = (field: string) => ({ field, key: "oauth_servers_fixed" as const, params: { provider: label } });
  const fields: FieldProblem[] = [];
  if (patch.imap && Object.entries(patch.imap).some(([k, v]) => v !== undefined && (before.imap as Record<string, unknown>)[k] !== v)) fields.push(moved("imap"));
  if (patch.smtp !== undefined && JSON.stringify(patch.smtp) !== JSON.stringify(before.smtp && { ...before.smtp })) {
    const same = patch.smtp && before.smtp && (["host", "port", "security", "user"] as const).every((k) => patch.smtp![k] === before.smtp![k]);
    if (!same) fields.push(moved("smtp"));
  }
  if (patch.allowInsecureCerts === true) fields.push(moved("allowInsecureCerts"));
  if (patch.smtpPassword !== undefined) fields.push(moved("smtpPassword"));
  if (fields.length) throw new AppError("validation", "validation_failed", { fields });
}
