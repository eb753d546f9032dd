/**
 * vitest globalSetup of the "interop" project: Dovecot and Postfix (the harness's own set) plus
 * Cyrus IMAP, Courier-IMAP, Exim and Sendmail, started once for the whole interop suite and stopped after.
 */
import type { TestProject } from "vitest/node";
import { startMailServers } from "./mail-servers";
import { startInteropServers } from "./interop-servers";
import "./provided";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const servers = await startMailServers();
  const interop = await startInteropServers(servers.info).catch(async (err: unknown) => {
    await servers.stop();
    throw err;
  });
  console.log(`[interop] Dovecot, ${servers.smtpPeer}, Cyrus, Courier, Exim and Sendmail ready in ${Date.now() - started} ms (port block ${servers.portBase}, ${servers.dir})`);
  project.provide("mail", servers.info);
  project.provide("interop", { cyrus: interop.cyrus, courier: interop.courier, exim: interop.exim, sendmail: interop.sendmail });
  return async () => {
    await interop.stop();
    await servers.stop();
  };
}
