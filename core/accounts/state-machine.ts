/**
 * The account's state and its transitions, in one place and free of I/O: the sync, the save
 * and the console's view all ask here. States (EmailEngine's ACCOUNT_STATES are the model):
 *
 * - init: saved, waiting for its first sync (the console's "pending first sync")
 * - syncing: a job logged in and is reading folders
 * - connected: the last job ended well
 * - authenticationError: the server refused the login (or no password is saved)
 * - paused: refused N times in a row (the admin's pause rule, default PAUSE_AFTER_FAILED_LOGINS); nothing logs in with the saved
 *   password again until a new one is saved. An OAuth2 mailbox whose grant the provider ended
 *   (invalid_grant: consent withdrawn, refresh token expired) pauses at once: no retry can
 *   help, only its owner signing in again (a reconnect is a save, which resumes it)
 * - connectError: the server could not be reached or failed otherwise
 * - disabled: sync switched off (shown from syncEnabled, whatever was stored last), or held
 *   because an admin deactivated the mailbox's owner (ownerInactive); the stored state stays as it
 *   was, so reactivating the owner resumes the mailbox where it stood
 */
import type { AccountState, HeldReason } from "./schema";

/**
 * Failed logins in a row after which a mailbox pauses. Retrying a wrong password on every
 * scheduled tick gets the mailbox locked at the provider (Gmail and Microsoft 365 lock an
 * account after repeated failures), and locks out the salesperson's own mail client with it.
 */
export const PAUSE_AFTER_FAILED_LOGINS = 3;

/** What a transition needs to know of the stored account. */
export interface StateFacts {
  state: AccountState;
  syncEnabled?: boolean;
  /** Failed logins in a row since the last good one or the last save of credentials. */
  authFailures?: number;
  /**
   * The pause threshold the last failed login was judged by (the admin's setting then, see
   * pause-rule.ts); items written before it was settable were judged by PAUSE_AFTER_FAILED_LOGINS.
   */
  pauseAfter?: number;
  lastError?: { code: string } | null;
  /**
   * The owner is deactivated (core/users): the mailbox keeps its mail but stops syncing, as
   * Zoho and HubSpot do with a deactivated user's inbox. Set and lifted by holdOwnerSync only.
   */
  ownerInactive?: boolean;
}

/** How a sync job's login and reading ended. */
export type JobEnd = "connected" | "authenticationError" | "connectError" | "reconnectNeeded";

/**
 * The stored state while a first sync is under way: "syncing", written with its progress
 * (a job that is not in its first sync leaves the last job's state, so a quiet tick writes none).
 */
export const duringFirstSync = (): AccountState => "syncing";

/**
 * The stored state and failure count after a job ends; `pauseAfter` is the organisation's
 * threshold (default PAUSE_AFTER_FAILED_LOGINS); the caller stores it beside a refused login's
 * count (`pauseAfter`), so isPaused judges the item by the rule it was counted under.
 */
export function afterJob(account: Pick<StateFacts, "authFailures">, end: JobEnd, pauseAfter = PAUSE_AFTER_FAILED_LOGINS): { state: AccountState; authFailures?: number } {
  if (end === "connected") return { state: "connected", authFailures: 0 };
  if (end === "connectError") return { state: "connectError" }; // the count of refused logins stays as it was
  if (end === "reconnectNeeded") return { state: "paused", authFailures: account.authFailures ?? 0 };
  const authFailures = (account.authFailures ?? 0) + 1;
  return { state: authFailures >= pauseAfter ? "paused" : "authenticationError", authFailures };
}

/**
 * The stored state and failure count after a save. New credentials or server settings start
 * afresh (init, failures 0) unless the save's own connection test failed, whose state is kept;
 * any other edit leaves both as they were.
 */
export function afterSave(
  before: StateFacts,
  change: { serverChanged: boolean; failedState?: "authenticationError" | "connectError" },
): { state: AccountState; authFailures?: number } {
  if (change.failedState) return { state: change.failedState, authFailures: 0 };
  if (change.serverChanged) return { state: "init", authFailures: 0 };
  return { state: before.state, authFailures: before.authFailures };
}

