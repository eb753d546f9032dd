import net from "node:net";
import tls from "node:tls";
import type { ListResponse } from "imapflow";
import { closeImap, openImap } from "../sync/imap-connection";
import { verifySmtp } from "../sending/smtp";
import { AppError, type FieldProblem } from "../shared/errors";
import type { Lang } from "../shared/i18n";
import { createLogger, type Logger } from "../shared/log";
import { checkHost, type HostAllowance, type Resolver } from "./host-policy";
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
} from "./diagnosis";

/**
 * The connection test: what "Test connection" runs and what saving an account runs first.
 * Each protocol goes through its steps in order and stops at the first failure (the rest are
 * reported as skipped), so the user sees exactly where it broke and why:
 *
 *   IMAP: dns -> tcp -> tls -> imap_login -> folders      SMTP: dns -> tcp -> tls -> smtp_login
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
  /** What was seen: the address, the server's greeting, the TLS version and certificate... */
  detail?: string;
  diagnosis?: Diagnosis;
}

export interface FolderInfo {
  /** Full path, decoded (e.g. "[Gmail]/送信済みメール"). */
  path: string;
  /** Last part of the path, decoded (e.g. "送信済みメール"). */
  name: string;
  /** RFC 6154 SPECIAL-USE attribute the server declares (\Sent, \Drafts...), or null. */
  specialUse: string | null;
  delimiter: string;
}

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
// Sent folder detection
// ---------------------------------------------------------------------------------------------

/**
 * Names of Sent folders on servers without SPECIAL-USE, most specific first. Compared with the
 * full path and with the last part of it (so "INBOX.Sent" and "INBOX/Sent Items" match too).
 */
export const SENT_FOLDER_NAMES = [
  "[Gmail]/Sent Mail",
  "[Google Mail]/Sent Mail",
  "[Gmail]/送信済みメール",
  "Sent Items",
  "Sent Messages",
  "Sent Mail",
  "Sent",
  "Sent-Mail",
  "送信済みメール",
  "送信済みアイテム",
  "送信済み",
  "送信済みトレイ",
  "送信済メール",
];

/** The Sent folder: the one the server marks \Sent, else the first whose name is a known Sent name. */
export function detectSentFolder(folders: Pick<FolderInfo, "path" | "name" | "specialUse">[]): string | undefined {
  const marked = folders.find((f) => f.specialUse === "\\Sent");
  if (marked) return marked.path;
  const norm = (s: string) => s.normalize("NFC").toLowerCase();
  for (const candidate of SENT_FOLDER_NAMES.map(norm)) {
    const hit = folders.find((f) => norm(f.path) === candidate) ?? folders.find((f) => norm(f.name) === candidate);
    if (hit) return hit.path;
  }
  return undefined;
}

const SPECIAL_USE = ["\\All", "\\Archive", "\\Drafts", "\\Flagged", "\\Junk", "\\Sent", "\\Trash", "\\Important"];
/** Attribute flags are atoms and compare case-insensitively (RFC 3501 9): Cyrus announces "\\sent". */
const SPECIAL_USE_BY_LOWER = new Map(SPECIAL_USE.map((f) => [f.toLowerCase(), f]));
const canonicalSpecialUse = (flag: string | undefined): string | undefined => (flag ? SPECIAL_USE_BY_LOWER.get(flag.toLowerCase()) : undefined);

/**
 * One LIST entry as the folder picker shows it. Only what the server declares counts as
 * special use: imapflow also guesses from names (specialUseSource "name"), which we leave to
 * detectSentFolder so that the list stays a faithful picture of the server.
 */
/**
 * The folders a mailbox can actually open: a "\Noselect" (or "\NonExistent") entry is only a
 * level in the hierarchy, like Gmail's "[Gmail]" (RFC 3501 7.2.2), and can be neither synced
 * nor a Sent folder.
 */
export function selectableFolders(list: Pick<ListResponse, "path" | "name" | "delimiter" | "flags" | "specialUse" | "specialUseSource">[]): FolderInfo[] {
  return list.filter((e) => ![...(e.flags ?? [])].some((f) => /^\\(Noselect|NonExistent)$/i.test(f))).map(toFolderInfo);
}

