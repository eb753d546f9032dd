import net from "node:net";
import { closeImap, detectSentFolder, openImap, selectableFolders, type FolderInfo } from "../mail/index";
import { verifySmtp } from "../mail/index";
import {
  connectTcp,
  describeTls,
  endSocket,
  greetingRefusal,
  handshake,
  isGreeting,
  LineReader,
  looksLikeTls,
  plaintextGreeting,
  speaksTls,
  startTls,
  type TlsOptions,
} from "../mail/index";
import { AppError, type FieldProblem } from "../shared/errors";
import type { Lang } from "../shared/i18n";
import { note, type StepNote } from "../shared/step-notes";
import { createLogger, type Logger } from "../shared/log";
import { checkHost, type HostAllowance, type Resolver } from "../mail/index";
import {
  authenticationCodes,
  diagnose,
  diagnosisKey,
  diagnosisOf,
  localizeDiagnosis,
  ProtocolMismatchError,
  type Diagnosis,
  type DiagnosisContext,
  type MailProtocol,
  type Security,
} from "../mail/index";

/**
 * The connection test: what "Test connection" runs and what saving an account runs first.
 * Each protocol goes through its steps in order and stops at the first failure (the rest are
 * reported as skipped), so the user sees exactly where it broke and why:
 *
 *   IMAP: dns -> tcp -> tls -> imap_login -> folders      SMTP: dns -> tcp -> tls -> smtp_login
 *
 * Over 400 lines because the two protocols' step runners, the plain-text/TLS mismatch probe
 * between them and the judgement of a save's test (which failure blocks which field) read the
 * same step results; the shared pieces (diagnosis, probes, folders) already live in core/mail.
 *
 * dns is host-policy's checkHost (which also refuses private and metadata addresses); tcp
 * connects to the checked address and, for a plain-text start, reads the greeting; tls is the
 * implicit TLS handshake or the STARTTLS upgrade, with the certificate verified unless the
 * account allows insecure certificates. We speak the first bytes ourselves so that a port
 * that speaks the other security mode is recognised from what the server actually sends
 * (a plain "* OK" where a TLS handshake was expected, or silence until a ClientHello). The
 * logins then use the real clients (imapflow, nodemailer), exactly as the sync and sending do.
 *
 * No password ever appears in a result or a log line: texts from servers and libraries are
 * scrubbed of the secrets given, and only codes, hosts and timings are logged.
 */

export type StepName = "dns" | "tcp" | "tls" | "imap_login" | "folders" | "smtp_login";

export interface ConnectionServer {
  host: string;
  port: number;
  security: Security;
  user: string;
}

/** The settings a test needs: a subset of an account's (saved or not). */
export interface ConnectionSettings {
  /** The mailbox address; informational (the steps use the servers' user names). */
  email?: string;
  provider?: string | null;
  imap: ConnectionServer;
  /** Outgoing server; absent or null: no SMTP steps. */
  smtp?: (ConnectionServer & { sameCredentials?: boolean }) | null;
  allowInsecureCerts?: boolean;
}

export interface ConnectionSecrets {
  password: string;
  /** Used when smtp.sameCredentials is false. */
  smtpPassword?: string;
  /** An OAuth2 mailbox's access token: IMAP and SMTP sign in with XOAUTH2 (password unused). */
  accessToken?: string;
}

export interface ConnectionTestDeps {
  hostAllowance: HostAllowance;
  resolve?: Resolver;
  /** Extra trusted CA (PEM) for both IMAP and SMTP, as the runtime's IMAP_EXTRA_CA_PEM. */
  ca?: string;
  log?: Logger;
  /** Longest wait for one connect, greeting or handshake, in ms. Default 10 s. */
  timeoutMs?: number;
}

