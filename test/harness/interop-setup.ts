/**
 * vitest globalSetup of the "interop" project: Dovecot and Postfix (the harness's own set) plus
 * Cyrus IMAP, Courier-IMAP, Exim and the Node smtp-server peer, started once for the whole interop suite and stopped after.
 */
import type { TestProject } from "vitest/node";
import { startMailServers } from "./mail-servers";
import { startInteropServers } from "./interop-servers";
import "./provided";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const servers = await startMailServers();
  // the third SMTP submission implementation: the harness's own smtp-server (Node) peer, with its
  // own Dovecot for delivery; the same users and passwords as the first set
  const nodePeer = await startMailServers({ smtpPeer: "node" }).catch(async (err: unknown) => {
    await servers.stop();
    throw err;
  });
  const interop = await startInteropServers(servers.info).catch(async (err: unknown) => {
    await Promise.all([servers.stop(), nodePeer.stop()]);
    throw err;
  });
  console.log(`[interop] Dovecot, ${servers.smtpPeer}, Cyrus, Courier, Exim and smtp-server ready in ${Date.now() - started} ms (port block ${servers.portBase}, ${servers.dir})`);
  project.provide("mail", servers.info);
  project.provide("interop", { cyrus: interop.cyrus, courier: interop.courier, exim: interop.exim, smtpServer: { smtpPort: nodePeer.smtpPort, smtpsPort: nodePeer.smtpsPort, caPem: nodePeer.caPem } });
  return async () => {
    await interop.stop();
    await Promise.all([servers.stop(), nodePeer.stop()]);
  };
}
