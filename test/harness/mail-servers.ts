/**
 * Private, loopback-only mail servers for the integration tests: Dovecot 2.3 (IMAP, IMAPS, LMTP)
 * and an SMTP submission server (a private Postfix instance as root, else smtp-server in a child
 * node process), both delivering into Dovecot over LMTP.
 *
 * Everything (configs, TLS certificate, Maildirs, logs, sockets) lives in one directory; nothing
 * under /etc is read or written, except that missing Debian packages are installed when we run
 * as root. Every listener binds 127.0.0.1 only.
 *
 * Port layout, relative to a base (default: the first free one of 31000, 32000, ...):
 *   base+0   held open by this process while the servers run: the lock that keeps two
 *            concurrent runs off the same base (the kernel frees it if we crash)
 *   base+24  LMTP              base+143 IMAP (STARTTLS)     base+993 IMAPS (implicit TLS)
 *   base+587 submission (STARTTLS)   base+465 submissions (implicit TLS)
 *   base+80  not bound here: reserved for an OAuth token-introspection server that tests start
 *
 * Learned from the team's verified recipe (shared notes, mail-servers.sh); this file is the
 * project's own copy so that a fresh clone needs nothing outside the repository.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import fs from "node:fs";
import fsp from "node:fs/promises";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";

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

const HOST = "127.0.0.1" as const;
const PORT_OFFSETS = { lock: 0, lmtp: 24, oauth: 80, imap: 143, smtps: 465, smtp: 587, imaps: 993 } as const;
const DEFAULT_BASES = Array.from({ length: 30 }, (_, i) => 31000 + i * 1000);

const DOVECOT = "/usr/sbin/dovecot";
const DOVEADM = "/usr/bin/doveadm";
const POSTFIX = "/usr/sbin/postfix";
const POSTFIX_MASTER = "/usr/lib/postfix/sbin/master";

const IS_ROOT = process.getuid?.() === 0;
const require = createRequire(import.meta.url);

// ---------------------------------------------------------------------------------------------
// Debian packages
// ---------------------------------------------------------------------------------------------

/** A Debian package and how to tell it is installed (the file we actually need from it). */
export interface DebianPackage {
  name: string;
  /** A file the package provides; the package counts as missing while this file is absent. */
  provides: string;
}

let aptQueue: Promise<void> = Promise.resolve();

/**
 * Installs the packages whose `provides` file is missing. As root it runs apt-get (an
 * `apt-get update` only if the first install fails); otherwise it throws with the exact command
 * to run. Package daemons are kept from starting (they would bind 0.0.0.0 with /etc configs) by a
 * temporary /usr/sbin/policy-rc.d that exits 101, and Postfix's debconf question is answered
 * "No configuration". Concurrent installs (two test runs, or mail servers + Chromium) are
 * serialised with flock, because the policy-rc.d guard must outlive every install it covers.
 */
