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
 * A company rollout in Japanese, in a real browser against the real Dovecot/Postfix: the admin
 * pins the company domain's servers on the company domains page (testing them once with a
 * colleague's mailbox, nothing saved), a mailbox the admin adds for a colleague belongs to that
 * colleague, and a member on a phone connects her own mailbox by typing only her address and
 * password.
 */
const mail = inject("mail");
const ADMIN = { email: "admin@example.test", password: "admin-password-123" };
const alice = mail.users.alice,
  carol = mail.users.carol;
const domain = alice.email.split("@")[1]!;
let stack: LocalStack;
let browser: Browser;
let api: ApiClient;
const ids = { alice: "", carol: "" };

const signIn = (page: Page, user: { email: string; password: string }) => signInPage(page, stack.url, user);

beforeAll(async () => {
  if (!existsSync(resolve("web/dist/index.html"))) throw new Error("web/dist is missing: run `npm run build:web` (npm test does it)");
  await resetUser(mail, alice.email);
  stack = await startLocalStack({ schedule: false, admin: ADMIN, imapCaPem: mail.caPem });
  api = new ApiClient(stack.url);
  await api.signIn(ADMIN.email, ADMIN.password);
  for (const [who, box] of [
    ["alice", alice],
    ["carol", carol],
  ] as const) {
    const user = await api.post("/api/users", { email: box.email, name: who === "alice" ? "佐藤 花子" : "鈴木 一郎", password: `${who}-password-123`, role: "member" });
    expect(user.status, user.text).toBe(201);
    ids[who] = user.body.id;
  }
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe("company domains", () => {
  it("lets an admin pin the domain's servers after testing them once with a colleague's mailbox, saving no password", async () => {
    const context = await browser.newContext({ locale: "ja-JP", viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await signIn(page, ADMIN);
    await page.getByTestId("nav-domains").click();
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("会社ドメイン");
    await page.getByTestId("domain-add").click();
    await page.getByTestId("domain-name").fill(domain);
    await fillPinnedServers(page, mail);

    // an address outside the domain is refused before anything is sent
    await page.getByTestId("domain-test-email").fill("someone@other.example");
    await page.getByTestId("domain-test-password").fill("x");
    await page.getByTestId("domain-test-run").click();
    await expect.poll(() => page.getByTestId("domain-test-error").textContent(), { timeout: 15_000 }).toContain(`${domain} のアドレス`);
    // the colleague's real mailbox: every step passes
    await page.getByTestId("domain-test-email").fill(carol.email);
    await page.getByTestId("domain-test-password").fill(carol.password);
    await page.getByTestId("domain-test-run").click();
    const result = page.getByTestId("domain-test-result");
    await expect.poll(() => result.getAttribute("data-ok"), { timeout: 20_000 }).toBe("true");

    await page.getByTestId("domain-save").click();
    const row = page.locator(`[data-testid=domain-row][data-domain="${domain}"]`);
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain(`${mail.host}:${mail.imapsPort}`);
    await expect(row.getByTestId("domain-usage").textContent()).resolves.toBe("まだ接続されていません");
    const saved = (await api.get("/api/domain-settings")).body.items;
    expect(saved).toEqual([
      expect.objectContaining({
        domain,
        imap: { host: mail.host, port: mail.imapsPort, security: "tls" },
        smtp: { host: mail.host, port: mail.smtpPort, security: "starttls" },
        username: "email",
      }),
    ]);
    expect(JSON.stringify(saved)).not.toContain(carol.password);

    // a bad port is refused next to its field, in Japanese, and the saved settings stay
    await row.getByTestId("domain-edit").click();
    await page.getByTestId("domain-imap-port").fill("99999");
    await page.getByTestId("domain-save").click();
    await expect.poll(() => page.getByTestId("domain-imap").locator(".field__error").count(), { timeout: 15_000 }).toBe(1);
    // Cancel asks before the changed form is thrown away
    await page.getByTestId("domain-cancel").click();
    await page.getByTestId("confirm-ok").click();
    await expect.poll(() => page.getByTestId("domain-imap-port").count()).toBe(0);
    expect((await api.get("/api/domain-settings")).body.items[0].imap.port).toBe(mail.imapsPort);

    // a mailbox the admin adds for a colleague belongs to that colleague
    await page.getByTestId("nav-accounts").click();
    await page.getByTestId("account-new").click();
    await page.getByTestId("account-email").fill(carol.email);
    await expect.poll(() => page.getByTestId("account-owner").inputValue(), { timeout: 15_000 }).toBe(ids.carol);
    await context.close();
  });

  it("lets a member on a phone connect her own mailbox on the pinned domain with only her address and password", async () => {
    const context = await browser.newContext({ locale: "ja-JP", viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await signIn(page, { email: alice.email, password: "alice-password-123" });
    await page.goto(`${stack.url}/#/accounts/new`);
    await page.getByTestId("account-email").fill(alice.email);
    await page.getByTestId("account-password").focus();
    const discovery = page.getByTestId("account-discovery");
    await expect.poll(() => discovery.getAttribute("data-status"), { timeout: 10_000 }).toBe("found");
    await page.getByTestId("account-password").fill(alice.password);
    await page.getByTestId("account-save").click();
    await page.getByTestId("account-status").waitFor({ timeout: 30_000 });

    const mine = (await api.get("/api/accounts")).body.items.find((a: any) => a.email === alice.email);
    expect(mine).toMatchObject({ ownerId: ids.alice, imap: { host: mail.host, port: mail.imapsPort, security: "tls", user: alice.email } });
    // the page stays within the phone's width
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await context.close();

    // and the domains page counts her mailbox as one on the pinned servers
    const admin = await browser.newContext({ locale: "ja-JP" });
    const adminPage = await admin.newPage();
    await signIn(adminPage, ADMIN);
    await adminPage.goto(`${stack.url}/#/domains`);
    await expect
      .poll(() => adminPage.locator(`[data-testid=domain-row][data-domain="${domain}"]`).getByTestId("domain-usage").textContent(), { timeout: 15_000 })
      .toBe("接続済み 1 件・うちこのサーバー 1 件");
    await admin.close();
  });

  it("shows the admin what was changed and by whom in the audit log, filtered by area", async () => {
    const context = await browser.newContext({ locale: "ja-JP", viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await signIn(page, ADMIN);
    await page.getByTestId("nav-audit").click();
    await page.getByTestId("audit-table").waitFor();
    await page.getByTestId("audit-filter-area").selectOption("discovery");
    await page.getByTestId("audit-filter-apply").click();
    const rows = page.getByTestId("audit-row");
    // (the port 99999 was refused as malformed: it changed nothing and is not an entry)
    await expect
      .poll(() => rows.evaluateAll((els) => els.map((e) => `${e.getAttribute("data-action")} ${e.getAttribute("data-ok")}`)), { timeout: 15_000 })
      .toEqual(["PUT /api/domain-settings/{domain} true"]);
    await expect(rows.first().textContent()).resolves.toContain(domain);
    await expect(rows.first().getByTestId("audit-outcome").textContent()).resolves.toBe("完了");
    await expect(rows.first().textContent()).resolves.toContain("ドメインとプロバイダー: 設定");
    // the connection test with Carol's password was a probe: not in the log, and no password anywhere
    await page.getByTestId("audit-filter-area").selectOption("");
    await page.getByTestId("audit-filter-apply").click();
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBeGreaterThan(1);
    expect(await page.content()).not.toContain(carol.password);
    expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute("data-action")))).not.toContain("POST /api/accounts/test");
    await context.close();
  });
});
