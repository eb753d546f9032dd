import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startLocalStack, type LocalStack } from "../../core/local/stack";
import { launchBrowser } from "../harness/chromium";
import { appendMessages, resetUser } from "../harness/mail-servers";
import { ApiClient, eventually } from "../support/api-client";
import { withAttachment } from "../support/corpus";
import { signInPage } from "../support/console-page";
import { strayAsciiText } from "../support/ascii-words";

/**
 * Issue 14: in Japanese, every word a user reads is Japanese, dynamic text included. An admin
 * walks every page of the console (locale ja-JP) over realistic data: a mailbox synced from the
 * real Dovecot, a contact with mail and a PDF attachment, a message opened, the autodiscovery
 * panel run for a domain with nothing to find, a connection test that fails at sign-in, the
 * operations, monitor, audit, integrations, domains, users and import pages. Each page's visible
 * text (test/support/ascii-words.ts says what is left out) may hold no ASCII word outside the
 * short allow-list of product and protocol names.
 *
 * The walk is a list of stops: another page joins by adding { name, route, ready?, prepare? }.
 */
const mail = inject("mail");
const { alice, bob } = mail.users;
const ADMIN = { email: "admin@example.test", password: "admin-password-ja-1" };
const MEMBER = { email: alice.email, name: "佐藤 花子", password: "alice-console-password-ja" };
const YAMADA = { name: "山田 太郎", company: "山田商事株式会社", email: "taro.yamada@yamada-trading.example" };

let stack: LocalStack;
let browser: Browser;
let admin: ApiClient;
const ids: { account?: string; failing?: string; contact?: string } = {};

interface WalkContext {
  stack: LocalStack;
  ids: typeof ids;
}

interface Stop {
  /** What the page is, as the failure names it. */
  name: string;
  /** The console route (after "#"); a function when it needs an id made in the setup. */
  route: string | ((ctx: WalkContext) => string);
  /** A data-testid that is on the page once it has loaded. */
  ready?: string;
  /** What a person does on the page before reading it (open a message, run a test...). */
  prepare?: (page: Page, ctx: WalkContext) => Promise<void>;
}

const PDF_NAME = "見積書.pdf";
const encoded = (text: string) => `=?UTF-8?B?${Buffer.from(text, "utf8").toString("base64")}?=`;

