/**
 * vitest globalSetup of the "integration" project: starts the real mail servers once, provides
 * their description to every test file (`inject("mail")`), and stops them after the run.
 * It runs in vitest's main process, so the servers outlive the per-file workers.
 */
import type { TestProject } from "vitest/node";
import { startMailServers } from "./mail-servers";
import { ensureChromium } from "./chromium";
import { OAUTH_TEST_USERS, startOAuthPeer } from "./oauth-peer";
import "./provided";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Debian's Chromium is installed here, once, when missing (as root): a first apt-get update and
  // download can take minutes, longer than any test hook may wait.
  const installing = Date.now();
  await ensureChromium();
  if (Date.now() - installing > 1000) console.log(`[browser] Chromium ready after ${Date.now() - installing} ms`);
  const started = Date.now();
  const servers = await startMailServers({ extraUsers: OAUTH_TEST_USERS });
  console.log(
    `[mail-servers] Dovecot + ${servers.smtpPeer} ready in ${Date.now() - started} ms on 127.0.0.1 ` +
      `(IMAP ${servers.imapPort}, IMAPS ${servers.imapsPort}, SMTP ${servers.smtpPort}, SMTPS ${servers.smtpsPort}, ` +
      `LMTP ${servers.lmtpPort}) in ${servers.dir}`,
  );
  project.provide("mail", servers.info);
  // the authorization server whose tokens Dovecot's oauth2 passdb introspects (XOAUTH2 tests)
  const oauth = await startOAuthPeer(servers.info);
  project.provide("oauth", { url: oauth.url });

  return async () => {
    await oauth.stop();
    const stopping = Date.now();
    await servers.stop();
    console.log(`[mail-servers] stopped in ${Date.now() - stopping} ms`);
  };
}