export interface StepResult {
  protocol: MailProtocol;
  step: StepName;
  ok: boolean;
  /** Not run because an earlier step of the same protocol failed (or, for tls, security "none"). */
  skipped?: boolean;
  ms: number;
  /** What was seen, as a message key the console says in the reader's language. */
  note?: StepNote;
  /** The raw facts behind it, for support: the address, the server's greeting, the TLS version and certificate... */
  detail?: string;
  diagnosis?: Diagnosis;
}

export type { FolderInfo };

export interface ConnectionReport {
  ok: boolean;
  steps: StepResult[];
  folders?: FolderInfo[];
  /** The folder sent mail goes to: the server's \Sent folder, else one named like it. */
  sentFolder?: string;
}

const DEFAULT_TIMEOUT = 10_000;
/** Silence after which a plain-text start checks whether the port wants TLS from the first byte. */
const SILENCE_BEFORE_TLS_PROBE = 2_000;

// ---------------------------------------------------------------------------------------------
// The test
// ---------------------------------------------------------------------------------------------

/** Runs one protocol's steps in order; after a failure the remaining steps are reported as skipped. */
class StepRunner {
  readonly results: StepResult[] = [];
  failed = false;

  constructor(
    private readonly protocol: MailProtocol,
    private readonly context: Omit<DiagnosisContext, "step" | "protocol">,
    private readonly scrub: (s: string) => string,
  ) {}

  async run<T>(step: StepName, fn: () => Promise<{ value: T; note?: StepNote; detail?: string }>): Promise<T | undefined> {
    if (this.failed) {
      this.results.push({ protocol: this.protocol, step, ok: false, skipped: true, ms: 0 });
      return undefined;
    }
    const started = Date.now();
    try {
      const { value, note: seen, detail } = await fn();
      const said = seen ? { note: { key: seen.key, params: Object.fromEntries(Object.entries(seen.params).map(([k, v]) => [k, typeof v === "string" ? this.scrub(v) : v])) } } : {};
      this.results.push({ protocol: this.protocol, step, ok: true, ms: Date.now() - started, ...said, ...(detail ? { detail: this.scrub(detail) } : {}) });
      return value;
    } catch (err) {
      this.failed = true;
      const diagnosis = scrubDiagnosis(diagnose(err, { ...this.context, protocol: this.protocol, step }), this.scrub);
      this.results.push({ protocol: this.protocol, step, ok: false, ms: Date.now() - started, ...(diagnosis.detail ? { detail: diagnosis.detail } : {}), diagnosis });
      return undefined;
    }
  }

  /** A step that does not apply (tls with security "none"). */
  notApplicable(step: StepName, seen: StepNote, detail: string): void {
    if (this.failed) this.results.push({ protocol: this.protocol, step, ok: false, skipped: true, ms: 0 });
    else this.results.push({ protocol: this.protocol, step, ok: true, skipped: true, ms: 0, note: seen, detail });
  }

  /** A failure decided without an error (e.g. no SMTP password). */
  fail(step: StepName, diagnosis: Diagnosis): void {
    this.failed = true;
    this.results.push({ protocol: this.protocol, step, ok: false, ms: 0, diagnosis });
  }
}

function scrubDiagnosis(d: Diagnosis, scrub: (s: string) => string): Diagnosis {
  const params = Object.fromEntries(Object.entries(d.params).map(([k, v]) => [k, typeof v === "string" ? scrub(v) : v]));
  if (JSON.stringify(params) === JSON.stringify(d.params) && (!d.detail || scrub(d.detail) === d.detail)) return d;
  // the texts embed params: rebuild them from the scrubbed values
  return {
    ...diagnosisOf(
      d.code,
      d.kind,
      { protocol: d.protocol, step: d.step, host: String(params.host ?? ""), port: Number(params.port ?? 0), security: "tls" },
      params,
      d.detail ? scrub(d.detail) : undefined,
    ),
    providerSteps: d.providerSteps,
  };
}

