import { mkdir, mkdtemp } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Db } from "../store/db";
import { ensureBootstrapAdmin } from "../users/index";
import { createLogger } from "../shared/log";
import { ensureQueues, ensureSendQueues, ensureTables, ensureWebhookQueues, localDynamo, localSqs, startDynalite, startFauxqs, LOCAL_REGION } from "./emulators";
import { startGateway } from "./gateway";
import { startPoller } from "./poller";
import { startSchedule } from "./scheduler";
import { requeueUnfinished } from "./requeue";
import { SqsJobQueue } from "../queue/index";
import { localAlarms, metricSink } from "../monitoring/index";
import { requeueOutgoing, SqsSendQueue } from "../sending/index";

/** Options of the local runtime; every one has a default that suits `npm start`. */
export interface LocalStackOptions {
  /** Where dynalite's LevelDB and the encrypted secrets live. Unset: in memory and a temp dir (tests). */
  dataDir?: string;
  /** HTTP port on 127.0.0.1 for console and API. Default 0 (any free port). */
  port?: number;
  /** Minutes between two syncs of one account, as in AWS. Default 5. */
  syncIntervalMinutes?: number;
  /** How often the local schedule calls fan-out. Default: every syncIntervalMinutes. */
  scheduleEveryMs?: number;
  /** Whether to run the schedule at all (tests drive fan-out themselves). Default true. */
  schedule?: boolean;
  /** Whether a contact gaining an address queues a sync of every mailbox at once. Default: as `schedule`. */
  syncOnContactChange?: boolean;
  /** How often the monitor runs. Default 5 minutes. */
  monitorEveryMs?: number;
  /** The built console. Default web/dist. */
  staticDir?: string;
  /** Which internal ranges mailbox hosts may resolve to. Default "loopback" (local servers). */
  allowPrivateHosts?: "none" | "loopback" | "private";
  /** Extra CA certificate (PEM) trusted for IMAP, e.g. a test server's self-signed one. */
  imapCaPem?: string;
  /** Seconds before a failed job is received again (AWS: 6 minutes). Default 30. */
  queueVisibilitySeconds?: number;
  /** The first admin. Default admin@crm-mail-sync.local with a generated password. */
  admin?: { email: string; password?: string };
  /**
   * Where the CloudWatch alarm rules, evaluated locally over the metrics the functions write
   * (core/monitoring/local-alarms.ts), print each change to ALARM or OK. Default: stdout.
   */
  onAlarm?: (line: string) => void;
}