export async function ensureDebianPackages(packages: DebianPackage[], purpose: string): Promise<void> {
  const missing = () => [...new Set(packages.filter((p) => !fs.existsSync(p.provides)).map((p) => p.name))];
  if (missing().length === 0) return;
  const run = aptQueue.then(async () => {
    const need = missing();
    if (need.length === 0) return;
    const command = `apt-get install -y --no-install-recommends ${need.join(" ")}`;
    if (!IS_ROOT) throw new Error(`${purpose} needs Debian packages that are missing; run as root:\n  ${command}`);
    process.stderr.write(`[test-harness] installing Debian packages for ${purpose}: ${need.join(" ")}\n`);
    const started = Date.now();
    await runAptInstall(need);
    const still = missing();
    if (still.length > 0) throw new Error(`apt-get finished but ${still.join(" ")} still missing; try:\n  ${command}`);
    process.stderr.write(`[test-harness] installed ${need.join(" ")} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  });
  aptQueue = run.catch(() => undefined);
  await run;
}

const APT_SCRIPT = String.raw`
set -eu
export DEBIAN_FRONTEND=noninteractive
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
guard=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\n# temporary, from the crm-mail-sync test harness: keep package daemons stopped\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod 755 /usr/sbin/policy-rc.d
  guard=1
fi
trap '[ "$guard" = 1 ] && rm -f /usr/sbin/policy-rc.d' EXIT
install() { apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=600 "$@"; }
install "$@" || { apt-get update -q -o DPkg::Lock::Timeout=600 && install "$@"; }
`;

async function runAptInstall(pkgs: string[]): Promise<void> {
  const lock = path.join(os.tmpdir(), "crm-mail-sync-apt.lock");
  const child = spawn("flock", [lock, "bash", "-c", APT_SCRIPT, "apt-install", ...pkgs], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const [code] = (await once(child, "exit")) as [number | null];
  if (code !== 0) throw new Error(`apt-get install ${pkgs.join(" ")} failed (exit ${code}):\n${output}`);
}

// ---------------------------------------------------------------------------------------------
// Small process and file helpers
// ---------------------------------------------------------------------------------------------

function execFileText(file: string, args: string[], opts: { timeoutMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { maxBuffer: 64 * 1024 * 1024, timeout: opts.timeoutMs ?? 60_000 }, (err, stdout, stderr) => {
      if (err) {
        reject(Object.assign(new Error(`${path.basename(file)} ${args.join(" ")} failed: ${stderr.trim() || err.message}`), { cause: err, stdout, stderr }));
      } else resolve(stdout);
    });
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The PID in `pidFile` if that process is alive, is `comm` and mentions `needle` on its command line. */
function livePidFromFile(pidFile: string, comm: string, needle: string): number | undefined {
  let pid: number;
  try {
    pid = Number.parseInt(fs.readFileSync(pidFile, "utf8").trim(), 10);
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 1) return undefined;
  try {
    const actualComm = fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim();
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
    return actualComm === comm && cmdline.includes(needle) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Live (non-zombie) members of process group `pgid`, from /proc. */
function processGroupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      // "pid (comm) state ppid pgrp ...": comm may contain spaces, so parse after the last ')'
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (fields[0] !== "Z" && Number(fields[2]) === pgid) members.push(Number(entry));
    } catch {
      // the process exited while we looked
    }
  }
  return members;
}

/**
 * SIGTERMs a server's process group (its leader is the daemon's master, spawned detached or
 * self-made session leader) and waits until no member is left, SIGKILLing after `graceMs`.
 */
async function terminateGroup(pgid: number, graceMs = 10_000): Promise<void> {
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pgid, signal);
    } catch {
      // ESRCH: the group is already gone
    }
  };
  signalGroup("SIGTERM");
  const deadline = Date.now() + graceMs;
  while (processGroupMembers(pgid).length > 0) {
    if (Date.now() > deadline) {
      signalGroup("SIGKILL");
      await sleep(50);
      if (processGroupMembers(pgid).length === 0) break;
    }
    await sleep(20);
  }
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host: HOST, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

function portIsOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: HOST });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** Binds base+0 for the lifetime of the instance: a lock the kernel releases if we crash. */
function holdLockPort(port: number): Promise<net.Server | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer((socket) => socket.destroy());
    server.once("error", () => resolve(undefined));
    server.listen({ port, host: HOST, exclusive: true }, () => {
      server.unref();
      resolve(server);
    });
  });
}

function portsOf(base: number) {
  return {
    lmtp: base + PORT_OFFSETS.lmtp,
    oauth: base + PORT_OFFSETS.oauth,
    imap: base + PORT_OFFSETS.imap,
    imaps: base + PORT_OFFSETS.imaps,
    smtp: base + PORT_OFFSETS.smtp,
    smtps: base + PORT_OFFSETS.smtps,
  };
}

/** Where each base records its directory, so a later run can stop servers a crashed run left. */
const BASE_REGISTRY = path.join(os.tmpdir(), `crm-mail-servers-bases-${process.getuid?.() ?? "user"}`);
/** Name prefix of the default directories (created by mkdtemp under os.tmpdir()). */
const OWN_DIR_PREFIX = "crm-mail-servers-run-";

/**
 * Locks a port base and checks that every port of it is free. Servers a crashed earlier run left
 * on this base (its lock port is free again, its other ports are not) are stopped by the PID
 * files in the directory that run recorded.
 */
async function claimPortBase(explicit: number | undefined): Promise<{ base: number; lock: net.Server }> {
  const candidates = explicit !== undefined ? [explicit] : DEFAULT_BASES;
  const problems: string[] = [];
  for (const base of candidates) {
    if (!Number.isInteger(base) || base < 1024 || base + PORT_OFFSETS.imaps > 65535) {
      throw new Error(`mail servers: invalid port base ${base} (needs 1024 <= base <= ${65535 - PORT_OFFSETS.imaps})`);
    }
    const lock = await holdLockPort(base + PORT_OFFSETS.lock);
    if (!lock) {
      problems.push(`${base}: port ${base} (lock) held by another run or program`);
      continue;
    }
    let busy = await busyPorts(base);
    if (busy.length > 0) {
      const staleDir = await fsp.readFile(path.join(BASE_REGISTRY, String(base)), "utf8").catch(() => "");
      if (staleDir && (await stopStaleServers(staleDir.trim()))) {
        busy = await busyPorts(base);
        // a default directory of the crashed run is of no further use to anyone
        if (path.dirname(staleDir.trim()) === os.tmpdir() && path.basename(staleDir.trim()).startsWith(OWN_DIR_PREFIX)) {
          await fsp.rm(staleDir.trim(), { recursive: true, force: true });
        }
      }
    }
    if (busy.length === 0) return { base, lock };
    lock.close();
    problems.push(`${base}: port(s) ${busy.join(", ")} in use`);
  }
  const what = explicit !== undefined ? `port base ${explicit} is not usable` : "no free port base";
  throw new Error(`mail servers: ${what}:\n  ${problems.join("\n  ")}`);
}

async function busyPorts(base: number): Promise<number[]> {
  const ports = Object.values(portsOf(base));
  const free = await Promise.all(ports.map(portIsFree));
  return ports.filter((_, i) => !free[i]);
}

/** Stops dovecot / postfix / smtp-peer that a previous run started in `dir`; true if any ran. */
async function stopStaleServers(dir: string): Promise<boolean> {
  const stale = [
    livePidFromFile(path.join(dir, "run/master.pid"), "dovecot", path.join(dir, "dovecot.conf")),
    livePidFromFile(path.join(dir, "postfix/spool/pid/master.pid"), "master", path.join(dir, "postfix/etc")),
    livePidFromFile(path.join(dir, "smtp-peer.pid"), "node", path.join(dir, "smtp-peer.cjs")),
  ].filter((pid): pid is number => pid !== undefined);
  if (stale.length === 0) return false;
  process.stderr.write(`[mail-servers] stopping servers left running in ${dir} (pids ${stale.join(", ")})\n`);
  // each of them leads its own process group (detached spawn / Postfix's setsid)
  await Promise.all(stale.map((pid) => terminateGroup(pid)));
  return true;
}

// ---------------------------------------------------------------------------------------------
// Configuration files
// ---------------------------------------------------------------------------------------------

interface Layout {
  dir: string;
  base: number;
  domain: string;
  ports: ReturnType<typeof portsOf>;
  oauthUrl: string;
  mailUser: string;
  mailGroup: string;
}

function dovecotConf(l: Layout): string {
  const { dir } = l;
  let conf = `# generated by test/harness/mail-servers.ts - private instance, nothing from /etc/dovecot is read
base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = crm-mail-servers-${l.base}
protocols = imap lmtp
listen = ${HOST}
log_path = ${dir}/log/dovecot.log
auth_verbose = yes
auth_mechanisms = plain login xoauth2 oauthbearer
# Wrong passwords would otherwise answer after 2 s (measured with 0: ~0.5 s per failed login).
# The per-IP penalty that grows with repeated failures is switched off at anvil below.
auth_failure_delay = 0
ssl = yes
ssl_cert = <${dir}/tls/cert.pem
ssl_key = <${dir}/tls/key.pem
ssl_min_protocol = TLSv1.2
mail_location = maildir:~/Maildir:LAYOUT=fs
mail_fsync = never
# tests open many parallel sessions from 127.0.0.1 (the default of 10 answers
# "Maximum number of connections from user+IP exceeded")
mail_max_userip_connections = 500
first_valid_uid = 1
passdb {
  driver = passwd-file
  # 'none': lookups without SASL (LMTP, doveadm); without it the userdb existence check fails
  mechanisms = plain login none
  args = scheme=PLAIN username_format=%Lu ${dir}/users
}
passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = ${dir}/dovecot-oauth2.conf.ext
}
userdb {
  driver = static
  args = uid=${l.mailUser} gid=${l.mailGroup} home=${dir}/mail/%Ld/%Ln
}
namespace inbox {
  inbox = yes
  separator = /
  mailbox Drafts {
    auto = subscribe
    special_use = \\Drafts
  }
  mailbox Sent {
    auto = subscribe
    special_use = \\Sent
  }
  mailbox Trash {
    auto = subscribe
    special_use = \\Trash
  }
  mailbox Junk {
    auto = subscribe
    special_use = \\Junk
  }
  mailbox Archive {
    auto = subscribe
    special_use = \\Archive
  }
  # a Japanese "Sent mail" folder without SPECIAL-USE, as some Japanese providers have
  mailbox 送信済みメール {
    auto = subscribe
  }
}
service imap-login {
  inet_listener imap {
    address = ${HOST}
    port = ${l.ports.imap}
  }
  inet_listener imaps {
    address = ${HOST}
    port = ${l.ports.imaps}
    ssl = yes
  }
}
service lmtp {
  unix_listener lmtp {
    mode = 0666
  }
  inet_listener lmtp {
    address = ${HOST}
    port = ${l.ports.lmtp}
  }
}
service auth {
  # Postfix's SASL (smtpd runs as user postfix) asks Dovecot here
  unix_listener auth-client {
    mode = 0666
  }
}
service anvil {
  # mode 0 = the socket is not created, which disables the auth penalty; a stale socket left
  # in base_dir would still be found, so base_dir is wiped before every start
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
`;
  if (!IS_ROOT) {
    conf += `# rootless: every service runs as the invoking user, without chroot
default_internal_user = ${l.mailUser}
default_internal_group = ${l.mailGroup}
default_login_user = ${l.mailUser}
service anvil {
  chroot =
}
service imap-login {
  chroot =
}
`;
  }
  return conf;
}

function dovecotOauthConf(l: Layout): string {
  // RFC 7662 introspection: Dovecot POSTs the token; the answer's "active" and "email" decide
  return `introspection_mode = post
introspection_url = ${l.oauthUrl}
username_attribute = email
active_attribute = active
active_value = true
force_introspection = yes
timeout_msecs = 5000
`;
}

function postfixMainCf(l: Layout): string {
  const { dir } = l;
  const etc = `${dir}/postfix/etc`;
  return `# generated by test/harness/mail-servers.ts - private instance, /etc/postfix is not used
compatibility_level = 3.6
config_directory = ${etc}
queue_directory = ${dir}/postfix/spool
data_directory = ${dir}/postfix/data
mail_owner = postfix
setgid_group = postdrop
maillog_file_prefixes = ${dir}/log
maillog_file = ${dir}/log/postfix.log
inet_interfaces = ${HOST}
inet_protocols = ipv4
myhostname = mx.${l.domain}
mydomain = ${l.domain}
myorigin = ${l.domain}
mydestination =
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
local_recipient_maps =
biff = no
smtp_dns_support_level = disabled
message_size_limit = 52428800
virtual_mailbox_domains = ${l.domain}
virtual_transport = lmtp:unix:${dir}/run/lmtp
virtual_alias_domains =
# every other domain is rewritten to the catch-all user
virtual_alias_maps = regexp:${etc}/catchall
# nothing is ever relayed off this machine
default_transport = error:outbound delivery disabled in tests
relay_transport = error:outbound delivery disabled in tests
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = ${dir}/run/auth-client
smtpd_tls_cert_file = ${dir}/tls/cert.pem
smtpd_tls_key_file = ${dir}/tls/key.pem
smtpd_tls_security_level = may
smtpd_tls_auth_only = yes
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
smtpd_recipient_restrictions = permit_sasl_authenticated, reject
`;
}

function postfixMasterCf(l: Layout): string {
  return `${HOST}:${l.ports.smtp} inet n - n - - smtpd
  -o smtpd_tls_security_level=encrypt
${HOST}:${l.ports.smtps} inet n - n - - smtpd
  -o smtpd_tls_wrappermode=yes
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n -  0 cleanup
qmgr      unix  n - n 300 1 qmgr
rewrite   unix  - - n -  - trivial-rewrite
tlsmgr    unix  - - n 1000? 1 tlsmgr
bounce    unix  - - n -  0 bounce
defer     unix  - - n -  0 bounce
trace     unix  - - n -  0 bounce
verify    unix  - - n -  1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n -  - proxymap
showq     unix  n - n -  - showq
error     unix  - - n -  - error
retry     unix  - - n -  - error
discard   unix  - - n -  - discard
lmtp      unix  - - n -  - lmtp
anvil     unix  - - n -  1 anvil
scache    unix  - - n -  1 scache
postlog   unix-dgram n - n - 1 postlogd
`;
}

/**
 * The SMTP peer for non-root runs: smtp-server with STARTTLS + implicit TLS and AUTH
 * PLAIN/LOGIN/XOAUTH2 (passwords from Dovecot's passwd-file, tokens from the introspection URL),
 * delivering into Dovecot over LMTP; recipients outside the domain go to the catch-all.
 * Written into the directory as CommonJS so it runs under plain `node`, no TypeScript loader.
 */
const SMTP_PEER_SCRIPT = String.raw`'use strict';
const fs = require('fs'), path = require('path'), http = require('http');
const E = process.env, DIR = E.MAIL_DIR, DOMAIN = E.MAIL_DOMAIN;
const { SMTPServer } = require(E.SMTP_SERVER_MODULE);
const nodemailer = require(E.NODEMAILER_MODULE);
const users = () => Object.fromEntries(fs.readFileSync(path.join(DIR, 'users'), 'utf8').split('\n').filter(Boolean)
  .map((l) => { const i = l.indexOf(':'); return [l.slice(0, i).toLowerCase(), l.slice(i + 1).replace(/^\{PLAIN\}/, '')]; }));
const introspect = (token) => new Promise((resolve) => {
  const body = 'token=' + encodeURIComponent(token);
  const r = http.request(E.OAUTH_URL, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) }, timeout: 5000 }, (res) => {
    let d = ''; res.on('data', (c) => d += c); res.on('end', () => { try { resolve(JSON.parse(d)); } catch { resolve(null); } });
  });
  r.on('error', () => resolve(null)); r.on('timeout', () => r.destroy()); r.end(body);
});
const lmtp = nodemailer.createTransport({ lmtp: true, host: '127.0.0.1', port: +E.LMTP_PORT, ignoreTLS: true, name: 'smtp-peer' });
const fail = (code, msg) => Object.assign(new Error(msg), { responseCode: code });
let seq = 0;
const opts = {
  key: fs.readFileSync(path.join(DIR, 'tls/key.pem')), cert: fs.readFileSync(path.join(DIR, 'tls/cert.pem')),
  name: 'mx.' + DOMAIN, authMethods: ['PLAIN', 'LOGIN', 'XOAUTH2'], size: 50 * 1024 * 1024, logger: false,
  async onAuth(auth, session, cb) {
    const user = String(auth.username || '').toLowerCase();
    if (auth.method === 'XOAUTH2') {
      const r = await introspect(auth.accessToken);
      if (r === null) return cb(fail(454, 'Temporary authentication failure'));
      if (r.active === true && String(r.email || '').toLowerCase() === user) return cb(null, { user });
      return cb(null, { data: { status: '401', schemes: 'bearer', scope: 'mail' } });
    }
    const known = users();
    if (known[user] !== undefined && known[user] === auth.password) return cb(null, { user });
    cb(fail(535, '5.7.8 Error: authentication failed'));
  },
  onMailFrom(a, session, cb) { session.user ? cb() : cb(fail(530, 'Authentication required')); },
  onData(stream, session, cb) {
    const chunks = []; stream.on('data', (c) => chunks.push(c));
    stream.on('end', async () => {
      if (stream.sizeExceeded) return cb(fail(552, 'Message too big'));
      const id = (Date.now().toString(36) + (++seq).toString(36)).toUpperCase();
      const to = [...new Set(session.envelope.rcptTo.map((r) => r.address.split('@').pop().toLowerCase() === DOMAIN ? r.address : 'catchall@' + DOMAIN))];
      const raw = Buffer.concat([Buffer.from('Received: from ' + session.clientHostname + ' ([' + session.remoteAddress + ']) by mx.' + DOMAIN + ' (smtp-peer) with ESMTPSA id ' + id + '; ' + new Date().toUTCString() + '\r\n'), ...chunks]);
      try {
        const info = await lmtp.sendMail({ envelope: { from: session.envelope.mailFrom.address || '', to }, raw });
        info.rejected.length ? cb(fail(550, 'Delivery failed for ' + info.rejected.join(', '))) : cb(null, 'Ok: queued as ' + id);
      } catch (err) { cb(fail(451, 'Local delivery failed: ' + err.message)); }
    });
  },
};
const a = new SMTPServer({ ...opts, secure: false }), b = new SMTPServer({ ...opts, secure: true });
for (const s of [a, b]) s.on('error', (e) => console.error('smtp-peer:', e.message));
a.listen(+E.SMTP_PORT, '127.0.0.1', () => b.listen(+E.SMTPS_PORT, '127.0.0.1', () => console.log('smtp-peer ready')));
process.on('SIGTERM', () => { a.close(); b.close(); setTimeout(() => process.exit(0), 200).unref(); });
`;

// ---------------------------------------------------------------------------------------------
// Starting and stopping
// ---------------------------------------------------------------------------------------------

/** Process groups of every running instance, killed synchronously if the process exits early. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;
function trackGroup(pgid: number) {
  liveGroups.add(pgid);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // 'exit' handlers cannot wait: SIGKILL whatever is still running so nothing outlives us
    process.on("exit", () => {
      for (const g of liveGroups) {
        try {
          process.kill(-g, "SIGKILL");
        } catch {
          // already gone
        }
      }
    });
  }
}

function tail(file: string, lines = 25): string {
  try {
    return fs.readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

/**
 * Spawns a daemon in the foreground as leader of its own process group, so stop() can signal it
 * and every helper it forks, and wait for all of them.
 */
function spawnDaemon(name: string, file: string, args: string[], logFile: string, env?: NodeJS.ProcessEnv): ChildProcess {
  const fd = fs.openSync(logFile, "a");
  try {
    const child = spawn(file, args, { stdio: ["ignore", fd, fd], detached: true, env: env ?? process.env });
    child.on("error", (err) => fs.appendFileSync(logFile, `[harness] ${name} failed to spawn: ${err.message}\n`));
    if (child.pid !== undefined) trackGroup(child.pid);
    return child;
  } finally {
    fs.closeSync(fd);
  }
}

async function waitForPorts(ports: number[], children: { name: string; child: ChildProcess; logs: string[] }[], timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (const port of ports) {
    while (!(await portIsOpen(port))) {
      const dead = children.find((c) => c.child.exitCode !== null || c.child.signalCode !== null || c.child.pid === undefined);
      if (dead || Date.now() > deadline) {
        const why = dead ? `${dead.name} exited (${dead.child.exitCode ?? dead.child.signalCode ?? "spawn failed"})` : `port ${port} did not open within ${timeoutMs} ms`;
        const logs = children.flatMap((c) => c.logs.map((f) => `--- ${f}\n${tail(f)}`)).join("\n");
        throw new Error(`mail servers failed to start: ${why}\n${logs}`);
      }
      await sleep(20);
    }
  }
}

function userAndGroup(): { user: string; group: string } {
  if (IS_ROOT) {
    // Dovecot refuses to run mail processes as root; nobody/nogroup exist on every Debian
    const user = "nobody";
    return { user, group: execFileSync("id", ["-gn", user], { encoding: "utf8" }).trim() };
  }
  return { user: os.userInfo().username, group: execFileSync("id", ["-gn"], { encoding: "utf8" }).trim() };
}

async function ensureTlsCertificate(dir: string): Promise<void> {
  const cert = path.join(dir, "tls/cert.pem");
  const key = path.join(dir, "tls/key.pem");
  if (fs.existsSync(cert) && fs.existsSync(key)) return;
  await execFileText("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "3650",
    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
    "-keyout", key, "-out", cert,
  ]);
  await fsp.chmod(key, 0o600);
  await fsp.chmod(cert, 0o644);
}

function buildUsers(domain: string, extra: Record<string, string> = {}): MailUsers {
  const entries: Record<string, string> = {
    alice: "alice-secret",
    bob: "bob-secret",
    carol: "carol-secret",
    catchall: "catchall-secret",
    ...extra,
  };
  const users: Record<string, MailUser> = {};
  for (const [name, password] of Object.entries(entries)) {
    if (!/^[a-z0-9._+-]+$/i.test(name) || /[:\n]/.test(password)) throw new Error(`mail servers: unusable user ${JSON.stringify(name)}`);
    users[name] = { email: `${name.toLowerCase()}@${domain}`, password };
  }
  return users as MailUsers;
}

/** Starts Dovecot and the SMTP submission server; resolves once every port accepts connections. */
export async function startMailServers(opts: StartMailServersOptions = {}): Promise<MailServers> {
  const domain = (opts.domain ?? "example.test").toLowerCase();
  const envPeer = process.env.MAIL_SMTP_PEER;
  const smtpPeer: SmtpPeer = opts.smtpPeer ?? (envPeer === "node" || envPeer === "postfix" ? envPeer : IS_ROOT ? "postfix" : "node");
  if (smtpPeer === "postfix" && !IS_ROOT) throw new Error("mail servers: smtpPeer 'postfix' needs root (use smtpPeer 'node')");

  const packages: DebianPackage[] = [
    { name: "dovecot-imapd", provides: DOVECOT },
    { name: "dovecot-imapd", provides: "/usr/lib/dovecot/imap" },
    { name: "dovecot-lmtpd", provides: "/usr/lib/dovecot/lmtp" },
    { name: "openssl", provides: "/usr/bin/openssl" },
  ];
  if (smtpPeer === "postfix") packages.push({ name: "postfix", provides: POSTFIX_MASTER });
  await ensureDebianPackages(packages, "the mail servers (Dovecot" + (smtpPeer === "postfix" ? ", Postfix)" : ")"));

  const ownDir = opts.dir === undefined;
  const keepDir = !ownDir || process.env.MAIL_SERVERS_KEEP === "1";
  const { user: mailUser, group: mailGroup } = userAndGroup();

  // A crashed run in a given directory may still be running in it (and hold its ports): stop it.
  if (!ownDir) await stopStaleServers(path.resolve(opts.dir!));

  const envBase = process.env.MAIL_PORT_BASE ? Number(process.env.MAIL_PORT_BASE) : undefined;
  const { base, lock } = await claimPortBase(opts.portBase ?? envBase);
  const ports = portsOf(base);
  const dir = ownDir ? await fsp.mkdtemp(path.join(os.tmpdir(), OWN_DIR_PREFIX)) : path.resolve(opts.dir!);
  const children: { name: string; child: ChildProcess; logs: string[] }[] = [];
  try {
    for (const sub of ["tls", "log", "state", "mail", "postfix/etc", "postfix/spool", "postfix/data"]) {
      await fsp.mkdir(path.join(dir, sub), { recursive: true });
    }
    // mkdtemp makes 0700; the mail processes run as nobody and must reach their homes
    await fsp.chmod(dir, 0o755);
    if (IS_ROOT) {
      try {
        execFileSync("setpriv", [`--reuid=${mailUser}`, `--regid=${mailGroup}`, "--clear-groups", "test", "-x", path.join(dir, "mail")]);
      } catch {
        throw new Error(`mail servers: ${dir} is not reachable by user ${mailUser} (a parent directory is not world-executable); use a directory under /tmp`);
      }
      execFileSync("chown", ["-R", `${mailUser}:${mailGroup}`, path.join(dir, "mail")]);
    }
    // best effort: only used to clean up after a crash
    await fsp
      .mkdir(BASE_REGISTRY, { recursive: true })
      .then(() => fsp.writeFile(path.join(BASE_REGISTRY, String(base)), dir))
      .catch(() => undefined);

    const layout: Layout = {
      dir, base, domain, ports, mailUser, mailGroup,
      oauthUrl: opts.oauthIntrospectionUrl ?? `http://${HOST}:${ports.oauth}/dovecot/introspect`,
    };
    const users = buildUsers(domain, opts.extraUsers);
    await ensureTlsCertificate(dir);
    await fsp.writeFile(path.join(dir, "users"), Object.values(users).map((u) => `${u.email}:{PLAIN}${u.password}\n`).join(""), { mode: 0o644 });
    await fsp.writeFile(path.join(dir, "dovecot.conf"), dovecotConf(layout));
    await fsp.writeFile(path.join(dir, "dovecot-oauth2.conf.ext"), dovecotOauthConf(layout));
    // a stale anvil-auth-penalty socket from an earlier run re-enables the penalty (the team's
    // recipe measured ~5 s on the first login) and other stale sockets confuse the next start
    await fsp.rm(path.join(dir, "run"), { recursive: true, force: true });

    // -F: stay in the foreground so the harness owns the process (and its group)
    const dovecot = spawnDaemon("dovecot", DOVECOT, ["-F", "-c", path.join(dir, "dovecot.conf")], path.join(dir, "log/dovecot.stderr"));
    children.push({ name: "dovecot", child: dovecot, logs: [path.join(dir, "log/dovecot.stderr"), path.join(dir, "log/dovecot.log")] });

    if (smtpPeer === "postfix") {
      children.push(await startPostfix(layout));
    } else {
      children.push(await startNodePeer(layout));
    }

    await waitForPorts([ports.imap, ports.imaps, ports.lmtp, ports.smtp, ports.smtps], children, 20_000);

    const certPath = path.join(dir, "tls/cert.pem");
    const info: MailServersInfo = {
      host: HOST, domain, portBase: base,
      imapPort: ports.imap, imapsPort: ports.imaps, lmtpPort: ports.lmtp,
      smtpPort: ports.smtp, smtpsPort: ports.smtps,
      oauthPort: ports.oauth, oauthIntrospectionUrl: layout.oauthUrl,
      smtpPeer, caPem: await fsp.readFile(certPath, "utf8"), certPath, users, dir,
    };
    await fsp.writeFile(path.join(dir, "info.json"), JSON.stringify(info, null, 2));

    let stopped: Promise<void> | undefined;
    const stop = () =>
      (stopped ??= (async () => {
        await Promise.all(
          children.map(async ({ child }) => {
            if (child.pid === undefined) return;
            await terminateGroup(child.pid);
            liveGroups.delete(child.pid);
          }),
        );
        lock.close();
        await fsp.rm(path.join(BASE_REGISTRY, String(base)), { force: true });
        if (!keepDir) await fsp.rm(dir, { recursive: true, force: true });
      })());

    return {
      ...info,
      info,
      doveadm: (args) => doveadm(info, args),
      appendMessages: (userEmail, folder, messages, o) => appendMessages(info, userEmail, folder, messages, o),
      createFolder: (userEmail, name) => createFolder(info, userEmail, name),
      resetUser: (userEmail) => resetUser(info, userEmail),
      stop,
    };
  } catch (err) {
    for (const { child } of children) if (child.pid !== undefined) await terminateGroup(child.pid, 2_000);
    lock.close();
    await fsp.rm(path.join(BASE_REGISTRY, String(base)), { force: true });
    // the error message already carries the log tails
    if (!keepDir) await fsp.rm(dir, { recursive: true, force: true });
    throw err;
  }
}

