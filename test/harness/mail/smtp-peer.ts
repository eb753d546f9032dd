/** The SMTP submission server for non-root runs: smtp-server in a child node process. */
import type { ChildProcess } from "node:child_process";
import fsp from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { spawnDaemon } from "./processes";
import type { Layout } from "./types";

const require = createRequire(import.meta.url);

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

export async function startNodePeer(l: Layout): Promise<{ name: string; child: ChildProcess; logs: string[] }> {
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
