import type { Db } from "../store/db";
import { keys } from "../store/keys";
import { nowIso } from "../shared/ids";
import { AppError } from "../shared/errors";
import { afterJob, maySendSavedPassword, readBoundSecrets, type AccountRecord, type Destinations, type TypedSecrets } from "../accounts/index";
import type { Notifier } from "../notifications/index";
import type { Logger } from "../shared/log";
import { accessTokens, type TokenDeps } from "./access-tokens";
import { providerConfig } from "./providers";

/** The code of a grant the provider ended (invalid_grant): the mailbox pauses until its owner reconnects. */
export const RECONNECT_CODE = "diag.oauth_reconnect_needed";

export interface ReconnectDeps extends TokenDeps {
  db: Db;
  /** Told `mailbox.reconnect_needed` (core/notifications); none: nobody is told beyond the account's state. */
  notifier?: Notifier;
  log?: Logger;
}

/**
 * Pauses an OAuth2 mailbox whose grant is gone and tells operations, through the state machine
 * (afterJob "reconnectNeeded"). Written only while the mailbox still signs in with OAuth2: a
 * reconnect or a switch to a password that landed meanwhile is not undone.
 */
export async function markReconnectNeeded(deps: ReconnectDeps, account: AccountRecord, error: AppError): Promise<void> {
  const next = afterJob(account, "reconnectNeeded");
  const written = await deps.db.update("main", keys.account(account.id), {
    expression: "SET #state = :s, lastError = :e, authFailures = :f, updatedAt = :u",
    names: { "#state": "state" },
    values: { ":s": next.state, ":e": { code: error.code, params: error.params }, ":f": next.authFailures ?? 0, ":u": nowIso(), ":o": "oauth2", ":v": account.secretVersion ?? "" },
    condition: "attribute_exists(pk) AND authMethod = :o AND (attribute_not_exists(secretVersion) OR secretVersion = :v)",
    returnValues: "NONE",
  });
  if (written !== false) await tellReconnectNeeded(deps, account, error.code);
}

/** The ops event of a paused OAuth2 mailbox (the sync writes the state itself, in its end-of-job update). */
export async function tellReconnectNeeded(deps: Pick<ReconnectDeps, "notifier" | "log">, account: AccountRecord, code: string): Promise<void> {
  accessTokens.forget(account.id);
  deps.log?.warn("oauth.reconnect_needed", { accountId: account.id, code });
  await deps.notifier?.notify({ kind: "mailbox.reconnect_needed", accountId: account.id, address: account.email, ownerId: account.ownerId, code, at: nowIso() });
}

/**
 * The one way the API and body fetches get what a mailbox signs in with: an OAuth2 mailbox's
 * access token (refreshed once for all callers, accessTokens), else the saved passwords through
 * their destination binding (accounts/secret-binding.ts). An ended grant pauses the mailbox here.
 */
export async function mailSecretsFor(
  deps: ReconnectDeps,
  account: AccountRecord,
  options: { target?: Destinations; typed?: TypedSecrets } = {},
): Promise<{ password?: string; smtpPassword?: string; accessToken?: string }> {
  if (account.authMethod !== "oauth2" || options.typed?.password !== undefined) return readBoundSecrets(deps, account, options);
  const label = providerConfig(deps.oauth, account.oauthProvider ?? undefined)?.label ?? account.oauthProvider ?? "?";
  // paused: the grant was refused; nothing calls the provider again until the owner reconnects
  if (!maySendSavedPassword(account)) throw new AppError("permanent", RECONNECT_CODE, { params: { provider: label } });
  try {
    return { password: "", accessToken: await accessTokens.get(deps, { id: account.id, oauthProvider: account.oauthProvider ?? undefined, secretVersion: account.secretVersion }) };
  } catch (err) {
    if (err instanceof AppError && err.code === RECONNECT_CODE) await markReconnectNeeded(deps, account, err);
    throw err;
  }
}
