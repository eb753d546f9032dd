/**
 * The other mail servers of the interop suite, beside the harness's Dovecot and Postfix:
 * Cyrus IMAP 3.6, Courier-IMAP 5.0, Exim 4.96 and Sendmail 8.17, private instances on loopback
 * started by interop-servers.sh. Sendmail is the third SMTP submission server because it is the
 * packaged MTA that runs entirely from a configuration file of our own (`-C`); Courier's MTA has
 * its /etc/courier and spool paths compiled in, OpenSMTPD 6.8 fails TLS with OpenSSL 3, and dma
 * does not listen (interop-servers.sh says more). Their Debian packages conflict with dovecot-imapd (imap-server) and postfix
 * (mail-transport-agent) in apt, so they are downloaded with `apt-get download` and unpacked with
 * `dpkg-deb -x` into a cache directory, once; the libraries and the tools they need (authlib,
 * sasl2-bin...) install normally. Needs root (the servers switch users, as in production).
 */
import fs from "node:fs";
import path from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { ensureDebianPackages, type MailServersInfo } from "./mail-servers";

const run = promisify(execFile);
const SCRIPT = path.join(path.dirname(new URL(import.meta.url).pathname), "interop-servers.sh");
/** Outside any worktree, so every clone and run reuses one unpacked copy. */
const CACHE = process.env.INTEROP_PACKAGE_CACHE ?? "/var/cache/crm-mail-sync-interop";
const UNPACKED = ["cyrus-common", "cyrus-imapd", "courier-base", "courier-imap", "exim4-daemon-heavy", "sendmail-bin", "sendmail-cf"] as const;

/** What the unpacked servers load, and the tools the script runs (each named by a file it provides). */
const LIBRARIES = [
  ["db-util", "/usr/bin/db_dump"],
  ["sasl2-bin", "/usr/sbin/saslpasswd2"],
  ["libsasl2-modules", "/usr/lib/x86_64-linux-gnu/sasl2/libplain.so"],
  ["courier-authdaemon", "/usr/sbin/authdaemond"],
  ["courier-authlib-userdb", "/usr/sbin/makeuserdb"],
  ["gnutls-bin", "/usr/bin/certtool"],
  ["libcourier-unicode4", "/usr/lib/x86_64-linux-gnu/libcourier-unicode.so.4"],
  ["libwrap0", "/usr/lib/x86_64-linux-gnu/libwrap.so.0"],
  ["libclamav12", "/usr/lib/x86_64-linux-gnu/libclamav.so.12"],
  ["libical3", "/usr/lib/x86_64-linux-gnu/libical.so.3"],
  ["libicu72", "/usr/lib/x86_64-linux-gnu/libicuuc.so.72"],
  ["libjansson4", "/usr/lib/x86_64-linux-gnu/libjansson.so.4"],
  ["libxapian30", "/usr/lib/x86_64-linux-gnu/libxapian.so.30"],
  ["libzephyr4", "/usr/lib/x86_64-linux-gnu/libzephyr.so.4"],
  ["libpq5", "/usr/lib/x86_64-linux-gnu/libpq.so.5"],
  ["libpcre3", "/usr/lib/x86_64-linux-gnu/libpcre.so.3"],
  ["libgamin0", "/usr/lib/x86_64-linux-gnu/libfam.so.0"],
  ["libidn12", "/usr/lib/x86_64-linux-gnu/libidn.so.12"],
  ["libgnutls-dane0", "/usr/lib/x86_64-linux-gnu/libgnutls-dane.so.0"],
  ["libmariadb3", "/usr/lib/x86_64-linux-gnu/libmariadb.so.3"],
  ["libspf2-2", "/usr/lib/libspf2.so.2"],
  ["libperl5.36", "/usr/lib/x86_64-linux-gnu/libperl.so.5.36"],
  ["m4", "/usr/bin/m4"],
  ["libldap-2.5-0", "/usr/lib/x86_64-linux-gnu/libldap-2.5.so.0"],
  ["libnsl2", "/usr/lib/x86_64-linux-gnu/libnsl.so.2"],
  ["libdb5.3", "/usr/lib/x86_64-linux-gnu/libdb-5.3.so"],
] as const;

async function ensurePackages(): Promise<string> {
  await ensureDebianPackages(
    LIBRARIES.map(([name, provides]) => ({ name, provides })),
    "the interop mail servers",
  );
  const root = path.join(CACHE, "root");
  const missing = UNPACKED.filter((p) => !fs.existsSync(path.join(root, p, "usr")));
  if (missing.length === 0) return root;
  const debs = path.join(CACHE, "debs");
  fs.mkdirSync(debs, { recursive: true });
  const download = () => run("apt-get", ["download", ...missing], { cwd: debs });
  await download().catch(async () => {
    await run("apt-get", ["update", "-q"]);
    await download();
  });
  fs.mkdirSync(root, { recursive: true });
  for (const name of missing) {
    const deb = fs.readdirSync(debs).find((f) => f.startsWith(`${name}_`) && f.endsWith(".deb"));
    if (!deb) throw new Error(`apt-get download ${name} left no .deb in ${debs}`);
    await run("dpkg-deb", ["-x", path.join(debs, deb), path.join(root, name)]);
  }
  return root;
}

export interface InteropServersInfo {
  cyrus: { imapPort: number; imapsPort: number; sentFolder: string };
  courier: { imapPort: number; imapsPort: number; sentFolder: string };
  exim: { smtpPort: number; smtpsPort: number };
  /** Relays what it accepts to the harness's Dovecot over LMTP. */
  sendmail: { smtpPort: number; smtpsPort: number };
}

export interface InteropServers extends InteropServersInfo {
  stop(): Promise<void>;
}

/** Starts Cyrus, Courier, Exim and Sendmail for the users of a running Dovecot/Postfix set, in its directory, on its port block. */
export async function startInteropServers(mail: MailServersInfo): Promise<InteropServers> {
  if (process.getuid?.() !== 0) throw new Error("The interop mail servers need root (they switch to their own users, as in production).");
  const root = await ensurePackages();
  const dir = path.join(mail.dir, "interop");
  fs.mkdirSync(dir, { recursive: true });
  const users = Object.values(mail.users).map((u) => `${u.email}:${u.password}`);
  await run("bash", [SCRIPT, root, dir, String(mail.portBase), mail.certPath, path.join(path.dirname(mail.certPath), "key.pem"), ...users], { timeout: 120_000 });
  const b = mail.portBase;
  const stop = async () => {
    // sendmail's pid file has the pid on line 1 (its command line follows)
    for (const pidFile of ["cyrus/run/master.pid", "courier/run/imap.pid", "courier/run/imaps.pid", "courier/run/authdaemond.pid", "exim/daemon.pid", "sendmail/sendmail.pid"]) {
      const file = path.join(dir, pidFile);
      if (!fs.existsSync(file)) continue;
      const pid = Number(fs.readFileSync(file, "utf8").split("\n")[0]!.trim());
      if (pid > 0) {
        try {
          process.kill(pid, "SIGTERM");
        } catch {
          // already gone
        }
      }
    }
  };
  return {
    cyrus: { imapPort: b + 200, imapsPort: b + 201, sentFolder: "Gesendet" },
    courier: { imapPort: b + 210, imapsPort: b + 211, sentFolder: "INBOX.送信済みアイテム" },
    exim: { smtpPort: b + 220, smtpsPort: b + 221 },
    sendmail: { smtpPort: b + 230, smtpsPort: b + 231 },
    stop,
  };
}
