import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startLocalStack, type LocalStack } from "../../core/local/stack";
import { launchBrowser } from "../harness/chromium";
import { appendMessages, resetUser, type MailUser } from "../harness/mail-servers";
import { ApiClient, eventually } from "../support/api-client";
import { headerOf, readMessages } from "../support/mailbox-reader";

/**
 * Writing to a contact in the console (Chromium), delivered through the private Postfix into
 * Dovecot: compose from the contact's page with an alias, Cc, Bcc and an attachment; the row's
 * status; a reply from an open message; compose hidden when sending is off.
 */
const mail = inject("mail");
const ADMIN = { email: "admin@example.test", password: "admin-password-123" };
const alice = mail.users.alice,
  bob = mail.users.bob,
  carol = mail.users.carol,
  catchall = mail.users.catchall;
const ALIAS = `alice.sales@${mail.domain}`;
const CC = `console-cc-${Date.now()}@client.test`;

let stack: LocalStack;
let api: ApiClient;
let browser: Browser;
let page: Page;
let contactId = "";
let accountId = "";

const inbox = (user: MailUser, subject: string) => readMessages(mail, user, "INBOX", "subject", subject);
const header = headerOf;

beforeAll(async () => {
  if (!existsSync(resolve("web/dist/index.html"))) throw new Error("web/dist is missing: run `npm run build:web` (npm test does it)");
  await Promise.all([alice, bob, carol, catchall].map((u) => resetUser(mail, u.email)));
  stack = await startLocalStack({ schedule: false, admin: ADMIN, imapCaPem: mail.caPem });
  api = new ApiClient(stack.url);
  await api.signIn(ADMIN.email, ADMIN.password);
  const created = await api.post("/api/accounts", {
    email: alice.email,
    displayName: "Alice Sender",
    aliases: [ALIAS],
    signature: "Alice / ACME",
    initialSyncDays: 2,
    password: alice.password,
    imap: { host: mail.host, port: mail.imapsPort, security: "tls", user: alice.email },
    smtp: { host: mail.host, port: mail.smtpPort, security: "starttls", user: alice.email },
  });
  expect(created.status, created.text).toBe(201);
  accountId = created.body.id;
  contactId = (await api.post("/api/contacts", { name: "Carol Customer", primaryEmail: carol.email, secondaryEmails: [`carol.other-${Date.now()}@client.test`] })).body.id;
  expect((await api.post("/api/contacts", { name: "Console Cc", primaryEmail: CC })).status).toBe(201);
  browser = await launchBrowser();
  const context = await browser.newContext({ locale: "en-GB", viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  await page.goto(`${stack.url}/#/signin`);
  await page.getByTestId("signin-email").fill(ADMIN.email);
  await page.getByTestId("signin-password").fill(ADMIN.password);
  await page.getByTestId("signin-submit").click();
  await page.getByTestId("signin-email").waitFor({ state: "detached" });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe("writing to a contact in the console", () => {
  it("sends a mail composed on the contact's page: alias From, Cc, Bcc and attachment arrive; the row shows it sent", async () => {
    // Prepare
    const subject = `Console proposal ${Date.now()}`;
    const dir = mkdtempSync(join(tmpdir(), "compose-"));
    const file = join(dir, "quote.txt");
    writeFileSync(file, "Quote from the console\n");
    await page.goto(`${stack.url}/#/contacts/${contactId}`);
    // Act
    await page.getByTestId("contact-compose").click();
    const compose = page.getByTestId("compose");
    await compose.waitFor();
    // the primary address is preselected, any of the contact's addresses can be chosen
    expect(await page.getByTestId("compose-to").inputValue()).toBe(carol.email);
    expect(await page.getByTestId("compose-contact-address").locator("option").count()).toBe(2);
    expect(await compose.getByText("Up to 25 MB per message, attachments included.").count()).toBe(1);
    await expect.poll(() => page.getByTestId("compose-from").locator("option").count()).toBe(2);
    await page.getByTestId("compose-from").selectOption(`${accountId}|${ALIAS}`);
    await page.getByTestId("compose-cc").fill(CC);
    await page.getByTestId("compose-bcc").fill(bob.email);
    await page.getByTestId("compose-subject").fill(subject);
    await page.getByTestId("compose-text").fill("Hello Carol,\nhere is the quote.");
    await page.getByTestId("compose-attach").setInputFiles(file);
    await expect.poll(() => page.getByTestId("compose-attached").locator("li").count(), { timeout: 10_000 }).toBe(1);
    await page.getByTestId("compose-send").click();
    await compose.waitFor({ state: "detached" });
    // Assess: the row, queued then sent
    const row = page.getByTestId("message-row").filter({ hasText: subject });
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => row.getByTestId("send-status").getAttribute("data-status"), { timeout: 30_000 }).toBe("sent");
    // and the mailboxes
    const [got, ...more] = await eventually(async () => {
      const found = await inbox(carol, subject);
      return found.length ? found : undefined;
    });
    expect(more).toHaveLength(0);
    expect(header(got!.raw, "From")).toBe(`Alice Sender <${ALIAS}>`);
    expect(header(got!.raw, "Cc")).toBe(CC);
    expect(header(got!.raw, "Bcc")).toBeUndefined();
    expect(got!.raw).toMatch(/here is the quote\.\r\n\r\n-- \r\nAlice \/ ACME/);
    expect(got!.attachments).toEqual([{ filename: "quote.txt", type: "text/plain", content: "Quote from the console\n" }]);
    // the Bcc recipient has it without the Bcc line; the outside Cc's copy lands in the catch-all
    const blind = await inbox(bob, subject);
    expect(blind).toHaveLength(1);
    expect(header(blind[0]!.raw, "Bcc")).toBeUndefined();
    expect(await inbox(catchall, subject)).toHaveLength(1);
  });

  it("replies from an open message: the draft quotes it, and the reply joins its conversation", async () => {
    const original = `Console question ${Date.now()}`;
    await appendMessages(mail, alice.email, "INBOX", [
      `From: Carol Customer <${carol.email}>\r\nTo: ${alice.email}\r\nSubject: ${original}\r\nMessage-ID: <q-${Date.now()}@${mail.domain}>\r\nDate: ${new Date(Date.now() - 60_000).toUTCString()}\r\n\r\nCan you deliver on Monday?\r\n`,
    ]);
    const before = (await api.get(`/api/accounts/${accountId}`)).body.lastSyncAt;
    await api.post(`/api/accounts/${accountId}/sync`);
    await eventually(async () => (await api.get(`/api/accounts/${accountId}`)).body.lastSyncAt !== before || undefined, 30_000);
    await page.goto(`${stack.url}/#/contacts/${contactId}`);
    await page.getByTestId("message-row").filter({ hasText: original }).getByTestId("message-open").click();
    await page.getByTestId("message-reply").click();
    const compose = page.getByTestId("compose");
    await compose.waitFor();
    await expect.poll(() => page.getByTestId("compose-subject").inputValue()).toBe(`Re: ${original}`);
    expect(await page.getByTestId("compose-to").inputValue()).toBe(carol.email);
    expect(await page.getByTestId("compose-text").inputValue()).toMatch(/> Can you deliver on Monday\?/);
    await page.getByTestId("compose-text").press("Control+Home");
    await page.getByTestId("compose-text").pressSequentially("Yes, Monday works.");
    await page.getByTestId("compose-send").click();
    await compose.waitFor({ state: "detached" });
    const thread = page.getByTestId("thread").filter({ hasText: `Re: ${original}` });
    await expect.poll(() => thread.getAttribute("data-count"), { timeout: 15_000 }).toBe("2");
    const [reply] = await eventually(async () => {
      const found = await inbox(carol, `Re: ${original}`);
      return found.length ? found : undefined;
    });
    expect(header(reply!.raw, "In-Reply-To")).toMatch(/^<q-\d+@/);
    expect(reply!.raw).toMatch(/^Yes, Monday works\./m);
  });

  it("shows an invalid address beside its field", async () => {
    await page.goto(`${stack.url}/#/contacts/${contactId}`);
    await page.getByTestId("contact-compose").click();
    await page.getByTestId("compose-cc").fill("not-an-address");
    await page.getByTestId("compose-subject").fill("x");
    await page.getByTestId("compose-send").click();
    await expect.poll(() => page.getByTestId("compose").getByText("must be a valid email address.").count()).toBe(1);
    // what was typed is not thrown away without asking
    await page.getByTestId("compose-close").click();
    await page.getByTestId("confirm-ok").click();
    await expect.poll(() => page.getByTestId("compose").count()).toBe(0);
  });

  it("hides compose and reply when sending is turned off", async () => {
    expect((await api.request("PUT", "/api/settings/sending", { enabled: false, perHour: 100, perDay: 400, maxMessageMb: 25 })).status).toBe(200);
    await page.goto(`${stack.url}/#/contacts`);
    await page.goto(`${stack.url}/#/contacts/${contactId}`);
    await page.getByTestId("contact-name").waitFor();
    await page.getByTestId("message-row").first().waitFor();
    expect(await page.getByTestId("contact-compose").count()).toBe(0);
    await page.getByTestId("message-open").first().click();
    await page.getByTestId("message-view").waitFor();
    expect(await page.getByTestId("message-reply").count()).toBe(0);
  });
});