const STOPS: Stop[] = [
  { name: "contacts", route: "/contacts", ready: "contact-row" },
  {
    name: "contact with an opened message",
    route: (ctx) => `/contacts/${ctx.ids.contact}`,
    ready: "thread",
    async prepare(page) {
      await page.getByTestId("message-row").filter({ hasText: "お見積もり" }).first().click();
      await page.getByTestId("message-attachments").waitFor();
      await page.getByTestId("attachment").first().waitFor();
    },
  },
  {
    name: "contact import with a preview",
    route: "/contacts/import",
    ready: "import-file",
    async prepare(page) {
      const csv = "名前,会社,メールアドレス\r\n鈴木 一郎,株式会社サンプル電機,ichiro.suzuki@sample-denki.example\r\n高橋 次郎,高橋工業,not-an-address\r\n";
      await page.getByTestId("import-file").setInputFiles({ name: "顧客.csv", mimeType: "text/csv", buffer: Buffer.from(csv, "utf8") });
      await page.getByTestId("import-preview-table").waitFor();
    },
  },
  { name: "mailboxes", route: "/accounts", ready: "account-row" },
  { name: "synced mailbox", route: (ctx) => `/accounts/${ctx.ids.account}`, ready: "account-status" },
  { name: "mailbox that cannot connect", route: (ctx) => `/accounts/${ctx.ids.failing}`, ready: "account-status" },
  {
    name: "new mailbox: autodiscovery and a failed connection test",
    route: "/accounts/new",
    ready: "account-email",
    async prepare(page) {
      // a domain with nothing to find: every autodiscovery step reports why, in Japanese
      await page.getByTestId("account-email").fill("sales@nothing-here.invalid");
      await page.getByTestId("account-password").focus();
      const discovery = page.getByTestId("account-discovery");
      await expect.poll(() => discovery.getAttribute("data-status"), { timeout: 15_000 }).toMatch(/none|found|failed/);
      // the real Dovecot with a wrong password: dns, tcp and tls pass, sign-in fails
      await page.getByTestId("account-email").fill(bob.email);
      if (!(await page.getByTestId("account-host").isVisible())) await page.getByTestId("account-advanced-toggle").click();
      await page.getByTestId("account-host").fill(mail.host);
      await page.getByTestId("account-port").fill(String(mail.imapsPort));
      await page.getByTestId("account-smtp-host").fill(mail.host);
      await page.getByTestId("account-smtp-security").selectOption("starttls");
      await page.getByTestId("account-smtp-port").fill(String(mail.smtpPort));
      await page.getByTestId("account-password").fill("not-the-password");
      await page.getByTestId("account-test").click();
      const result = page.getByTestId("account-test-result");
      await expect.poll(() => result.getAttribute("data-ok"), { timeout: 30_000 }).toBe("false");
      await expect(result.locator("[data-testid=test-step][data-state=ok]").count()).resolves.toBeGreaterThanOrEqual(3);
      // what passed is said in Japanese from the steps' message keys
      await expect.poll(() => result.locator(".step__detail").allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/^暗号化済み（TLS 1\.[23]）/)]));
      // the discovery's own list is open too, as a curious user would open it: each step says why
      await discovery.locator("details summary").first().click();
      const notes = await discovery.locator(".discovery__detail").allTextContents();
      expect(notes.length).toBeGreaterThan(0);
      expect(notes.every((n) => n.length > 0)).toBe(true);
    },
  },
  { name: "users", route: "/users", ready: "users-table" },
  {
    name: "editing a user",
    route: "/users",
    ready: "users-table",
    async prepare(page) {
      await page.getByTestId("user-edit").first().click();
      await page.getByTestId("user-edit-dialog").waitFor();
    },
  },
  { name: "what is stored", route: "/stored-data", ready: "stored-data" },
  { name: "password", route: "/password", ready: "password-current" },
  { name: "integrations", route: "/integrations", ready: "webhook-row" },
  { name: "operations settings", route: "/settings", ready: "notification-mail" },
  { name: "job monitor settings", route: "/settings/monitor" },
  { name: "domains", route: "/domains" },
  { name: "audit", route: "/audit", ready: "audit-table" },
  { name: "overview", route: "/overview", ready: "overview" },
  { name: "page not found", route: "/no-such-page" },
];