/**
 * Paused: the stored state says so, or (items written before the paused state existed) the
 * login was refused PAUSE_AFTER_FAILED_LOGINS times in a row.
 */
export function isPaused(account: StateFacts): boolean {
  return account.state === "paused" || (account.state === "authenticationError" && (account.authFailures ?? 0) >= (account.pauseAfter ?? PAUSE_AFTER_FAILED_LOGINS));
}

/** The state the console shows: disabled wins, then paused (also for items stored before it existed). */
export function shownState(account: StateFacts): AccountState {
  if (account.syncEnabled === false || account.ownerInactive) return "disabled";
  return isPaused(account) ? "paused" : account.state;
}

/** Whether the saved password may be sent to the server at all (sync, body fetch, connection test). */
export const maySendSavedPassword = (account: StateFacts): boolean => !isPaused(account);

/** Whether a sync job may run: enabled, has a password, not paused. */
export function maySync(account: StateFacts): boolean {
  if (account.syncEnabled === false || account.ownerInactive) return false;
  if (account.state === "authenticationError" && account.lastError?.code === "password_missing") return false;
  return maySendSavedPassword(account);
}

/** Why the sync is held from outside the mailbox, for the console to say (its state shows "disabled"); null when it is not. */
export const heldBecause = (account: StateFacts): HeldReason | null => (account.ownerInactive ? "ownerDeactivated" : null);

/** The fact a change of the owner's status writes on each of their mailboxes: held while the owner is deactivated. */
export const afterOwnerStatus = (ownerActive: boolean): Pick<StateFacts, "ownerInactive"> => (ownerActive ? {} : { ownerInactive: true });
/**
 * A mailbox that keeps failing for a reason other than its password (the server unreachable,
 * refusing connections, answering with errors) is an incident for operations (mailbox.failing):
 * one bad run is usually a blip the next tick fixes, so it is told after FAILING_AFTER_RUNS
 * failed runs in a row, or once it has been failing for FAILING_AFTER_MS (a mailbox whose runs
 * are far apart: retries backing off, a longer schedule), whichever comes first. Told once per
 * incident; its end (mailbox.recovered) is told when a job connects again.
 */
export const FAILING_AFTER_RUNS = 3;
export const FAILING_AFTER_MS = 60 * 60_000;

/** The failing incident's bookkeeping on the account item. */
export interface FailingFacts {
  /** Runs in a row that ended connectError (not counting refused logins: the pause rule's). */
  connectFailures?: number;
  /** When the first of them ended. */
  failingSince?: string | null;
  /** When the incident was told (mailbox.failing); null: not told. */
  failingToldAt?: string | null;
}

/**
 * The bookkeeping after a job ends at `at`, and what to tell: "failing" when this end makes the
 * incident (and it was not told yet), "recovered" when a job connected after it was told. A
 * refused login or an ended OAuth2 grant leaves it as it is: those are the pause rule's.
 */
export function failingAfterJob(before: FailingFacts, end: JobEnd, at: string): { facts?: Required<FailingFacts>; tell?: "failing" | "recovered" } {
  if (end === "connected") {
    if (!before.connectFailures && !before.failingToldAt) return {};
    return { facts: { connectFailures: 0, failingSince: null, failingToldAt: null }, tell: before.failingToldAt ? "recovered" : undefined };
  }
  if (end !== "connectError") return {};
  const connectFailures = (before.connectFailures ?? 0) + 1;
  const failingSince = before.failingSince ?? at;
  const failing = connectFailures >= FAILING_AFTER_RUNS || Date.parse(at) - Date.parse(failingSince) >= FAILING_AFTER_MS;
  const tell = failing && !before.failingToldAt ? "failing" : undefined;
  return { facts: { connectFailures, failingSince, failingToldAt: before.failingToldAt ?? (failing ? at : null) }, tell };
}
