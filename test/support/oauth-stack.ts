import { ScanCommand } from "@aws-sdk/client-dynamodb";
import nodemailer from "nodemailer";
import { startLocalStack } from "../../core/local/stack";
import { localDynamo, localSqs } from "../../core/local/emulators";
import { Db } from "../../core/store/db";
import { FileSecretStore } from "../../core/secrets/index";
import { SqsJobQueue, type SyncJobMessage } from "../../core/queue/index";
import { createLogger } from "../../core/shared/log";
import { newJob, recordQueued, type SyncDeps } from "../../core/sync/index";
import { oauthProvidersFrom } from "../../core/oauth/index";
import type { OpsEvent } from "../../core/notifications/index";
import type { MailServersInfo } from "../harness/mail-servers";
import { ApiClient } from "./api-client";
import { oauthControl, TEST_CLIENTS } from "./oauth-server";

/**
 * The local stack set up for OAuth2 against the run's authorization server (test/harness/
 * oauth-peer.ts): Google and Microsoft registrations pointing at it, their mail servers
 * overridden to the run's Dovecot (IMAP over TLS) and Postfix (submission with STARTTLS), an
 * admin signed in, and sync dependencies that record the operations events they are told.
 */
export async function startOAuthStack(mail: MailServersInfo, oauthUrl: string) {
  Object.assign(process.env, {
    OAUTH_GOOGLE_CLIENT_ID: TEST_CLIENTS.google.id,
    OAUTH_GOOGLE_CLIENT_SECRET: TEST_CLIENTS.google.secret,
    OAUTH_GOOGLE_AUTHORIZE_URL: `${oauthUrl}/google/authorize`,
    OAUTH_GOOGLE_TOKEN_URL: `${oauthUrl}/google/token`,
    OAUTH_GOOGLE_IMAP: `127.0.0.1:${mail.imapsPort}:tls`,
    OAUTH_GOOGLE_SMTP: `127.0.0.1:${mail.smtpPort}:starttls`,
    OAUTH_MICROSOFT_CLIENT_ID: TEST_CLIENTS.microsoft.id,
    OAUTH_MICROSOFT_CLIENT_SECRET: TEST_CLIENTS.microsoft.secret,
    OAUTH_MICROSOFT_AUTHORITY: `${oauthUrl}/microsoft`,
    OAUTH_MICROSOFT_TENANT: "common",
    OAUTH_MICROSOFT_IMAP: `127.0.0.1:${mail.imapsPort}:tls`,
    OAUTH_MICROSOFT_SMTP: `127.0.0.1:${mail.smtpPort}:starttls`,
  });
  const admin = { email: "admin@example.test", password: "admin-password-123" };
  const stack = await startLocalStack({ schedule: false, admin, imapCaPem: mail.caPem });
  const api = new ApiClient(stack.url);
  await api.signIn(admin.email, admin.password);
  const db = new Db(stack.tables, localDynamo(stack.dynamoEndpoint));
  const events: OpsEvent[] = [];
  const deps: SyncDeps = {
    db,
    secrets: new FileSecretStore(stack.secretDir),
    queue: new SqsJobQueue(stack.queueUrl, localSqs(stack.sqsEndpoint)),
    log: createLogger({ fn: "oauth-test" }),
    hostAllowance: "loopback",
    imapCa: mail.caPem,
    remainingMs: () => 300_000,
    oauth: oauthProvidersFrom(process.env),
    notifier: { notify: async (e) => void events.push(e) },
  };
  const control = oauthControl(oauthUrl);
  return {
    stack,
    api,
    db,
    deps,
    events,
    control,
    /** Starts a sign-in from the console's origin; returns the provider URL. */
    async start(client: ApiClient, provider: "google" | "microsoft", body: Record<string, unknown> = {}) {
      const reply = await client.request("POST", `/api/oauth/${provider}/start`, body, { origin: stack.url });
      if (reply.status !== 200) throw new Error(`start: ${reply.status} ${reply.text}`);
      return reply.body.authorizeUrl as string;
    },
    /** The whole sign-in without a browser: start, consent as `email`, post the callback. */
    async connect(client: ApiClient, provider: "google" | "microsoft", email: string, body: Record<string, unknown> = {}) {
      const back = await control.consent(await this.start(client, provider, body), email);
      return client.post("/api/oauth/callback", callbackBody(back));
    },
    async queued(accountId: string): Promise<SyncJobMessage> {
      const job = newJob(accountId, "schedule");
      await recordQueued(db, job);
      return job;
    },
    /** Every item of both tables as text, to look for what must never be there. */
    async everyItem(): Promise<string> {
      const ddb = localDynamo(stack.dynamoEndpoint);
      const out: string[] = [];
      for (const table of [stack.tables.main, stack.tables.mail]) {
        let start: Record<string, any> | undefined;
        do {
          const page = await ddb.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
          out.push(...(page.Items ?? []).map((i) => JSON.stringify(i)));
          start = page.LastEvaluatedKey;
        } while (start);
      }
      ddb.destroy();
      return out.join("\n");
    },
    async stop() {
      await stack.stop();
    },
  };
}

/** What the console's callback page posts: the query the provider sent the browser back with. */
export function callbackBody(back: URL): Record<string, string> {
  const q = back.searchParams;
  const body: Record<string, string> = { state: q.get("state") ?? "" };
  if (q.get("code")) body.authorizationCode = q.get("code")!;
  if (q.get("error")) body.error = q.get("error")!;
  if (q.get("error_description")) body.errorDescription = q.get("error_description")!;
  return body;
}

/** Delivers a message into a user's INBOX over the run's LMTP, as mail arriving from outside. */
export async function deliver(mail: MailServersInfo, to: string, raw: string): Promise<void> {
  const lmtp = nodemailer.createTransport({ lmtp: true, host: mail.host, port: mail.lmtpPort, ignoreTLS: true } as never);
  const from = /^From:.*<([^>]+)>/m.exec(raw)?.[1] ?? "sender@client.test";
  await lmtp.sendMail({ envelope: { from, to: [to] }, raw });
  lmtp.close();
}
