import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startLocalStack, type LocalStack } from "../../core/local/stack";
import { launchBrowser } from "../harness/chromium";
import { appendMessages, resetUser } from "../harness/mail-servers";
import { ApiClient, eventually } from "../support/api-client";
import { signInPage } from "../support/console-page";

/**
 * The console on a 390 px phone, in English and Japanese, in a real browser against the real
 * Dovecot/Postfix: every list reads as cards with its status first and the page never scrolls
 * sideways; the message panel's Close button is on screen and closes it; the change-password
 * page keeps what was typed when the current password is wrong; Cancel on a filled mailbox form
 * asks first; a refused mailbox save says its diagnosis once.
 */
const mail = inject("mail");
const ADMIN = { email: "admin@example.test", password: "admin-password-123" };
const alice = mail.users.alice,
  carol = mail.users.carol;
const domain = alice.email.split("@")[1]!;
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const SUBJECT = "Quotation for 200 units of model A-20 delivered to the Osaka warehouse";
let stack: LocalStack;
let browser: Browser;
let api: ApiClient;
let contactId = "";
let receiver: Server;

beforeAll(async () => {
  if (!existsSync(resolve("web/dist/index.html"))) throw new Error("web/dist is missing: run `npm run build:web` (npm test does it)");
  await resetUser(mail, alice.email);
  // a long Message-ID and unbroken address: the kind of header that pushed the panel wider than a phone
  await appendMessages(mail, alice.email, "INBOX", [
    `From: Carol Customer <${carol.email}>\r\nTo: ${alice.email}\r\nSubject: ${SUBJECT}\r\nMessage-ID: <${"quotation-".repeat(6)}${Date.now()}@${mail.domain}>\r\nDate: ${new Date(Date.now() - 3_600_000).toUTCString()}\r\n\r\nCould you send us a quotation?\r\n`,
  ]);
  stack = await startLocalStack({ schedule: false, admin: ADMIN, imapCaPem: mail.caPem });
  api = new ApiClient(stack.url);
  await api.signIn(ADMIN.email, ADMIN.password);
  const pinned = await api.request("PUT", `/api/domain-settings/${domain}`, {
    imap: { host: mail.host, port: mail.imapsPort, security: "tls" },
    smtp: { host: mail.host, port: mail.smtpPort, security: "starttls" },
    username: "email",
  });
  expect(pinned.status, pinned.text).toBe(200);
  const account = await api.post("/api/accounts", {
    email: alice.email,
    initialSyncDays: 2,
    password: alice.password,
    imap: { host: mail.host, port: mail.imapsPort, security: "tls", user: alice.email },
  });
  expect(account.status, account.text).toBe(201);
  const contact = await api.post("/api/contacts", { name: "Carol Customer", primaryEmail: carol.email });
  expect(contact.status, contact.text).toBe(201);
  contactId = contact.body.id;
  const me = (await api.get("/api/session")).body.user;
  expect((await api.post("/api/api-keys", { name: "CRM sidebar", scopes: ["contacts:read"], userId: me.id })).status).toBe(201);
  // a CRM endpoint on 127.0.0.1 and one delivered test event: the integrations page's deliveries
  receiver = createServer((req, res) => req.resume().on("end", () => res.writeHead(204).end()));
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  const hook = await api.post("/api/webhooks", { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/crm`, events: ["mail.added"], userId: me.id });
  expect(hook.status, hook.text).toBe(201);
  expect((await api.post(`/api/webhooks/${hook.body.id}/test`)).status).toBeLessThan(300);
  await eventually(
    async () => (await api.get(`/api/webhooks/${hook.body.id}/deliveries`)).body.items?.some((d: { status: string }) => d.status === "delivered") || undefined,
    30_000,
  );
  await api.post(`/api/accounts/${account.body.id}/sync`);
  await eventually(async () => (await api.get(`/api/accounts/${account.body.id}`)).body.lastSyncAt || undefined, 60_000);
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  receiver?.close();
});

/** Where each cell of a list's first row sits: a card shows its cells one under another, status on top. */
async function firstCard(page: Page, rowTestId: string) {
  const row = page.getByTestId(rowTestId).first();
  await row.waitFor({ timeout: 20_000 });
  return row.evaluate((tr) => {
    const cells = [...tr.querySelectorAll(":scope > td")].map((td) => ({ status: td.classList.contains("table__status"), top: td.getBoundingClientRect().top }));
    const table = tr.closest("table")!;
    return {
      display: getComputedStyle(tr).display,
      headerShown: getComputedStyle(table.querySelector("thead")!).display !== "none",
      statusFirst: cells.length > 1 && cells.some((c) => c.status) && cells.every((c) => c.status || c.top > cells.find((s) => s.status)!.top),
      right: Math.max(...[...tr.querySelectorAll("button, a")].map((b) => b.getBoundingClientRect().right), 0),
    };
  });
}
const pageWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

for (const locale of ["en-GB", "ja-JP"]) {
  describe(`the console on a phone (${locale})`, () => {
    let context: BrowserContext;
    let page: Page;
    beforeAll(async () => {
      context = await browser.newContext({ locale, ...PHONE });
      page = await context.newPage();
      await signInPage(page, stack.url, ADMIN);
    }, 30_000);
    afterAll(() => context?.close());

    it("shows every list as cards with the status first, its buttons on screen, and never scrolls sideways", async () => {
      const lists: [string, string, boolean][] = [
        ["/accounts", "account-row", true],
        ["/integrations", "api-key-row", true],
        ["/integrations", "webhook-delivery", true],
        ["/audit", "audit-row", true],
        ["/domains", "domain-row", false],
        ["/users", "user-row", true],
      ];
      for (const [path, row, hasStatus] of lists) {
        await page.goto(`${stack.url}/#${path}`);
        if (row === "webhook-delivery") await page.getByTestId("webhook-deliveries").click();
        const card = await firstCard(page, row);
        expect(card.display, path).toBe("flex");
        expect(card.headerShown, path).toBe(false);
        if (hasStatus) expect(card.statusFirst, path).toBe(true);
        expect(card.right, path).toBeLessThanOrEqual(390);
        expect(await pageWidth(page), path).toBeLessThanOrEqual(390);
      }
      // the import preview's rows too, the invalid one saying why in its status line first
      await page.goto(`${stack.url}/#/contacts/import`);
      await page.getByTestId("import-file").setInputFiles({
        name: "contacts.csv",
        mimeType: "text/csv",
        buffer: Buffer.from("name,email\nTaro Yamada,taro.yamada-long-address@client-company.example\nNo Address,not-an-address\n"),
      });
      const card = await firstCard(page, "import-row");
      expect(card).toMatchObject({ display: "flex", headerShown: false, statusFirst: true });
      expect(await pageWidth(page)).toBeLessThanOrEqual(390);
      for (const path of ["/contacts", "/overview", "/settings"]) {
        await page.goto(`${stack.url}/#${path}`);
        await page.getByRole("heading", { level: 1 }).waitFor();
        await page.waitForTimeout(300);
        expect(await pageWidth(page), path).toBeLessThanOrEqual(390);
      }
    });

    it("keeps the message panel's Close button on screen, and closes the panel with it", async () => {
      await page.goto(`${stack.url}/#/contacts/${contactId}`);
      const row = page.getByTestId("message-row").filter({ hasText: SUBJECT });
      await row.waitFor({ timeout: 15_000 });
      // a page wider than the phone widens the layout viewport, and the right-aligned panel with it
      expect(await pageWidth(page)).toBeLessThanOrEqual(390);
      await row.getByTestId("message-open").click();
      const view = page.getByTestId("message-view");
      await view.getByTestId("message-headers").waitFor({ timeout: 15_000 });
      const close = await view.getByTestId("message-close").boundingBox();
      expect(close).not.toBeNull();
      expect(close!.x).toBeGreaterThanOrEqual(0);
      expect(close!.x + close!.width).toBeLessThanOrEqual(390);
      expect(await view.evaluate((d) => d.scrollWidth <= d.clientWidth && d.getBoundingClientRect().left >= 0 && d.getBoundingClientRect().right <= 390)).toBe(true);
      await view.getByTestId("message-close").click();
      await expect.poll(() => page.getByTestId("message-view").count(), { timeout: 5_000 }).toBe(0);
    });

    it("keeps the new password when the current one is wrong, clearing only the wrong one and saying so beside it", async () => {
      await page.goto(`${stack.url}/#/password`);
      await page.getByTestId("password-current").fill("not-my-password");
      await page.getByTestId("password-new").fill("a-new-password-456");
      await page.getByTestId("password-save").click();
      const field = page.locator(".field", { has: page.getByTestId("password-current") });
      await expect.poll(() => field.locator(".field__error").count(), { timeout: 20_000 }).toBe(1);
      expect(await page.getByTestId("password-current").inputValue()).toBe("");
      expect(await page.getByTestId("password-new").inputValue()).toBe("a-new-password-456");
      // said once, beside the field: no banner repeating it
      expect(await page.getByTestId("password-error").count()).toBe(0);
      expect(await page.getByTestId("password-new").getAttribute("aria-describedby")).toBeTruthy();
      expect(await pageWidth(page)).toBeLessThanOrEqual(390);
    });

    it("asks before Cancel throws away a filled mailbox form, and keeps the form when told no", async () => {
      // leaving the page (reload, closing the tab) asks the browser's question only once something was typed
      const leaving = () =>
        page.evaluate(() => {
          const event = new Event("beforeunload", { cancelable: true });
          window.dispatchEvent(event);
          return event.defaultPrevented;
        });
      await page.goto(`${stack.url}/#/accounts/new`);
      await page.getByTestId("account-email").waitFor();
      expect(await leaving()).toBe(false);
      await page.getByTestId("account-email").fill(carol.email);
      expect(await leaving()).toBe(true);
      await page.getByTestId("account-cancel").click();
      await page.getByTestId("confirm-dialog").waitFor();
      await page.getByTestId("confirm-cancel").click();
      await expect.poll(() => page.getByTestId("confirm-dialog").count()).toBe(0);
      expect(new URL(page.url()).hash).toBe("#/accounts/new");
      expect(await page.getByTestId("account-email").inputValue()).toBe(carol.email);
      // told yes, the form goes
      await page.getByTestId("account-cancel").click();
      await page.getByTestId("confirm-ok").click();
      await expect.poll(() => new URL(page.url()).hash).toBe("#/accounts");
    });

    it("says a refused save's diagnosis exactly once", async () => {
      await page.goto(`${stack.url}/#/accounts/new`);
      await page.getByTestId("account-email").fill(carol.email);
      await page.getByTestId("account-password").focus();
      await expect.poll(() => page.getByTestId("account-discovery").getAttribute("data-status"), { timeout: 15_000 }).toBe("found");
      await page.getByTestId("account-password").fill("not-carols-password");
      await page.getByTestId("account-save").click();
      const cause = page.getByTestId("diagnosis-cause").first();
      await cause.waitFor({ timeout: 30_000 });
      const text = (await cause.textContent())!.trim();
      expect(text.length).toBeGreaterThan(5);
      const body = await page.evaluate(() => document.body.innerText);
      expect(body.split(text).length - 1).toBe(1);
      expect(await pageWidth(page)).toBeLessThanOrEqual(390);
      // nothing was saved
      expect((await api.get("/api/accounts")).body.items.map((a: { email: string }) => a.email)).not.toContain(carol.email);
    });
  });
}
