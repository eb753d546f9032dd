/**
 * A sync worker in its own process, for crash tests: runs ONE real sync job (core/sync's
 * runSyncJob, as functions/sync does for an SQS record) against the dynalite, secret store and
 * mail server the test started, so the test can kill it with SIGKILL mid-sync.
 * Environment: DYNAMO_ENDPOINT, SQS_ENDPOINT, QUEUE_URL, TABLES (JSON), SECRET_DIR, IMAP_CA,
 * JOB (JSON), LEASE_SECONDS, CHUNK_SIZE, WRITE_DELAY_MS (holds each mail write: a slow, killable sync).
 */
import { localDynamo, localSqs } from "../../core/local/emulators";
import { Db } from "../../core/store/db";
import { FileSecretStore } from "../../core/secrets/index";
import { SqsJobQueue } from "../../core/queue/index";
import { createLogger } from "../../core/shared/log";
import { runSyncJob } from "../../core/sync/index";

const env = process.env;
const db = new Db(JSON.parse(env.TABLES!), localDynamo(env.DYNAMO_ENDPOINT!));
const delay = Number(env.WRITE_DELAY_MS ?? 0);
if (delay) {
  const write = db.batchWrite.bind(db);
  db.batchWrite = async (...args: Parameters<Db["batchWrite"]>) => {
    await new Promise((r) => setTimeout(r, delay));
    return write(...args);
  };
}
const outcome = await runSyncJob(
  {
    db,
    secrets: new FileSecretStore(env.SECRET_DIR!),
    queue: new SqsJobQueue(env.QUEUE_URL!, localSqs(env.SQS_ENDPOINT!)),
    log: createLogger({ fn: "sync-worker" }, "error"),
    hostAllowance: "loopback",
    imapCa: env.IMAP_CA,
    remainingMs: () => 300_000,
    chunkSize: Number(env.CHUNK_SIZE ?? 500),
    leaseSeconds: Number(env.LEASE_SECONDS ?? 60),
  },
  JSON.parse(env.JOB!),
);
console.log(JSON.stringify(outcome));
process.exit(0);
