import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startLocalStack, type LocalStack } from "../../core/local/stack";
import { launchBrowser } from "../harness/chromium";
import { signInPage } from "../support/console-page";

/**
 * Leaving a filled mailbox form by the console's own header links or the browser's Back, in a
 * real browser: the same "Discard changes / Keep editing" question as the form's Cancel; kept,
 * the form stays on screen with what was typed; discarded, the move goes through.
 */
const mail = inject("mail");
const ADMIN = { email: "admin@example.test", password: "admin-password-123" };
const carol = mail.users.carol;
let stack: LocalStack;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(resolve("web/dist/index.html"))) throw new Error("web/dist is missing: run `npm run build:web` (npm test does it)");
  stack = await startLocalStack({ schedule: false, admin: ADMIN, imapCaPem: mail.caPem });
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const hash = (page: Page) => new URL(page.url()).hash;

async function fillNewMailbox(page: Page): Promise<void> {
  await page.getByTestId("nav-accounts").click();
  await page.getByTestId("account-new").click();
  await page.getByTestId("account-email").fill(carol.email);
  expect(hash(page)).toBe("#/accounts/new");
}

describe("leaving a filled form inside the console", () => {
  let page: Page;
  beforeAll(async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
    await signInPage(page, stack.url, ADMIN);
  });
  afterAll(async () => {
    await page?.context().close();
  });

  it("asks before a header link throws away a filled mailbox form, keeps the form when told to, and leaves when told to discard", async () => {
    await fillNewMailbox(page);
    await page.getByTestId("nav-contacts").click();
    await page.getByTestId("confirm-dialog").waitFor();
    expect(await page.getByTestId("confirm-dialog").count()).toBe(1);
    // the address bar is back on the form while it asks
    expect(hash(page)).toBe("#/accounts/new");

    await page.getByTestId("confirm-cancel").click();
    await expect.poll(() => page.getByTestId("confirm-dialog").count()).toBe(0);
    expect(hash(page)).toBe("#/accounts/new");
    expect(await page.getByTestId("account-email").inputValue()).toBe(carol.email);

    await page.getByTestId("nav-contacts").click();
    await page.getByTestId("confirm-ok").click();
    await expect.poll(() => hash(page)).toBe("#/contacts");
    await expect.poll(() => page.getByTestId("account-email").count()).toBe(0);
    // asked once: no second question after "Discard"
    expect(await page.getByTestId("confirm-dialog").count()).toBe(0);
  });

  it("asks before the browser's Back throws away a filled mailbox form", async () => {
    await fillNewMailbox(page);
    await page.goBack();
    await page.getByTestId("confirm-dialog").waitFor();
    expect(hash(page)).toBe("#/accounts/new");
    await page.getByTestId("confirm-cancel").click();
    await expect.poll(() => page.getByTestId("confirm-dialog").count()).toBe(0);
    expect(await page.getByTestId("account-email").inputValue()).toBe(carol.email);

    // discarded, Back goes where it was going
    await page.getByTestId("nav-contacts").click();
    await page.getByTestId("confirm-ok").click();
    await expect.poll(() => hash(page)).toBe("#/contacts");
    await fillNewMailbox(page);
    await page.goBack();
    await page.getByTestId("confirm-ok").click();
    await expect.poll(() => hash(page)).toBe("#/accounts");
    expect(await page.getByTestId("account-email").count()).toBe(0);
  });

  it("moves between pages without asking while nothing was typed", async () => {
    await page.getByTestId("nav-accounts").click();
    await page.getByTestId("account-new").click();
    await page.getByTestId("account-email").waitFor();
    await page.getByTestId("nav-contacts").click();
    await expect.poll(() => hash(page)).toBe("#/contacts");
    expect(await page.getByTestId("confirm-dialog").count()).toBe(0);
  });
});