export interface LocalStack {
  url: string;
  dynamoEndpoint: string;
  sqsEndpoint: string;
  queueUrl: string;
  dlqUrl: string;
  /** The webhook delivery queue (functions/webhooks.ts polls it). */
  webhookQueueUrl: string;
  webhookDlqUrl: string;
  /** Runs the job monitor now (as its schedule would). */
  monitor(): Promise<unknown>;
  /** The send queue (functions/send.ts polls it) and its dead-letter queue. */
  sendQueueUrl: string;
  sendDlqUrl: string;
  /** Where uploaded attachments are kept (the local stand-in for the S3 bucket). */
  uploadDir: string;
  tables: { main: string; mail: string };
  secretDir: string;
  /** Set when this start created the first admin: the only time its password is known. */
  createdAdmin?: { email: string; password: string };
  /** Runs fan-out now (as the schedule would). */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

const APP = "crm-mail-sync";
const STAGE = "local";

/**
 * Starts the whole system on 127.0.0.1: dynalite, fauxqs (queue + DLQ with redrive), the
 * encrypted secret store, the gateway in front of the real API handler and the console, the
 * schedule calling the real fan-out handler and the poller feeding the real sync handler.
 * The handlers are imported only after the environment that links them is in place.
 * One stack per process: handler modules keep their clients per cold start, as in Lambda.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  // The AWS SDK warns on every start that Node 20 support ends in 2027: true, and irrelevant to
  // the product (Lambda runs nodejs24.x); the local runtime keeps working on both.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const log = createLogger({ fn: "local" });
  const dataDir = options.dataDir ? resolve(options.dataDir) : await mkdtemp(join(tmpdir(), "crm-mail-sync-"));
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const secretDir = join(dataDir, "secrets");
  const dynamo = await startDynalite({ path: options.dataDir ? join(dataDir, "dynamo") : undefined });
  const sqs = await startFauxqs();
  const tables = { main: `${APP}-${STAGE}-Main`, mail: `${APP}-${STAGE}-Mail` };
  await ensureTables(dynamo.endpoint, [tables.main, tables.mail]);
  const queues = await ensureQueues(sqs.endpoint, `${APP}-${STAGE}`, options.queueVisibilitySeconds ?? 30);
  const webhookQueues = await ensureWebhookQueues(sqs.endpoint, `${APP}-${STAGE}`);
  const sendQueues = await ensureSendQueues(sqs.endpoint, `${APP}-${STAGE}`);
  const uploadDir = join(dataDir, "uploads");
  const interval = options.syncIntervalMinutes ?? 5;

  Object.assign(process.env, {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_SQS: sqs.endpoint,
    SST_RESOURCE_App: JSON.stringify({ name: APP, stage: STAGE }),
    SST_RESOURCE_Main: JSON.stringify({ name: tables.main, type: "sst.aws.Dynamo" }),
    SST_RESOURCE_Mail: JSON.stringify({ name: tables.mail, type: "sst.aws.Dynamo" }),
    SST_RESOURCE_SyncQueue: JSON.stringify({ url: queues.queueUrl, type: "sst.aws.Queue" }),
    SST_RESOURCE_SyncDeadLetterQueue: JSON.stringify({ url: queues.dlqUrl, type: "sst.aws.Queue" }),
    SST_RESOURCE_WebhookQueue: JSON.stringify({ url: webhookQueues.queueUrl, type: "sst.aws.Queue" }),
    SST_RESOURCE_WebhookDeadLetterQueue: JSON.stringify({ url: webhookQueues.dlqUrl, type: "sst.aws.Queue" }),
    SST_RESOURCE_SendQueue: JSON.stringify({ url: sendQueues.queueUrl, type: "sst.aws.Queue" }),
    SST_RESOURCE_SendDeadLetterQueue: JSON.stringify({ url: sendQueues.dlqUrl, type: "sst.aws.Queue" }),
    // attachments: a folder behind the gateway's signed upload URL (LOCAL_UPLOAD_URL, set below)
    LOCAL_UPLOAD_DIR: uploadDir,
    LOCAL_UPLOAD_SECRET: randomBytes(32).toString("base64url"),
    SECRET_BACKEND: "file",
    LOCAL_SECRET_DIR: secretDir,
    ALLOW_PRIVATE_HOSTS: options.allowPrivateHosts ?? "loopback",
    SYNC_INTERVAL_MINUTES: String(interval),
    SYNC_ON_CONTACT_CHANGE: (options.syncOnContactChange ?? options.schedule !== false) ? "on" : "off",
    // tests without the schedule drive their own jobs: a save does not queue one behind their back
    SYNC_ON_SAVE: options.schedule !== false ? "on" : "off",
  });
  if (options.imapCaPem) process.env.IMAP_EXTRA_CA_PEM = options.imapCaPem;

  // The first admin: created once, its password printed once by `npm start`.
  let createdAdmin: LocalStack["createdAdmin"];
  const adminEmail = options.admin?.email ?? "admin@crm-mail-sync.local";
  const adminPassword = options.admin?.password ?? randomBytes(12).toString("base64url");
  const ddb = localDynamo(dynamo.endpoint);
  if (await ensureBootstrapAdmin(new Db(tables, ddb), adminEmail, adminPassword)) createdAdmin = { email: adminEmail, password: adminPassword };
  ddb.destroy();

  const api = await import("../../functions/api");
  const fanout = await import("../../functions/fanout");
  const sync = await import("../../functions/sync");
  const monitor = await import("../../functions/monitor");
  const webhooks = await import("../../functions/webhooks");
  const send = await import("../../functions/send");

  // the CloudWatch alarms' rules over this process's metric points, printed as they change
  const alarms = localAlarms(options.onAlarm ?? ((line) => console.log(`[alarm] ${line}`)));
  const writeMetric = metricSink.write;
  metricSink.write = (point) => {
    writeMetric(point);
    alarms.observe(point);
  };

  const gateway = await startGateway({ port: options.port ?? 0, apiHandler: api.handler, staticDir: options.staticDir ?? resolve("web/dist"), uploads: uploadDir });
  // the API's first request builds its deps after this, so its upload URLs name this gateway
  process.env.LOCAL_UPLOAD_URL = gateway.url;
  const onError = (what: string) => (err: unknown) => log.error(`local.${what}.failed`, { err });
  const sqsClient = localSqs(sqs.endpoint);
  // jobs that were on the in-memory queue when the last run stopped: back on it (requeue.ts)
  const requeueClient = localDynamo(dynamo.endpoint);
  await requeueUnfinished({ db: new Db(tables, requeueClient), queue: new SqsJobQueue(queues.queueUrl, sqsClient), log })
    .catch(onError("requeue"))
    .finally(() => requeueClient.destroy());
  // messages queued when the last run stopped: their jobs back on the new in-memory queue
  const sendRequeueClient = localDynamo(dynamo.endpoint);
  await requeueOutgoing({ db: new Db(tables, sendRequeueClient), queue: new SqsSendQueue(sendQueues.queueUrl, sqsClient), log })
    .catch(onError("requeue-sends"))
    .finally(() => sendRequeueClient.destroy());
  const poller = startPoller({ sqs: sqsClient, queueUrl: queues.queueUrl, handler: sync.handler, onError: onError("poller") });
  const sendPoller = startPoller({ sqs: sqsClient, queueUrl: sendQueues.queueUrl, handler: send.handler, batchSize: 5, timeoutMs: 120_000, onError: onError("send") });
  const webhookPoller = startPoller({
    sqs: sqsClient,
    queueUrl: webhookQueues.queueUrl,
    handler: webhooks.handler,
    batchSize: 10,
    timeoutMs: 60_000,
    onError: onError("webhooks"),
  });
  const fanoutSchedule =
    options.schedule === false
      ? undefined
      : startSchedule({ name: "SyncSchedule", everyMs: options.scheduleEveryMs ?? interval * 60_000, handler: fanout.handler, onError: onError("fanout") });
  const monitorSchedule =
    options.schedule === false
      ? undefined
      : startSchedule({ name: "MonitorSchedule", everyMs: options.monitorEveryMs ?? 5 * 60_000, handler: monitor.handler, onError: onError("monitor") });

  let stopped = false;
  return {
    url: gateway.url,
    dynamoEndpoint: dynamo.endpoint,
    sqsEndpoint: sqs.endpoint,
    queueUrl: queues.queueUrl,
    dlqUrl: queues.dlqUrl,
    webhookQueueUrl: webhookQueues.queueUrl,
    webhookDlqUrl: webhookQueues.dlqUrl,
    sendQueueUrl: sendQueues.queueUrl,
    sendDlqUrl: sendQueues.dlqUrl,
    uploadDir,
    tables,
    secretDir,
    createdAdmin,
    tick: async () => {
      const { scheduledEvent } = await import("./scheduler");
      const { lambdaContext } = await import("./lambda-context");
      await fanout.handler(scheduledEvent("SyncSchedule"), lambdaContext("fanout", 60_000));
    },
    monitor: async () => {
      const { scheduledEvent } = await import("./scheduler");
      const { lambdaContext } = await import("./lambda-context");
      return monitor.handler(scheduledEvent("MonitorSchedule"), lambdaContext("monitor", 60_000));
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      alarms.stop();
      metricSink.write = writeMetric;
      fanoutSchedule?.stop();
      monitorSchedule?.stop();
      await gateway.close();
      await poller.stop();
      await webhookPoller.stop();
      await sendPoller.stop();
      sqsClient.destroy();
      await sqs.close();
      await dynamo.close();
    },
  };
}