beforeAll(async () => {
  if (!existsSync(resolve("web/dist/index.html"))) throw new Error("web/dist is missing: run `npm run build:web` (npm test does it)");
  await resetUser(mail, alice.email);
  stack = await startLocalStack({ schedule: false, admin: ADMIN, imapCaPem: mail.caPem });
  admin = new ApiClient(stack.url, "ja");
  expect((await admin.signIn(ADMIN.email, ADMIN.password)).status).toBe(200);
  const member = await admin.post("/api/users", { email: MEMBER.email, name: MEMBER.name, password: MEMBER.password, role: "member" });
  expect(member.status, member.text).toBe(201);
  const contact = await admin.post("/api/contacts", { name: YAMADA.name, company: YAMADA.company, primaryEmail: YAMADA.email });
  expect(contact.status, contact.text).toBe(201);
  ids.contact = contact.body.id;
  // the contact's mail in the real Dovecot: a quotation with a PDF, and a reply
  await appendMessages(mail, alice.email, "INBOX", [
    withAttachment(
      {
        from: `${encoded(YAMADA.name)} <${YAMADA.email}>`,
        to: alice.email,
        subject: encoded("お見積もりのお願い"),
        date: new Date(Date.now() - 2 * 86_400_000),
        messageId: "<quote-ja@yamada-trading.example>",
      },
      "佐藤様\r\n\r\nお見積もりをお願いいたします。資料を添付します。\r\n\r\n山田",
      { name: PDF_NAME, type: "application/pdf", content: Buffer.alloc(24_000, 0x25) },
    ),
  ]);
  // the mailbox, saved through the API (which tests the connection first) and synced
  const account = await admin.post("/api/accounts", {
    email: alice.email,
    displayName: MEMBER.name,
    ownerId: member.body.id,
    imap: { host: mail.host, port: mail.imapsPort, security: "tls", user: alice.email },
    smtp: { host: mail.host, port: mail.smtpPort, security: "starttls", user: alice.email },
    password: alice.password,
  });
  expect(account.status, account.text).toBe(201);
  ids.account = account.body.id;
  // the owner shares the mailbox with the team, so the admin reads its mail too
  const owner = new ApiClient(stack.url, "ja");
  expect((await owner.signIn(MEMBER.email, MEMBER.password)).status).toBe(200);
  const shared = await owner.patch(`/api/accounts/${ids.account}`, { sharing: { mode: "public" } });
  expect(shared.status, shared.text).toBe(200);
  // a mailbox whose server does not answer, saved with sync off: its error is on the pages
  const failing = await admin.post("/api/accounts", {
    email: "support@nothing-listens.example",
    imap: { host: "127.0.0.1", port: 9, security: "tls", user: "support" },
    password: "pw",
    saveDisabledOnFailure: true,
  });
  expect(failing.status, failing.text).toBe(201);
  ids.failing = failing.body.id;
  // an integration: an API key and a webhook endpoint (nothing listens at it: its deliveries fail)
  const key = await admin.post("/api/api-keys", { name: "販売管理システム", userId: member.body.id, scopes: ["contacts:write", "messages:read"] });
  expect(key.status, key.text).toBe(201);
  const hook = await admin.post("/api/webhooks", { url: "http://127.0.0.1:9/crm", events: ["mail.added", "contact.backfill_done"], userId: member.body.id });
  expect(hook.status, hook.text).toBe(201);
  // a locked user, for the overview and the settings page
  expect((await admin.request("PUT", "/api/settings/signin-lockout", { failures: 2, minutes: 30 })).status).toBe(200);
  for (const wrong of ["nope-1", "nope-2"]) expect((await new ApiClient(stack.url).signIn(MEMBER.email, wrong)).status).toBe(401);
  const before = new Date().toISOString();
  await stack.tick();
  await eventually(async () => {
    const a = (await admin.get(`/api/accounts/${ids.account}`)).body;
    return a.lastSyncAt && a.lastSyncAt > before && a.state === "connected";
  }, 60_000);
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe("the console in Japanese", () => {
  it("shows no English word outside product and protocol names on any page, dynamic text included", async () => {
    // Prepare
    const context = await browser.newContext({ locale: "ja-JP", viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (err) => errors.push(String(err)));
    const ctx: WalkContext = { stack, ids };
    const stray: Record<string, string[]> = {};
    // the sign-in page first, before anyone is signed in
    await page.goto(`${stack.url}/#/signin`);
    await page.getByTestId("signin-email").waitFor();
    const signIn = await strayAsciiSeen(page);
    if (signIn.length) stray["sign in"] = signIn;
    await signInPage(page, stack.url, ADMIN);

    // Act: every stop, read as a person reads it
    for (const stop of STOPS) {
      const route = typeof stop.route === "function" ? stop.route(ctx) : stop.route;
      // a new document each time: a form filled at the stop before would hold in-app navigation behind the discard question
      await page.goto("about:blank");
      await page.goto(`${stack.url}/#${route}`);
      if (stop.ready) await page.getByTestId(stop.ready).first().waitFor({ timeout: 20_000 });
      await settled(page);
      if (stop.prepare) {
        await stop.prepare(page, ctx);
        await settled(page);
      }
      const words = await strayAsciiSeen(page);
      if (words.length) stray[stop.name] = words;
    }

    // Assess: nothing English left anywhere (the map names the page and its words)
    expect(stray).toEqual({});
    expect(errors).toEqual([]);
    await context.close();
  }, 240_000);
});

/** Each stray word with the text it was read in ("Sent «自動: Sent»"), so a failure says what to fix. */
async function strayAsciiSeen(page: Page): Promise<string[]> {
  return (await strayAsciiText(page)).map(({ word, text }) => `${word} «${text}»`);
}

/** Waits until the page's loading indicators are gone. */
async function settled(page: Page): Promise<void> {
  await expect.poll(() => page.locator(".loading, .spinner").count(), { timeout: 20_000 }).toBe(0);
}
