import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalStack, type LocalStack } from "../../core/local/stack";
import { launchBrowser } from "../harness/chromium";
import { ApiClient } from "../support/api-client";

/** The contact list past the API's first page (500 in name order), in a real browser. */
const ADMIN = { email: "admin@example.test", password: "admin-password-123" };
// 500 is the API's page size: 620 contacts need a second page
const TOTAL = 620;
let stack: LocalStack;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(resolve("web/dist/index.html"))) throw new Error("web/dist is missing: run `npm run build:web` (npm test does it)");
  stack = await startLocalStack({ schedule: false, admin: ADMIN });
  const admin = new ApiClient(stack.url);
  await admin.signIn(ADMIN.email, ADMIN.password);
  const all = Array.from({ length: TOTAL }, (_, i) => {
    const n = String(i).padStart(4, "0");
    return { externalId: `ext-${n}`, name: `Contact ${n}`, primaryEmail: `contact${n}@customer.example` };
  });
  for (let i = 0; i < all.length; i += 500) {
    const res = await admin.post("/api/contacts/bulk", { contacts: all.slice(i, i + 500) });
    expect(res.status).toBe(200);
  }
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe("contact list", () => {
  it("shows the first page and loads every further contact with Load more, each once", async () => {
    // Prepare
    const context = await browser.newContext({ locale: "en-GB" });
    const page = await context.newPage();
    await page.goto(`${stack.url}/#/signin`);
    await page.getByTestId("signin-email").fill(ADMIN.email);
    await page.getByTestId("signin-password").fill(ADMIN.password);
    await page.getByTestId("signin-submit").click();
    // signed in first: admins land on the overview, then the list is opened
    await page.getByTestId("current-user").waitFor();
    await page.goto(`${stack.url}/#/contacts`);
    await expect.poll(() => page.getByTestId("contact-row").count(), { timeout: 15_000 }).toBeGreaterThan(0);
    const first = await page.getByTestId("contact-row").count();
    expect(first).toBeLessThan(TOTAL);
    // Act
    await page.getByTestId("contacts-more").click();
    await expect.poll(() => page.getByTestId("contact-row").count(), { timeout: 15_000 }).toBe(TOTAL);
    // Assess
    const ids = await page.getByTestId("contact-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-contact-id")));
    expect(new Set(ids).size).toBe(TOTAL);
    expect(await page.getByTestId("contacts-more").count()).toBe(0);
    expect(await page.getByText(`${TOTAL} contacts`).count()).toBe(1);
    await context.close();
  });
});
