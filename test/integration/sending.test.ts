import { QueryCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startLocalStack, type LocalStack } from "../../core/local/stack";
import { localDynamo, localSqs } from "../../core/local/emulators";
import { Db } from "../../core/store/db";
import { keys } from "../../core/store/keys";
import { FileSecretStore } from "../../core/secrets/index";
import { createLogger } from "../../core/shared/log";
import { updateCredentials } from "../../core/accounts/index";
import { deliverOutgoing, getOutgoing, queueMessage, requeueOutgoing, SqsSendQueue, type DeliverDeps } from "../../core/sending/index";
import { appendMessages, resetUser, type MailUser } from "../harness/mail-servers";
import { ApiClient, eventually } from "../support/api-client";
import { startRelay } from "../support/tcp-relay";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { SIGNATURE_HEADER, verifySignature } from "../../core/integrations/index";
import { headerOf, readMessages } from "../support/mailbox-reader";

/**
 * Sending from the CRM against the private Postfix and Dovecot: what arrives in the
 * recipients' mailboxes (From, alias, Cc, Bcc, attachment), the copy in Sent (once, none for
 * a Gmail-preset mailbox), the one history entry before and after the sync reads it back,
 * replies that thread, a job delivered twice that sends once, a diagnosed SMTP failure, the
 * organisation's switch and the per-user limits.
 */
const mail = inject("mail");
const ADMIN = { email: "admin@example.test", password: "admin-password-123" };
const alice = mail.users.alice,
  bob = mail.users.bob,
  carol = mail.users.carol,
  catchall = mail.users.catchall;
const ALIAS = `alice.sales@${mail.domain}`;
const CC_CONTACT = `cc-person-${Date.now()}@client.test`;

let stack: LocalStack;
let api: ApiClient;
let ja: ApiClient;
let db: Db;
let aliceAccount = "";
let bobAccount = "";
let carolContact = "";
let firstSendId = "";
/** Messages queued by the admin so far (the per-user limit test counts on it). */
let queuedByAdmin = 0;

/** The raw sources of the messages with this Message-ID in one user's folder. */
const copiesIn = async (user: MailUser, folder: string, messageId: string) => (await readMessages(mail, user, folder, "message-id", messageId)).map((m) => m.raw);
const attachmentsIn = async (user: MailUser, messageId: string) => (await readMessages(mail, user, "INBOX", "message-id", messageId))[0]?.attachments;

const history = async (contactId = carolContact, client = api) => (await client.get(`/api/contacts/${contactId}/messages?limit=200`)).body.items as any[];
const header = headerOf;

async function send(body: Record<string, unknown>, client = api) {
  const reply = await client.post("/api/sends", body);
  if (reply.status === 202) queuedByAdmin++;
  return reply;
}
const waitFor = (id: string, status: string) =>
  eventually(async () => {
    const r = await api.get(`/api/sends/${id}`);
    return r.body.status === status ? r.body : undefined;
  }, 30_000);
const syncNow = async (accountId: string) => {
  const before = (await api.get(`/api/accounts/${accountId}`)).body.lastSyncAt;
  expect((await api.post(`/api/accounts/${accountId}/sync`)).status).toBe(202);
  await eventually(async () => {
    const a = (await api.get(`/api/accounts/${accountId}`)).body;
    return a.lastSyncAt && a.lastSyncAt !== before && a.state === "connected";
  }, 30_000);
};