function scrubberFor(secrets: ConnectionSecrets): (s: string) => string {
  // a very short "password" would blank out ordinary letters: such values are not searched for
  const values = [secrets.password, secrets.smtpPassword, secrets.accessToken].filter((v): v is string => !!v && v.length >= 4);
  return (s) => values.reduce((out, v) => out.split(v).join("[redacted]"), s);
}

interface ServerPlan {
  protocol: MailProtocol;
  server: ConnectionServer;
}

/** dns, tcp and tls for one server; returns the checked address when all passed. */
async function reachServer(runner: StepRunner, plan: ServerPlan, settings: ConnectionSettings, deps: ConnectionTestDeps): Promise<string | undefined> {
  const { protocol, server } = plan;
  const ms = deps.timeoutMs ?? DEFAULT_TIMEOUT;
  const servername = net.isIP(server.host) ? undefined : server.host;
  const tlsOptions: TlsOptions = { servername, ca: deps.ca, rejectUnauthorized: !settings.allowInsecureCerts };

  const address = await runner.run("dns", async () => {
    const a = await checkHost(server.host, deps.hostAllowance, `${protocol}.host`, deps.resolve);
    return a === server.host ? { value: a } : { value: a, note: note("resolved", { host: server.host, address: a }), detail: `${server.host} -> ${a}` };
  });

  let socket: net.Socket | undefined;
  let reader: LineReader | undefined;
  try {
    socket = await runner.run("tcp", async () => {
      const s = await connectTcp(address!, server.port, ms);
      if (server.security === "tls") return { value: s, note: note("connected", { address: address!, port: server.port }), detail: `connected to ${address}:${server.port}` };
      // a plain-text start: the server speaks first
      reader = new LineReader(s);
      try {
        const waitStarted = Date.now();
        let line = await reader.nextLine(Math.min(ms, SILENCE_BEFORE_TLS_PROBE));
        if (line === undefined) {
          // silence, or TLS bytes: a TLS port waits for our ClientHello. A slow greeter (e.g.
          // Postfix postscreen's greet delay) fails the probe, and we keep waiting for it.
          if ((reader.firstByte !== undefined && looksLikeTls(reader.firstByte)) || (await speaksTls(address!, server.port, servername, ms))) {
            throw new ProtocolMismatchError("tls", "tls_handshake");
          }
          line = await reader.nextLine(Math.max(0, ms - (Date.now() - waitStarted)));
          if (line === undefined) throw Object.assign(new Error("The server sent no greeting"), { code: "ETIMEDOUT" });
        }
        if (!isGreeting(protocol, line)) throw greetingRefusal(protocol, line);
        // a multi-line SMTP greeting ("220-..." then "220 ..."): read it all before EHLO
        for (let more = line; /^\d{3}-/.test(more);) {
          const next = await reader.nextLine(ms);
          if (next === undefined) throw Object.assign(new Error("The server's greeting did not end"), { code: "ETIMEDOUT" });
          more = next;
        }
        return { value: s, note: note("greeted"), detail: line.slice(0, 200) };
      } catch (err) {
        endSocket(s);
        throw err;
      }
    });

    if (server.security === "none") {
      runner.notApplicable("tls", note("not_encrypted"), "not encrypted (security: none)");
      return runner.failed ? undefined : address;
    }
    const secure = await runner.run("tls", async () => {
      if (server.security === "starttls") {
        await startTls(protocol, socket!, reader!, ms);
        reader!.detach();
      }
      try {
        const t = await handshake(socket!, address!, server.port, tlsOptions, ms);
        // "TLSv1.3" -> "TLS 1.3", as people write it
        const version = (t.getProtocol() ?? "TLS").replace(/^TLSv/, "TLS ");
        return { value: t, note: note(t.authorized ? "encrypted" : "encrypted_unverified", { version }), detail: describeTls(t, !!settings.allowInsecureCerts) };
      } catch (err) {
        // Did we speak TLS to a port that greets in plain text?
        const code = String((err as { code?: string }).code ?? "");
        if (server.security === "tls" && !/CERT|SELF_SIGNED|UNABLE_TO|ALTNAME/.test(code)) {
          const greeting = await plaintextGreeting(address!, server.port, Math.min(ms, 3_000));
          if (greeting) throw new ProtocolMismatchError("starttls", "plaintext_greeting", greeting.slice(0, 200));
        }
        throw err;
      }
    });
    endSocket(secure);
    return runner.failed ? undefined : address;
  } finally {
    endSocket(socket);
  }
}

