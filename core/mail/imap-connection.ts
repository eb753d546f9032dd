import { isIP } from "node:net";
import { ImapFlow } from "imapflow";
import { getErrorText, getStatusCode } from "imapflow/lib/tools.js";
import { AppError } from "../shared/errors";
import { diagnose, toAppError, type DiagnosisContext } from "./diagnosis";
import type { Logger } from "../shared/log";
import type { MailServerSettings } from "./mail-server";

export { isAuthenticationProblem } from "./diagnosis";

/** What it takes to open one IMAP connection. */
export interface ImapSettings extends MailServerSettings {
  /** Connection and greeting timeouts in ms. Defaults 15 s and 10 s; the connection test waits less. */
  timeouts?: { connection?: number; greeting?: number };
  /** Receives every command line sent (imapflow hides LOGIN/AUTHENTICATE secrets); for tests and benchmarks. */
  commandLog?: (line: string) => void;
  /**
   * Credentials that arrive later: the connection, TLS handshake, greeting and ID go ahead, and
   * the login waits for this promise (its user and password replace `user` and `password`).
   * Resolving it to null abandons the connection before any credential is sent.
   */
  credentials?: Promise<EarlyCredentials | null>;
  /** Receives the client as soon as it exists, before it connects (to close it early if need be). */
  created?: (client: ImapFlow) => void;
}

/** What a connection opened early learns once the account is read: the login, and the provider for advice. */
export interface EarlyCredentials {
  user: string;
  pass: string;
  /** An OAuth2 access token: XOAUTH2 instead of the password (MailServerSettings.accessToken). */
  accessToken?: string;
  provider?: string | null;
}

/** Why a connection opened ahead of its credentials was given up (never shown to users). */
export const LOGIN_WITHDRAWN = "imap_login_withdrawn";

/** What a quiet tick sends: nothing else needs the session's ID, NAMESPACE or COMPRESS. */
const LEAN_COMMANDS = new Set(["CAPABILITY", "STARTTLS", "AUTHENTICATE", "LOGIN", "STATUS", "LOGOUT"]);
/** What the deferred session start sends itself (imapflow's compress() goes through run). */
const SESSION_COMMANDS = new Set(["ID", "NAMESPACE", "COMPRESS", "ENABLE", "CAPABILITY"]);
type Internal = {
  options: { auth: unknown; disableCompression?: boolean; disableAutoEnable?: boolean };
  usable: boolean;
  autoEnable: () => Promise<unknown>;
  capabilities: Map<string, unknown>;
  authCapabilities: Map<string, unknown>;
  state: unknown;
  states: Record<string, unknown>;
  expectCapabilityUpdate: boolean;
  authenticated: unknown;
  idRequested: unknown;
  clientInfo: unknown;
  log: { info: (entry: object) => void };
  id: string;
  exec: (command: string, attributes: unknown[]) => Promise<{ next: () => void }>;
  upgradeToSTARTTLS: () => Promise<unknown>;
  setAuthenticationState: () => Promise<unknown>;
  compress: () => Promise<unknown>;
};

/**
 * The sync's ImapFlow: its login waits for credentials that are still on their way (a job opens
 * the connection while it reads the account, see sync-account.ts), and its session start is
 * lean, because a tick with nothing new is mostly round trips (20 ms each between a Lambda and
 * a provider).
 *
 * imapflow runs CAPABILITY, ID, STARTTLS, authenticate, ID again, NAMESPACE and COMPRESS in
 * one internal sequence (startSession), each awaited, and has no options to skip ID or
 * NAMESPACE nor support for SASL-IR (RFC 4959). This overrides, on the pinned 2.1.2 (internal
 * methods, checked at module load below):
 * - startSession: CAPABILITY (answered by the greeting, no round trip), STARTTLS, the login
 *   (and the end of imapflow's: the client is usable);
 * - authenticate: waits for the credentials; AUTHENTICATE PLAIN with the initial response on
 *   the command line when the server offers SASL-IR (one round trip instead of two), else
 *   imapflow's own choice;
 * - run: ID, NAMESPACE, COMPRESS (and ENABLE unless disabled) are sent before the first command that is not a quiet
 *   tick's (LIST, SELECT, FETCH...), so everything else sees the session imapflow would have
 *   set up (ID for providers that want it before SELECT, the namespace prefix for paths). A
 *   STATUS that fails before them is retried after them: the folder name may need the
 *   namespace prefix, and Exchange answers commands of a failed login with "User is
 *   authenticated but not connected", which imapflow's NAMESPACE check turns into the
 *   authentication failure it is.
 */
