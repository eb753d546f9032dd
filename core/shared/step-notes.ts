import { z } from "zod";

/**
 * What a step of the connection test or of autodiscovery saw, as a message key and params
 * rather than an English sentence: the console says it in the reader's language (its catalogue
 * holds "note.<key>" in English and Japanese, web/src/i18n/{en,ja}/notes.ts). The server's own
 * words (a greeting, a certificate, an error code) stay in the step's `detail`, which the console
 * shows only behind a "Details" disclosure, as support reads it.
 */
export const stepNoteKeys = [
  // connection test
  "resolved", // {host} -> {address}
  "connected", // {address}:{port}
  "greeted", // the server greeted (its words in detail)
  "encrypted", // {version}, certificate verified
  "encrypted_unverified", // {version}, certificate accepted only because insecure certificates are allowed
  "not_encrypted", // security "none"
  "signed_in", // {user}
  "folders", // {count}
  "sent_to", // {recipients}: the test mail, accepted by the server for them (said by the console)
  // autodiscovery
  "found", // {servers}
  "nothing_found",
  "pinned", // {domain}: settings pinned by an admin
  "preset", // {provider}
  "preset_not_needed", // {provider}: another step was not needed
  "timed_out",
  "deadline", // {seconds}
  "stopped",
  "higher_priority",
  "http_status", // {status}
  "no_dns_record",
  "failed",
] as const;
export type StepNoteKey = (typeof stepNoteKeys)[number];

export interface StepNote {
  key: StepNoteKey;
  params: Record<string, string | number>;
}

export const note = (key: StepNoteKey, params: Record<string, string | number> = {}): StepNote => ({ key, params });

export const stepNoteOutput = z.object({ key: z.enum(stepNoteKeys), params: z.record(z.string(), z.union([z.string(), z.number()])) });