async function startPostfix(l: Layout): Promise<{ name: string; child: ChildProcess; logs: string[] }> {
  const etc = path.join(l.dir, "postfix/etc");
  await fsp.writeFile(path.join(etc, "main.cf"), postfixMainCf(l));
  await fsp.writeFile(path.join(etc, "master.cf"), postfixMasterCf(l));
  const domainRe = l.domain.replaceAll(".", "\\.");
  await fsp.writeFile(path.join(etc, "catchall"), `if !/@${domainRe}$/\n/.*/ catchall@${l.domain}\nendif\n`);
  // Postfix re-reads a config file it sees modified within the last second ("let it cool
  // down"), which costs ~2 s at every start: backdate the freshly written files
  const past = new Date(Date.now() - 10_000);
  for (const f of ["main.cf", "master.cf", "catchall"]) await fsp.utimes(path.join(etc, f), past, past);
  execFileSync("chown", ["postfix", path.join(l.dir, "postfix/data")]);
  // `postfix check` creates the queue directories with Postfix's owners and modes
  if (!fs.existsSync(path.join(l.dir, "postfix/spool/pid"))) await execFileText(POSTFIX, ["-c", etc, "check"]);
  // Without -d/-i Postfix's master stays in the foreground but calls setsid(), so it leads its
  // own process group either way; on SIGTERM it signals that group itself.
  const child = spawnDaemon("postfix", POSTFIX_MASTER, ["-c", etc], path.join(l.dir, "log/postfix.stderr"));
  return { name: "postfix", child, logs: [path.join(l.dir, "log/postfix.stderr"), path.join(l.dir, "log/postfix.log")] };
}

