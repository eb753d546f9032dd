/**
 * "Connect with Google" in a real browser: the console's button, the provider's sign-in page
 * (the run's authorization server), the way back to the console's /oauth/callback at the same
 * origin, and the mailbox page of the connected mailbox; a cancelled sign-in explained in
 * Japanese. The connected mailbox then syncs over XOAUTH2 against Dovecot.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runSyncJob } from "../../core/sync/index";
import { launchBrowser } from "../harness/chromium";
import { startOAuthStack } from "../support/oauth-stack";

const mail = inject("mail");
const oauth = inject("oauth");
const USER = mail.users["oauth-browser"]!.email;
let s: Awaited<ReturnType<typeof startOAuthStack>>;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(resolve("web/dist/index.html"))) throw new Error("web/dist is missing: run `npm run build:web` (npm test does it)");
  s = await startOAuthStack(mail, oauth.url);
  browser = await launchBrowser();
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

async function signedIn(locale: string): Promise<Page> {
  const context = await browser.newContext({ locale });
  const page = await context.newPage();
  await page.goto(`${s.stack.url}/#/signin`);
  await page.getByTestId("signin-email").fill("admin@example.test");
  await page.getByTestId("signin-password").fill("admin-password-123");
  await page.getByTestId("signin-submit").click();
  await page.getByTestId("current-user").waitFor();
  return page;
}

describe("connecting a mailbox with the Connect button", () => {
  it("signs in at the provider and comes back to the new mailbox's page, which then syncs over XOAUTH2", async () => {
    const page = await signedIn("en-US");
    await page.goto(`${s.stack.url}/#/accounts/new`);
    await page.getByTestId("oauth-connect-microsoft").waitFor();
    await page.getByTestId("oauth-connect-google").click();
    // the provider's page, on its own origin
    await page.getByTestId("oauth-email").waitFor();
    expect(new URL(page.url()).origin).toBe(oauth.url);
    await page.getByTestId("oauth-email").fill(USER);
    await page.getByTestId("oauth-allow").click();
    // back at the console, same origin, on the mailbox's page; the one-time code is gone from the address
    await page.getByTestId("oauth-connected").waitFor({ timeout: 30_000 });
    const url = new URL(page.url());
    expect(url.origin).toBe(s.stack.url);
    expect(url.search).toBe("");
    expect(url.hash).toMatch(/^#\/accounts\/[\w-]+$/);
    expect(await page.getByTestId("oauth-connected").textContent()).toContain("Connected with Google");
    expect(await page.getByTestId("oauth-connect-google").textContent()).toBe("Reconnect with Google");
    // no app-password advice for a mailbox that has no password
    expect(await page.getByTestId("provider-app-password").count()).toBe(0);
    const id = url.hash.split("/").pop()!;
    const saved = (await s.api.get(`/api/accounts/${id}`)).body;
    expect(saved).toMatchObject({ email: USER, authMethod: "oauth2", oauthProvider: "google", hasPassword: false });
    const outcome = await runSyncJob(s.deps, await s.queued(id));
    expect(outcome.status, outcome.error).toBe("done");
    await page.context().close();
  });

  it("says in Japanese that nothing was connected when the sign-in is cancelled", async () => {
    const page = await signedIn("ja-JP");
    const before = (await s.api.get("/api/accounts")).body.items.length;
    await page.goto(`${s.stack.url}/#/accounts/new`);
    await page.getByTestId("oauth-connect-google").click();
    await page.getByTestId("oauth-deny").click();
    await page.getByTestId("oauth-callback-error").waitFor({ timeout: 30_000 });
    expect(await page.getByTestId("oauth-callback-error").textContent()).toContain("キャンセル");
    expect(new URL(page.url()).search).toBe("");
    expect((await s.api.get("/api/accounts")).body.items.length).toBe(before);
    // "Try again" leads back to the form at the console's own address
    await page.getByTestId("oauth-callback-retry").click();
    await page.getByTestId("oauth-connect-google").waitFor();
    expect(new URL(page.url()).pathname).toBe("/");
    await page.context().close();
  });
});