export function toFolderInfo(entry: Pick<ListResponse, "path" | "name" | "delimiter" | "flags" | "specialUse" | "specialUseSource">): FolderInfo {
  const declared =
    entry.specialUseSource === "extension" || entry.specialUseSource === "user"
      ? canonicalSpecialUse(entry.specialUse)
      : [...(entry.flags ?? [])].map(canonicalSpecialUse).find((f) => f !== undefined);
  return { path: entry.path, name: entry.name, specialUse: declared ?? null, delimiter: entry.delimiter ?? "/" };
}

// ---------------------------------------------------------------------------------------------
// Raw socket helpers: our own first bytes, to see what the port really speaks
// ---------------------------------------------------------------------------------------------

/** Reads CRLF-terminated lines from a socket; remembers the very first bytes. */
class LineReader {
  private buffer = Buffer.alloc(0);
  private lines: string[] = [];
  private waiter?: () => void;
  private failure?: Error;
  firstByte?: number;

  constructor(private readonly socket: net.Socket) {
    socket.on("data", this.onData);
    socket.on("error", this.onError);
    socket.on("close", this.onClose);
  }

  private onData = (chunk: Buffer) => {
    if (this.firstByte === undefined && chunk.length) this.firstByte = chunk[0];
    this.buffer = Buffer.concat([this.buffer, chunk]);
    let eol: number;
    while ((eol = this.buffer.indexOf("\n")) >= 0) {
      this.lines.push(this.buffer.subarray(0, eol).toString("utf8").replace(/\r$/, ""));
      this.buffer = this.buffer.subarray(eol + 1);
    }
    this.wake();
  };
  private onError = (err: Error) => {
    this.failure ??= err;
    this.wake();
  };
  private onClose = () => {
    this.failure ??= Object.assign(new Error("Connection closed by the server"), { code: "ECONNRESET" });
    this.wake();
  };
  private wake() {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  /** Stops listening, so that the socket can be handed to tls.connect. */
  detach(): void {
    this.socket.off("data", this.onData);
    this.socket.off("error", this.onError);
    this.socket.off("close", this.onClose);
  }

  /** Whether any byte arrived that does not form a complete line yet (e.g. a TLS record). */
  get hasPartial(): boolean {
    return this.buffer.length > 0;
  }

  /** The next line, or undefined when none came within `ms` (and no bytes arrived at all). */
  async nextLine(ms: number): Promise<string | undefined> {
    const deadline = Date.now() + ms;
    for (;;) {
      const line = this.lines.shift();
      if (line !== undefined) return line;
      if (this.firstByte !== undefined && looksLikeTls(this.firstByte)) return undefined;
      if (this.failure) throw this.failure;
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }
}

/** 0x15 alert, 0x16 handshake: the first byte of a TLS record. */
const looksLikeTls = (byte: number) => byte === 0x15 || byte === 0x16;

function connectTcp(address: string, port: number, ms: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: address, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(Object.assign(new Error(`connect ETIMEDOUT ${address}:${port}`), { code: "ETIMEDOUT" }));
    }, ms);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.removeAllListeners("error");
      // whoever reads next attaches its own listener; an error before that must not crash the process
      socket.on("error", () => undefined);
      resolve(socket);
    });
    socket.once("error", (err) => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    });
  });
}

interface TlsOptions {
  servername?: string;
  ca?: string;
  rejectUnauthorized: boolean;
}

function handshake(socket: net.Socket, address: string, port: number, opts: TlsOptions, ms: number): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    // host is what Node checks the certificate against when there is no servername (an IP)
    const secure = tls.connect({ socket, host: address, port, servername: opts.servername, ca: opts.ca, rejectUnauthorized: opts.rejectUnauthorized, minVersion: "TLSv1.2" });
    const timer = setTimeout(() => {
      secure.destroy();
      reject(Object.assign(new Error("TLS handshake timed out"), { code: "ETIMEDOUT" }));
    }, ms);
    secure.once("secureConnect", () => {
      clearTimeout(timer);
      secure.removeAllListeners("error");
      secure.on("error", () => undefined);
      resolve(secure);
    });
    secure.once("error", (err) => {
      clearTimeout(timer);
      secure.destroy();
      reject(err);
    });
  });
}

