/**
 * `npm start`: the whole system on this machine, on its embedded default (see README,
 * "Configuration"). Ctrl-C stops everything cleanly.
 */
import { startLocalStack } from "./stack";

import { ConfigError, readConfig, type Config } from "../shared/config";

const env = process.env;
let config: Config;
try {
  config = readConfig(env);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(err.message);
  process.exit(2);
}

const stack = await startLocalStack({
  port: config.PORT,
  dataDir: env.DATA_DIR || ".data",
  syncIntervalMinutes: config.SYNC_INTERVAL_MINUTES,
  scheduleEveryMs: config.SCHEDULE_EVERY_SECONDS === undefined ? undefined : config.SCHEDULE_EVERY_SECONDS * 1000,
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
