/**
 * SecretStore: the only place a mailbox password or token ever lives. In AWS one Secrets
 * Manager secret per account under the app's prefix; locally an encrypted file store.
 * Names are relative ("account/<id>"); each adapter applies its own prefix.
 */
export interface SecretStore {
  /** Creates or replaces the secret. */
  put(name: string, value: string): Promise<void>;
  /** The secret's value, or undefined when there is none. */
  get(name: string): Promise<string | undefined>;
  /** Deletes the secret; deleting a missing one is not an error. */
  delete(name: string): Promise<void>;
}

export const accountSecretName = (accountId: string) => `account/${accountId}`;
/** The SMTP password, only when it differs from the IMAP one. */
export const smtpSecretName = (accountId: string) => `account/${accountId}/smtp`;

export { AwsSecretStore } from "./aws-secret-store";
export { FileSecretStore } from "./file-secret-store";
