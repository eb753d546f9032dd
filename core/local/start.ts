/**
 * `npm start`: the whole system on this machine, on its embedded default (see README,
 * "Configuration"). Ctrl-C stops everything cleanly.
 */
import { startLocalStack } from "./stack";

const env = process.env;
const num = (name: string, fallback: number) => {
  const value = env[name];
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`${name} must be a non-negative number (got "${value}")`);
    process.exit(2);
  }
  return n;
};

const stack = await startLocalStack({
  port: num("PORT", 3000),
  dataDir: env.DATA_DIR || ".data",
  syncIntervalMinutes: num("SYNC_INTERVAL_MINUTES", 5),
  scheduleEveryMs: env.SCHEDULE_EVERY_SECONDS ? num("SCHEDULE_EVERY_SECONDS", 60) * 1000 : undefined,
  allowPrivateHosts: (env.ALLOW_PRIVATE_HOSTS as "none" | "loopback" | "private") || "loopback",
  admin: { email: env.ADMIN_EMAIL || "admin@crm-mail-sync.local", password: env.ADMIN_PASSWORD || undefined },
});

const lines = [
  "",
  "CRM Mail Sync is running.",
  `  Open: ${stack.url}/`,
  `  Data: ${env.DATA_DIR || ".data"} (DynamoDB by dynalite, encrypted secrets); queue: fauxqs in memory, unfinished jobs queued again at start`,
];
if (stack.createdAdmin) {
  lines.push(
    "",
    "  First administrator (shown only this once; change it after signing in):",
    `    email:    ${stack.createdAdmin.email}`,
    `    password: ${stack.createdAdmin.password}`,
  );
}
lines.push("", "Press Ctrl-C to stop.", "");
console.log(lines.join("\n"));

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping...`);
  const force = setTimeout(() => process.exit(1), 10_000);
  force.unref();
  await stack.stop();
  console.log("Stopped.");
  process.exit(0);
};
process.on("SIGINT", () => void stop("SIGINT"));
process.on("SIGTERM", () => void stop("SIGTERM"));
