import { isIP } from "node:net";
import { ImapFlow } from "imapflow";
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
  provider?: string | null;
}

/** Why a connection opened ahead of its credentials was given up (never shown to users). */
export const LOGIN_WITHDRAWN = "imap_login_withdrawn";

/**
 * An ImapFlow whose login waits for credentials that are still on their way, so a sync job can
 * open the connection while it reads the account (see sync-account.ts). imapflow runs its
 * session start (CAPABILITY, ID, STARTTLS, authenticate, ...) in one internal sequence; this
 * holds that sequence at the login step. `authenticate` is internal to imapflow (not in its
 * types): the pinned 2.1.2 has it, and the module check below fails loudly if a version does not.
 */
class GatedImapFlow extends ImapFlow {
  constructor(
    options: ConstructorParameters<typeof ImapFlow>[0],
    private readonly credentials: Promise<EarlyCredentials | null>,
  ) {
    super(options);
  }

  async authenticate(): Promise<unknown> {
    const auth = await this.credentials;
    if (!auth) throw new AppError("permanent", LOGIN_WITHDRAWN);
    (this as unknown as { options: { auth: unknown } }).options.auth = { user: auth.user, pass: auth.pass };
    return baseAuthenticate.call(this);
  }
}
const baseAuthenticate = (ImapFlow.prototype as unknown as { authenticate?: (this: ImapFlow) => Promise<unknown> }).authenticate!;
if (typeof baseAuthenticate !== "function") throw new Error("imapflow: ImapFlow.prototype.authenticate is missing; GatedImapFlow needs the pinned imapflow version");

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
    auth: { user: settings.user, pass: settings.password },
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
