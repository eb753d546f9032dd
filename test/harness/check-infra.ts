/**
 * `npm run check:infra`: type-checks sst.config.ts against the real SST platform types, so a
 * wrong prop, runtime, schedule or method on a component fails before anyone deploys.
 *
 * `sst deploy` needs AWS, but the platform types come from `sst install`, which writes
 * `.sst/platform/` (gitignored, ~320 MB, ~45 s the first time). Plain `sst install` would
 * download Pulumi from GitHub; with SST_SKIP_DEPENDENCY_CHECK=1 it installs through npm alone.
 * It also needs a stage even though nothing it writes depends on one.
 *
 * Steps:
 * 1. If `.sst/platform/config.d.ts` is missing, or `.sst/platform/version` differs from the
 *    installed `sst` package, run `sst install` (output streamed).
 * 2. `tsc --noEmit -p tsconfig.infra.json` (typescript 7, native); exit non-zero on errors.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const bin = (name: string) => join(root, "node_modules", ".bin", name);
const platform = join(root, ".sst", "platform");

function fail(message: string): never {
  console.error(`check:infra: ${message}`);
  process.exit(1);
}

/** Runs a command from the repo root with inherited stdio; returns its exit status. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env });
  if (result.error) fail(`could not start ${command}: ${result.error.message}`);
  if (result.signal) fail(`${command} was killed by ${result.signal}`);
  return result.status ?? 1;
}

function installedSstVersion(): string {
  const pkg = join(root, "node_modules", "sst", "package.json");
  if (!existsSync(pkg) || !existsSync(bin("sst"))) fail("the sst package is not installed: run `npm install` first");
  return (JSON.parse(readFileSync(pkg, "utf8")) as { version: string }).version;
}

/** Why the platform types must be (re)installed, or undefined when they are in place. */
function platformStaleReason(wanted: string): string | undefined {
  if (!existsSync(join(platform, "config.d.ts"))) return ".sst/platform/config.d.ts is missing";
  // A half-finished install leaves config.d.ts without the Pulumi types it imports.
  if (!existsSync(join(platform, "node_modules", "@pulumi", "aws", "package.json"))) return ".sst/platform/node_modules is incomplete";
  const versionFile = join(platform, "version");
  const have = existsSync(versionFile) ? readFileSync(versionFile, "utf8").trim() : "none";
  if (have !== wanted) return `.sst/platform is for sst ${have}, the project uses sst ${wanted}`;
  return undefined;
}

const version = installedSstVersion();
const reason = platformStaleReason(version);
if (reason) {
  console.log(`check:infra: ${reason}; running \`sst install\` (npm only, ~45 s the first time)...`);
  const status = run(bin("sst"), ["install"], {
    ...process.env,
    SST_SKIP_DEPENDENCY_CHECK: "1", // no Pulumi/bun download from GitHub: npm only
    SST_NO_BUN: "1",
    SST_TELEMETRY_DISABLED: "1",
    // `sst install` refuses to run without a stage; nothing it writes depends on it.
    SST_STAGE: process.env.SST_STAGE || "infra-check",
  });
  if (status !== 0) fail(`\`sst install\` failed (exit ${status}); see its output above`);
  const still = platformStaleReason(version);
  if (still) fail(`\`sst install\` finished but ${still}`);
}

if (!existsSync(bin("tsc"))) fail("node_modules/.bin/tsc is missing: run `npm install` first");
console.log("check:infra: tsc --noEmit -p tsconfig.infra.json");
const status = run(bin("tsc"), ["--noEmit", "-p", "tsconfig.infra.json"]);
if (status !== 0) fail(`sst.config.ts does not type-check against the sst ${version} platform (exit ${status})`);
console.log("check:infra: sst.config.ts type-checks");
