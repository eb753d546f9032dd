/** Installing the Debian packages the harness needs (Dovecot, Postfix, Chromium...), as root only. */
import { spawn } from "node:child_process";
import { once } from "node:events";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { IS_ROOT } from "./processes";

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
