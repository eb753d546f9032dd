import { isIP } from "node:net";
import { ImapFlow } from "imapflow";
import { AppError } from "../shared/errors";
import type { Logger } from "../shared/log";

/** What it takes to open one IMAP connection. */
export interface ImapSettings {
  host: string;
  /** The address the host name was checked and resolved to (see accounts/host-policy.ts). */
  address?: string;
  port: number;
  security: "tls" | "starttls" | "none";
  user: string;
  password: string;
  /** Accept certificates that do not verify. Default false; only for servers the admin controls. */
  allowInsecureCerts?: boolean;
  /** Extra trusted CA certificates (PEM), e.g. a company's private CA. */
  ca?: string;
  /** Receives every command line sent (imapflow hides LOGIN/AUTHENTICATE secrets); for tests and benchmarks. */
  commandLog?: (line: string) => void;
}

/**
 * Opens an authenticated ImapFlow client. Library errors are translated here, once, into
 * AppErrors whose code names the cause (the accounts issue turns codes into advice).
 */
export async function openImap(settings: ImapSettings, log: Logger): Promise<ImapFlow> {
  // SNI and the certificate check use the name the admin typed; RFC 6066 forbids an IP as SNI
  const servername = isIP(settings.host) ? undefined : settings.host;
  const client = new ImapFlow({
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
    connectionTimeout: 15_000,
    greetingTimeout: 10_000,
    socketTimeout: 120_000,
    clientInfo: { name: "CRM Mail Sync" },
  });
  // Without an error listener a socket timeout is an unhandled 'error' event and the whole
  // process dies (Twenty's imap-client.provider.ts notes the same).
  client.on("error", (err: Error) => log.warn("imap.connection.error", { err }));
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
    throw translateImapError(err);
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

/** Maps imapflow / Node socket errors to a stable code. Unknown errors stay transient. */
export function translateImapError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = (err ?? {}) as { code?: string; authenticationFailed?: boolean; serverResponseCode?: string; responseText?: string; message?: string };
  const text = `${e.responseText ?? ""} ${e.message ?? ""}`;
  const code = e.code ?? "";
  if (e.authenticationFailed || e.serverResponseCode === "AUTHENTICATIONFAILED") return new AppError("permanent", "imap_auth_failed", { cause: err });
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS_CERT_ALTNAME_INVALID|unable to verify/i.test(code + text))
    return new AppError("permanent", "imap_tls_untrusted", { cause: err });
  if (/wrong version number|EPROTO|packet length too long|ERR_SSL/i.test(code + text)) return new AppError("permanent", "imap_tls_mismatch", { cause: err });
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return new AppError("permanent", "imap_host_not_found", { cause: err });
  if (code === "ECONNREFUSED") return new AppError("permanent", "imap_connection_refused", { cause: err });
  if (/ETIMEDOUT|ETIMEOUT|CONNECT_TIMEOUT|GREETING_TIMEOUT|timeout/i.test(code + text)) return new AppError("transient", "imap_timeout", { cause: err });
  if (e.serverResponseCode === "UNAVAILABLE" || /THROTTLED|Too many|Server Unavailable/i.test(text)) return new AppError("transient", "imap_throttled", { cause: err });
  return new AppError("transient", "imap_failed", { cause: err });
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