async function startNodePeer(l: Layout): Promise<{ name: string; child: ChildProcess; logs: string[] }> {
  const script = path.join(l.dir, "smtp-peer.cjs");
  await fsp.writeFile(script, SMTP_PEER_SCRIPT);
  const { NODE_OPTIONS: _drop, ...env } = process.env; // vitest's loader options are not for this child
  const logFile = path.join(l.dir, "log/smtp-peer.log");
  const child = spawnDaemon("smtp-peer", process.execPath, [script], logFile, {
    ...env,
    MAIL_DIR: l.dir,
    MAIL_DOMAIN: l.domain,
    LMTP_PORT: String(l.ports.lmtp),
    SMTP_PORT: String(l.ports.smtp),
    SMTPS_PORT: String(l.ports.smtps),
    OAUTH_URL: l.oauthUrl,
    SMTP_SERVER_MODULE: require.resolve("smtp-server"),
    NODEMAILER_MODULE: require.resolve("nodemailer"),
  });
  if (child.pid !== undefined) await fsp.writeFile(path.join(l.dir, "smtp-peer.pid"), `${child.pid}\n`);
  return { name: "smtp-peer", child, logs: [logFile] };
}

// ---------------------------------------------------------------------------------------------
// Helpers usable from test files with the provided info object
// ---------------------------------------------------------------------------------------------

