/**
 * The one test-stack fixture of the sync: the `SyncDeps` a job needs, built from a local stack
 * (or from the parts of a smaller one: a dynalite, a secret store), and the start that most
 * sync tests share (mailboxes emptied, the local stack, the admin signed in). Tests that run
 * jobs themselves use these instead of writing the dependencies out by hand, so a new
 * dependency of the sync is added here once.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLocalStack, type LocalStack, type LocalStackOptions } from "../../core/local/stack";
import { ensureTables, localDynamo, localSqs, startDynalite } from "../../core/local/emulators";
import { Db } from "../../core/store/db";
import { FileSecretStore, type SecretStore } from "../../core/secrets/index";
import { SqsJobQueue, type JobQueue } from "../../core/queue/index";
import { createLogger } from "../../core/shared/log";
import type { SyncDeps } from "../../core/sync/index";
import { resetUser, type MailServersInfo } from "../harness/mail-servers";
import { ApiClient } from "./api-client";

/** The first administrator of every test stack. */
export const TEST_ADMIN = { email: "admin@example.test", password: "admin-password-123" };

/** Where a stack keeps what the sync writes to: a local stack's endpoints, or ready-made parts. */
export type SyncStack =
  | Pick<LocalStack, "tables" | "dynamoEndpoint" | "secretDir" | "queueUrl" | "sqsEndpoint">
  /** A bare dynalite and secret store (no queue: a continuation is dropped unless `queue` is given). */
  | { db: Db; secrets: SecretStore; queue?: JobQueue };

/**
 * The sync's dependencies against `stack`, reaching the harness's mail servers (their CA
 * trusted, loopback hosts allowed) with 5 minutes left on the clock and warnings logged.
 * `overrides` replace any of them (a command log, a chunk size, a short clock...).
 */
export function syncDepsFor(stack: SyncStack, mail: Pick<MailServersInfo, "caPem"> | { caPem?: string }, overrides: Partial<SyncDeps> = {}): SyncDeps {
  // built only where not overridden: no client is made for nothing
  const parts =
    "db" in stack
      ? { db: stack.db, secrets: stack.secrets, queue: stack.queue ?? { enqueue: async () => undefined } }
      : {
          db: overrides.db ?? new Db(stack.tables, localDynamo(stack.dynamoEndpoint)),
          secrets: overrides.secrets ?? new FileSecretStore(stack.secretDir),
          queue: overrides.queue ?? new SqsJobQueue(stack.queueUrl, localSqs(stack.sqsEndpoint)),
        };
  return {
    ...parts,
    log: createLogger({ fn: "sync-test" }, "warn"),
    hostAllowance: "loopback",
    imapCa: mail.caPem,
    remainingMs: () => 300_000,
    ...overrides,
  };
}

export interface SyncStackOptions {
  /** Dovecot users whose mailboxes are emptied first. */
  reset?: string[];
  /** Local stack options besides the admin and the CA (the schedule is off unless turned on). */
  stack?: Omit<LocalStackOptions, "admin" | "imapCaPem">;
  /** Replaces any of the sync dependencies (see syncDepsFor). */
  deps?: Partial<SyncDeps>;
}

/**
 * Empties the named mailboxes, starts a local stack trusting the mail servers' CA (no schedule:
 * tests run their own jobs), signs TEST_ADMIN in, and builds the sync's dependencies on it.
 */
export async function startSyncStack(mail: MailServersInfo, options: SyncStackOptions = {}) {
  for (const email of options.reset ?? []) await resetUser(mail, email);
  const stack = await startLocalStack({ schedule: false, ...options.stack, admin: TEST_ADMIN, imapCaPem: mail.caPem });
  const api = new ApiClient(stack.url);
  const signedIn = await api.signIn(TEST_ADMIN.email, TEST_ADMIN.password);
  if (signedIn.status !== 200) throw new Error(`admin sign-in: ${signedIn.status} ${signedIn.text}`);
  const deps = syncDepsFor(stack, mail, options.deps);
  return { stack, api, db: deps.db, deps };
}

/**
 * A bare store for tests that need no HTTP stack: a dynalite with both tables (named after
 * `name`) and a file secret store in a fresh temporary folder. `close` stops the dynalite.
 */
export async function startBareStack(name: string) {
  const dynamo = await startDynalite();
  const tables = { main: `${name}-Main`, mail: `${name}-Mail` };
  await ensureTables(dynamo.endpoint, [tables.main, tables.mail]);
  const secretDir = await mkdtemp(join(tmpdir(), `${name}-secrets-`));
  return { db: new Db(tables, localDynamo(dynamo.endpoint)), secrets: new FileSecretStore(secretDir), secretDir, close: () => dynamo.close() };
}

/**
 * Connects a harness mailbox through the API as the console would: saved with sync off and
 * switched on after, so no schedule races the test's own jobs. STARTTLS on the plain IMAP port
 * unless `security` says "tls" (the implicit-TLS port). Returns the saved account as the API
 * answered its creation.
 */
export async function connectMailbox(
  api: ApiClient,
  mail: MailServersInfo,
  user: { email: string; password: string },
  options: { ownerId?: string; security?: "tls" | "starttls" } = {},
) {
  const security = options.security ?? "starttls";
  const port = security === "tls" ? mail.imapsPort : mail.imapPort;
  const created = await api.post("/api/accounts", {
    email: user.email,
    ownerId: options.ownerId,
    imap: { host: mail.host, port, security, user: user.email },
    password: user.password,
    syncEnabled: false,
  });
  if (created.status !== 201) throw new Error(`account ${user.email}: ${created.status} ${created.text}`);
  const enabled = await api.patch(`/api/accounts/${created.body.id}`, { syncEnabled: true });
  if (enabled.status !== 200) throw new Error(`account ${user.email} not enabled: ${enabled.status} ${enabled.text}`);
  return created.body as { id: string; sharing: { mode: string } };
}
