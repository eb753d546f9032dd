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
 *
 * The parts live in ./mail/ by concern (ports, processes, Debian packages, certificates, users,
 * Dovecot and Postfix configuration, the Node SMTP peer, mailbox helpers); this file starts and
 * stops an instance and is the one module tests import.
 */
import { execFileSync, type ChildProcess } from "node:child_process";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ensureTlsCertificate } from "./mail/certificates";
import { ensureDebianPackages, type DebianPackage } from "./mail/debian-packages";
import { dovecotConf, dovecotOauthConf } from "./mail/dovecot-config";
import { appendMessages, createFolder, doveadm, resetUser } from "./mail/mailboxes";
import { BASE_REGISTRY, claimPortBase, HOST, OWN_DIR_PREFIX, portsOf, waitForPorts } from "./mail/ports";
import { POSTFIX_MASTER, startPostfix } from "./mail/postfix";
import { IS_ROOT, liveGroups, spawnDaemon, stopStaleServers, terminateGroup } from "./mail/processes";
import { startNodePeer } from "./mail/smtp-peer";
import type { Layout, MailServers, MailServersInfo, SmtpPeer, StartMailServersOptions } from "./mail/types";
import { buildUsers, userAndGroup } from "./mail/users";

export type { AppendOptions, MailServers, MailServersInfo, MailUser, MailUsers, SmtpPeer, StartMailServersOptions } from "./mail/types";
export { ensureDebianPackages, type DebianPackage } from "./mail/debian-packages";
export { appendMessages, createFolder, doveadm, encodeMailboxName, resetUser } from "./mail/mailboxes";

const DOVECOT = "/usr/sbin/dovecot";

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
      dir,
      base,
      domain,
      ports,
      mailUser,
      mailGroup,
      oauthUrl: opts.oauthIntrospectionUrl ?? `http://${HOST}:${ports.oauth}/dovecot/introspect`,
    };
    const users = buildUsers(domain, opts.extraUsers);
    await ensureTlsCertificate(dir);
    await fsp.writeFile(
      path.join(dir, "users"),
      Object.values(users)
        .map((u) => `${u.email}:{PLAIN}${u.password}\n`)
        .join(""),
      { mode: 0o644 },
    );
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
      host: HOST,
      domain,
      portBase: base,
      imapPort: ports.imap,
      imapsPort: ports.imaps,
      lmtpPort: ports.lmtp,
      smtpPort: ports.smtp,
      smtpsPort: ports.smtps,
      oauthPort: ports.oauth,
      oauthIntrospectionUrl: layout.oauthUrl,
      smtpPeer,
      caPem: await fsp.readFile(certPath, "utf8"),
      certPath,
      users,
      dir,
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
