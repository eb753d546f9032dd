import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startLocalStack, type LocalStack } from "../../core/local/stack";
import { localDynamo } from "../../core/local/emulators";
import { appendMessages, resetUser } from "../harness/mail-servers";
import { ApiClient, eventually } from "../support/api-client";
import * as corpus from "../support/corpus";
import { en } from "../../web/src/i18n/en";

/**
 * The claims of the console's "What is stored from your mail" page (#/stored-data,
 * web/src/i18n/{en,ja}/storedData.ts), checked against what a real sync of a real Dovecot
 * mailbox leaves in DynamoDB. If this fails, the page or the sync has changed: make them agree.
 */
const mail = inject("mail");
const ADMIN = { email: "admin@example.test", password: "admin-password-123" };
const carol = mail.users.carol;
const CRLF = "\r\n";
// text past the preview's 280 characters, and markers that must never reach the database
const FILLER = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ".repeat(8);
const BODY_MARKER = "BODYMARKER-7f3a9c";
const ATTACHMENT_MARKER = "ATTACHMENTMARKER-91c2e4";
const BCC = "hidden-bcc@elsewhere.example";
const REPLY_TO = "hidden-reply@elsewhere.example";
const MAILER = "SecretMailer 9.9";
const RECEIVED = "from relay.hidden-route.example";
let stack: LocalStack;
let api: ApiClient;
let contactId = "";
let accountId = "";

/** A message with every kind of data the page speaks of: Bcc, Reply-To, other headers, a long body, an attachment. */
function fullMessage(date: Date): Buffer {
  const boundary = "=_stored_data_boundary";
  const head = corpus.headerBlock(
    { from: "Client <client@customer.example>", to: carol.email, cc: "Other <other@customer.example>", subject: "Quote for March", date, messageId: "<sd1@customer.example>" },
    [`Bcc: ${BCC}`, `Reply-To: ${REPLY_TO}`, `X-Mailer: ${MAILER}`, `Content-Type: multipart/mixed; boundary="${boundary}"`],
    [`Received: ${RECEIVED} by mx.example; ${date.toUTCString()}`],
  );
  return Buffer.from(
    [
      head,
      "",
      `--${boundary}`,
      "Content-Type: text/plain; charset=UTF-8",
      "Content-Transfer-Encoding: 8bit",
      "",
      `${FILLER}${BODY_MARKER} the rest of the body.`,
      `--${boundary}`,
      "Content-Type: text/plain; name=quote.txt",
      "Content-Disposition: attachment; filename=quote.txt",
      "Content-Transfer-Encoding: 8bit",
      "",
      `${ATTACHMENT_MARKER} price list`,
      `--${boundary}--`,
      "",
    ].join(CRLF),
  );
}

/** Every item of both tables, as plain objects. */
async function everyItem(): Promise<Record<string, unknown>[]> {
  const ddb = localDynamo(stack.dynamoEndpoint);
  const out: Record<string, unknown>[] = [];
  for (const table of [stack.tables.main, stack.tables.mail]) {
    let start: Record<string, any> | undefined;
    do {
      const page = await ddb.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
      out.push(...(page.Items ?? []).map((i) => unmarshall(i)));
      start = page.LastEvaluatedKey;
    } while (start);
  }
  ddb.destroy();
  return out;
}
const mailCopies = async () => (await everyItem()).filter((i) => typeof i.messageKey === "string" && typeof i.uid === "number");

