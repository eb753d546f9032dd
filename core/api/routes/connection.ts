import { z } from "zod";
import * as accounts from "../../accounts/index";
import { detectSentFolder, localizeSteps, selectableFolders, testConnection, type ConnectionReport, type ConnectionTestDeps } from "../../accounts/index";
import { diagnose, diagnosisCodes, localizeDiagnosis, toAppError } from "../../mail/index";
import { emailField } from "../../contacts/index";
import { sendTestMail, type TestMailPart } from "../../sending/index";
import { AppError } from "../../shared/errors";
import type { Lang } from "../../shared/i18n";
import { stepNoteOutput } from "../../shared/step-notes";
import { closeImap, openImap } from "../../mail/index";
import { mailSecretsFor } from "../../oauth/index";
import { PROBE_LIMIT, type Route, type RouteContext } from "../types";

/**
 * Connection test, test mail and folder list: what the connect form's "Test connection",
 * "Send test mail" and Sent-folder picker call. Diagnoses come back in the caller's language.
 */

// ---- schemas -------------------------------------------------------------------------------

const diagnosisOutput = z.object({
  code: z.enum(diagnosisCodes),
  kind: z.enum(["transient", "permanent"]),
  protocol: z.enum(["imap", "smtp"]),
  step: z.enum(["dns", "tcp", "tls", "imap_login", "folders", "smtp_login", "smtp_send", "imap_append"]),
  /** Cause and fix in one text, as shown on a form field. */
  message: z.string(),
  cause: z.string(),
  fix: z.string(),
  /** The provider's own steps, one per entry. */
  providerSteps: z.array(z.string()).optional(),
  /** The server's or library's own words. */
  detail: z.string().optional(),
});

const folderOutput = z.object({ path: z.string(), name: z.string(), specialUse: z.string().nullable(), delimiter: z.string() });

const stepOutput = z.object({
  protocol: z.enum(["imap", "smtp"]),
  step: z.enum(["dns", "tcp", "tls", "imap_login", "folders", "smtp_login"]),
  ok: z.boolean(),
  skipped: z.boolean().optional(),
  ms: z.number(),
  /** What the step saw, as a message key the console says in the reader's language. */
  note: stepNoteOutput.optional(),
  /** The raw facts behind the note (server greeting, certificate...), for support. */
  detail: z.string().optional(),
  diagnosis: diagnosisOutput.optional(),
});

export const connectionTestOutput = z.object({
  ok: z.boolean(),
  steps: z.array(stepOutput),
  folders: z.array(folderOutput).optional(),
  sentFolder: z.string().optional(),
});

/** Unsaved settings and the password to try (write-only, never echoed or logged). */
export const connectionTestInput = z.strictObject({
  email: emailField.optional(),
  provider: z.enum(accounts.providerIds).optional(),
  imap: accounts.serverInput,
  smtp: accounts.smtpInput.nullish(),
  allowInsecureCerts: z.boolean().optional(),
  password: z.string().min(1).max(1024),
  smtpPassword: z.string().min(1).max(1024).optional(),
});

/** For a saved account: optionally a new password to try instead of the saved one. */
export const savedTestInput = z.strictObject({
  password: z.string().min(1).max(1024).optional(),
  smtpPassword: z.string().min(1).max(1024).optional(),
});

const partOutput = z.object({ ok: z.boolean(), skipped: z.boolean().optional(), ms: z.number(), diagnosis: diagnosisOutput.optional() });

export const testMailOutput = z.object({
  messageId: z.string(),
  subject: z.string(),
  sent: partOutput.extend({ accepted: z.array(z.string()).optional(), rejected: z.array(z.string()).optional(), response: z.string().optional() }),
  savedToSent: partOutput.extend({ folder: z.string().optional(), uid: z.number().optional() }),
});

export const folderListOutput = z.object({ items: z.array(folderOutput), sentFolder: z.string().nullable() });

// ---- helpers -------------------------------------------------------------------------------

/**
 * The extra CA the runtime trusts (IMAP_EXTRA_CA_PEM, read once by core/runtime into `imapCa`);
 * ApiDeps does not declare it yet, the Lambda's deps carry it all the same.
 */
const extraCa = (ctx: RouteContext): string | undefined => ctx.deps.imapCa;

const testDeps = (ctx: RouteContext): ConnectionTestDeps => ({ hostAllowance: ctx.deps.hostAllowance, ca: extraCa(ctx), log: ctx.deps.log });

const localizeReport = (report: ConnectionReport, lang: Lang) => ({
  ...report,
  steps: localizeSteps(report, lang),
});

const localizePart = <T extends TestMailPart>(part: T, lang: Lang) => ({ ...part, ...(part.diagnosis ? { diagnosis: localizeDiagnosis(part.diagnosis, lang) } : {}) });