class GatedImapFlow extends ImapFlow {
  /** false until logged in; then undefined while ID/NAMESPACE/COMPRESS wait, then their promise. */
  private deferred: Promise<void> | false | undefined = false;
  private completing = false;

  constructor(
    options: ConstructorParameters<typeof ImapFlow>[0],
    private readonly credentials: Promise<EarlyCredentials | null>,
  ) {
    super(options);
  }

  async startSession(): Promise<void> {
    const self = this as unknown as Internal;
    await this.run("CAPABILITY");
    await self.upgradeToSTARTTLS();
    await this.authenticate();
    this.deferred = undefined; // the rest of the session start waits for a command that needs it
    self.usable = true; // as imapflow's startSession ends
  }

  async authenticate(): Promise<unknown> {
    const auth = await this.credentials;
    if (!auth) throw new AppError("permanent", LOGIN_WITHDRAWN);
    const self = this as unknown as Internal;
    // a token signs in the way imapflow chooses for it (OAUTHBEARER, else XOAUTH2): one round trip with SASL-IR too
    if (auth.accessToken) {
      self.options.auth = { user: auth.user, accessToken: auth.accessToken };
      return baseAuthenticate.call(this);
    }
    self.options.auth = { user: auth.user, pass: auth.pass };
    // imapflow sends LOGIN for "domain\\user" and "user/mailbox" names (Exchange); so do we
    const saslIr = self.capabilities.has("SASL-IR") && self.capabilities.has("AUTH=PLAIN") && !/\\|\//.test(auth.user);
    if (!saslIr || self.state !== self.states.NOT_AUTHENTICATED) return baseAuthenticate.call(this);
    self.expectCapabilityUpdate = true;
    try {
      const response = await self.exec("AUTHENTICATE", [
        { type: "ATOM", value: "PLAIN" },
        // marked sensitive: imapflow logs it as "(* value hidden *)"
        { type: "ATOM", value: Buffer.from(`\x00${auth.user}\x00${auth.pass}`).toString("base64"), sensitive: true },
      ]);
      response.next();
    } catch (err) {
      // the error imapflow's own AUTHENTICATE gives, for the diagnosis (diagnosis.ts)
      const e = err as { response?: unknown; serverResponseCode?: string; authenticationFailed?: boolean };
      const code = getStatusCode(e.response as never);
      if (code) e.serverResponseCode = code;
      e.authenticationFailed = true;
      e.response = await getErrorText(e.response as never);
      throw err;
    }
    self.authCapabilities.set("AUTH=PLAIN", true);
    self.authenticated = auth.user;
    self.log.info({ src: "auth", msg: "User authenticated", cid: self.id, user: auth.user });
    await self.setAuthenticationState();
    return true;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- imapflow's run() answers each command with its own shape.
  async run(command: string, ...args: unknown[]): Promise<any> {
    const verb = command.toUpperCase();
    if (this.completing && SESSION_COMMANDS.has(verb)) return baseRun.call(this, command, ...args);
    if (this.deferred !== false && this.deferred !== undefined && !LEAN_COMMANDS.has(verb)) await this.deferred;
    else if (this.deferred === undefined && !LEAN_COMMANDS.has(verb)) await this.completeSession();
    if (verb !== "STATUS" || this.deferred !== undefined) return baseRun.call(this, command, ...args);
    const result = await baseRun.call(this, command, ...args).catch(() => false);
    if (result) return result;
    await this.completeSession();
    return baseRun.call(this, command, ...args);
  }

  /** The part of imapflow's startSession deferred until a command needs it (at most once). */
  private completeSession(): Promise<void> {
    if (this.deferred) return this.deferred;
    const self = this as unknown as Internal;
    this.completing = true;
    this.deferred = (async () => {
      if (self.capabilities.has("ID")) self.idRequested = await baseRun.call(this, "ID", self.clientInfo);
      const ns = (await baseRun.call(this, "NAMESPACE")) as { error?: boolean; status?: string; text?: string } | undefined;
      if (ns?.error && ns.status === "BAD" && /User is authenticated but not connected/i.test(ns.text ?? "")) {
        self.authenticated = false;
        throw Object.assign(new Error("Authentication failed"), { authenticationFailed: true, response: ns.text });
      }
      if (!self.options.disableCompression) await self.compress();
      if (!self.options.disableAutoEnable) await self.autoEnable();
      if (self.expectCapabilityUpdate) await baseRun.call(this, "CAPABILITY");
    })().finally(() => (this.completing = false));
    return this.deferred;
  }
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- imapflow's private methods, untyped upstream.
const internals = ImapFlow.prototype as unknown as Record<string, ((this: ImapFlow, ...args: any[]) => Promise<any>) | undefined>;
const baseAuthenticate = internals.authenticate!;
const baseRun = internals.run!;
for (const name of ["authenticate", "run", "startSession", "upgradeToSTARTTLS", "setAuthenticationState", "compress", "autoEnable", "exec"])
  if (typeof internals[name] !== "function") throw new Error(`imapflow: ImapFlow.prototype.${name} is missing; GatedImapFlow needs the pinned imapflow version`);

/**
 * Opens an authenticated ImapFlow client. Library errors are translated here, once, into
 * AppErrors whose code names the cause (see translateImapError).
 */
export async function openImap(settings: ImapSettings, log: Logger): Promise<ImapFlow> {
  // SNI and the certificate check use the name the admin typed; RFC 6066 forbids an IP as SNI
  const servername = isIP(settings.host) ? undefined : settings.host;
  const options: ConstructorParameters<typeof ImapFlow>[0] = {
    host: settings.address ?? settings.host,
    servername,
    port: settings.port,
    secure: settings.security === "tls",
    // "starttls": insist on the upgrade; "none": never upgrade (only for servers on a trusted network)
    doSTARTTLS: settings.security === "starttls" ? true : settings.security === "none" ? false : undefined,
    auth: settings.accessToken ? { user: settings.user, accessToken: settings.accessToken } : { user: settings.user, pass: settings.password },
    tls: { rejectUnauthorized: !settings.allowInsecureCerts, servername, ca: settings.ca, minVersion: "TLSv1.2" },
    logger: settings.commandLog ? commandLogger(settings.commandLog) : false,
    disableAutoIdle: true,
    // No ENABLE (CONDSTORE, UTF8=ACCEPT): one round trip less per login, and with CONDSTORE
    // enabled imapflow adds MODSEQ to every FETCH, one more item to parse per message. STATUS
    // still reports HIGHESTMODSEQ (it needs only the capability) and imapflow decodes
    // modified UTF-7 folder names.
    disableAutoEnable: true,
    connectionTimeout: settings.timeouts?.connection ?? 15_000,
    greetingTimeout: settings.timeouts?.greeting ?? 10_000,
    socketTimeout: 120_000,
    clientInfo: { name: "CRM Mail Sync" },
  };
  const client = settings.credentials ? new GatedImapFlow(options, settings.credentials) : new ImapFlow(options);
  settings.created?.(client);
  // Without an error listener a socket timeout is an unhandled 'error' event and the whole
  // process dies (Twenty's imap-client.provider.ts notes the same).
  client.on("error", (err: Error) => {
    if (!(err instanceof AppError && err.code === LOGIN_WITHDRAWN)) log.warn("imap.connection.error", { err });
  });
  try {
    await client.connect();
    return client;
  } catch (err) {
    // imapflow 2.1.2 leaves the socket open after a failed connect(): close it ourselves
    try {
      client.close();
    } catch {
      /* already closed */
    }
    if (err instanceof AppError && err.code === LOGIN_WITHDRAWN) throw err;
    const provider = settings.provider ?? (settings.credentials ? (await settings.credentials)?.provider : undefined);
    throw translateImapError(err, { host: settings.host, port: settings.port, security: settings.security, provider });
  }
}

/** Logs out politely, never throwing: the work is done whatever the goodbye says. */
export async function closeImap(client: ImapFlow): Promise<void> {
  try {
    await client.logout();
  } catch {
    try {
      client.close();
    } catch {
      /* closed */
    }
  }
}

/**
 * Maps imapflow / Node socket errors to an AppError whose code is a diagnosis catalogue key
 * ("diag.auth_failed", "diag.tls_untrusted"...) and whose kind says whether a retry can help.
 * The decisions live in mail/diagnosis.ts, shared with the connection test and SMTP; the
 * original error stays as `cause`. Without a context the step is taken to be the login.
 */
export function translateImapError(err: unknown, context: Partial<DiagnosisContext> = {}): AppError {
  if (err instanceof AppError) return err;
  const diagnosis = diagnose(err, { protocol: "imap", host: "", port: 0, security: "tls", step: "imap_login", ...context });
  return toAppError(diagnosis, err);
}

const noop = () => undefined;
/** An imapflow logger that passes on only the client's command lines (src "c"). */
function commandLogger(sink: (line: string) => void) {
  return {
    debug: (entry: { src?: string; msg?: string }) => {
      if (entry?.src === "c" && entry.msg) sink(entry.msg);
    },
    trace: noop,
    info: noop,
    warn: noop,
    error: noop,
  };
}
