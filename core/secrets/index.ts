/**
 * SecretStore: the only place a mailbox password or token ever lives. In AWS one Secrets
 * Manager secret per mailbox under the app's prefix; locally an encrypted file store.
 * Names are relative ("account/<id>"); each adapter applies its own prefix.
 */
export interface SecretStore {
  /** Creates or replaces the secret. */
  put(name: string, value: string): Promise<void>;
  /** The secret's value, or undefined when there is none. */
  get(name: string): Promise<string | undefined>;
  /**
   * Creates the secret only if there is none by that name: true when created, false when one
   * exists (a compare-and-set Secrets Manager offers through CreateSecret; used by migrations
   * that must never overwrite a value written meanwhile).
   */
  create(name: string, value: string): Promise<boolean>;
  /** Deletes the secret; deleting a missing one is not an error. */
  delete(name: string): Promise<void>;
}

/** A mailbox's credentials, one secret as JSON (see accounts/credentials.ts). */
export const mailboxSecretName = (accountId: string) => `mailbox/${accountId}`;
/**
 * An OAuth2 mailbox's refresh token after its n-th rotation (n >= 1), created once and never
 * overwritten (core/oauth/rotation.ts); the account item says which n is current.
 */
export const rotatedTokenSecretName = (accountId: string, n: number) => `mailbox/${accountId}/oauth-${n}`;
/** Before one secret per mailbox: the IMAP password alone (read only to migrate it). */
export const accountSecretName = (accountId: string) => `account/${accountId}`;
/** Before one secret per mailbox: the SMTP password, when it differed from the IMAP one. */
export const smtpSecretName = (accountId: string) => `account/${accountId}/smtp`;

/** Notification mail's SMTP password (core/notification-mail), bound to the server it was typed for. */
export const notificationSecretName = "notifications/smtp";

export { AwsSecretStore } from "./aws-secret-store";
export { FileSecretStore } from "./file-secret-store";