/**
 * The saved passwords (or those given for this request only), through the destination binding;
 * for an OAuth2 mailbox its access token (core/oauth: refreshed once, an ended grant pauses it).
 */
async function savedSecrets(ctx: RouteContext, account: accounts.AccountRecord, typed: { password?: string; smtpPassword?: string } = {}, imapOnly = false) {
  const target = imapOnly ? { imap: account.imap, smtp: null, allowInsecureCerts: account.allowInsecureCerts } : undefined;
  const { password, smtpPassword, accessToken } = await mailSecretsFor(ctx.deps, account, { target, typed });
  if (accessToken) return { password: "", accessToken };
  if (!password) throw new AppError("permanent", "password_missing", { fields: [{ field: "password", key: "password_missing" }] });
  return { password, smtpPassword };
}

// ---- routes --------------------------------------------------------------------------------

export const connectionRoutes: Route[] = [
  {
    method: "POST",
    path: "/api/accounts/test",
    auth: "user",
    tag: "accounts",
    summary: "Test unsaved mailbox settings: DNS, TCP, TLS, IMAP login, folders (with the Sent folder), SMTP login; each failure with a diagnosis",
    body: connectionTestInput,
    response: connectionTestOutput,
    rateLimit: PROBE_LIMIT,
    async handle(ctx) {
      const { password, smtpPassword, ...settings } = ctx.body as z.infer<typeof connectionTestInput>;
      const report = await accounts.limitedConnectionTest(ctx.deps.db, undefined, settings, () => testConnection(settings, { password, smtpPassword }, testDeps(ctx)));
      return { body: localizeReport(report, ctx.lang) };
    },
  },
  {
    method: "POST",
    path: "/api/accounts/{id}/test",
    auth: "user",
    tag: "accounts",
    summary: "Test a saved mailbox with its saved password, or with a new one given in the body (nothing is saved)",
    body: savedTestInput,
    response: connectionTestOutput,
    rateLimit: PROBE_LIMIT,
    async handle(ctx) {
      const account = await accounts.getAccount(ctx.deps.db, ctx.session.user, ctx.params.id!);
      const secrets = await savedSecrets(ctx, account, ctx.body as z.infer<typeof savedTestInput>);
      const report = await accounts.limitedConnectionTest(ctx.deps.db, undefined, account, () => testConnection(account, secrets, testDeps(ctx)));
      return { body: localizeReport(report, ctx.lang) };
    },
  },
  {
    method: "POST",
    path: "/api/accounts/{id}/test-mail",
    auth: "user",
    tag: "accounts",
    summary: "Send a test message from the mailbox to itself and save the same message in its Sent folder; reports both",
    response: testMailOutput,
    rateLimit: PROBE_LIMIT,
    async handle(ctx) {
      const account = await accounts.getAccount(ctx.deps.db, ctx.session.user, ctx.params.id!);
      const secrets = await savedSecrets(ctx, account);
      const report = await sendTestMail(account, secrets, { hostAllowance: ctx.deps.hostAllowance, ca: extraCa(ctx), log: ctx.deps.log.child({ accountId: account.id }) });
      return { body: { ...report, sent: localizePart(report.sent, ctx.lang), savedToSent: localizePart(report.savedToSent, ctx.lang) } };
    },
  },
  {
    method: "GET",
    path: "/api/accounts/{id}/folders",
    auth: "user",
    tag: "accounts",
    summary:
      "The mailbox's folders for the Sent-folder picker (decoded names, SPECIAL-USE) and the detected Sent folder. A failing login answers 422 (or 503 when a retry may work) with the diagnosis",
    response: folderListOutput,
    rateLimit: PROBE_LIMIT,
    async handle(ctx) {
      const account = await accounts.getAccount(ctx.deps.db, ctx.session.user, ctx.params.id!);
      const { password, accessToken } = await savedSecrets(ctx, account, {}, true);
      const { imap } = account;
      const context = { protocol: "imap" as const, step: "folders" as const, host: imap.host, port: imap.port, security: imap.security, provider: account.provider };
      let client: Awaited<ReturnType<typeof openImap>> | undefined;
      try {
        const address = await accounts.checkHost(imap.host, ctx.deps.hostAllowance, "imap.host");
        client = await openImap(
          { ...imap, address, password, accessToken, allowInsecureCerts: account.allowInsecureCerts, ca: extraCa(ctx), provider: account.provider },
          ctx.deps.log,
        );
        const items = selectableFolders(await client.list());
        return { body: { items, sentFolder: detectSentFolder(items) ?? null } };
      } catch (err) {
        // answered with the diagnosis message: 422 when a person must change something, 503 when a retry may work
        throw toAppError(diagnose(err, context), err);
      } finally {
        if (client) await closeImap(client);
      }
    },
  },
];
