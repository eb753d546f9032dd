import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startLocalStack, type LocalStack } from "../../core/local/stack";
import { launchBrowser } from "../harness/chromium";
import { resetUser } from "../harness/mail-servers";
import { ApiClient } from "../support/api-client";
import { fillPinnedServers, signInPage } from "../support/console-page";

/**
 * The admin's first hour, in Japanese on a phone, in a real browser against the real
 * Dovecot/Postfix: the first-run checklist leads through changing the given password, pinning
 * the company domain, adding a colleague, connecting her mailbox (hers, not the admin's) and
 * adding a contact, ticking each step as it is done, and goes away when all are. On a desktop,
 * an admin may hide it, for every admin, across reloads.
 */
const mail = inject("mail");
const ADMIN = { email: "admin@example.test", password: "admin-password-123", next: "admin-password-456" };
const alice = mail.users.alice;
const domain = alice.email.split("@")[1]!;
let browser: Browser;
let stack: LocalStack;

const progress = (page: Page) =>
  page
    .getByTestId("setup-checklist")
    .getByTestId("setup-step")
    .evaluateAll((els) => els.map((e) => `${e.getAttribute("data-step")}:${e.getAttribute("data-done")}`));
async function backToChecklist(page: Page) {
  await page.goto(`${stack.url}/#/contacts`);
  await page.reload(); // already on the contacts page (a contact added there): read the list afresh
  await page.getByTestId("setup-checklist").waitFor({ timeout: 15_000 });
}

beforeAll(async () => {
  if (!existsSync(resolve("web/dist/index.html"))) throw new Error("web/dist is missing: run `npm run build:web` (npm test does it)");
  await resetUser(mail, alice.email);
  stack = await startLocalStack({ schedule: false, admin: ADMIN, imapCaPem: mail.caPem });
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe("the first-run checklist", () => {
  it("lets an admin on a desktop hide it for every admin, across reloads", async () => {
    const context = await browser.newContext({ locale: "ja-JP", viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await signInPage(page, stack.url, ADMIN);
    await page.getByTestId("setup-checklist").waitFor();
    await page.getByTestId("setup-dismiss").click();
    await expect.poll(() => page.getByTestId("setup-checklist").count(), { timeout: 10_000 }).toBe(0);
    await page.reload();
    await page
      .getByTestId("contacts-table")
      .or(page.getByTestId("contacts-empty"))
      .first()
      .waitFor({ timeout: 15_000 })
      .catch(() => undefined);
    await page.waitForTimeout(500);
    expect(await page.getByTestId("setup-checklist").count()).toBe(0);
    const api = new ApiClient(stack.url);
    await api.signIn(ADMIN.email, ADMIN.password);
    expect((await api.get("/api/setup")).body).toMatchObject({ dismissed: true, done: 0 });
    // brought back for the walk through below
    expect((await api.request("PUT", "/api/setup", { dismissed: false })).body.dismissed).toBe(false);
    await context.close();
  });

  it("walks an admin on a phone through the first hour, in Japanese, ticking each step", async () => {
    const context = await browser.newContext({ locale: "ja-JP", viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await signInPage(page, stack.url, ADMIN);
    await page.getByTestId("setup-checklist").waitFor();
    await expect(page.getByTestId("setup-checklist").getByRole("heading").textContent()).resolves.toBe("チームで使い始めるには");
    expect(await progress(page)).toEqual(["password:false", "domain:false", "users:false", "mailboxes:false", "contacts:false"]);

    // 1. the password
    await page.getByTestId("setup-go-password").click();
    await page.getByTestId("password-current").fill(ADMIN.password);
    await page.getByTestId("password-new").fill(ADMIN.next);
    await page.getByTestId("password-save").click();
    await expect.poll(() => page.getByText("パスワードを変更しました。").count(), { timeout: 20_000 }).toBe(1);
    await backToChecklist(page);
    await expect.poll(() => progress(page), { timeout: 15_000 }).toContain("password:true");

    // 2. the company domain
    await page.getByTestId("setup-go-domain").click();
    await page.getByTestId("domain-add").click();
    await page.getByTestId("domain-name").fill(domain);
    await fillPinnedServers(page, mail);
    await page.getByTestId("domain-save").click();
    await page.locator(`[data-testid=domain-row][data-domain="${domain}"]`).waitFor({ timeout: 15_000 });

    // 3. a colleague
    await backToChecklist(page);
    await page.getByTestId("setup-go-users").click();
    await page.getByTestId("user-new-email").fill(alice.email);
    await page.getByTestId("user-new-name").fill("佐藤 花子");
    await page.getByTestId("user-new-password").fill("alice-password-123");
    await page.getByTestId("user-new-save").click();
    await expect.poll(() => page.getByTestId("user-row").count(), { timeout: 20_000 }).toBe(2);
    await backToChecklist(page);
    await expect.poll(() => progress(page), { timeout: 15_000 }).toEqual(["password:true", "domain:true", "users:true", "mailboxes:false", "contacts:false"]);
    await expect(page.getByTestId("setup-checklist").textContent()).resolves.toContain("ユーザー 2 人中 0 人が接続済み");

    // 4. her mailbox, connected by the admin with only address and password: it is hers
    await page.getByTestId("setup-go-mailboxes").click();
    await page.getByTestId("account-email").fill(alice.email);
    await page.getByTestId("account-password").focus();
    await expect.poll(() => page.getByTestId("account-discovery").getAttribute("data-status"), { timeout: 15_000 }).toBe("found");
    await page.getByTestId("account-password").fill(alice.password);
    await page.getByTestId("account-save").click();
    await page.getByTestId("account-status").waitFor({ timeout: 30_000 });
    await backToChecklist(page);
    // the admin has no mailbox yet: one of two users connected
    await expect.poll(() => page.getByTestId("setup-checklist").textContent(), { timeout: 15_000 }).toContain("ユーザー 2 人中 1 人が接続済み");

    // 5. a contact
    await page.getByTestId("contact-new-name").fill("山田 太郎");
    await page.getByTestId("contact-new-email").fill("yamada@client.example");
    await page.getByTestId("contact-new-save").click();
    await expect.poll(() => page.getByText("連絡先「山田 太郎」を追加しました。").count(), { timeout: 20_000 }).toBe(1);
    await backToChecklist(page);
    await expect.poll(() => progress(page), { timeout: 15_000 }).toEqual(["password:true", "domain:true", "users:true", "mailboxes:false", "contacts:true"]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    // the admin's own mailbox is the last step; done, the list goes away
    const api = new ApiClient(stack.url);
    await api.signIn(ADMIN.email, ADMIN.next);
    const own = await api.post("/api/accounts", {
      email: mail.users.carol.email,
      imap: { host: mail.host, port: mail.imapsPort, security: "tls", user: mail.users.carol.email },
      password: mail.users.carol.password,
      syncEnabled: false,
    });
    expect(own.status, own.text).toBe(201);
    await page.reload();
    await page.getByTestId("contacts-table").waitFor({ timeout: 15_000 });
    await expect.poll(() => page.getByTestId("setup-checklist").count(), { timeout: 10_000 }).toBe(0);
    await context.close();
    // a member never gets it
    const member = new ApiClient(stack.url);
    await member.signIn(alice.email, "alice-password-123");
    expect((await member.get("/api/setup")).status).toBe(403);
  });
});