beforeAll(async () => {
  await resetUser(mail, carol.email);
  const now = Date.now();
  await appendMessages(mail, carol.email, "INBOX", [
    fullMessage(new Date(now - 3000_000)),
    corpus.plain({ from: "stranger@nowhere.example", to: carol.email, subject: "From a non-contact", date: new Date(now - 2000_000), messageId: "<sd2@nowhere.example>" }, "Hello"),
    corpus.plain(
      { from: "partner@excluded.example", to: carol.email, subject: "From an excluded domain", date: new Date(now - 1000_000), messageId: "<sd3@excluded.example>" },
      "Internal matters",
    ),
  ]);
  stack = await startLocalStack({ schedule: false, admin: ADMIN, imapCaPem: mail.caPem });
  api = new ApiClient(stack.url);
  await api.signIn(ADMIN.email, ADMIN.password);
  contactId = (await api.post("/api/contacts", { name: "Client", primaryEmail: "client@customer.example" })).body.id;
  expect((await api.post("/api/contacts", { name: "Partner", primaryEmail: "partner@excluded.example" })).status).toBe(201);
  expect((await api.request("PUT", "/api/settings/excluded-domains", { domains: ["excluded.example"] })).status).toBe(200);
  const account = await api.post("/api/accounts", {
    email: carol.email,
    imap: { host: mail.host, port: mail.imapsPort, security: "tls", user: carol.email },
    password: carol.password,
  });
  expect(account.status, account.text).toBe(201);
  accountId = account.body.id;
  await api.post(`/api/accounts/${account.body.id}/sync`);
  await eventually(async () => (await api.get(`/api/contacts/${contactId}/messages`)).body.items.length === 1);
  // the sync has finished the folder (the other two messages were read and left alone)
  await eventually(async () => (await api.get(`/api/accounts/${account.body.id}`)).body.status !== "syncing");
});
afterAll(async () => stack?.stop());

describe("what the stored-data page says, against a real sync", () => {
  it("stores only messages with a contact, and nothing under an excluded domain's contact", async () => {
    expect(en["storedData.which.contacts"]).toMatch(/at least one contact/);
    expect(en["storedData.which.excluded"]).toMatch(/excluded domain/);
    const subjects = (await mailCopies()).map((c) => c.subject);
    expect(subjects).toEqual(["Quote for March"]);
  });

  it("stores the header fields, a preview of at most 280 characters, attachment names and sizes, and where the message is", async () => {
    const [copy] = await mailCopies();
    expect(copy).toMatchObject({
      messageId: "<sd1@customer.example>",
      subject: "Quote for March",
      from: { name: "Client", address: "client@customer.example" },
      to: [{ address: carol.email }],
      cc: [{ name: "Other", address: "other@customer.example" }],
      direction: "received",
      folder: "INBOX",
      attachments: [expect.objectContaining({ filename: "quote.txt", contentType: "text/plain" })],
    });
    expect(typeof copy!.size).toBe("number");
    expect(typeof copy!.uid).toBe("number");
    expect(String(copy!.preview).length).toBeLessThanOrEqual(280);
    expect(String(copy!.preview)).toMatch(/^Lorem ipsum/);
    expect(en["storedData.stored.preview"]).toContain("280 characters");
  });

  it("keeps no body text past the preview, no attachment content, no Bcc, Reply-To or other header, and no password", async () => {
    // Prepare: the body is there to fetch, on demand, from the mail server
    const item = (await api.get(`/api/contacts/${contactId}/messages`)).body.items[0];
    const body = await api.get(`/api/messages/${encodeURIComponent(item.id)}/body`);
    expect(body.status).toBe(200);
    expect(body.body.text).toContain(BODY_MARKER);
    // Act: everything in the database after the sync and the read
    const all = JSON.stringify(await everyItem());
    // Assess
    for (const never of [BODY_MARKER, ATTACHMENT_MARKER, BCC, REPLY_TO, MAILER, RECEIVED, carol.password]) expect(all, never).not.toContain(never);
    const [copy] = await mailCopies();
    expect(copy).not.toHaveProperty("bcc");
    expect(copy).not.toHaveProperty("replyTo");
  });

  it("deletes the copies a mailbox stored when it is disconnected", async () => {
    expect(en["storedData.removal.text"]).toMatch(/^Disconnecting a mailbox deletes the copies it stored/);
    expect(await mailCopies()).toHaveLength(1);
    // Act
    expect((await api.del(`/api/accounts/${accountId}`)).status).toBe(204);
    // Assess
    expect(await mailCopies()).toEqual([]);
  });
});
