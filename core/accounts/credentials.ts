import type { Db } from "../store/db";
import { keys } from "../store/keys";
import { accountSecretName, mailboxSecretName, rotatedTokenSecretName, smtpSecretName, type SecretStore } from "../secrets/index";

/**
 * A mailbox's credentials, kept in ONE secret: Secrets Manager bills $0.40 per secret per month,
 * and the secrets were most of what 1,000 mailboxes cost when each could hold two (the IMAP
 * password and a separate SMTP one). The secret `mailbox/<id>` holds `{"imap": ..., "smtp": ...}`
 * or, for a mailbox connected with OAuth2, `{"oauth": {"provider", "refreshToken"}}` (the refresh
 * token; access tokens live only in memory, core/oauth); `smtp` only when it differs from the
 * IMAP password. Switching between the two replaces the secret's content: one way of signing in
 * at a time.
 *
 * Accounts saved before hold `account/<id>` (the IMAP password as plain text) and maybe
 * `account/<id>/smtp`. They are migrated on first read or write: the combined secret is
 * CREATED (create-only: it fails when the secret exists), so a migration can never overwrite a
 * password an edit has just saved meanwhile; only then are the old secrets deleted. A
 * migration that finds the account deleted meanwhile deletes what it created (deleteAccount
 * deletes the combined secret again after the account item, see deleteCredentials).
 */
export interface MailboxCredentials {
  imap?: string;
  smtp?: string;
  oauth?: OAuthCredentials;
}

/** What an OAuth2 mailbox keeps: the refresh token of its grant (rotated ones replace it). */
export interface OAuthCredentials {
  provider: string;
  refreshToken: string;
}

interface Deps {
  secrets: SecretStore;
  /** To see whether the account still exists after a migration (a deleted one's password must not linger). */
  db?: Db;
}

const parse = (raw: string): MailboxCredentials => {
  const value = JSON.parse(raw) as MailboxCredentials;
  return { imap: value.imap, smtp: value.smtp, ...(value.oauth ? { oauth: value.oauth } : {}) };
};
const serialise = (c: MailboxCredentials) => JSON.stringify({ imap: c.imap, smtp: c.smtp, oauth: c.oauth });

/** The account's credentials (both fields undefined when there are none), migrating a two-secret account. */
export async function readCredentials(deps: Deps, accountId: string): Promise<MailboxCredentials> {
  const name = mailboxSecretName(accountId);
  const combined = await deps.secrets.get(name);
  if (combined !== undefined) return parse(combined);
  const [imap, smtp] = await Promise.all([deps.secrets.get(accountSecretName(accountId)), deps.secrets.get(smtpSecretName(accountId))]);
  if (imap === undefined && smtp === undefined) {
    // another process may have migrated between our two reads (it deletes the old ones after
    // creating the combined one): look once more
    const again = await deps.secrets.get(name);
    return again === undefined ? {} : parse(again);
  }
  const legacy = { imap, smtp };
  if (!(await deps.secrets.create(name, serialise(legacy)))) {
    // an edit or another migration wrote the combined secret first: it is the current one
    const current = await deps.secrets.get(name);
    return current === undefined ? legacy : parse(current);
  }
  if (deps.db && !(await deps.db.get("main", keys.account(accountId)))) {
    await deps.secrets.delete(name);
    return legacy;
  }
  await Promise.all([deps.secrets.delete(accountSecretName(accountId)), deps.secrets.delete(smtpSecretName(accountId))]);
  return legacy;
}

/**
 * The IMAP password alone, as the sync reads it (through its SecretCache, which expects a
 * SecretStore's get). An OAuth2 mailbox reads as "" (no password, and nothing missing): the
 * cache keeps that, so its ticks do not read the secret again (its refresh token is read only
 * when an access token is due, core/oauth).
 */
export const imapPasswordStore = (deps: Deps): Pick<SecretStore, "get"> => ({
  get: async (accountId: string) => {
    const saved = await readCredentials(deps, accountId);
    return saved.imap ?? (saved.oauth ? "" : undefined);
  },
});

/** Saves a new account's credentials. */
export async function saveCredentials(secrets: SecretStore, accountId: string, credentials: MailboxCredentials): Promise<void> {
  await secrets.put(mailboxSecretName(accountId), serialise(credentials));
}

/**
 * Changes some of an account's credentials, keeping the others (a two-secret account is migrated
 * first). A new password ends an OAuth2 grant kept here and a new grant ends the passwords: the
 * mailbox signs in one way at a time.
 */
export async function updateCredentials(deps: Deps, accountId: string, patch: MailboxCredentials): Promise<void> {
  const current = await readCredentials(deps, accountId);
  if (patch.oauth) return saveCredentials(deps.secrets, accountId, { oauth: patch.oauth });
  const switched = patch.imap !== undefined && current.oauth !== undefined;
  await saveCredentials(deps.secrets, accountId, {
    imap: patch.imap ?? current.imap,
    smtp: patch.smtp ?? (switched ? undefined : current.smtp),
    oauth: patch.imap !== undefined ? undefined : current.oauth,
  });
}

/**
 * Deletes every secret the account may hold (combined and old). Call it again after the
 * account item is deleted: a migration that read the old secrets just before may have created
 * the combined one meanwhile (it deletes it itself only if it sees the item gone).
 */
export async function deleteCredentials(secrets: SecretStore, accountId: string, oauthRotation?: number): Promise<void> {
  await Promise.all([
    secrets.delete(mailboxSecretName(accountId)),
    secrets.delete(accountSecretName(accountId)),
    secrets.delete(smtpSecretName(accountId)),
    deleteRotatedToken(secrets, accountId, oauthRotation),
  ]);
}

/**
 * Deletes the secret of the refresh token Microsoft last rotated (core/oauth/rotation.ts), when
 * the account names one: its grant ended (a reconnect, a switch to a password, a disconnect).
 */
export async function deleteRotatedToken(secrets: SecretStore, accountId: string, oauthRotation: number | undefined): Promise<void> {
  if (oauthRotation && oauthRotation > 0) await secrets.delete(rotatedTokenSecretName(accountId, oauthRotation));
}
