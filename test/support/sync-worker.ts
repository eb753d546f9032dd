/**
 * A sync worker in its own process, for crash tests: runs ONE real sync job (core/sync's
 * runSyncJob, as functions/sync does for an SQS record) against the dynalite, secret store and
 * mail server the test started, so the test can kill it with SIGKILL mid-sync.
 * Environment: DYNAMO_ENDPOINT, SQS_ENDPOINT, QUEUE_URL, TABLES (JSON), SECRET_DIR, IMAP_CA,
 * JOB (JSON), LEASE_SECONDS, CHUNK_SIZE, WRITE_DELAY_MS (holds each mail write: a slow, killable sync).
 */
import { createLogger } from "../../core/shared/log";
import { runSyncJob } from "../../core/sync/index";
import { syncDepsFor } from "./sync-stack";

const env = process.env;
const deps = syncDepsFor(
  { tables: JSON.parse(env.TABLES!), dynamoEndpoint: env.DYNAMO_ENDPOINT!, secretDir: env.SECRET_DIR!, queueUrl: env.QUEUE_URL!, sqsEndpoint: env.SQS_ENDPOINT! },
  { caPem: env.IMAP_CA },
  { log: createLogger({ fn: "sync-worker" }, "error"), chunkSize: Number(env.CHUNK_SIZE ?? 500), leaseSeconds: Number(env.LEASE_SECONDS ?? 60) },
);
const { db } = deps;
const delay = Number(env.WRITE_DELAY_MS ?? 0);
if (delay) {
  const write = db.batchWrite.bind(db);
  db.batchWrite = async (...args: Parameters<typeof db.batchWrite>) => {
    await new Promise((r) => setTimeout(r, delay));
    return write(...args);
  };
}
const outcome = await runSyncJob(deps, JSON.parse(env.JOB!));
console.log(JSON.stringify(outcome));
process.exit(0);