function describeTls(secure: tls.TLSSocket, insecureAllowed: boolean): string {
  const cert = secure.getPeerCertificate();
  const name = (x: unknown) => (x && typeof x === "object" ? String((x as Record<string, unknown>).CN ?? (x as Record<string, unknown>).O ?? "?") : "?");
  const parts = [`${secure.getProtocol() ?? "TLS"} ${secure.getCipher()?.name ?? ""}`.trim()];
  if (cert && Object.keys(cert).length) parts.push(`certificate ${name(cert.subject)} issued by ${name(cert.issuer)}, valid until ${cert.valid_to}`);
  if (!secure.authorized) parts.push(insecureAllowed ? `NOT verified (${String(secure.authorizationError)}), accepted because insecure certificates are allowed` : "not verified");
  return parts.join("; ");
}

const end = (socket: net.Socket | undefined) => {
  if (!socket) return;
  socket.on("error", () => undefined);
  socket.destroy();
};

/** An IMAP "* BYE" or an SMTP 4xx/5xx greeting, shaped like the libraries' errors so that diagnose() reads it alike. */
function greetingRefusal(protocol: MailProtocol, line: string): Error {
  if (protocol === "smtp") {
    const code = Number(line.slice(0, 3));
    return Object.assign(new Error(line), { response: line, responseCode: Number.isFinite(code) ? code : undefined, command: "CONN" });
  }
  return Object.assign(new Error(line), { responseText: line.replace(/^\*\s+BYE\s*/i, ""), code: "NoConnection" });
}

const isGreeting = (protocol: MailProtocol, line: string) => (protocol === "imap" ? /^\* (OK|PREAUTH)\b/i.test(line) : /^220[ -]/.test(line));

/**
 * After a failed TLS handshake: does the port greet in plain text? Then TLS was the wrong
 * choice (OpenSSL read "* OK" as a record header: "wrong version number").
 */
async function plaintextGreeting(address: string, port: number, ms: number): Promise<string | undefined> {
  let socket: net.Socket | undefined;
  try {
    socket = await connectTcp(address, port, ms);
    const line = await new LineReader(socket).nextLine(ms);
    return line !== undefined && /^(\* (OK|PREAUTH|BYE)|\d{3}[ -])/i.test(line) ? line : undefined;
  } catch {
    return undefined;
  } finally {
    end(socket);
  }
}

/** After a silent plain connection: does the port complete a TLS handshake? Then it wants TLS from the first byte. */
async function speaksTls(address: string, port: number, servername: string | undefined, ms: number): Promise<boolean> {
  let socket: net.Socket | undefined;
  try {
    socket = await connectTcp(address, port, ms);
    // only the protocol is probed here, never trusted: the real handshake verifies
    const secure = await handshake(socket, address, port, { servername, rejectUnauthorized: false }, ms);
    end(secure);
    return true;
  } catch {
    return false;
  } finally {
    end(socket);
  }
}

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

  async run<T>(step: StepName, fn: () => Promise<{ value: T; detail?: string }>): Promise<T | undefined> {
    if (this.failed) {
      this.results.push({ protocol: this.protocol, step, ok: false, skipped: true, ms: 0 });
      return undefined;
    }
    const started = Date.now();
    try {
      const { value, detail } = await fn();
      this.results.push({ protocol: this.protocol, step, ok: true, ms: Date.now() - started, ...(detail ? { detail: this.scrub(detail) } : {}) });
      return value;
    } catch (err) {
      this.failed = true;
      const diagnosis = scrubDiagnosis(diagnose(err, { ...this.context, protocol: this.protocol, step }), this.scrub);
      this.results.push({ protocol: this.protocol, step, ok: false, ms: Date.now() - started, ...(diagnosis.detail ? { detail: diagnosis.detail } : {}), diagnosis });
      return undefined;
    }
  }

  /** A step that does not apply (tls with security "none"). */
  notApplicable(step: StepName, detail: string): void {
    if (this.failed) this.results.push({ protocol: this.protocol, step, ok: false, skipped: true, ms: 0 });
    else this.results.push({ protocol: this.protocol, step, ok: true, skipped: true, ms: 0, detail });
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
  return { ...diagnosisOf(d.code, d.kind, { protocol: d.protocol, step: d.step, host: String(params.host ?? ""), port: Number(params.port ?? 0), security: "tls" }, params, d.detail ? scrub(d.detail) : undefined), providerSteps: d.providerSteps };
}

