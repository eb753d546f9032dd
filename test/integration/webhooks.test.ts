import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startLocalStack, type LocalStack } from "../../core/local/stack";
import { localDynamo } from "../../core/local/emulators";
import { Db } from "../../core/store/db";
import { verifySignature, withWebhookEvents, SqsWebhookQueue, SIGNATURE_HEADER } from "../../core/integrations/index";
import { localSqs } from "../../core/local/emulators";
import { createLogger, logSink } from "../../core/shared/log";
import type { OpsEvent } from "../../core/notifications/index";
import { appendMessages, resetUser } from "../harness/mail-servers";
import { ApiClient, eventually } from "../support/api-client";
import * as corpus from "../support/corpus";

/**
 * Webhooks end to end: real syncs of two Dovecot mailboxes through the queue and the real sync
 * function, mail.added events queued per write batch, delivered by the real webhook function
 * to a receiver this test runs on 127.0.0.1, signed, retried, filtered by the sharing rule of
 * the endpoint's integration user. Retry waits and the disable window are shortened by the
 * functions' own settings (1 s, 4 s) so a day of failures fits in a test.
 */
process.env.WEBHOOK_RETRY_BASE_SECONDS = "1";
process.env.WEBHOOK_GIVE_UP_SECONDS = "4";

const mail = inject("mail");
const ADMIN = { email: "admin@example.test", password: "admin-password-123" };
const aliceBox = mail.users.alice,
  carolBox = mail.users.carol;
const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000);

interface Received {
  path: string;
  body: string;
  event: { id: string; type: string; data: Record<string, any> };
  signature: string | undefined;
  status: number;
}
let stack: LocalStack;
let admin: ApiClient;
let receiver: Server;
let receiverUrl = "";
const received: Received[] = [];
/** Event ids the /crm receiver answers 500 to, once each. */
const failOnce = new Set<string>();
const ids = { alice: "", carol: "", aliceAccount: "", carolAccount: "", yamada: "", hook: "", deadHook: "", secret: "", eventsHook: "", eventsSecret: "" };
const startedAt = new Date().toISOString();

