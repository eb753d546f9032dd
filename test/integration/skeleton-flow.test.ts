import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startLocalStack, type LocalStack } from "../../core/local/stack";
import { localDynamo, localSqs } from "../../core/local/emulators";
import { logSink } from "../../core/shared/log";
import { FileSecretStore } from "../../core/secrets/index";
import { updateCredentials } from "../../core/accounts/index";
import { appendMessages, resetUser } from "../harness/mail-servers";
import { ApiClient, eventually } from "../support/api-client";
import { message as buildMessage } from "../support/corpus";

/**
 * The walking skeleton through every real hop: console API (local gateway -> the Lambda's
 * handler) -> DynamoDB (dynalite) and the SecretStore -> schedule -> fan-out handler -> SQS
 * (fauxqs) -> poller -> sync handler -> IMAP (Dovecot over TLS) -> DynamoDB -> the API again.
 */
const mail = inject("mail");
const ADMIN = { email: "admin@example.test", password: "admin-password-123" };
const logLines: string[] = [];
let stack: LocalStack;
let api: ApiClient;
const originalWrite = logSink.write;

const orderDate = new Date(Date.now() - 60_000);
const day = (n: number) => new Date(Date.now() - n * 86_400_000);
const alice = () => mail.users.alice;
const carol = () => mail.users.carol;

beforeAll(async () => {
  logSink.write = (line) => void logLines.push(line);
  await resetUser(mail, alice().email);
  await resetUser(mail, carol().email);
  stack = await startLocalStack({ schedule: false, admin: ADMIN, imapCaPem: mail.caPem });
  api = new ApiClient(stack.url);
  expect((await api.signIn(ADMIN.email, ADMIN.password)).status).toBe(200);
});

afterAll(async () => {
  logSink.write = originalWrite;
  await stack?.stop();
});

async function connect(user: { email: string; password: string }, security: "tls" | "starttls" = "tls") {
  const reply = await api.post("/api/accounts", {
    email: user.email,
    displayName: user.email.split("@")[0],
    imap: { host: mail.host, port: security === "tls" ? mail.imapsPort : mail.imapPort, security, user: user.email },
    password: user.password,
  });
  expect(reply.status, reply.text).toBe(201);
  return reply.body;
}

async function historyOf(contactId: string) {
  const reply = await api.get(`/api/contacts/${contactId}/messages`);
  expect(reply.status).toBe(200);
  return reply.body.items as any[];
}

async function syncedAfter(accountId: string, since: string) {
  return eventually(async () => {
    const a = (await api.get(`/api/accounts/${accountId}`)).body;
    return a.lastSyncAt && a.lastSyncAt > since && a.state === "connected" ? a : undefined;
  });
}

