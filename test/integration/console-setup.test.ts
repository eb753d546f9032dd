import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startLocalStack, type LocalStack } from "../../core/local/stack";
import { launchBrowser } from "../harness/chromium";
import { resetUser } from "../harness/mail-servers";
import { ApiClient } from "../support/api-client";
import { signInPage } from "../support/console-page";
import { FIRST_ADMIN, PHONE, walkFirstHour } from "../support/first-hour-walk";

/**
 * The admin's first hour, in Japanese on a phone, in a real browser against the real
 * Dovecot/Postfix: the first-run checklist leads through changing the given password, pinning
 * the company domain, adding a colleague, connecting her mailbox (hers, not the admin's) and
 * adding a contact, ticking each step as it is done, and goes away when all are (the walk is in
 * test/support/first-hour-walk.ts; console-setup-desktop.test.ts takes it on a desktop). On a
 * desktop, an admin may hide it, for every admin, across reloads.
 */
const mail = inject("mail");
const ADMIN = FIRST_ADMIN;
const alice = mail.users.alice;
let browser: Browser;
let stack: LocalStack;

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
    await walkFirstHour({ browser, stack, mail }, PHONE, "admin");
  });
});
