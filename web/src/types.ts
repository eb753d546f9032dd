// Console-only types. Every API shape comes from ./api/types (generated from the OpenAPI
// document); what is here exists only on the browser side.
import type { AccountInput, AutodiscoverResult, ConnectionTestInput, Diagnosis } from "./api/types";
import type { StepNote } from "./i18n/dynamic";

type Server = NonNullable<AccountInput["imap"]>;
/** A server as the form sends it: a port the user typed that is not a number goes as typed, so the server names the field and the reason in the user's language. */
type TypedServer = Omit<Server, "port"> & { port: number | string };
type TypedSmtp = Omit<NonNullable<AccountInput["smtp"]>, "port"> & { port: number | string };

/** Every setting the form sends (POST /api/accounts, PATCH, and the connection test), numbers as typed when they do not parse. */
export type AccountSettings = Omit<AccountInput, "imap" | "smtp" | "initialSyncDays" | "password" | "smtpPassword" | "ownerId" | "saveDisabledOnFailure"> & {
  imap: TypedServer;
  smtp?: TypedSmtp | null;
  initialSyncDays?: number | string;
};
/** POST /api/accounts as the form sends it. */
export type AccountBody = AccountSettings & Pick<AccountInput, "password" | "smtpPassword" | "ownerId" | "saveDisabledOnFailure">;
/** PATCH /api/accounts/{id} as the form sends it. */
export type AccountPatchBody = Partial<Omit<AccountBody, "imap">> & { imap?: Partial<TypedServer> };
/** POST /api/accounts/test as the form sends it. */
export type ConnectionTestBody = Omit<ConnectionTestInput, "imap" | "smtp"> & { imap: TypedServer; smtp?: TypedSmtp | null };

/**
 * A diagnosis as shown: the API's, or one pieced together from a refused save's field
 * message, which carries only a code and a text (see diagnosisOfSaveError).
 */
export type ShownDiagnosis = Partial<Omit<Diagnosis, "code" | "cause" | "fix">> & { code: string; cause: string; fix: string };

export type DiscoverySource = NonNullable<AutodiscoverResult["imap"]>["source"];

/**
 * One line of a test's results as shown: a connection-test step, or one of the test mail's
 * two parts (sending, the copy in Sent) laid out the same way.
 */
export interface ShownStep {
  step: string;
  ok: boolean;
  /** Missing or null when the step did not run (an earlier one failed). */
  ms?: number | null;
  /** What the step saw, as a message key (core/shared/step-notes.ts); said by noteText. */
  note?: StepNote | null;
  /** The server's own words behind the note: shown only behind "Details". */
  detail?: string | null;
  protocol?: "imap" | "smtp";
  skipped?: boolean;
  diagnosis?: ShownDiagnosis | null;
}
