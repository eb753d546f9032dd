/** The shapes the mail-server harness hands to test files and takes from them. */
import type { portsOf } from "./ports";

export type SmtpPeer = "postfix" | "node";

export interface MailUser {
  email: string;
  password: string;
}

/** The four users every instance has; `extraUsers` add more under their own names. */
export type MailUsers = Record<"alice" | "bob" | "carol" | "catchall", MailUser> & Record<string, MailUser>;

/**
 * Plain, JSON-serialisable description of a running instance: what the vitest global setup
 * `provide`s to test files, and what the standalone helpers below take.
 */
export interface MailServersInfo {
  host: "127.0.0.1";
  domain: string;
  portBase: number;
  /** IMAP, STARTTLS available (Dovecot also accepts plain LOGIN here: loopback counts as secure). */
  imapPort: number;
  /** IMAP over implicit TLS. */
  imapsPort: number;
  /** LMTP without TLS (also the unix socket `${dir}/run/lmtp`). */
  lmtpPort: number;
  /** Submission with STARTTLS required before AUTH. */
  smtpPort: number;
  /** Submission over implicit TLS. */
  smtpsPort: number;
  /** Not bound by the harness: where Dovecot expects the OAuth introspection server (base+80). */
  oauthPort: number;
  /** Dovecot POSTs `token`, `client_id`, `client_secret` here for XOAUTH2/OAUTHBEARER logins. */
  oauthIntrospectionUrl: string;
  smtpPeer: SmtpPeer;
  /** The self-signed certificate (CN=localhost, SAN localhost + 127.0.0.1); use it as `tls.ca`. */
  caPem: string;
  certPath: string;
  users: MailUsers;
  dir: string;
}

export interface AppendOptions {
  /** IMAP flags for every message, e.g. `["\\Seen"]`. Default: none. */
  flags?: string[];
  /** INTERNALDATE for every message. Default: the server's current time. */
  internalDate?: Date;
}

export interface MailServers extends MailServersInfo {
  /** The serialisable part, for `project.provide()`. */
  info: MailServersInfo;
  /** Runs `doveadm -c <our config> ...args`; resolves with stdout. */
  doveadm(args: string[]): Promise<string>;
  /** Stores messages with IMAP MULTIAPPEND (1,000 per command); creates the folder if missing. */
  appendMessages(userEmail: string, folder: string, messages: (string | Buffer)[], opts?: AppendOptions): Promise<void>;
  /** Creates (and subscribes) a folder; succeeds if it already exists. */
  createFolder(userEmail: string, name: string): Promise<void>;
  /** Disconnects the user's sessions and deletes all their mail and folders (see resetUser). */
  resetUser(userEmail: string): Promise<void>;
  /** Stops every server process and waits until all of them have exited. */
  stop(): Promise<void>;
}

export interface StartMailServersOptions {
  /**
   * Directory for everything generated. A given directory is reused (mail survives restarts)
   * and kept; a dovecot/postfix/smtp-peer left running in it by a crashed run is stopped first.
   * As root, it and its parents must be traversable by `nobody` (the mail user): /tmp is fine,
   * /root is not. Default: a fresh directory under `os.tmpdir()`, deleted by `stop()` unless
   * env `MAIL_SERVERS_KEEP=1`.
   */
  dir?: string;
  /**
   * Port base (see the layout at the top of this file). Default: env `MAIL_PORT_BASE`, else the
   * first base of 31000, 32000, ... 60000 whose ports are all free and not locked by another run.
   * An explicit base fails if any of its ports is taken.
   */
  portBase?: number;
  /** Mail domain of the users. Default `example.test`. */
  domain?: string;
  /** More users: local part -> password (e.g. `{ dave: "dave-secret" }`). */
  extraUsers?: Record<string, string>;
  /**
   * SMTP submission server. Default: env `MAIL_SMTP_PEER`, else `postfix` as root (a private
   * instance; needs root to start) and `node` (smtp-server in a child process) otherwise.
   */
  smtpPeer?: SmtpPeer;
  /** Default `http://127.0.0.1:<base+80>/dovecot/introspect`. */
  oauthIntrospectionUrl?: string;
}

/** Where one instance keeps everything and listens: what each config file is generated from. */
export interface Layout {
  dir: string;
  base: number;
  domain: string;
  ports: ReturnType<typeof portsOf>;
  oauthUrl: string;
  mailUser: string;
  mailGroup: string;
}