/** Runs `doveadm -c <dir>/dovecot.conf ...args` against the instance; resolves with stdout. */
export function doveadm(info: MailServersInfo, args: string[]): Promise<string> {
  return execFileText(DOVEADM, ["-c", path.join(info.dir, "dovecot.conf"), ...args]);
}

function findUser(info: MailServersInfo, email: string): MailUser {
  const user = Object.values(info.users).find((u) => u.email === email.toLowerCase());
  if (!user) throw new Error(`mail servers: unknown user ${email} (known: ${Object.values(info.users).map((u) => u.email).join(", ")})`);
  return user;
}

/** Creates and subscribes a folder (UTF-8 name, "/" separates levels); fine if it exists. */
export async function createFolder(info: MailServersInfo, userEmail: string, name: string): Promise<void> {
  const user = findUser(info, userEmail);
  try {
    await doveadm(info, ["mailbox", "create", "-s", "-u", user.email, name]);
  } catch (err) {
    // doveadm says "Mailbox already exists" and exits non-zero
    if (!/already exists/i.test(String((err as { stderr?: string }).stderr ?? ""))) throw err;
  }
}

/**
 * Empties a user's account: all messages and every folder, as if the user had never logged in
 * (the next session re-creates INBOX and the auto folders). Open sessions are kicked first.
 * UIDVALIDITY keeps moving forward because Maildir's `dovecot-uidvalidity` files are kept, so a
 * client that cached the old state sees the reset as a new mailbox, as it would on a real server.
 */