/**
 * Tests the settings with the given password(s). Never throws for a failing server: every
 * failure is a step with a diagnosis. `ok` is true when every step that ran passed.
 */
export async function testConnection(settings: ConnectionSettings, secrets: ConnectionSecrets, deps: ConnectionTestDeps): Promise<ConnectionReport> {
  const log = deps.log ?? createLogger({ fn: "connection-test" });
  const scrub = scrubberFor(secrets);
  const started = Date.now();
  const ms = deps.timeoutMs ?? DEFAULT_TIMEOUT;
  const report: ConnectionReport = { ok: true, steps: [] };

  const imapRun = async () => {
    const { imap } = settings;
    const runner = new StepRunner("imap", { host: imap.host, port: imap.port, security: imap.security, provider: settings.provider }, scrub);
    const address = await reachServer(runner, { protocol: "imap", server: imap }, settings, deps);
    const client = await runner.run("imap_login", async () => {
      const c = await openImap(
        {
          ...imap,
          address,
          password: secrets.password,
          accessToken: secrets.accessToken,
          allowInsecureCerts: settings.allowInsecureCerts,
          ca: deps.ca,
          provider: settings.provider,
          timeouts: { connection: ms, greeting: ms },
        },
        log,
      );
      return { value: c, note: note("signed_in", { user: imap.user }), detail: `signed in as ${imap.user}` };
    });
    try {
      const folders = await runner.run("folders", async () => {
        const list = selectableFolders(await client!.list());
        return { value: list, note: note("folders", { count: list.length }), detail: `${list.length} folders` };
      });
      if (folders) {
        report.folders = folders;
        const sent = detectSentFolder(folders);
        if (sent) report.sentFolder = sent;
      }
    } finally {
      if (client) await closeImap(client);
    }
    return runner.results;
  };

  const smtpRun = async () => {
    const { smtp } = settings;
    if (!smtp) return [];
    const same = smtp.sameCredentials !== false;
    const user = same ? settings.imap.user : smtp.user;
    const password = same ? secrets.password : secrets.smtpPassword;
    const runner = new StepRunner("smtp", { host: smtp.host, port: smtp.port, security: smtp.security, provider: settings.provider }, scrub);
    const address = await reachServer(runner, { protocol: "smtp", server: smtp }, settings, deps);
    if (!runner.failed && !password && !secrets.accessToken) {
      runner.fail(
        "smtp_login",
        diagnosisOf(
          "auth_failed",
          "permanent",
          { protocol: "smtp", step: "smtp_login", host: smtp.host, port: smtp.port, security: smtp.security, provider: settings.provider },
          {},
          "no SMTP password was given",
        ),
      );
      return runner.results;
    }
    await runner.run("smtp_login", async () => {
      await verifySmtp({
        ...smtp,
        user,
        address,
        password: password ?? "",
        accessToken: secrets.accessToken,
        allowInsecureCerts: settings.allowInsecureCerts,
        ca: deps.ca,
        provider: settings.provider,
        timeouts: { connection: ms, greeting: ms },
      });
      return { value: true, note: note("signed_in", { user }), detail: `signed in as ${user}` };
    });
    return runner.results;
  };

  const [imapSteps, smtpSteps] = await Promise.all([imapRun(), smtpRun()]);
  report.steps = [...imapSteps, ...smtpSteps];
  report.ok = report.steps.every((s) => s.ok);
  const failures = report.steps.filter((s) => s.diagnosis).map((s) => ({ protocol: s.protocol, step: s.step, code: s.diagnosis!.code }));
  log.info("connection.tested", { imapHost: settings.imap.host, smtpHost: settings.smtp?.host, ok: report.ok, failures, ms: Date.now() - started });
  return report;
}

