import type { MessageKey } from "../shared/i18n";

/**
 * The diagnosis's vocabulary: its stable codes (stored on an account as lastError, shown by the
 * console, keys of the message catalogue as "diag.<code>"), where a check failed and the shape
 * of a diagnosis. classify-error.ts decides the code of a library error; diagnosis.ts builds
 * the texts.
 */

/** Codes that mean "the sign-in itself was refused": the account state is authenticationError. */
const signInRefusedCodes = [
  "auth_failed",
  "app_password_required",
  "web_login_required",
  "imap_disabled",
  "basic_auth_disabled",
  "oauth_failed",
  "oauth_reconnect_needed",
  "oauth_admin_consent",
  "oauth_wrong_tenant",
  "oauth_scope_missing",
  "too_many_attempts",
] as const;

export const diagnosisCodes = [
  ...signInRefusedCodes,
  "tls_untrusted",
  "tls_expired",
  "tls_name_mismatch",
  "tls_mismatch",
  "tls_outdated",
  "starttls_unavailable",
  "tls_handshake_failed",
  "smtp_auth_unavailable",
  "host_not_found",
  "host_not_allowed",
  "connection_refused",
  "timeout",
  "connection_closed",
  "throttled",
  "server_unavailable",
  "smtp_rejected",
  "sender_not_allowed",
  "recipient_refused",
  "message_too_large",
  "sending_disabled",
  "smtp_not_configured",
  "folder_not_found",
  "unknown",
] as const;
export type DiagnosisCode = (typeof diagnosisCodes)[number];

export const authenticationCodes: ReadonlySet<DiagnosisCode> = new Set<DiagnosisCode>(signInRefusedCodes);

export type DiagnosisStep = "dns" | "tcp" | "tls" | "imap_login" | "folders" | "smtp_login" | "smtp_send" | "imap_append";
export type MailProtocol = "imap" | "smtp";
export type Security = "tls" | "starttls" | "none";

export interface DiagnosisContext {
  protocol: MailProtocol;
  /** The account's provider preset; "other" or absent: guessed from the host name. */
  provider?: string | null;
  host: string;
  port: number;
  security: Security;
  step: DiagnosisStep;
}

export interface Localized<T = string> {
  en: T;
  ja: T;
}

export interface Diagnosis {
  code: DiagnosisCode;
  /** transient: retrying later may work; permanent: a person has to change something. */
  kind: "transient" | "permanent";
  protocol: MailProtocol;
  step: DiagnosisStep;
  cause: Localized;
  fix: Localized;
  /** The provider's own steps (app password, switching IMAP on...), when we know them. */
  providerSteps?: Localized<string[]>;
  /** Values of the {placeholders} in the texts; stored with the code so any language can be shown later. */
  params: Record<string, string | number>;
  /** The server's or library's own words, for the technically minded (never contains a secret we know of). */
  detail?: string;
}

/**
 * Catalogue key of a code's one-line message, composed from its parts `.cause` and `.fix`
 * (core/shared/i18n.ts): a code without both parts in both languages fails the type-check here.
 */
export type DiagnosisKey = `diag.${DiagnosisCode}`;
export const diagnosisKey = (code: DiagnosisCode): DiagnosisKey & MessageKey => `diag.${code}`;

/** The diagnosis code inside a catalogue key made by diagnosisKey, or undefined. */
export function codeOfKey(key: string): DiagnosisCode | undefined {
  const code = key.startsWith("diag.") ? key.slice(5) : "";
  return (diagnosisCodes as readonly string[]).includes(code) ? (code as DiagnosisCode) : undefined;
}

/** Raised by our own protocol sniffing (connection-test.ts) when the port speaks the other security mode. */
export class ProtocolMismatchError extends Error {
  readonly code = "ERR_PROTOCOL_MISMATCH";
  constructor(
    /** What the server really speaks on this port. */
    readonly expected: "tls" | "starttls",
    /** What we saw: a plain-text greeting where TLS was expected, or a TLS handshake on a plain connection. */
    readonly evidence: "plaintext_greeting" | "tls_handshake",
    /** The first line the server sent, when it sent one. */
    readonly greeting?: string,
  ) {
    super(evidence === "plaintext_greeting" ? `the server sent a plain-text greeting: ${greeting ?? ""}`.trim() : "the server answered a TLS handshake on a plain connection");
    this.name = "ProtocolMismatchError";
  }
}

/** Whether a stored error code (e.g. an account's lastError) means the sign-in was refused. */
export function isAuthenticationProblem(code: string): boolean {
  const c = codeOfKey(code);
  return (c !== undefined && authenticationCodes.has(c)) || code === "imap_auth_failed" || code === "password_missing";
}