beforeAll(async () => {
  await Promise.all([alice, bob, carol, catchall].map((u) => resetUser(mail, u.email)));
  stack = await startLocalStack({ schedule: false, admin: ADMIN, imapCaPem: mail.caPem });
  db = new Db(stack.tables, localDynamo(stack.dynamoEndpoint));
  api = new ApiClient(stack.url);
  ja = new ApiClient(stack.url, "ja");
  await api.signIn(ADMIN.email, ADMIN.password);
  await ja.signIn(ADMIN.email, ADMIN.password);
  const server = (u: MailUser) => ({
    imap: { host: mail.host, port: mail.imapsPort, security: "tls", user: u.email },
    smtp: { host: mail.host, port: mail.smtpPort, security: "starttls", user: u.email },
    password: u.password,
  });
  const a = await api.post("/api/accounts", {
    email: alice.email,
    displayName: "Alice Sender",
    aliases: [ALIAS],
    bccSelf: true,
    signature: "Alice\nACME Sales",
    initialSyncDays: 2,
    ...server(alice),
  });
  expect(a.status, a.text).toBe(201);
  aliceAccount = a.body.id;
  // the Gmail preset: Gmail files sent mail itself, so no copy is APPENDed (providers.ts)
  const b = await api.post("/api/accounts", { email: bob.email, provider: "gmail", initialSyncDays: 2, ...server(bob) });
  expect(b.status, b.text).toBe(201);
  expect(b.body.saveSentCopy).toBe(false);
  bobAccount = b.body.id;
  carolContact = (await api.post("/api/contacts", { name: "Carol Customer", primaryEmail: carol.email, secondaryEmails: [`carol.alt-${Date.now()}@client.test`] })).body.id;
  expect((await api.post("/api/contacts", { name: "Cc Person", primaryEmail: CC_CONTACT })).status).toBe(201);
}, 240_000);

afterAll(async () => stack?.stop());