export async function resetUser(info: MailServersInfo, userEmail: string): Promise<void> {
  const user = findUser(info, userEmail);
  await doveadm(info, ["kick", user.email]).catch(() => undefined); // "no users kicked" is fine
  const [local = "", domain = ""] = user.email.split("@");
  const maildir = path.join(info.dir, "mail", domain, local, "Maildir");
  const entries = await fsp.readdir(maildir).catch(() => [] as string[]);
  await Promise.all(
    entries
      .filter((e) => !e.startsWith("dovecot-uidvalidity"))
      .map((e) => fsp.rm(path.join(maildir, e), { recursive: true, force: true })),
  );
}

/**
 * Stores messages in a folder through IMAP MULTIAPPEND with LITERAL+ (RFC 3502/7888), 1,000
 * messages (or 32 MiB) per command: 10,000 small messages load in well under a second, where an
 * APPEND per message takes ~38 s. The folder is created if missing. Strings have their line
 * ends normalised to CRLF; Buffers are stored byte for byte.
 */
export async function appendMessages(
  info: MailServersInfo,
  userEmail: string,
  folder: string,
  messages: (string | Buffer)[],
  opts: AppendOptions = {},
): Promise<void> {
  const user = findUser(info, userEmail);
  const session = await ImapWire.login(info, user);
  try {
    const mailbox = quoteImap(encodeMailboxName(folder));
    // "NO [ALREADYEXISTS] Mailbox already exists" (and NO for INBOX) is fine; a real problem
    // surfaces in the APPEND's own answer
    await session.command([`CREATE ${mailbox}`]).catch(() => undefined);
    const attrs =
      (opts.flags?.length ? ` (${opts.flags.join(" ")})` : "") +
      (opts.internalDate ? ` ${quoteImap(formatInternalDate(opts.internalDate))}` : "");
    const bodies = messages.map((m) => (typeof m === "string" ? Buffer.from(m.replace(/\r?\n/g, "\r\n")) : m));
    for (let i = 0; i < bodies.length; ) {
      const parts: (string | Buffer)[] = [`APPEND ${mailbox}`];
      let bytes = 0;
      let count = 0;
      while (i < bodies.length && count < 1000 && (count === 0 || bytes < 32 * 1024 * 1024)) {
        const body = bodies[i++]!;
        parts.push(`${attrs} {${body.length}+}\r\n`, body);
        bytes += body.length;
        count++;
      }
      await session.command(parts);
    }
  } finally {
    await session.logout();
  }
}

