import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalStack, type LocalStack } from "../../core/local/stack";
import { launchBrowser } from "../harness/chromium";
import { ApiClient } from "../support/api-client";

/** Changing one's own password in the console, in Japanese, in a real browser. */
const USER = { email: "member@example.test", password: "member-password-1", next: "member-password-2" };
const ADMIN = { email: "admin@example.test", password: "admin-password-123" };
let stack: LocalStack;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(resolve("web/dist/index.html"))) throw new Error("web/dist is missing: run `npm run build:web` (npm test does it)");
  stack = await startLocalStack({ schedule: false, admin: ADMIN });
  const admin = new ApiClient(stack.url);
  await admin.signIn(ADMIN.email, ADMIN.password);
  expect((await admin.post("/api/users", { email: USER.email, name: "メンバー", password: USER.password, role: "member" })).status).toBe(201);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe("change my password", () => {
  it("refuses a wrong current password next to the field, then changes it and signs out other browsers", async () => {
    const other = new ApiClient(stack.url);
    await other.signIn(USER.email, USER.password);
    const context = await browser.newContext({ locale: "ja-JP" });
    const page = await context.newPage();
    const offsite: string[] = [];
    page.on("request", (req) => void (new URL(req.url()).hostname !== "127.0.0.1" && offsite.push(req.url())));
    await page.goto(`${stack.url}/#/signin`);
    await page.getByTestId("signin-email").fill(USER.email);
    await page.getByTestId("signin-password").fill(USER.password);
    await page.getByTestId("signin-submit").click();
    await page.getByTestId("current-user").click();
    await page.getByTestId("password-current").fill("wrong-password");
    await page.getByTestId("password-new").fill(USER.next);
    await page.getByTestId("password-save").click();
    // (each answer waits for scrypt at N=2^17: up to a few seconds on a loaded test machine)
    await expect.poll(() => page.getByText("現在のパスワードと一致しません。").count(), { timeout: 15_000 }).toBe(1);
    // the wrong current password is cleared; the new one typed is kept for the next try
    expect(await page.getByTestId("password-current").inputValue()).toBe("");
    expect(await page.getByTestId("password-new").inputValue()).toBe(USER.next);
    await page.getByTestId("password-current").fill(USER.password);
    await page.getByTestId("password-save").click();
    await expect.poll(() => page.getByText("パスワードを変更しました。").count(), { timeout: 15_000 }).toBe(1);
    // this browser stays signed in, the other session is gone, the new password works
    await page.reload();
    await page.getByTestId("current-user").waitFor();
    expect((await other.get("/api/session")).status).toBe(401);
    expect((await new ApiClient(stack.url).signIn(USER.email, USER.next)).status).toBe(200);
    expect(offsite).toEqual([]);
    await context.close();
  });
});
