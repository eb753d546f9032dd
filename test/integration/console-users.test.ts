import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Browser, BrowserContextOptions, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startLocalStack, type LocalStack } from "../../core/local/stack";
import { launchBrowser } from "../harness/chromium";
import { ApiClient } from "../support/api-client";
import { signInPage } from "../support/console-page";
import { waitForMail } from "../support/read-mail";
import { postfixNotificationSettings } from "../support/notification-settings";

/**
 * The Users page in Japanese, in a real browser: an admin makes a member an administrator and
 * resets their password without notification mail (a temporary password shown once); the user
 * signs in with it and the console asks for a new password before anything else. Once on a
 * phone (the list as cards, no sideways scroll) and once on a desktop. Then, with notification
 * mail on, an invitation sent from the form arrives through the private Postfix and its link
 * opens the set-password page. Last, a deactivated member's mailbox says why its sync is held,
 * in the list and on its page, and offers no Sync now.
 */
const mail = inject("mail");
const ADMIN = { email: "admin@example.test", password: "admin-password-123" };
const PHONE: BrowserContextOptions = { locale: "ja-JP", viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const DESKTOP: BrowserContextOptions = { locale: "ja-JP", viewport: { width: 1440, height: 900 } };
let stack: LocalStack;
let browser: Browser;
let api: ApiClient;

beforeAll(async () => {
  if (!existsSync(resolve("web/dist/index.html"))) throw new Error("web/dist is missing: run `npm run build:web` (npm test does it)");
  stack = await startLocalStack({ schedule: false, admin: ADMIN, imapCaPem: mail.caPem });
  api = new ApiClient(stack.url);
  expect((await api.signIn(ADMIN.email, ADMIN.password)).status).toBe(200);
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const noSidewaysScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

async function editRoleAndReset(device: BrowserContextOptions, who: { email: string; name: string; password: string; next: string }) {
  // Prepare: a member who has never signed in
  const created = await api.post("/api/users", { email: who.email, name: who.name, password: who.password, role: "member" });
  expect(created.status, created.text).toBe(201);
  const adminContext = await browser.newContext(device);
  const page = await adminContext.newPage();
  await signInPage(page, stack.url, ADMIN);
  await page.goto(`${stack.url}/#/users`);
  const row = page.locator(`[data-testid="user-row"][data-email="${who.email}"]`);
  await row.waitFor();
  expect(await row.getByTestId("user-status").locator("[data-status]").getAttribute("data-status")).toBe("active");
  expect(await row.getByTestId("user-last-sign-in").textContent()).toBe("なし");
  const phone = device.viewport?.width === 390;
  if (phone) expect(await noSidewaysScroll(page)).toBeLessThanOrEqual(390);

  // Act 1: make the member an administrator
  await row.getByTestId("user-edit").click();
  await page.getByTestId("user-edit-role").selectOption("admin");
  await page.getByTestId("user-edit-save").click();
  await expect.poll(() => row.getByTestId("user-role").textContent(), { timeout: 10_000 }).toBe("管理者");
  expect((await api.get("/api/users")).body.items.find((u: { email: string }) => u.email === who.email).role).toBe("admin");

  // Act 2: reset the password; no notification mail, so a temporary password shows once
  await row.getByTestId("user-reset").click();
  expect(await page.getByTestId("confirm-dialog").textContent()).toContain("仮パスワードをこの画面に一度だけ表示します");
  await page.getByTestId("confirm-ok").click();
  const shown = page.getByTestId("user-temporary-password");
  await shown.waitFor({ timeout: 15_000 });
  const temporary = (await shown.textContent())!.trim();
  expect(temporary).toMatch(/^[A-Za-z2-9]{16}$/);
  if (phone) expect(await noSidewaysScroll(page)).toBeLessThanOrEqual(390);
  await page.getByTestId("user-temporary-done").click();
  await expect.poll(() => shown.count()).toBe(0);

  // Assess: the old password no longer works; the temporary one leads to the change-password page only
  expect((await new ApiClient(stack.url).signIn(who.email, who.password)).status).toBe(401);
  const userContext = await browser.newContext(device);
  const userPage = await userContext.newPage();
  await signInPage(userPage, stack.url, { email: who.email, password: temporary });
  await expect.poll(() => userPage.getByRole("heading", { level: 1 }).textContent(), { timeout: 15_000 }).toBe("新しいパスワードを設定してください");
  await userPage.goto(`${stack.url}/#/contacts`);
  await expect.poll(() => userPage.getByRole("heading", { level: 1 }).textContent()).toBe("新しいパスワードを設定してください");
  if (phone) expect(await noSidewaysScroll(userPage)).toBeLessThanOrEqual(390);
  await userPage.getByTestId("password-current").fill(temporary);
  await userPage.getByTestId("password-new").fill(who.next);
  await userPage.getByTestId("password-save").click();
  await expect.poll(() => userPage.getByTestId("password-current").count(), { timeout: 15_000 }).toBe(0);
  await expect.poll(() => userPage.getByRole("heading", { level: 1 }).textContent()).not.toBe("新しいパスワードを設定してください");
  // now an administrator, the user sees the Users page
  await userPage.getByTestId("nav-users").waitFor();
  expect((await new ApiClient(stack.url).signIn(who.email, who.next)).status).toBe(200);

  // the admin's list shows the sign-in just made, as a relative time
  await page.reload();
  await row.waitFor();
  await expect.poll(() => row.getByTestId("user-last-sign-in").textContent()).not.toBe("なし");
  expect(await row.getByTestId("user-last-sign-in").textContent()).toMatch(/今|秒前|分前/);
  if (phone) expect(await noSidewaysScroll(page)).toBeLessThanOrEqual(390);
  await userContext.close();
  await adminContext.close();
}

describe("users page", () => {
  it("on a phone, shows users as cards without sideways scroll, and lets an admin change a role and reset a password the user must then change", async () => {
    await editRoleAndReset(PHONE, { email: "phone-member@example.test", name: "携帯 太郎", password: "phone-member-password", next: "phone-member-password-2" });
  });

  it("on a desktop, lets an admin change a role and reset a password the user must then change at the next sign-in", async () => {
    await editRoleAndReset(DESKTOP, { email: "desk-member@example.test", name: "机 花子", password: "desk-member-password", next: "desk-member-password-2" });
  });
});

describe("invitations", () => {
  it("sends an invitation from the form when notification mail is on; its link opens a page that sets the password once", async () => {
    // Prepare: notification mail through the harness's Postfix
    const { catchall } = mail.users;
    const saved = await api.request("PUT", "/api/settings/notifications", postfixNotificationSettings(mail));
    expect(saved.status, saved.text).toBe(200);
    const invitee = "invited-console@elsewhere.test"; // another domain: delivered to the catch-all
    const context = await browser.newContext(DESKTOP);
    const page = await context.newPage();
    await signInPage(page, stack.url, ADMIN);
    await page.goto(`${stack.url}/#/users`);
    const since = new Date();
    // Act: the form offers the invitation (checked) instead of a password
    await page.getByTestId("user-new-name").fill("招待 次郎");
    await page.getByTestId("user-new-email").fill(invitee);
    expect(await page.getByTestId("user-new-invite").isChecked()).toBe(true);
    expect(await page.getByTestId("user-new-password").count()).toBe(0);
    await page.getByTestId("user-new-save").click();
    await expect.poll(() => page.getByText("招待 次郎 を追加し、招待メールを送りました。").count(), { timeout: 20_000 }).toBe(1);
    // Assess: the Japanese invitation in the mailbox, with its link
    const got = await waitForMail(mail, catchall, (m) => m.subject?.includes("アカウントへの招待") === true && (m.to as { text: string }).text.includes(invitee), { since });
    const link = /http:\/\/\S+#\/reset\/[A-Za-z0-9_-]+/.exec(got.text ?? "")?.[0];
    expect(link).toBeTruthy();
    const anon = await browser.newContext(DESKTOP);
    const linkPage = await anon.newPage();
    await linkPage.goto(link!);
    await linkPage.getByTestId("reset-new").fill("invited-password-1");
    await linkPage.getByTestId("reset-confirm").fill("invited-password-1");
    await linkPage.getByTestId("reset-save").click();
    await linkPage.getByTestId("reset-done").waitFor({ timeout: 15_000 });
    await linkPage.getByTestId("reset-signin").click();
    await signInPage(linkPage, stack.url, { email: invitee, password: "invited-password-1" });
    // the link worked once
    await linkPage.goto("about:blank");
    await linkPage.goto(link!);
    await linkPage.getByTestId("reset-new").fill("invited-password-2");
    await linkPage.getByTestId("reset-confirm").fill("invited-password-2");
    await linkPage.getByTestId("reset-save").click();
    await expect.poll(() => linkPage.getByTestId("reset-error").textContent(), { timeout: 15_000 }).toContain("このリンクは無効か、使用済みか、期限切れです。");
    await anon.close();
    await context.close();
  });
});

describe("a deactivated owner's mailboxes", () => {
  it("say in Japanese, in the list (a card on a phone) and on the mailbox's status panel, that sync is held until the owner is reactivated, and offer no Sync now", async () => {
    // Prepare: a member who owns a mailbox on the real Dovecot (saved through the API), then deactivated
    const { bob } = mail.users;
    const owner = await api.post("/api/users", { email: "held-owner@example.test", name: "Held Owner", password: "held-owner-password-1", role: "member" });
    expect(owner.status, owner.text).toBe(201);
    const box = await api.post("/api/accounts", {
      email: bob.email,
      ownerId: owner.body.id,
      imap: { host: mail.host, port: mail.imapPort, security: "starttls", user: bob.email },
      password: bob.password,
    });
    expect(box.status, box.text).toBe(201);
    expect((await api.post(`/api/users/${owner.body.id}/deactivate`)).status).toBe(200);
    const reason = "所有者が無効化されています。ユーザーを有効に戻すと同期を再開します。";

    for (const device of [DESKTOP, PHONE]) {
      const context = await browser.newContext(device);
      const page = await context.newPage();
      await signInPage(page, stack.url, ADMIN);
      // Act: the Mailboxes list
      await page.goto(`${stack.url}/#/accounts`);
      const row = page.locator(`[data-testid="account-row"][data-account-id="${box.body.id}"]`);
      await row.waitFor();
      // Assess: the reason beside the state, visible (on the phone's card too), and no Sync now
      const held = row.getByTestId("account-held-reason");
      expect(await held.textContent()).toBe(reason);
      expect(await held.isVisible()).toBe(true);
      expect(await row.getByTestId("account-sync").count()).toBe(0);
      if (device === PHONE) expect(await noSidewaysScroll(page)).toBeLessThanOrEqual(390);
      // Act: the mailbox's page; Assess: its status panel says the same
      await page.goto(`${stack.url}/#/accounts/${encodeURIComponent(box.body.id)}`);
      const panel = page.getByTestId("account-status");
      await panel.waitFor();
      expect(await panel.getByTestId("account-held-reason").textContent()).toBe(reason);
      expect(await panel.getByTestId("account-sync").count()).toBe(0);
      await context.close();
    }
  });
});