/** RFC 3501 modified UTF-7 for mailbox names (Dovecot 2.3 has no UTF8=ACCEPT). */
export function encodeMailboxName(name: string): string {
  let out = "";
  for (let i = 0; i < name.length; ) {
    const code = name.charCodeAt(i);
    if (code >= 0x20 && code <= 0x7e) {
      out += code === 0x26 ? "&-" : name[i];
      i++;
      continue;
    }
    let j = i;
    while (j < name.length && (name.charCodeAt(j) < 0x20 || name.charCodeAt(j) > 0x7e)) j++;
    const utf16 = Buffer.alloc((j - i) * 2);
    for (let k = i; k < j; k++) utf16.writeUInt16BE(name.charCodeAt(k), (k - i) * 2);
    out += "&" + utf16.toString("base64").replace(/=+$/, "").replaceAll("/", ",") + "-";
    i = j;
  }
  return out;
}

function quoteImap(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => "\\" + c)}"`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
function formatInternalDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/**
 * A minimal IMAP client over implicit TLS, just enough for LOGIN / CREATE / APPEND with
 * non-synchronising literals. imapflow cannot send MULTIAPPEND, and one APPEND per message
 * waits a round trip each. Server responses are read line by line; none of the commands used
 * here gets literals back.
 */
class ImapWire {
  private buffered = Buffer.alloc(0);
  private lines: string[] = [];
  private waiter: (() => void) | undefined;
  private failure: Error | undefined;
  private tagCounter = 0;