describe("skeleton: schedule -> queue -> sync -> contact history", () => {
  let contactId = "";
  let aliceAccount: any;

  it("stores each message that involves a contact under the contact's addresses, primary and secondary", async () => {
    // Prepare: a contact with a secondary address, and alice's mailbox with mail to and from it
    const contact = await api.post("/api/contacts", {
      name: "Bob Tanaka",
      company: "Tanaka Trading",
      primaryEmail: "Bob@Example.test",
      secondaryEmails: ["bob.tanaka@partner.test"],
    });
    expect(contact.status).toBe(201);
    contactId = contact.body.id;
    await appendMessages(
      mail,
      alice().email,
      "INBOX",
      [
        buildMessage({ from: "Bob Tanaka <bob@example.test>", to: [alice().email], subject: "見積もりのお願い", date: day(3), messageId: "<q1@example.test>" }),
        buildMessage({ from: "Carol <carol@example.test>", to: [alice().email], subject: "Lunch?", date: day(2), messageId: "<lunch@example.test>" }),
        buildMessage({
          from: "Bob T <bob.tanaka@partner.test>",
          to: [alice().email],
          cc: ["dave@elsewhere.test"],
          subject: "Re: quote",
          date: day(1),
          messageId: "<q3@partner.test>",
          inReplyTo: "<q2@example.test>",
          references: ["<q1@example.test>", "<q2@example.test>"],
        }),
      ],
      { internalDate: day(1) },
    );
    await appendMessages(mail, alice().email, "Sent", [
      buildMessage({
        from: alice().email,
        to: ["Bob Tanaka <bob@example.test>"],
        subject: "Re: 見積もりのお願い",
        date: day(2),
        messageId: "<q2@example.test>",
        inReplyTo: "<q1@example.test>",
        references: ["<q1@example.test>"],
      }),
    ]);
    await appendMessages(
      mail,
      alice().email,
      "INBOX",
      [
        // arrived 200 days ago: outside the first sync's 90-day window (the window is by arrival, INTERNALDATE)
        buildMessage({ from: "Bob <bob@example.test>", to: [alice().email], subject: "Arrived long ago", date: day(200), messageId: "<old2@example.test>" }),
      ],
      { internalDate: day(200) },
    );

    aliceAccount = await connect(alice());
    expect(aliceAccount).toMatchObject({ state: "init", hasPassword: true, lastSyncAt: null });

    // Act: one schedule tick; the poller hands the job to the sync handler
    const before = new Date().toISOString();
    await stack.tick();
    await syncedAfter(aliceAccount.id, before);

    // Assess
    const items = await historyOf(contactId);
    expect(items.map((m) => m.subject)).toEqual(["Re: quote", "Re: 見積もりのお願い", "見積もりのお願い"]);
    expect(items.map((m) => m.direction)).toEqual(["received", "sent", "received"]);
    expect(items[0].counterpart).toEqual({ name: "Bob T", address: "bob.tanaka@partner.test" });
    expect(items[1].counterpart).toEqual({ name: "Bob Tanaka", address: "bob@example.test" });
    // the owner by name as well as by mailbox: the signed-in admin owns alice's mailbox here
    const me = (await api.get("/api/session")).body.user;
    expect(me.name).toBeTruthy();
    expect(items[0].owners).toEqual([{ userId: me.id, accountId: aliceAccount.id, email: alice().email, name: me.name }]);
    // one thread: the reply chain shares its root
    expect(new Set(items.map((m) => m.threadId)).size).toBe(1);
  });

  it("writes nothing new when the queue redelivers the same job or a second job runs", async () => {
    const before = new Date().toISOString();
    const first = await api.post(`/api/accounts/${aliceAccount.id}/sync`);
    expect(first.status).toBe(202);
    await syncedAfter(aliceAccount.id, before);
    expect((await historyOf(contactId)).length).toBe(3);
  });

  it("picks up only the new message on the next sync", async () => {
    await appendMessages(mail, alice().email, "INBOX", [
      buildMessage({ from: "Bob <bob@example.test>", to: [alice().email], cc: [carol().email], subject: "Order confirmed", date: orderDate, messageId: "<q4@example.test>" }),
    ]);
    const before = new Date().toISOString();
    await api.post(`/api/accounts/${aliceAccount.id}/sync`);
    await syncedAfter(aliceAccount.id, before);
    const items = await historyOf(contactId);
    expect(items.map((m) => m.subject)).toEqual(["Order confirmed", "Re: quote", "Re: 見積もりのお願い", "見積もりのお願い"]);
  });

  it("shows a message found in two colleagues' mailboxes once, naming both owners", async () => {
    // the same message (same Message-ID and Date header) delivered to carol as well
    await appendMessages(mail, carol().email, "INBOX", [
      buildMessage({
        from: "Bob Tanaka <bob@example.test>",
        to: [alice().email],
        cc: [carol().email],
        subject: "Order confirmed",
        date: orderDate,
        messageId: "<q4@example.test>",
      }),
    ]);
    const carolAccount = await connect(carol(), "starttls");
    const before = new Date().toISOString();
    await stack.tick();
    await syncedAfter(carolAccount.id, before);
    const items = await historyOf(contactId);
    const confirmed = items.filter((m) => m.subject === "Order confirmed");
    expect(confirmed).toHaveLength(1);
    expect(confirmed[0].owners.map((o: any) => o.email).sort()).toEqual([alice().email, carol().email]);
    // one message a page: every message once, and the shared one still with both owners
    const paged: any[] = [];
    let cursor: string | null = null;
    do {
      const reply: { body: { items: any[]; nextCursor: string | null } } = await api.get(
        `/api/contacts/${contactId}/messages?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      );
      expect(reply.body.items.length).toBeLessThanOrEqual(1);
      paged.push(...reply.body.items);
      cursor = reply.body.nextCursor;
    } while (cursor);
    expect(paged.map((m) => m.id)).toEqual(items.map((m) => m.id));
    expect(paged.find((m) => m.subject === "Order confirmed").owners).toHaveLength(2);
  });

  it("records a password that stopped working on the account with a plain diagnosis, and does not retry it", async () => {
    // Saving tests the connection, so a wrong password is refused at once; what the sync must
    // diagnose is a password that worked when saved and was changed at the provider since (seed 001)
    const saved = await api.post("/api/accounts", {
      email: "bob@example.test",
      imap: { host: mail.host, port: mail.imapsPort, security: "tls", user: mail.users.bob.email },
      password: mail.users.bob.password,
    });
    expect(saved.status, saved.text).toBe(201);
    await updateCredentials({ secrets: new FileSecretStore(stack.secretDir) }, saved.body.id, { imap: "definitely-wrong-password" });
    await api.post(`/api/accounts/${saved.body.id}/sync`);
    const failed = await eventually(async () => {
      const a = (await api.get(`/api/accounts/${saved.body.id}`)).body;
      return a.state === "authenticationError" ? a : undefined;
    });
    expect(failed.lastError.code).toBe("diag.auth_failed");
    expect(failed.lastError.message).toMatch(/refused the user name or password/);
    // permanent failure: the job was consumed, not left for redelivery
    const sqs = localSqs(stack.sqsEndpoint);
    const left = await sqs.send(new ReceiveMessageCommand({ QueueUrl: stack.dlqUrl, WaitTimeSeconds: 0 }));
    sqs.destroy();
    expect(left.Messages ?? []).toHaveLength(0);
  });

  it("keeps the mailbox password out of every log line, API reply and DynamoDB item", async () => {
    const password = alice().password;
    expect(logLines.length).toBeGreaterThan(5);
    expect(logLines.filter((l) => l.includes(password))).toEqual([]);
    expect(api.transcript.length).toBeGreaterThan(5);
    expect(api.transcript.filter((t) => t.includes(password))).toEqual([]);
    const ddb = localDynamo(stack.dynamoEndpoint);
    let scanned = 0;
    for (const table of Object.values(stack.tables)) {
      const out = await ddb.send(new ScanCommand({ TableName: table }));
      scanned += out.Items?.length ?? 0;
      expect(JSON.stringify(out.Items)).not.toContain(password);
      expect(JSON.stringify(out.Items)).not.toContain("definitely-wrong-password");
    }
    ddb.destroy();
    expect(scanned).toBeGreaterThan(10);
  });
});
