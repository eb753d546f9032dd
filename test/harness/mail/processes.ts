/** Running the servers' processes: spawning daemons in their own groups, finding and stopping them. */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

export const IS_ROOT = process.getuid?.() === 0;

export function execFileText(file: string, args: string[], opts: { timeoutMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { maxBuffer: 64 * 1024 * 1024, timeout: opts.timeoutMs ?? 60_000 }, (err, stdout, stderr) => {
      if (err) {
        reject(Object.assign(new Error(`${path.basename(file)} ${args.join(" ")} failed: ${stderr.trim() || err.message}`), { cause: err, stdout, stderr }));
      } else resolve(stdout);
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The PID in `pidFile` if that process is alive, is `comm` and mentions `needle` on its command line. */
export function livePidFromFile(pidFile: string, comm: string, needle: string): number | undefined {
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
export async function terminateGroup(pgid: number, graceMs = 10_000): Promise<void> {
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

/** Stops dovecot / postfix / smtp-peer that a previous run started in `dir`; true if any ran. */
export async function stopStaleServers(dir: string): Promise<boolean> {
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

/** Process groups of every running instance, killed synchronously if the process exits early. */
export const liveGroups = new Set<number>();
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

export function tail(file: string, lines = 25): string {
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
export function spawnDaemon(name: string, file: string, args: string[], logFile: string, env?: NodeJS.ProcessEnv): ChildProcess {
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