  private constructor(private readonly socket: tls.TLSSocket) {
    socket.on("data", (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      let eol: number;
      while ((eol = this.buffered.indexOf("\r\n")) >= 0) {
        this.lines.push(this.buffered.subarray(0, eol).toString("utf8"));
        this.buffered = this.buffered.subarray(eol + 2);
      }
      this.wake();
    });
    const fail = (err: Error) => {
      this.failure ??= err;
      this.wake();
    };
    socket.on("error", fail);
    socket.on("close", () => fail(new Error("IMAP connection closed")));
  }

  static async login(info: MailServersInfo, user: MailUser): Promise<ImapWire> {
    const socket = tls.connect({ host: info.host, port: info.imapsPort, ca: info.caPem });
    const wire = new ImapWire(socket);
    await wire.nextLine(); // greeting: "* OK [CAPABILITY ...] Dovecot ready."
    await wire.command([`LOGIN ${quoteImap(user.email)} ${quoteImap(user.password)}`]);
    return wire;
  }

  private wake() {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  private async nextLine(): Promise<string> {
    for (;;) {
      const line = this.lines.shift();
      if (line !== undefined) return line;
      if (this.failure) throw this.failure;
      await new Promise<void>((r) => (this.waiter = r));
    }
  }

  /** Sends one tagged command (parts are concatenated) and resolves on its tagged OK. */
  async command(parts: (string | Buffer)[]): Promise<string> {
    const tag = `H${++this.tagCounter}`;
    const all = [`${tag} `, ...parts, "\r\n"];
    for (const part of all) {
      if (!this.socket.write(part)) await once(this.socket, "drain");
    }
    for (;;) {
      const line = await this.nextLine();
      if (!line.startsWith(`${tag} `)) continue; // untagged data
      if (line.startsWith(`${tag} OK`)) return line;
      const verb = String(parts[0]).split(" ")[0];
      throw new Error(`IMAP ${verb} failed: ${line.slice(tag.length + 1)}`);
    }
  }

  async logout(): Promise<void> {
    try {
      if (!this.failure) await this.command(["LOGOUT"]);
    } catch {
      // "* BYE" then close: a closed socket is the expected end
    } finally {
      this.socket.destroy();
    }
  }
}
