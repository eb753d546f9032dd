// The admin's first hour with the first-run checklist, walked in a real browser: one walk, run
// on a phone (console-setup.test.ts) and on a desktop (console-setup-desktop.test.ts), each file
// with its own local stack (one stack per process: the handlers keep their clients).
import type { Browser, Page } from "playwright-core";
import { expect } from "vitest";
import type { LocalStack } from "../../core/local/stack";
import type { MailServersInfo } from "../harness/mail-servers";
import { ApiClient } from "./api-client";
import { fillPinnedServers, signInPage } from "./console-page";

/** The install's first admin, and the password the walk changes it to. */
export const FIRST_ADMIN = { email: "admin@example.test", password: "admin-password-123", next: "admin-password-456" };
const ADMIN = FIRST_ADMIN;
const ALICE_PASSWORD = "alice-password-123";

/** The checklist's steps as "step:done". */
export const progress = (page: Page) =>
  page
    .getByTestId("setup-checklist")
    .getByTestId("setup-step")
    .evaluateAll((els) => els.map((e) => `${e.getAttribute("data-step")}:${e.getAttribute("data-done")}`));

export type Device = { viewport: { width: number; height: number }; isMobile?: boolean; hasTouch?: boolean };
export const PHONE: Device = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
export const DESKTOP: Device = { viewport: { width: 1440, height: 900 } };

/**
 * The admin's first hour on a fresh install (`stack` started with FIRST_ADMIN, Alice's mailbox
 * reset), in Japanese on `device`. Her mailbox is connected
 * by the admin ("admin": only address and password, and it is hers) or by Alice herself, signed
 * in as a member on the same device ("member": only address and password on the pinned domain).
 */
export async function walkFirstHour(on: { browser: Browser; stack: LocalStack; mail: MailServersInfo }, device: Device, mailboxBy: "admin" | "member"): Promise<void> {
  const { browser, stack, mail } = on;
  const alice = mail.users.alice;
  const domain = alice.email.split("@")[1]!;
  const context = await browser.newContext({ locale: "ja-JP", ...device });
  try {
    const page = await context.newPage();
    const backToChecklist = async () => {
      await page.goto(`${stack.url}/#/contacts`);
      await page.reload(); // already on the contacts page (a contact added there): read the list afresh
      await page.getByTestId("setup-checklist").waitFor({ timeout: 15_000 });
    };
    const connectAlice = async (page: Page) => {
      await page.getByTestId("account-email").fill(alice.email);
      await page.getByTestId("account-password").focus();
      await expect.poll(() => page.getByTestId("account-discovery").getAttribute("data-status"), { timeout: 15_000 }).toBe("found");
      await page.getByTestId("account-password").fill(alice.password);
      await page.getByTestId("account-save").click();
      await page.getByTestId("account-status").waitFor({ timeout: 30_000 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(device.viewport.width);
    };
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
    await backToChecklist();
    await expect.poll(() => progress(page), { timeout: 15_000 }).toContain("password:true");

    // 2. the company domain
    await page.getByTestId("setup-go-domain").click();
    await page.getByTestId("domain-add").click();
    await page.getByTestId("domain-name").fill(domain);
    await fillPinnedServers(page, mail);
    await page.getByTestId("domain-save").click();
    await page.locator(`[data-testid=domain-row][data-domain="${domain}"]`).waitFor({ timeout: 15_000 });

    // 3. a colleague
    await backToChecklist();
    await page.getByTestId("setup-go-users").click();
    await page.getByTestId("user-new-email").fill(alice.email);
    await page.getByTestId("user-new-name").fill("佐藤 花子");
    await page.getByTestId("user-new-password").fill(ALICE_PASSWORD);
    await page.getByTestId("user-new-save").click();
    await expect.poll(() => page.getByTestId("user-row").count(), { timeout: 20_000 }).toBe(2);
    await backToChecklist();
    await expect.poll(() => progress(page), { timeout: 15_000 }).toEqual(["password:true", "domain:true", "users:true", "mailboxes:false", "contacts:false"]);
    await expect(page.getByTestId("setup-checklist").textContent()).resolves.toContain("ユーザー 2 人中 0 人が接続済み");

    // 4. her mailbox, with only address and password: it is hers either way
    if (mailboxBy === "admin") {
      await page.getByTestId("setup-go-mailboxes").click();
      await connectAlice(page);
    } else {
      const hers = await browser.newContext({ locale: "ja-JP", ...device });
      const herPage = await hers.newPage();
      await signInPage(herPage, stack.url, { email: alice.email, password: ALICE_PASSWORD });
      // through the console's own links (a member's landing page may still be settling)
      await herPage.getByTestId("nav-accounts").click();
      await herPage.getByTestId("account-new").click();
      await connectAlice(herPage);
      await hers.close();
    }
    const admin = new ApiClient(stack.url);
    await admin.signIn(ADMIN.email, ADMIN.next);
    const users = (await admin.get("/api/users")).body.items as { id: string; email: string }[];
    const mailbox = (await admin.get("/api/accounts")).body.items.find((a: { email: string }) => a.email === alice.email);
    expect(mailbox).toMatchObject({ ownerId: users.find((u) => u.email === alice.email)!.id, imap: { host: mail.host, port: mail.imapsPort, user: alice.email } });
    await backToChecklist();
    // the admin has no mailbox yet: one of two users connected
    await expect.poll(() => page.getByTestId("setup-checklist").textContent(), { timeout: 15_000 }).toContain("ユーザー 2 人中 1 人が接続済み");

    // 5. a contact
    await page.getByTestId("contact-new-name").fill("山田 太郎");
    await page.getByTestId("contact-new-email").fill("yamada@client.example");
    await page.getByTestId("contact-new-save").click();
    await expect.poll(() => page.getByText("連絡先「山田 太郎」を追加しました。").count(), { timeout: 20_000 }).toBe(1);
    await backToChecklist();
    await expect.poll(() => progress(page), { timeout: 15_000 }).toEqual(["password:true", "domain:true", "users:true", "mailboxes:false", "contacts:true"]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(device.viewport.width);

    // the admin's own mailbox is the last step; done, the list goes away
    const own = await admin.post("/api/accounts", {
      email: mail.users.carol.email,
      imap: { host: mail.host, port: mail.imapsPort, security: "tls", user: mail.users.carol.email },
      password: mail.users.carol.password,
      syncEnabled: false,
    });
    expect(own.status, own.text).toBe(201);
    await page.reload();
    await page.getByTestId("contacts-table").waitFor({ timeout: 15_000 });
    await expect.poll(() => page.getByTestId("setup-checklist").count(), { timeout: 10_000 }).toBe(0);
    // a member never gets it
    const member = new ApiClient(stack.url);
    await member.signIn(alice.email, ALICE_PASSWORD);
    expect((await member.get("/api/setup")).status).toBe(403);
  } finally {
    await context.close();
  }
}