function scrubberFor(secrets: ConnectionSecrets): (s: string) => string {
  // a very short "password" would blank out ordinary letters: such values are not searched for
  const values = [secrets.password, secrets.smtpPassword].filter((v): v is string => !!v && v.length >= 4);
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
    return { value: a, detail: a === server.host ? undefined : `${server.host} -> ${a}` };
  });

  let socket: net.Socket | undefined;
  let reader: LineReader | undefined;
  try {
    socket = await runner.run("tcp", async () => {
      const s = await connectTcp(address!, server.port, ms);
      if (server.security === "tls") return { value: s, detail: `connected to ${address}:${server.port}` };
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
        for (let more = line; /^\d{3}-/.test(more); ) {
          const next = await reader.nextLine(ms);
          if (next === undefined) throw Object.assign(new Error("The server's greeting did not end"), { code: "ETIMEDOUT" });
          more = next;
        }
        return { value: s, detail: line.slice(0, 200) };
      } catch (err) {
        end(s);
        throw err;
      }
    });

    if (server.security === "none") {
      runner.notApplicable("tls", "not encrypted (security: none)");
      return runner.failed ? undefined : address;
    }
    const secure = await runner.run("tls", async () => {
      if (server.security === "starttls") {
        await startTls(protocol, socket!, reader!, ms);
        reader!.detach();
      }
      try {
        const t = await handshake(socket!, address!, server.port, tlsOptions, ms);
        return { value: t, detail: describeTls(t, !!settings.allowInsecureCerts) };
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
    end(secure);
    return runner.failed ? undefined : address;
  } finally {
    end(socket);
  }
}

/** The STARTTLS exchange on a plain connection whose greeting was read. */
async function startTls(protocol: MailProtocol, socket: net.Socket, reader: LineReader, ms: number): Promise<void> {
  if (protocol === "imap") {
    socket.write("T1 STARTTLS\r\n");
    for (;;) {
      const line = await reader.nextLine(ms);
      if (line === undefined) throw Object.assign(new Error("No answer to STARTTLS"), { code: "ETIMEDOUT" });
      if (!line.startsWith("T1 ")) continue;
      if (/^T1 OK\b/i.test(line)) return;
      throw new Error(`Server does not support STARTTLS: ${line.slice(3)}`);
    }
  }
  const reply = async (command: string) => {
    const lines: string[] = [];
    for (;;) {
      const line = await reader.nextLine(ms);
      if (line === undefined) throw Object.assign(new Error(`No answer to ${command}`), { code: "ETIMEDOUT" });
      lines.push(line);
      if (/^\d{3} /.test(line) || !/^\d{3}-/.test(line)) return { code: Number(line.slice(0, 3)), text: lines.join("\n") };
    }
  };
  socket.write("EHLO crm-mail-sync\r\n");
  const ehlo = await reply("EHLO");
  if (ehlo.code !== 250) throw Object.assign(new Error(ehlo.text), { response: ehlo.text, responseCode: ehlo.code, command: "EHLO" });
  if (!/^250[ -]STARTTLS\b/im.test(ehlo.text)) throw new Error("Server does not support STARTTLS (not in its EHLO reply)");
  socket.write("STARTTLS\r\n");
  const answer = await reply("STARTTLS");
  if (answer.code !== 220) throw Object.assign(new Error("Error upgrading connection with STARTTLS"), { code: "ETLS", response: answer.text, responseCode: answer.code, command: "STARTTLS" });
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
        { ...imap, address, password: secrets.password, allowInsecureCerts: settings.allowInsecureCerts, ca: deps.ca, provider: settings.provider, timeouts: { connection: ms, greeting: ms } },
        log,
      );
      return { value: c, detail: `signed in as ${imap.user}` };
    });
    try {
      const folders = await runner.run("folders", async () => {
        const list = selectableFolders(await client!.list());
        return { value: list, detail: `${list.length} folders` };
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
    if (!runner.failed && !password) {
      runner.fail("smtp_login", diagnosisOf("auth_failed", "permanent", { protocol: "smtp", step: "smtp_login", host: smtp.host, port: smtp.port, security: smtp.security, provider: settings.provider }, {}, "no SMTP password was given"));
      return runner.results;
    }
    await runner.run("smtp_login", async () => {
      await verifySmtp({ ...smtp, user, address, password: password!, allowInsecureCerts: settings.allowInsecureCerts, ca: deps.ca, provider: settings.provider, timeouts: { connection: ms, greeting: ms } });
      return { value: true, detail: `signed in as ${user}` };
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
  constructor(readonly report: ConnectionReport, fields: FieldProblem[]) {
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
