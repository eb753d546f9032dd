import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startLocalStack, type LocalStack } from "../../core/local/stack";
import { appendMessages, resetUser } from "../harness/mail-servers";
import { ApiClient, eventually } from "../support/api-client";
import * as corpus from "../support/corpus";

/** Reading a message back: details from DynamoDB, the text fetched on demand over IMAP. */
const mail = inject("mail");
const ADMIN = { email: "admin@example.test", password: "admin-password-123" };
const bob = mail.users.bob;
let stack: LocalStack;
let api: ApiClient;
let contactId = "";

beforeAll(async () => {
  await resetUser(mail, bob.email);
  const now = Date.now();
  await appendMessages(mail, bob.email, "INBOX", [
    corpus.iso2022jp(
      { from: "山田 <yamada@client.test>", to: bob.email, subject: "ご確認のお願い", date: new Date(now - 3000_000), messageId: "<b1@client.test>" },
      "お世話になっております。\n添付の資料をご確認ください。\n\n山田",
    ),
    corpus.htmlOnly(
      { from: "yamada@client.test", to: bob.email, subject: "Hostile", date: new Date(now - 2000_000), messageId: "<b2@client.test>" },
      '<p>Hello <b>Bob</b></p><script>alert("x")</script><img src="http://tracker.example/pixel.gif"><p>Regards</p>',
    ),
    corpus.withAttachment({ from: "yamada@client.test", to: bob.email, subject: "With file", date: new Date(now - 1000_000), messageId: "<b3@client.test>" }, "See the file.", {
      name: "見積書.pdf",
      type: "application/pdf",
      content: Buffer.alloc(3000, 1),
    }),
  ]);
  stack = await startLocalStack({ schedule: false, admin: ADMIN, imapCaPem: mail.caPem });
  api = new ApiClient(stack.url);
  await api.signIn(ADMIN.email, ADMIN.password);
  contactId = (await api.post("/api/contacts", { name: "山田", primaryEmail: "yamada@client.test" })).body.id;
  const account = await api.post("/api/accounts", { email: bob.email, imap: { host: mail.host, port: mail.imapsPort, security: "tls", user: bob.email }, password: bob.password });
  expect(account.status, account.text).toBe(201);
  await api.post(`/api/accounts/${account.body.id}/sync`);
  await eventually(async () => (await api.get(`/api/contacts/${contactId}/messages`)).body.items.length === 3);
});
afterAll(async () => stack?.stop());

const bySubject = async (subject: string) => (await api.get(`/api/contacts/${contactId}/messages`)).body.items.find((m: any) => m.subject === subject);

describe("message view", () => {
  it("shows one message's headers and attachments", async () => {
    const item = await bySubject("With file");
    const detail = await api.get(`/api/messages/${encodeURIComponent(item.id)}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      subject: "With file",
      messageId: "<b3@client.test>",
      direction: "received",
      attachments: [{ filename: "見積書.pdf", contentType: "application/pdf" }],
    });
    // the file's own size (3,000 bytes), not its base64 size in the message (~4,100)
    expect(Math.abs(detail.body.attachments[0].size - 3000)).toBeLessThan(60);
  });

  it("fetches the text on demand from the mail server, decoding ISO-2022-JP", async () => {
    const item = await bySubject("ご確認のお願い");
    const body = await api.get(`/api/messages/${encodeURIComponent(item.id)}/body`);
    expect(body.status).toBe(200);
    expect(body.body.text).toBe("お世話になっております。\n添付の資料をご確認ください。\n\n山田");
    expect(body.body.truncated).toBe(false);
  });

  it("turns HTML into plain text: no script, no remote image", async () => {
    const item = await bySubject("Hostile");
    const body = await api.get(`/api/messages/${encodeURIComponent(item.id)}/body`);
    expect(body.body.text).toContain("Hello  Bob");
    expect(body.body.text).toContain("Regards");
    expect(body.body.text).not.toMatch(/alert|<script|<img|tracker\.example/);
  });

  it("answers 404 in the user's language for a message that does not exist", async () => {
    const ja = new ApiClient(stack.url, "ja");
    ja.cookie = api.cookie;
    const reply = await ja.get(`/api/messages/${encodeURIComponent("nobody@x.test|2026-01-01T00:00:00.000Z#zzz")}`);
    expect(reply.status).toBe(404);
    expect(reply.body.error).toEqual({ code: "message_not_found", message: "このメッセージは存在しません。" });
    expect((await api.get("/api/messages/garbage")).status).toBe(404);
  });
});
