import { AppError, type ErrorKind } from "../shared/errors";
import { hasMessage, translate, type Lang, type MessageKey } from "../shared/i18n";
import { classifyError } from "./classify-error";
import { codeOfKey, diagnosisKey, type Diagnosis, type DiagnosisCode, type DiagnosisContext, type DiagnosisStep, type Localized, type MailProtocol } from "./diagnosis-codes";
import { presetForAccount, type ProviderPreset } from "./providers";

export * from "./diagnosis-codes";

/**
 * Mail connection diagnosis: turns a failure (a library error, judged by classify-error.ts, or
 * a fact such as "no SMTP server set") into a stable code (diagnosis-codes.ts), whether
 * retrying can help, and a cause and a fix in plain words (English and Japanese), with the
 * provider's own steps from the provider table where we know them. The sync, the connection
 * test, SMTP sending and the API all read the result.
 */

/**
 * The provider's own steps that go with a code, from the provider table (providers.ts). A
 * provider where no password works (Microsoft) gets its app-password steps (which say so), or
 * for sending its Authenticated SMTP steps, only when the diagnosis is that password sign-in is
 * off; "other" has no steps of its own.
 */
function providerStepsFor(code: DiagnosisCode, preset: ProviderPreset | undefined, protocol: MailProtocol): Localized<readonly string[]> | undefined {
  if (!preset || preset.id === "other") return undefined;
  const passwordWorks = preset.auth !== "oauth2_only";
  switch (code) {
    case "auth_failed":
    case "app_password_required":
      return passwordWorks ? preset.appPasswordSteps : undefined;
    case "web_login_required":
      return preset.webLoginSteps ?? (passwordWorks ? preset.appPasswordSteps : undefined);
    case "imap_disabled":
      return preset.imapAccessSteps;
    case "basic_auth_disabled":
      if (passwordWorks) return undefined;
      return (protocol === "smtp" ? preset.smtpAuthSteps : undefined) ?? preset.appPasswordSteps;
    // a token the mail server refuses although the provider just issued it: IMAP (or SMTP AUTH)
    // is switched off for the mailbox, the one thing left that a valid token cannot pass
    case "oauth_failed":
      return preset.oauthMailSteps ?? preset.imapAccessSteps;
    case "oauth_admin_consent":
      return preset.adminConsentSteps;
    default:
      return undefined;
  }
}

const both = (key: MessageKey, params: Record<string, string | number>): Localized => ({ en: translate(key, "en", params), ja: translate(key, "ja", params) });

/** Builds the diagnosis of a known code (for results that are not library errors, e.g. "no SMTP server set"). */
export function diagnosisOf(code: DiagnosisCode, kind: "transient" | "permanent", ctx: DiagnosisContext, params: Record<string, string | number> = {}, detail?: string): Diagnosis {
  const preset = presetForAccount(ctx.provider, ctx.host);
  // host and port are unknown for an error in the middle of a sync: the texts that name them arise only at connect
  const full = { ...(ctx.host ? { host: ctx.host } : {}), ...(ctx.port ? { port: ctx.port } : {}), ...params };
  const steps = providerStepsFor(code, preset, ctx.protocol);
  return {
    code,
    kind,
    protocol: ctx.protocol,
    step: ctx.step,
    cause: both(`${diagnosisKey(code)}.cause`, full),
    fix: both(`${diagnosisKey(code)}.fix`, full),
    ...(steps ? { providerSteps: { en: [...steps.en], ja: [...steps.ja] } } : {}),
    params: full,
    ...(detail ? { detail } : {}),
  };
}

/**
 * Diagnoses one failure. `err` is whatever was thrown: an imapflow or nodemailer error, a Node
 * socket error, an AppError from host-policy's checkHost, or an AppError made by toAppError
 * (whose cause is diagnosed again, with this context).
 */
export function diagnose(err: unknown, ctx: DiagnosisContext): Diagnosis {
  if (err instanceof AppError) {
    const field = err.fields[0]?.key;
    if (field === "host_not_found") return diagnosisOf("host_not_found", "permanent", ctx);
    if (field === "host_not_allowed") return diagnosisOf("host_not_allowed", "permanent", ctx, {}, String(err.fields[0]?.params?.address ?? ""));
    if (err.cause !== undefined && err.cause !== err) return diagnose(err.cause, ctx);
    const known = codeOfKey(err.code);
    if (known) return diagnosisOf(known, err.kind === "transient" ? "transient" : "permanent", ctx, err.params);
  }
  const verdict = classifyError(err, ctx, presetForAccount(ctx.provider, ctx.host)?.id);
  return diagnosisOf(verdict.code, verdict.kind, ctx, verdict.params, verdict.detail);
}

/** A diagnosis as the API shows it: the texts in one language. */
export interface LocalizedDiagnosis {
  code: DiagnosisCode;
  kind: "transient" | "permanent";
  protocol: MailProtocol;
  step: DiagnosisStep;
  message: string;
  cause: string;
  fix: string;
  providerSteps?: string[];
  detail?: string;
}

export function localizeDiagnosis(d: Diagnosis, lang: Lang): LocalizedDiagnosis {
  return {
    code: d.code,
    kind: d.kind,
    protocol: d.protocol,
    step: d.step,
    message: translate(diagnosisKey(d.code), lang, d.params),
    cause: d.cause[lang],
    fix: d.fix[lang],
    ...(d.providerSteps ? { providerSteps: d.providerSteps[lang] } : {}),
    ...(d.detail ? { detail: d.detail } : {}),
  };
}

/** The AppError for a diagnosis: code "diag.<code>" (a catalogue key), kind as diagnosed, the original error as cause. */
export function toAppError(d: Diagnosis, cause?: unknown, kind?: ErrorKind): AppError {
  return new AppError(kind ?? d.kind, diagnosisKey(d.code), { params: d.params, cause });
}

/**
 * A stored failure (core/sending keeps a code and its params, so any language can be shown
 * later) in one language: a diagnosis code reads as its cause and fix; any other catalogue key
 * (e.g. "send_uncertain") as its one message.
 */
export function localizeFailure(code: string, params: Record<string, string | number>, lang: Lang): { code: string; message: string; cause: string; fix: string } {
  const known = codeOfKey(diagnosisKey(code as DiagnosisCode));
  if (!known) {
    const message = hasMessage(code) ? translate(code, lang, params) : code;
    return { code, message, cause: message, fix: "" };
  }
  return {
    code,
    message: translate(diagnosisKey(known), lang, params),
    cause: translate(`${diagnosisKey(known)}.cause` as MessageKey, lang, params),
    fix: translate(`${diagnosisKey(known)}.fix` as MessageKey, lang, params),
  };
}