// ---------------------------------------------------------------------------------------------
// Saving: refuse, or save disabled, when the test fails
// ---------------------------------------------------------------------------------------------

/** The form field a diagnosis belongs on, so the console shows the message next to what to change. */
export function fieldFor(d: Diagnosis, sameCredentials = true): string {
  const p = d.protocol;
  const password = p === "smtp" && !sameCredentials ? "smtpPassword" : "password";
  switch (d.code) {
    case "auth_failed":
    case "app_password_required":
    case "web_login_required":
    case "imap_disabled":
    case "basic_auth_disabled":
    case "oauth_failed":
    case "too_many_attempts":
      return password;
    case "tls_mismatch":
    case "starttls_unavailable":
    case "tls_outdated":
    case "tls_handshake_failed":
      return `${p}.security`;
    case "smtp_auth_unavailable":
      return `${p}.port`;
    case "tls_untrusted":
    case "tls_expired":
      return "allowInsecureCerts";
    case "connection_refused":
    case "timeout":
      return `${p}.port`;
    case "sender_not_allowed":
      return "email";
    default:
      return `${p}.host`;
  }
}

/** The first failure of each protocol. */
export function failuresOf(report: ConnectionReport): Diagnosis[] {
  const seen = new Set<MailProtocol>();
  const out: Diagnosis[] = [];
  for (const s of report.steps) {
    if (s.diagnosis && !seen.has(s.protocol)) {
      seen.add(s.protocol);
      out.push(s.diagnosis);
    }
  }
  return out;
}

/** Thrown when saving is refused: a 400 whose fields carry the diagnosis message; `report` has the details. */
export class ConnectionFailedError extends AppError {
  constructor(
    readonly report: ConnectionReport,
    fields: FieldProblem[],
  ) {
    super("validation", "connection_failed", { fields });
    this.name = "ConnectionFailedError";
  }

  /** The refused save answers the whole test too: which steps passed, which failed and why. */
  override details(lang: Lang): Record<string, unknown> {
    return { steps: localizeSteps(this.report, lang) };
  }
}

/** A report's steps with their diagnoses in the reader's language. */
export const localizeSteps = (report: ConnectionReport, lang: Lang) =>
  report.steps.map((s) => ({ ...s, ...(s.diagnosis ? { diagnosis: localizeDiagnosis(s.diagnosis, lang) } : {}) }));

/** What an account records when it is saved although its test failed. */
export interface FailedSaveState {
  state: "authenticationError" | "connectError";
  lastError: { code: string; params: Record<string, string | number> };
}

/**
 * Decides about a save from a test report: undefined when the test passed; the state to save
 * with (sync off) when it failed and `saveDisabled` was asked for; else throws
 * ConnectionFailedError naming the fields to change.
 */
export function judgeForSave(report: ConnectionReport, saveDisabled: boolean | undefined, sameCredentials = true): FailedSaveState | undefined {
  if (report.ok) return undefined;
  const failures = failuresOf(report);
  const first = failures[0];
  if (!first) return undefined;
  if (!saveDisabled) {
    // one message per field: a wrong shared password fails IMAP and SMTP alike
    const fields = new Map<string, FieldProblem>();
    for (const d of failures) {
      const field = fieldFor(d, sameCredentials);
      if (!fields.has(field)) fields.set(field, { field, key: diagnosisKey(d.code), params: d.params });
    }
    throw new ConnectionFailedError(report, [...fields.values()]);
  }
  return {
    state: authenticationCodes.has(first.code) ? "authenticationError" : "connectError",
    lastError: { code: diagnosisKey(first.code), params: first.params },
  };
}