const crmEvents = (type = "mail.added") => received.filter((r) => r.path === "/crm" && r.event.type === type);
const stateEvents = (type: string) => received.filter((r) => r.path === "/events" && r.event.type === type);
/** Every log line the in-process functions write (the notifier logs each operations event). */
const logLines: string[] = [];
const writeLine = logSink.write;
logSink.write = (line) => {
  logLines.push(line);
  writeLine(line);
};

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const event = JSON.parse(body);
      let status = 200;
      if (req.url === "/dead") status = 500;
      else if (event.type === "mail.added" && event.data.subject === "Carol needs a retry" && !failOnce.has(event.id)) {
        failOnce.add(event.id);
        status = 500;
      }
      received.push({ path: req.url ?? "", body, event, signature: req.headers[SIGNATURE_HEADER] as string | undefined, status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

  await resetUser(mail, aliceBox.email);
  await resetUser(mail, carolBox.email);
  // a new contact queues its past mail's search at once, as in production
  stack = await startLocalStack({ schedule: false, syncOnContactChange: true, admin: ADMIN, imapCaPem: mail.caPem });
  admin = new ApiClient(stack.url);
  await admin.signIn(ADMIN.email, ADMIN.password);
  ids.yamada = (await admin.post("/api/contacts", { name: "山田", primaryEmail: "yamada@client.test", externalId: "crm-yamada" })).body.id;
  for (const who of ["alice", "carol"] as const) {
    const box = who === "alice" ? aliceBox : carolBox;
    const user = await admin.post("/api/users", { email: box.email, name: who, password: `${who}-password-123`, role: "member" });
    expect(user.status, user.text).toBe(201);
    ids[who] = user.body.id;
  }
  await appendMessages(mail, aliceBox.email, "INBOX", [
    corpus.plain({ from: "山田 <yamada@client.test>", to: aliceBox.email, subject: "Alice private deal", date: ago(50), messageId: "<wh-a1@client.test>" }, "Secret price."),
    // not a contact's yet: its past mail comes by backfill once Tanaka is added (private to
    // Alice, so the /crm endpoint's mail events are not touched by it)
    corpus.plain({ from: "田中 <tanaka@client.test>", to: aliceBox.email, subject: "Tanaka first contact", date: ago(20), messageId: "<wh-t1@client.test>" }, "Hajimemashite."),
  ]);
  await appendMessages(mail, carolBox.email, "INBOX", [
    corpus.plain({ from: "山田 <yamada@client.test>", to: carolBox.email, subject: "Carol hello", date: ago(40), messageId: "<wh-c1@client.test>" }, "Hello."),
    corpus.plain({ from: "山田 <yamada@client.test>", to: carolBox.email, subject: "Carol needs a retry", date: ago(30), messageId: "<wh-c2@client.test>" }, "Again."),
  ]);
  for (const who of ["alice", "carol"] as const) {
    const box = who === "alice" ? aliceBox : carolBox;
    const reply = await admin.post("/api/accounts", {
      email: box.email,
      ownerId: ids[who],
      imap: { host: mail.host, port: mail.imapsPort, security: "tls", user: box.email },
      password: box.password,
      syncEnabled: false,
    });
    expect(reply.status, reply.text).toBe(201);
    ids[`${who}Account`] = reply.body.id;
  }

  // the CRM's endpoint sees mail as Carol would: her own mailbox, not Alice's private one
  const hook = await admin.post("/api/webhooks", { url: `${receiverUrl}/crm`, events: ["mail.added"], userId: ids.carol });
  expect(hook.status, hook.text).toBe(201);
  ids.hook = hook.body.id;
  ids.secret = hook.body.secret;
  const dead = await admin.post("/api/webhooks", { url: `${receiverUrl}/dead`, events: ["mail.added"], userId: ids.carol });
  ids.deadHook = dead.body.id;
  const events = await admin.post("/api/webhooks", { url: `${receiverUrl}/events`, events: ["contact.backfill_done", "mailbox.paused", "mailbox.resumed"], userId: ids.carol });
  expect(events.status, events.text).toBe(201);
  ids.eventsHook = events.body.id;
  ids.eventsSecret = events.body.secret;

  // real syncs, through the queue and the sync function, as "Sync now" runs them
  for (const account of [ids.aliceAccount, ids.carolAccount]) {
    expect((await admin.patch(`/api/accounts/${account}`, { syncEnabled: true })).status).toBe(200);
    expect((await admin.post(`/api/accounts/${account}/sync`)).status).toBe(202);
  }
  // (the admin sees none of it: both mailboxes are private to their owners; the raw copies tell)
  const db = new Db(stack.tables, localDynamo(stack.dynamoEndpoint));
  await eventually(
    async () => (await db.queryAll("mail", { KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": "yamada@client.test" } })).length === 3,
    60_000,
    250,
  );
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  await new Promise((r) => receiver?.close(r));
});

describe("mail.added", () => {
  it("delivers a correctly signed event for each new mail of the contact the integration user may see, without a body", async () => {
    await eventually(
      async () =>
        new Set(
          crmEvents()
            .filter((r) => r.status === 200)
            .map((r) => r.event.data.subject),
        ).size === 2,
      30_000,
      100,
    );
    for (const r of crmEvents()) {
      expect(verifySignature(ids.secret, r.body, r.signature), r.body).toBe(true);
      expect(verifySignature("whsec_wrong", r.body, r.signature)).toBe(false);
    }
    const hello = crmEvents().find((r) => r.event.data.subject === "Carol hello")!;
    expect(hello.event.data).toMatchObject({
      contactId: ids.yamada,
      contactExternalId: "crm-yamada",
      contactEmail: "yamada@client.test",
      direction: "received",
      accountId: ids.carolAccount,
      ownerId: ids.carol,
      internetMessageId: "<wh-c1@client.test>",
    });
    // the message id is the API's: the CRM (here as Carol, its integration user) can open the message with it
    const carol = new ApiClient(stack.url);
    await carol.signIn(carolBox.email, "carol-password-123");
    expect((await carol.get(`/api/messages/${encodeURIComponent(hello.event.data.messageId)}`)).body.subject).toBe("Carol hello");
    expect(hello.body).not.toContain("Hello.");
  });

  it("sends nothing for mail outside the integration user's sharing rule", async () => {
    await eventually(async () => crmEvents().length >= 3, 30_000, 100);
    expect(received.filter((r) => r.event.data?.subject === "Alice private deal")).toEqual([]);
  });

  it("retries an event the receiver answered 500 to, with the same event id, and lists the delivery", async () => {
    const attempts = await eventually(
      async () => {
        const tries = crmEvents().filter((r) => r.event.data.subject === "Carol needs a retry");
        return tries.length >= 2 && tries;
      },
      30_000,
      100,
    );
    expect(attempts.map((a) => a.status).slice(0, 2)).toEqual([500, 200]);
    expect(attempts[1]!.event.id).toBe(attempts[0]!.event.id);
    const deliveries = await eventually(
      async () => {
        const list = (await admin.get(`/api/webhooks/${ids.hook}/deliveries`)).body.items as any[];
        return list.length >= 2 && list.every((d) => d.status === "delivered") && list;
      },
      10_000,
      200,
    );
    const retried = deliveries.find((d) => d.eventId === attempts[0]!.event.id);
    expect(retried).toMatchObject({ type: "mail.added", status: "delivered", attempts: 2, responseCode: 200 });
    expect(retried.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("keeps the signing secret out of the database", async () => {
    const db = new Db(stack.tables, localDynamo(stack.dynamoEndpoint));
    const items = await db.queryAll("main", { KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": `WEBHOOK#${ids.hook}` } });
    expect(items).toHaveLength(1);
    expect(JSON.stringify(items)).not.toContain(ids.secret);
    expect((await admin.get("/api/webhooks")).text).not.toContain(ids.secret);
  });
});

describe("contact and mailbox events", () => {
  it("announces a new contact's backfill done once every mailbox searched its address, after its past mail is stored", async () => {
    const created = await admin.post("/api/contacts", { name: "田中", primaryEmail: "tanaka@client.test", externalId: "crm-tanaka" });
    expect(created.status, created.text).toBe(201);
    const done = await eventually(async () => stateEvents("contact.backfill_done").find((r) => r.event.data.contactId === created.body.id), 60_000, 200);
    expect(verifySignature(ids.eventsSecret, done.body, done.signature)).toBe(true);
    expect(done.event.data).toMatchObject({ contactId: created.body.id, contactExternalId: "crm-tanaka", requestedAt: expect.stringMatching(/^\d{4}-/) });
    // by then the past mail is in the history
    const db = new Db(stack.tables, localDynamo(stack.dynamoEndpoint));
    const copies = await db.queryAll("mail", { KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": "tanaka@client.test" } });
    expect(copies.map((c) => c.subject)).toEqual(["Tanaka first contact"]);
    // nothing went to the endpoint that did not ask for it
    expect(received.filter((r) => r.path === "/crm" && r.event.type === "contact.backfill_done")).toEqual([]);
  });

  it("turns a mailbox's pause and resume, told to operations, into signed webhook events with stable ids", async () => {
    const db = new Db(stack.tables, localDynamo(stack.dynamoEndpoint));
    const told: OpsEvent[] = [];
    const log = createLogger({ fn: "webhooks-test" }, "warn");
    const notifier = withWebhookEvents({ notify: async (e) => void told.push(e) }, { db, queue: new SqsWebhookQueue(stack.webhookQueueUrl, localSqs(stack.sqsEndpoint)), log });
    const at = new Date().toISOString();
    const paused: OpsEvent = { kind: "mailbox.paused", accountId: ids.carolAccount, address: carolBox.email, ownerId: ids.carol, failedLogins: 3, code: "imap_auth_failed", at };
    await notifier.notify(paused);
    await notifier.notify(paused); // told twice (a retried job): the receiver deduplicates on the id
    await notifier.notify({ kind: "mailbox.resumed", accountId: ids.carolAccount, address: carolBox.email, ownerId: ids.carol, at });
    await notifier.notify({ kind: "signin.locked", userId: ids.carol, email: carolBox.email, lockedAt: at, unlockAt: at });
    expect(told.map((e) => e.kind)).toEqual(["mailbox.paused", "mailbox.paused", "mailbox.resumed", "signin.locked"]);
    const pausedEvents = await eventually(
      async () => stateEvents("mailbox.paused").length >= 2 && stateEvents("mailbox.resumed").length >= 1 && stateEvents("mailbox.paused"),
      20_000,
      100,
    );
    expect(new Set(pausedEvents.map((r) => r.event.id)).size).toBe(1);
    expect(pausedEvents[0]!.event.data).toEqual({ accountId: ids.carolAccount, address: carolBox.email, ownerId: ids.carol, failedLogins: 3, code: "imap_auth_failed", at });
    for (const r of [...pausedEvents, ...stateEvents("mailbox.resumed")]) expect(verifySignature(ids.eventsSecret, r.body, r.signature)).toBe(true);
    // a sign-in lockout is for operations, not for a CRM
    expect(received.filter((r) => r.event.type.startsWith("signin"))).toEqual([]);
  });
});

describe("endpoint management", () => {
  it("disables an endpoint that keeps failing for the whole window and records a notification for its owner", async () => {
    await eventually(async () => ((await admin.get("/api/webhooks")).body.items as any[]).find((w) => w.id === ids.deadHook)?.disabledAt, 40_000, 250);
    const notes = (await admin.get("/api/notifications")).body.items;
    expect(notes).toEqual(expect.arrayContaining([expect.objectContaining({ kind: "webhook_disabled", webhookId: ids.deadHook, url: `${receiverUrl}/dead` })]));
    // once disabled it gets nothing more, even a test event
    const before = received.filter((r) => r.path === "/dead").length;
    expect((await admin.post(`/api/webhooks/${ids.deadHook}/test`)).status).toBe(202);
    await new Promise((r) => setTimeout(r, 1500));
    expect(received.filter((r) => r.path === "/dead").length).toBe(before);
    // and operations were told once, through the notifier (the owner's notification mail)
    const told = logLines.filter((l) => l.includes('"ops.webhook.endpoint_disabled"') && l.includes(ids.deadHook));
    expect(told).toHaveLength(1);
    expect(JSON.parse(told[0]!)).toMatchObject({ endpointId: ids.deadHook, url: `${receiverUrl}/dead`, ownerId: expect.any(String) });
  });

  it("replays a time range with the same event ids, and sends a test event", async () => {
    const delivered = new Set(
      crmEvents()
        .filter((r) => r.status === 200)
        .map((r) => r.event.id),
    );
    const countBefore = crmEvents().length;
    const replay = await admin.post(`/api/webhooks/${ids.hook}/replay`, { from: startedAt, to: new Date().toISOString() });
    expect(replay.status, replay.text).toBe(202);
    expect(replay.body.queued).toBe(delivered.size);
    await eventually(async () => crmEvents().length >= countBefore + delivered.size, 20_000, 100);
    const replayed = crmEvents().slice(countBefore);
    expect(new Set(replayed.map((r) => r.event.id))).toEqual(delivered);
    for (const r of replayed) expect(verifySignature(ids.secret, r.body, r.signature)).toBe(true);

    const test = await admin.post(`/api/webhooks/${ids.hook}/test`);
    expect(test.status).toBe(202);
    await eventually(async () => crmEvents("webhook.test").some((r) => r.event.id === test.body.eventId), 20_000, 100);
  });

  it("refuses an endpoint that is not https to an allowed host, naming the field", async () => {
    for (const url of ["ftp://crm.example/hook", "http://10.0.0.1/hook", "https://user:pw@127.0.0.1/hook", "not a url"]) {
      const reply = await admin.post("/api/webhooks", { url, events: ["mail.added"], userId: ids.carol });
      expect(reply.status, url).toBe(400);
      expect(reply.body.error.fields[0].field).toBe("url");
    }
    const noEvents = await admin.post("/api/webhooks", { url: `${receiverUrl}/x`, events: [], userId: ids.carol });
    expect(noEvents.body.error.fields[0].field).toBe("events");
  });
});
