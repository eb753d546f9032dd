import type { Db } from "../store/db";
import { keys } from "../store/keys";
import { rotatedTokenSecretName, type SecretStore } from "../secrets/index";
import { readCredentials, type OAuthCredentials } from "../accounts/index";

/**
 * Where an OAuth2 mailbox's current refresh token is, and how a rotated one is saved.
 *
 * The sign-in puts the grant in the mailbox's one secret (`mailbox/<id>`, written by the API).
 * Microsoft answers every refresh with a new refresh token; the sync saves it without ever
 * overwriting a secret (its IAM role has no PutSecretValue, so it can never clobber a saved
 * password): the token of rotation n is CREATED as `mailbox/<id>/oauth-<n>`, the account item's
 * `oauthRotation` is moved from n-1 to n by a conditional write, and only then is the previous
 * rotation's secret deleted. So a mailbox holds one secret, two for a moment:
 * - two containers rotating at once: one creates oauth-<n>, the other finds it taken and keeps
 *   its token in memory only (Microsoft keeps earlier refresh tokens valid);
 * - a reconnect or a switch to a password meanwhile (a new secretVersion): the conditional write
 *   fails and the rotation deletes what it created.
 */
export interface RotationDeps {
  db: Db;
  secrets: SecretStore;
}

/** The account's current grant: rotation n's secret when the account names one, else the mailbox's own. */
export async function readGrant(deps: RotationDeps, accountId: string): Promise<{ grant: OAuthCredentials | undefined; rotation: number; secretVersion: string | undefined }> {
  const item = await deps.db.get("main", keys.account(accountId));
  const rotation = Number(item?.oauthRotation ?? 0);
  const secretVersion = item?.secretVersion as string | undefined;
  if (rotation > 0) {
    const raw = await deps.secrets.get(rotatedTokenSecretName(accountId, rotation));
    if (raw !== undefined) return { grant: JSON.parse(raw) as OAuthCredentials, rotation, secretVersion };
  }
  return { grant: (await readCredentials(deps, accountId)).oauth, rotation, secretVersion };
}

/** Saves the refresh token a refresh returned in place of the one of `rotation`. Returns whether it became the current one. */
export async function saveRotatedGrant(
  deps: RotationDeps,
  accountId: string,
  from: { rotation: number; secretVersion: string | undefined },
  grant: OAuthCredentials,
): Promise<boolean> {
  const next = from.rotation + 1;
  const name = rotatedTokenSecretName(accountId, next);
  if (!(await deps.secrets.create(name, JSON.stringify(grant)))) return false; // another process rotated first: its token is current
  const moved = await deps.db.update("main", keys.account(accountId), {
    expression: "SET oauthRotation = :n",
    values: { ":n": next, ":o": "oauth2", ":v": from.secretVersion ?? "", ":p": from.rotation },
    condition: `attribute_exists(pk) AND authMethod = :o AND secretVersion = :v AND ${from.rotation === 0 ? "(attribute_not_exists(oauthRotation) OR oauthRotation = :p)" : "oauthRotation = :p"}`,
    returnValues: "NONE",
  });
  if (moved === false) {
    await deps.secrets.delete(name);
    return false;
  }
  if (from.rotation > 0) await deps.secrets.delete(rotatedTokenSecretName(accountId, from.rotation));
  return true;
}