describe("a message composed in the CRM", () => {
  let sent: any;
  let attachmentId = "";

  it("uploads an attachment straight to storage through the URL the API hands out", async () => {
    const content = Buffer.from("Quote 2026-11\nItem A: 100\n見積金額: 100円\n");
    const upload = await api.post("/api/uploads", { filename: "見積書.txt", contentType: "text/plain", size: content.length });
    expect(upload.status, upload.text).toBe(201);
    expect(upload.body.maxBytes).toBe(25 * 1024 * 1024);
    const put = await fetch(upload.body.url, { method: "PUT", headers: upload.body.headers, body: content });
    expect(put.status).toBe(200);
    // the URL fixes the size: other bytes are refused
    const forged = await fetch(upload.body.url, { method: "PUT", headers: upload.body.headers, body: Buffer.concat([content, content]) });
    expect(forged.status).toBe(400);
    attachmentId = upload.body.id;
  });

  it("refuses an attachment over the size limit before anything is uploaded, in the user's language", async () => {
    const en = await api.post("/api/uploads", { filename: "big.zip", contentType: "application/zip", size: 26 * 1024 * 1024 });
    expect(en.status).toBe(400);
    expect(en.body.error.fields).toEqual([expect.objectContaining({ field: "size", code: "upload_too_large", message: expect.stringContaining("25 MB") })]);
    const jaReply = await ja.post("/api/uploads", { filename: "big.zip", contentType: "application/zip", size: 26 * 1024 * 1024 });
    expect(jaReply.body.error.fields[0].message).toMatch(/上限 25MB/);
  });

  it("is queued at once and shown in the recipient contact's history before it is delivered", async () => {
    const reply = await send({
      accountId: aliceAccount,
      from: ALIAS,
      to: [carol.email],
      cc: [CC_CONTACT],
      bcc: [bob.email],
      subject: "Proposal for Q1",
      text: "Hello Carol,\nplease find the quote attached.",
      attachments: [attachmentId],
    });
    expect(reply.status, reply.text).toBe(202);
    expect(reply.body).toMatchObject({ status: "queued", from: { name: "Alice Sender", address: ALIAS }, to: [carol.email], cc: [CC_CONTACT], bcc: [bob.email] });
    expect(reply.body.messageId).toMatch(/^<[^@]+@/);
    expect(reply.body.contactEmails.sort()).toEqual([carol.email, CC_CONTACT].sort());
    sent = reply.body;
    firstSendId = sent.id;
    // in the history the moment the API answered (the Bcc outsider is no contact: no history)
    const items = (await history()).filter((m) => m.subject === "Proposal for Q1");
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ direction: "sent", from: { address: ALIAS }, sending: { id: sent.id } });
    expect(["queued", "sent"]).toContain(items[0].sending.status);
  });

  it("arrives with the alias as From, the Cc, no Bcc header, the signature and the attachment; the Bcc recipient and the sender (BCC to self) get it too", async () => {
    const done = await waitFor(sent.id, "sent");
    expect(done.savedCopy).toEqual({ folder: "Sent", failure: null });
    const [raw, ...more] = await copiesIn(carol, "INBOX", sent.messageId);
    expect(more).toHaveLength(0);
    expect(header(raw!, "From")).toBe(`Alice Sender <${ALIAS}>`);
    expect(header(raw!, "To")).toBe(carol.email);
    expect(header(raw!, "Cc")).toBe(CC_CONTACT);
    expect(header(raw!, "Bcc")).toBeUndefined();
    expect(header(raw!, "Date")).toBe(new Date(sent.date).toUTCString().replace("GMT", "+0000"));
    expect(raw).toMatch(/please find the quote attached\.\r\n\r\n-- \r\nAlice\r\nACME Sales/);
    expect(await attachmentsIn(carol, sent.messageId)).toEqual([{ filename: "見積書.txt", type: "text/plain", content: "Quote 2026-11\nItem A: 100\n見積金額: 100円\n" }]);
    // the Bcc recipient has it, without the Bcc line; the outside Cc contact's copy lands in the catch-all
    const [blind, ...twice] = await copiesIn(bob, "INBOX", sent.messageId);
    expect(twice).toHaveLength(0);
    expect(header(blind!, "Bcc")).toBeUndefined();
    expect(await copiesIn(catchall, "INBOX", sent.messageId)).toHaveLength(1);
    // BCC to self: the sender's own inbox has it
    expect(await copiesIn(alice, "INBOX", sent.messageId)).toHaveLength(1);
  });

  it("keeps one copy in the sender's Sent folder, with the Bcc line the recipients never see", async () => {
    const copies = await copiesIn(alice, "Sent", sent.messageId);
    expect(copies).toHaveLength(1);
    expect(header(copies[0]!, "Bcc")).toBe(bob.email);
    expect(copies[0]).toMatch(/\r\n/);
    expect(copies[0]).not.toMatch(/[^\r]\n/);
  });

  it("stays one entry in the contact's history after the sync reads it back from Sent, now the mailbox's own copy", async () => {
    await syncNow(aliceAccount);
    const items = (await history()).filter((m) => m.subject === "Proposal for Q1");
    expect(items).toHaveLength(1);
    // the sync's item replaced the queued one (same key): it names the Sent folder's UID now
    const ddb = localDynamo(stack.dynamoEndpoint);
    const out = await ddb.send(new QueryCommand({ TableName: stack.tables.mail, KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": { S: carol.email } } }));
    ddb.destroy();
    const copies = (out.Items ?? []).filter((i) => i.subject?.S === "Proposal for Q1");
    expect(copies).toHaveLength(1);
    expect(copies[0]!.folder?.S).toBe("Sent");
    expect(Number(copies[0]!.uid?.N)).toBeGreaterThan(0);
    expect(copies[0]!.sendId).toBeUndefined();
    // the Cc contact's history too
    const ccId = (await api.get(`/api/contacts?q=${encodeURIComponent(CC_CONTACT)}`)).body.items[0].id;
    expect((await history(ccId)).filter((m) => m.subject === "Proposal for Q1")).toHaveLength(1);
  });

  it("from a Gmail-preset mailbox is not APPENDed to Sent (Gmail files it itself)", async () => {
    const reply = await send({ accountId: bobAccount, to: [carol.email], subject: "From the Gmail mailbox", text: "Hi" });
    expect(reply.status, reply.text).toBe(202);
    const done = await waitFor(reply.body.id, "sent");
    expect(done.savedCopy).toBeNull();
    expect(await copiesIn(carol, "INBOX", done.messageId)).toHaveLength(1);
    expect(await copiesIn(bob, "Sent", done.messageId)).toHaveLength(0);
  });

  it("tells a CRM's webhook that the message was sent, once per recipient contact, signed", async () => {
    const received: { body: string; signature: string | undefined }[] = [];
    const receiver = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        received.push({ body, signature: req.headers[SIGNATURE_HEADER] as string | undefined });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    try {
      const me = (await api.get("/api/session")).body.user;
      const hook = await api.post("/api/webhooks", {
        url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/crm`,
        events: ["mail.sent", "mail.failed"],
        userId: me.id,
      });
      expect(hook.status, hook.text).toBe(201);
      const reply = await send({ accountId: aliceAccount, to: [carol.email], subject: "Told to the CRM", text: "Hello" });
      expect(reply.status, reply.text).toBe(202);
      await waitFor(reply.body.id, "sent");
      const events = await eventually(async () => {
        const found = received.map((r) => ({ ...r, event: JSON.parse(r.body) })).filter((r) => r.event.type === "mail.sent" && r.event.data.sendId === reply.body.id);
        return found.length ? found : undefined;
      }, 20_000);
      expect(events).toHaveLength(1);
      expect(verifySignature(hook.body.secret, events[0]!.body, events[0]!.signature)).toBe(true);
      expect(events[0]!.event.data).toMatchObject({
        contactId: carolContact,
        contactEmail: carol.email,
        direction: "sent",
        subject: "Told to the CRM",
        accountId: aliceAccount,
        sendId: reply.body.id,
      });
      expect(events[0]!.body).not.toContain("Hello");
      // the endpoint stays for nothing else: remove it
      expect((await api.del(`/api/webhooks/${hook.body.id}`)).status).toBe(204);
    } finally {
      await new Promise((r) => receiver.close(r));
    }
  });
});

describe("replies", () => {
  it("proposes a reply to the contact with the original quoted, and the reply threads with it", async () => {
    // Prepare: Carol writes to Alice; the sync stores it under Carol
    const originalId = `<carol-${Date.now()}@${mail.domain}>`;
    await appendMessages(mail, alice.email, "INBOX", [
      `From: Carol Customer <${carol.email}>\r\nTo: ${alice.email}\r\nSubject: Question about the quote\r\nMessage-ID: ${originalId}\r\nDate: ${new Date(Date.now() - 60_000).toUTCString()}\r\n\r\nIs the price final?\r\nCarol\r\n`,
    ]);
    await syncNow(aliceAccount);
    const original = (await history()).find((m) => m.subject === "Question about the quote");
    expect(original).toBeDefined();
    // Act: the draft, then the reply
    const draft = await api.get(`/api/messages/${encodeURIComponent(original.id)}/draft?mode=reply`);
    expect(draft.status, draft.text).toBe(200);
    expect(draft.body).toMatchObject({ accountId: aliceAccount, from: alice.email, to: [carol.email], cc: [], subject: "Re: Question about the quote" });
    expect(draft.body.text).toMatch(/wrote:\n> Is the price final\?\n> Carol/);
    const reply = await send({ accountId: aliceAccount, to: draft.body.to, subject: draft.body.subject, text: `Yes, it is.${draft.body.text}`, original: draft.body.original });
    expect(reply.status, reply.text).toBe(202);
    const done = await waitFor(reply.body.id, "sent");
    // Assess: the headers, and one conversation in the history
    const [raw] = await copiesIn(carol, "INBOX", done.messageId);
    expect(header(raw!, "In-Reply-To")).toBe(originalId);
    expect(header(raw!, "References")).toContain(originalId);
    const items = await history();
    const pair = items.filter((m) => m.subject.endsWith("Question about the quote"));
    expect(pair).toHaveLength(2);
    expect(pair[0].threadId).toBe(pair[1].threadId);
  });

  it("refuses a reply to a message the sender may not see, naming the field", async () => {
    const reply = await send({
      accountId: aliceAccount,
      to: [carol.email],
      subject: "Re: x",
      text: "x",
      original: { messageId: `${encodeURIComponent(carol.email)}|2020-01-01T00:00:00.000Z#nothing`, mode: "reply" },
    });
    expect(reply.status).toBe(400);
    expect(reply.body.error.fields.map((f: any) => f.field)).toEqual(["original.messageId"]);
  });
});

describe("delivery", () => {
  const deps = (): DeliverDeps => ({ db, secrets: new FileSecretStore(stack.secretDir), log: createLogger({ fn: "send-test" }), hostAllowance: "loopback", ca: mail.caPem });
  const adminUser = async () => {
    const me = (await api.get("/api/session")).body.user;
    return { id: me.id as string, role: "admin" as const };
  };
  /** Queued through the core with a queue that holds nothing: the test delivers the job itself. */
  const queuedOnly = async (subject: string, accountId = aliceAccount) => {
    const record = await queueMessage({ db, queue: { enqueue: async () => undefined }, log: createLogger({ fn: "send-test" }) }, await adminUser(), {
      accountId,
      to: [carol.email],
      subject,
      text: "once",
    });
    queuedByAdmin++;
    return record;
  };

  it("gives a queued message its job back when `npm start` restarts (its queue lives in memory)", async () => {
    const record = await queuedOnly(`Requeued ${Date.now()}`);
    const sqs = localSqs(stack.sqsEndpoint);
    expect(await requeueOutgoing({ db, queue: new SqsSendQueue(stack.sendQueueUrl, sqs), log: createLogger({ fn: "send-test" }) })).toBe(1);
    sqs.destroy();
    await waitFor(record.sendId, "sent");
    expect(await copiesIn(carol, "INBOX", record.messageId)).toHaveLength(1);
  });

  it("sends once when the same job is delivered twice at once, and again later", async () => {
    const record = await queuedOnly(`Twice ${Date.now()}`);
    const outcomes = await Promise.all([deliverOutgoing(deps(), { sendId: record.sendId }), deliverOutgoing(deps(), { sendId: record.sendId })]);
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(["sent", "skipped"]);
    expect((await deliverOutgoing(deps(), { sendId: record.sendId })).outcome).toBe("skipped");
    expect(await copiesIn(carol, "INBOX", record.messageId)).toHaveLength(1);
    expect(await copiesIn(alice, "Sent", record.messageId)).toHaveLength(1);
  });

  it("does not send again a message whose attempt died while holding it: it may have reached the server", async () => {
    const record = await queuedOnly(`Uncertain ${Date.now()}`);
    // an attempt that claimed it and never came back (its claim ran out)
    await db.update("main", keys.outgoing(record.sendId), {
      expression: "SET #s = :s, claimId = :c, claimUntil = :u",
      names: { "#s": "status" },
      values: { ":s": "sending", ":c": "dead-attempt", ":u": Date.now() - 1000 },
    });
    expect((await deliverOutgoing(deps(), { sendId: record.sendId })).outcome).toBe("failed");
    expect(await copiesIn(carol, "INBOX", record.messageId)).toHaveLength(0);
    const shown = (await api.get(`/api/sends/${record.sendId}`)).body;
    expect(shown).toMatchObject({ status: "failed", failure: { code: "send_uncertain" } });
    expect(shown.failure.message).toMatch(/Sent folder/);
  });

  it("retries a transient failure with backoff, showing it on the row, and stops after the last attempt", async () => {
    // Prepare: a mailbox whose SMTP server stops answering (a relay in front of Postfix, then closed)
    const relay = await startRelay({ host: mail.host, port: mail.smtpPort });
    const created = await api.post("/api/accounts", {
      email: catchall.email,
      initialSyncDays: 1,
      password: catchall.password,
      imap: { host: mail.host, port: mail.imapsPort, security: "tls", user: catchall.email },
      smtp: { host: mail.host, port: relay.port, security: "starttls", user: catchall.email },
    });
    expect(created.status, created.text).toBe(201);
    await relay.close();
    const record = await queuedOnly(`Unreachable ${Date.now()}`, created.body.id);
    // Act + Assess: the first attempt asks for a retry after the first backoff step
    const twoAttempts = { ...deps(), maxAttempts: 2 };
    expect(await deliverOutgoing(twoAttempts, { sendId: record.sendId })).toEqual({ outcome: "retry", delaySeconds: 30 });
    expect((await api.get(`/api/sends/${record.sendId}`)).body).toMatchObject({ status: "queued", attempts: 1, failure: { code: "connection_refused" } });
    const row = (await history()).find((m) => m.subject === record.subject);
    expect(row.sending).toMatchObject({ status: "queued", failure: { code: "connection_refused" } });
    // the last attempt fails for good
    expect(await deliverOutgoing(twoAttempts, { sendId: record.sendId })).toEqual({ outcome: "failed" });
    expect((await api.get(`/api/sends/${record.sendId}`)).body).toMatchObject({ status: "failed", attempts: 2, failure: { code: "connection_refused" } });
    expect(await deliverOutgoing(twoAttempts, { sendId: record.sendId })).toEqual({ outcome: "skipped" });
  });

  it("sends nothing from a paused mailbox: the API refuses it, and a message queued before the pause stops", async () => {
    const record = await queuedOnly(`Paused ${Date.now()}`);
    // paused after refused logins (core/accounts/state-machine.ts)
    await db.update("main", keys.account(aliceAccount), { expression: "SET #s = :p", names: { "#s": "state" }, values: { ":p": "paused" } });
    try {
      const refused = await api.post("/api/sends", { accountId: aliceAccount, to: [carol.email], subject: "While paused", text: "x" });
      expect(refused.status).toBe(400);
      expect(refused.body.error.fields).toEqual([expect.objectContaining({ field: "accountId", code: "send_mailbox_paused" })]);
      expect(await deliverOutgoing(deps(), { sendId: record.sendId })).toEqual({ outcome: "failed" });
      expect((await api.get(`/api/sends/${record.sendId}`)).body.failure.code).toBe("send_mailbox_paused");
      expect(await copiesIn(carol, "INBOX", record.messageId)).toHaveLength(0);
    } finally {
      await db.update("main", keys.account(aliceAccount), { expression: "SET #s = :c", names: { "#s": "state" }, values: { ":c": "connected" } });
    }
  });

  it("shows an SMTP failure's diagnosis on the message in the history, in the reader's language, and stops", async () => {
    // the server now refuses the saved password (changed at the provider)
    await updateCredentials({ secrets: new FileSecretStore(stack.secretDir) }, bobAccount, { imap: "not-the-password" });
    await db.update("main", keys.account(bobAccount), { expression: "SET secretVersion = :v", values: { ":v": `changed-${Date.now()}` } });
    const reply = await send({ accountId: bobAccount, to: [carol.email], subject: "Refused login", text: "x" });
    expect(reply.status, reply.text).toBe(202);
    const done = await waitFor(reply.body.id, "failed");
    expect(done.failure.code).toBe("auth_failed");
    expect(done.attempts).toBe(1);
    const row = (await history()).find((m) => m.subject === "Refused login");
    expect(row.sending).toMatchObject({ status: "failed", failure: { code: "auth_failed" } });
    expect(row.sending.failure.fix.length).toBeGreaterThan(10);
    const jaRow = (await history(carolContact, ja)).find((m) => m.subject === "Refused login");
    expect(jaRow.sending.failure.message).toMatch(/パスワード/);
    expect(await getOutgoing(db, reply.body.id)).toMatchObject({ status: "failed" });
    await updateCredentials({ secrets: new FileSecretStore(stack.secretDir) }, bobAccount, { imap: bob.password });
  });
});

describe("refusals", () => {
  it("answers 400 naming each field, in English and Japanese", async () => {
    const en = await api.post("/api/sends", { accountId: aliceAccount, from: "someone@else.test", to: [], cc: ["not-an-address"], subject: "x", text: "x" });
    expect(en.status).toBe(400);
    expect(en.body.error.fields.map((f: any) => f.field).sort()).toEqual(["cc.0"]);
    const shape = await api.post("/api/sends", { accountId: aliceAccount, from: "someone@else.test", to: [], subject: "x", text: "x" });
    expect(shape.status).toBe(400);
    expect(shape.body.error.fields.map((f: any) => [f.field, f.code]).sort()).toEqual([
      ["from", "send_from_not_own"],
      ["to", "send_no_recipient"],
    ]);
    const jaReply = await ja.post("/api/sends", { accountId: aliceAccount, from: "someone@else.test", to: [carol.email], subject: "x", text: "x" });
    expect(jaReply.body.error.fields[0]).toMatchObject({ field: "from", message: expect.stringMatching(/別名/) });
    const missing = await api.post("/api/sends", { accountId: aliceAccount, to: [carol.email], text: "x" });
    expect(missing.body.error.fields).toEqual([expect.objectContaining({ field: "subject", code: "required" })]);
  });

  it("queues nothing when sending is off: the API answers 403 in the user's language, uploads too", async () => {
    const off = await api.request("PUT", "/api/settings/sending", { enabled: false, perHour: 100, perDay: 400, maxMessageMb: 25 });
    expect(off.status, off.text).toBe(200);
    expect((await api.get("/api/settings/sending")).body.enabled).toBe(false);
    const refused = await api.post("/api/sends", { accountId: aliceAccount, to: [carol.email], subject: "Off", text: "x" });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("sending_off");
    expect((await ja.post("/api/sends", { accountId: aliceAccount, to: [carol.email], subject: "Off", text: "x" })).body.error.message).toMatch(/オフ/);
    expect((await api.post("/api/uploads", { filename: "a.txt", contentType: "text/plain", size: 1 })).status).toBe(403);
    expect((await history()).some((m) => m.subject === "Off")).toBe(false);
    expect((await api.request("PUT", "/api/settings/sending", { enabled: true, perHour: 100, perDay: 400, maxMessageMb: 25 })).status).toBe(200);
  });

  it("refuses past the per-user daily limit with a clear message, and counts nothing it refused", async () => {
    // the day's window holds this file's messages (a fresh stack): one more is allowed
    const set = await api.request("PUT", "/api/settings/sending", { enabled: true, perHour: 1000, perDay: queuedByAdmin + 1, maxMessageMb: 25 });
    expect(set.status, set.text).toBe(200);
    expect((await send({ accountId: aliceAccount, to: [carol.email], subject: "Within the limit", text: "x" })).status).toBe(202);
    const over = await api.post("/api/sends", { accountId: aliceAccount, to: [carol.email], subject: "Over the limit", text: "x" });
    expect(over.status).toBe(429);
    expect(over.body.error.code).toBe("send_limit_day");
    expect(over.body.error.message).toContain(`${queuedByAdmin} messages in the last 24 hours`);
    expect(Number(over.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await history()).some((m) => m.subject === "Over the limit")).toBe(false);
    const jaOver = await ja.post("/api/sends", { accountId: aliceAccount, to: [carol.email], subject: "Over the limit", text: "x" });
    expect(jaOver.body.error.message).toMatch(/上限/);
  });

  it("refuses sending settings out of range, naming each field", async () => {
    const bad = await api.request("PUT", "/api/settings/sending", { enabled: true, perHour: 0, perDay: 400, maxMessageMb: 99 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f: any) => f.field).sort()).toEqual(["maxMessageMb", "perHour"]);
  });
});

describe("who sees and changes what", () => {
  it("shows sent mail under the sharing rule, keeps each sender's mailboxes and messages their own, and the settings to admins", async () => {
    // Prepare: a member, and the admin's mailbox private (the default)
    const MEMBER = { email: `member-${Date.now()}@example.test`, password: "member-password-123" };
    expect((await api.post("/api/users", { ...MEMBER, name: "Member", role: "member" })).status).toBe(201);
    const member = new ApiClient(stack.url);
    expect((await member.signIn(MEMBER.email, MEMBER.password)).status).toBe(200);
    // Act + Assess: the private mailbox's sent mail is the owner's only
    expect((await history()).some((m) => m.subject === "Proposal for Q1")).toBe(true);
    expect((await history(carolContact, member)).some((m) => m.subject === "Proposal for Q1")).toBe(false);
    // someone else's message and mailbox are not the member's to read or send from
    expect((await member.get(`/api/sends/${firstSendId}`)).status).toBe(404);
    const from = await member.post("/api/sends", { accountId: aliceAccount, to: [carol.email], subject: "x", text: "x" });
    expect(from.status).toBe(400);
    expect(from.body.error.fields).toEqual([expect.objectContaining({ field: "accountId", code: "send_from_not_own" })]);
    expect((await member.get("/api/sending/senders")).body.items).toEqual([]);
    expect((await member.request("PUT", "/api/settings/sending", { enabled: false, perHour: 1, perDay: 1, maxMessageMb: 1 })).status).toBe(403);
    // shared publicly by its owner, the mailbox's sent mail shows to the member too
    expect((await api.patch(`/api/accounts/${aliceAccount}`, { sharing: { mode: "public" } })).status).toBe(200);
    expect((await history(carolContact, member)).some((m) => m.subject === "Proposal for Q1")).toBe(true);
  });
});
