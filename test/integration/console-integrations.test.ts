import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalStack, type LocalStack } from "../../core/local/stack";
import { launchBrowser } from "../harness/chromium";
import { ApiClient, eventually } from "../support/api-client";
import { SIGNATURE_HEADER, verifySignature } from "../../core/integrations/index";

/** An admin creates an API key for a CRM in the console, in a real browser, and the CRM uses it. */
const ADMIN = { email: "admin@example.test", password: "admin-password-123" };
let stack: LocalStack;
let browser: Browser;
let receiver: Server;
const received: { body: string; signature: string }[] = [];

beforeAll(async () => {
  if (!existsSync(resolve("web/dist/index.html"))) throw new Error("web/dist is missing: run `npm run build:web` (npm test does it)");
  stack = await startLocalStack({ schedule: false, admin: ADMIN });
  const admin = new ApiClient(stack.url);
  await admin.signIn(ADMIN.email, ADMIN.password);
  expect((await admin.post("/api/users", { email: "crm@example.test", name: "CRM連携", password: "crm-password-123", role: "member" })).status).toBe(201);
  browser = await launchBrowser();
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ body, signature: String(req.headers[SIGNATURE_HEADER]) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
});
afterAll(async () => {
  await new Promise((r) => receiver?.close(r));
  await browser?.close();
  await stack?.stop();
});

describe("integrations page", () => {
  it("creates a key shown once that reaches its scope's routes, then revokes it, in Japanese", async () => {
    const context = await browser.newContext({ locale: "ja-JP" });
    const page = await context.newPage();
    await page.goto(`${stack.url}/#/signin`);
    await page.getByTestId("signin-email").fill(ADMIN.email);
    await page.getByTestId("signin-password").fill(ADMIN.password);
    await page.getByTestId("signin-submit").click();
    await page.getByTestId("nav-integrations").click();
    await page.getByTestId("api-key-new").waitFor();
    // the form shows before the key list has loaded: wait for the list
    await expect.poll(() => page.getByText("APIキーはまだありません。").count()).toBe(1);

    // an empty name is refused next to the field, in Japanese
    await page.getByTestId("api-key-new-save").click();
    await expect.poll(() => page.getByTestId("api-key-new-error").count()).toBe(1);
    expect(await page.getByTestId("api-key-new-name").getAttribute("aria-invalid")).toBe("true");
    expect(await page.getByTestId("api-key-new").locator(".field--invalid .field__error").first().textContent()).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);

    await page.getByTestId("api-key-new-name").fill("HubSpot");
    await page.getByTestId("api-key-new-user").selectOption({ label: "CRM連携 <crm@example.test>" });
    await page.getByTestId("api-key-scope-contacts:write").check();
    await page.getByTestId("api-key-new-save").click();
    const shown = page.getByTestId("api-key-value");
    await shown.waitFor();
    const key = (await shown.textContent())!.trim();
    expect(key).toMatch(/^cms_/);
    await expect.poll(() => page.getByTestId("api-key-row").count()).toBe(1);
    expect(await page.getByTestId("api-key-status").textContent()).toBe("有効");

    // the key works for its scopes, and only them
    const crm = new ApiClient(stack.url);
    const bearer = { authorization: `Bearer ${key}` };
    expect((await crm.request("PUT", "/api/contacts/by-external-id/hs-1", { name: "Sato", primaryEmail: "sato@customer.test" }, bearer)).status).toBe(201);
    expect((await crm.request("GET", "/api/contacts", undefined, bearer)).status).toBe(200);
    expect((await crm.request("GET", "/api/accounts", undefined, bearer)).status).toBe(403);

    // once acknowledged the key is gone from the page for good
    await page.getByTestId("api-key-shown-done").click();
    await page.reload();
    await page.getByTestId("api-key-row").waitFor();
    expect(await page.content()).not.toContain(key);

    await page.getByTestId("api-key-revoke").click();
    await page.getByRole("dialog").getByRole("button", { name: "失効させる" }).click();
    await expect.poll(() => page.getByTestId("api-key-status").textContent()).toBe("失効済み");
    expect((await crm.request("GET", "/api/contacts", undefined, bearer)).status).toBe(401);
    await context.close();
  });

  it("adds a webhook endpoint, shows its secret once, sends a signed test event, lists the delivery and replays it", async () => {
    const context = await browser.newContext({ locale: "en-US" });
    const page = await context.newPage();
    await page.goto(`${stack.url}/#/signin`);
    await page.getByTestId("signin-email").fill(ADMIN.email);
    await page.getByTestId("signin-password").fill(ADMIN.password);
    await page.getByTestId("signin-submit").click();
    await page.getByTestId("nav-integrations").click();
    await page.getByTestId("webhook-new").waitFor();

    // not https to an allowed host: refused next to the field
    await page.getByTestId("webhook-new-url").fill("http://10.1.2.3/hook");
    await page.getByTestId("webhook-new-save").click();
    await expect.poll(() => page.getByText("points to a private or internal network address").count()).toBeGreaterThan(0);

    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/crm`;
    await page.getByTestId("webhook-new-url").fill(url);
    await page.getByTestId("webhook-new-user").selectOption({ label: "CRM連携 <crm@example.test>" });
    await page.getByTestId("webhook-new-save").click();
    const secret = (await page.getByTestId("webhook-secret").textContent())!.trim();
    expect(secret).toMatch(/^whsec_/);
    expect(await page.getByTestId("webhook-state").textContent()).toBe("Active");

    await page.getByTestId("webhook-test").click();
    const got = await eventually(async () => received[0], 20_000, 100);
    expect(JSON.parse(got.body).type).toBe("webhook.test");
    expect(verifySignature(secret, got.body, got.signature)).toBe(true);

    await page.getByTestId("webhook-deliveries").click();
    await expect
      .poll(
        async () => {
          await page.getByTestId("webhook-deliveries").click();
          return page.getByTestId("webhook-delivery-status").first().textContent();
        },
        { timeout: 15_000 },
      )
      .toBe("Delivered (attempts: 1)");

    // a replay over a window around now sends the same event again, as a new delivery
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    await page.getByTestId("webhook-replay-from").fill(`${day(-2)}T00:00`);
    await page.getByTestId("webhook-replay-to").fill(`${day(2)}T00:00`);
    await page.getByTestId("webhook-replay").click();
    await expect.poll(() => page.getByText("1 event queued again.").count()).toBe(1);
    const again = await eventually(async () => received[1], 20_000, 100);
    expect(JSON.parse(again.body).id).toBe(JSON.parse(got.body).id);
    expect(verifySignature(secret, again.body, again.signature)).toBe(true);
    await context.close();
  });
});
