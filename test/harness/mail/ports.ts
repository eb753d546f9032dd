/**
 * The port layout of an instance (see test/harness/mail-servers.ts) and claiming a base: a lock
 * port held while the servers run, and servers a crashed run left on the base stopped first.
 */
import type { ChildProcess } from "node:child_process";
import fsp from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { sleep, stopStaleServers, tail } from "./processes";

export const HOST = "127.0.0.1" as const;
const PORT_OFFSETS = { lock: 0, lmtp: 24, oauth: 80, imap: 143, smtps: 465, smtp: 587, imaps: 993 } as const;
const DEFAULT_BASES = Array.from({ length: 30 }, (_, i) => 31000 + i * 1000);

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

export function portsOf(base: number) {
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
export const BASE_REGISTRY = path.join(os.tmpdir(), `crm-mail-servers-bases-${process.getuid?.() ?? "user"}`);
/** Name prefix of the default directories (created by mkdtemp under os.tmpdir()). */
export const OWN_DIR_PREFIX = "crm-mail-servers-run-";

/**
 * Locks a port base and checks that every port of it is free. Servers a crashed earlier run left
 * on this base (its lock port is free again, its other ports are not) are stopped by the PID
 * files in the directory that run recorded.
 */
export async function claimPortBase(explicit: number | undefined): Promise<{ base: number; lock: net.Server }> {
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

export async function waitForPorts(ports: number[], children: { name: string; child: ChildProcess; logs: string[] }[], timeoutMs: number) {
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
