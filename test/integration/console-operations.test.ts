import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startLocalStack, type LocalStack } from "../../core/local/stack";
import { localDynamo } from "../../core/local/emulators";
import { Db } from "../../core/store/db";
import { keys } from "../../core/store/keys";
import { launchBrowser } from "../harness/chromium";
import { ApiClient } from "../support/api-client";
import { waitForMail } from "../support/read-mail";
import { signInPage } from "../support/console-page";

/**
 * The operations settings page in a real browser, in Japanese: notification mail (a bad extra
 * address shown beside its field, the SMTP server saved, a test notification that arrives over
 * the harness's Postfix), the lockout rule, a locked user unlocked early, and a paused mailbox
 * offering "Update password" instead of "Sync now".
 */
const mail = inject("mail");
const { alice, bob, carol } = mail.users;
const ADMIN = { email: carol.email, password: "carol-console-password-1" };
const MEMBER = { email: alice.email, password: "alice-console-password-1" };
let stack: LocalStack;
let browser: Browser;
let admin: ApiClient;

beforeAll(async () => {
  if (!existsSync(resolve("web/dist/index.html"))) throw new Error("web/dist is missing: run `npm run build:web` (npm test does it)");
  stack = await startLocalStack({ schedule: false, admin: ADMIN, imapCaPem: mail.caPem });
  admin = new ApiClient(stack.url);
  await admin.signIn(ADMIN.email, ADMIN.password);
  expect((await admin.post("/api/users", { email: MEMBER.email, name: "Alice", password: MEMBER.password, role: "member" })).status).toBe(201);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function signedIn(): Promise<Page> {
  const context = await browser.newContext({ locale: "ja-JP" });
  const page = await context.newPage();
  await signInPage(page, stack.url, ADMIN);
  await page.getByTestId("nav-settings").click();
  return page;
}

describe("operations settings page", () => {
  it("shows a bad extra address beside its field, saves the SMTP server and sends a test notification that arrives", async () => {
    const page = await signedIn();
    await page.getByTestId("notify-host").waitFor();
    await page.getByTestId("notify-enabled").check();
    await page.getByTestId("notify-host").fill(mail.host);
    await page.getByTestId("notify-port").fill(String(mail.smtpPort));
    await page.getByTestId("notify-security").selectOption("starttls");
    await page.getByTestId("notify-user").fill(bob.email);
    await page.getByTestId("notify-password").fill(bob.password);
    await page.getByTestId("notify-from").fill(bob.email);
    await page.getByTestId("notify-admins").uncheck();
    await page.getByTestId("notify-extra").fill(`${bob.email}; not-an-address`);
    await page.getByTestId("notify-save").click();
    // the bad address, named, in Japanese, under its field; nothing saved
    const error = page.getByTestId("notification-mail").locator(".field--invalid .field__error");
    await expect.poll(() => error.count()).toBe(1);
    expect(await error.textContent()).toBe("「not-an-address」は有効なメールアドレスではありません。");
    expect((await admin.get("/api/settings/notifications")).body.enabled).toBe(false);
    // fixed and saved: the password is kept, never shown
    await page.getByTestId("notify-extra").fill(bob.email);
    await page.getByTestId("notify-save").click();
    await expect.poll(async () => (await admin.get("/api/settings/notifications")).body.enabled).toBe(true);
    // (the page clears the field when the save's reply arrives, which may be after the poll above sees it stored)
    await expect.poll(() => page.getByTestId("notify-password").inputValue()).toBe("");
    // the test button's mail reaches the extra recipient
    const since = new Date();
    await page.getByTestId("notify-test").click();
    await expect.poll(() => page.getByTestId("notice").first().textContent(), { timeout: 20_000 }).toContain(bob.email);
    await waitForMail(mail, bob, (m) => m.subject?.includes("テスト通知") === true, { since });
    await page.context().close();
  });

  it("sets the lockout rule, lists a locked user and unlocks them early, with the record of both", async () => {
    const page = await signedIn();
    await page.getByTestId("lockout-failures").fill("2");
    await page.getByTestId("lockout-minutes").fill("30");
    await page.getByTestId("lockout-save").click();
    await expect.poll(async () => (await admin.get("/api/settings/signin-lockout")).body).toEqual({ failures: 2, minutes: 30 });
    for (const wrong of ["nope-1", "nope-2"]) expect((await new ApiClient(stack.url).signIn(MEMBER.email, wrong)).status).toBe(401);
    // the admin's overview shows the locked user too, with the same "Unlock now"
    await page.goto(`${stack.url}/#/overview`);
    await expect.poll(() => page.getByTestId("overview").getByTestId("locked-user").count(), { timeout: 15_000 }).toBe(1);
    await page.getByTestId("nav-settings").click();
    const row = page.getByTestId("locked-user");
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.getAttribute("data-email")).toBe(MEMBER.email);
    await page.getByTestId("locked-user-unlock").click();
    await expect.poll(() => row.count()).toBe(0);
    await expect.poll(() => page.getByTestId("lock-record").evaluateAll((els) => els.map((e) => e.getAttribute("data-kind")))).toEqual(["unlocked", "locked"]);
    expect((await new ApiClient(stack.url).signIn(MEMBER.email, MEMBER.password)).status).toBe(200);
    await page.context().close();
  });

  it("offers 'Update password' with the reason instead of 'Sync now' on a paused mailbox", async () => {
    // Prepare: a mailbox saved with sync off (nothing listens at the port), then paused as three refusals leave it
    const saved = await admin.post("/api/accounts", {
      email: "paused-box@example.test",
      imap: { host: "127.0.0.1", port: 9, security: "tls", user: "x" },
      password: "pw",
      saveDisabledOnFailure: true,
    });
    expect(saved.status, saved.text).toBe(201);
    const db = new Db(stack.tables, localDynamo(stack.dynamoEndpoint));
    await db.update("main", keys.account(saved.body.id), {
      expression: "SET #s = :p, authFailures = :n, syncEnabled = :on",
      names: { "#s": "state" },
      values: { ":p": "paused", ":n": 3, ":on": true },
    });
    const page = await signedIn();
    await page.getByTestId("nav-accounts").click();
    const row = page.locator(`[data-testid="account-row"]`, { hasText: "paused-box@example.test" });
    await row.waitFor();
    expect(await row.getByTestId("account-sync").count()).toBe(0);
    expect(await row.getByTestId("account-paused-reason").textContent()).toContain("新しいパスワードが保存されるまで");
    await row.getByTestId("account-update-password").click();
    await page.getByTestId("account-status").waitFor();
    expect(await page.getByTestId("account-status").getByTestId("account-sync").count()).toBe(0);
    expect(await page.getByTestId("account-update-password").textContent()).toBe("パスワードを更新");
    await page.context().close();
  });
});
