/**
 * Issue 14, accessibility: every page of the console, as an admin with a real mailbox synced
 * from the test Dovecot, in English and Japanese, on a desktop and (the main pages) on a phone,
 * checked by axe-core against WCAG 2.1 A/AA; a violation fails. Then the two places where focus
 * used to fall to the page body, and a keyboard-only walk through the main actions.
 *
 * The walk is the PAGES list in test/support/console-pages.ts: one entry per page (a route, the
 * element that says it is ready, and what to do there first). To cover a new page, add an entry.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startLocalStack, type LocalStack } from "../../core/local/stack";
import { launchBrowser } from "../harness/chromium";
import { appendMessages, resetUser } from "../harness/mail-servers";
import { ApiClient, eventually } from "../support/api-client";
import { AXE_CONTEXT, axeViolations, describeViolations } from "../support/axe";
import { signInPage } from "../support/console-page";
import { PAGES, type PageVisit, type WalkData } from "../support/console-pages";
import { iso2022jp, plain } from "../support/corpus";

const mail = inject("mail");
const ADMIN = { email: "admin@example.test", password: "admin-password-123" };
const alice = mail.users.alice;
const CUSTOMER = { name: "山田 太郎", email: "taro.yamada@yamada-trading.example" };
const DESKTOP = { viewport: { width: 1440, height: 900 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const LANGS = [
  { locale: "en-US", lang: "en" },
  { locale: "ja-JP", lang: "ja" },
] as const;

let stack: LocalStack;
let browser: Browser;
const data: WalkData = { url: "", domain: mail.domain, contactId: "", messageId: "", accountId: "" };

/** Opens a page of the walk and waits until it shows what it loaded (and no spinner is left). */
/**
 * Opens a console route in a new document: a form the previous check filled in would otherwise
 * hold the page (the console asks before discarding typed changes), and each check starts clean.
 */
async function openFresh(page: Page, route: string) {
  await page.goto("about:blank");
  await page.goto(`${stack.url}/#${route}`);
}

async function visit(page: Page, p: PageVisit) {
  await openFresh(page, p.route(data));
  await page.getByTestId(p.ready).first().waitFor({ timeout: 20_000 });
  await page
    .locator(".spinner:not(.spinner--small)")
    .first()
    .waitFor({ state: "detached", timeout: 10_000 })
    .catch(() => undefined);
  if (p.prepare) await p.prepare(page, data);
}

async function adminPage(options: object, locale: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ ...options, ...AXE_CONTEXT, locale });
  const page = await context.newPage();
  await signInPage(page, stack.url, ADMIN);
  return { context, page };
}

beforeAll(async () => {
  if (!existsSync(resolve("web/dist/index.html"))) throw new Error("web/dist is missing: run `npm run build:web` (npm test does it)");
  await resetUser(mail, alice.email);
  stack = await startLocalStack({ schedule: false, admin: ADMIN, imapCaPem: mail.caPem });
  data.url = stack.url;
  const api = new ApiClient(stack.url);
  expect((await api.signIn(ADMIN.email, ADMIN.password)).status).toBe(200);
  // the company domain, pinned: autodiscovery finds it
  const pinned = await api.request("PUT", `/api/domain-settings/${mail.domain}`, {
    provider: "other",
    imap: { host: mail.host, port: mail.imapsPort, security: "tls" },
    smtp: { host: mail.host, port: mail.smtpPort, security: "starttls" },
    username: "email",
  });
  expect(pinned.status, pinned.text).toBe(200);
  const contact = await api.post("/api/contacts", { name: CUSTOMER.name, company: "山田商事株式会社", primaryEmail: CUSTOMER.email });
  expect(contact.status, contact.text).toBe(201);
  data.contactId = contact.body.id;
  await api.post("/api/contacts", { name: "John Miller", company: "Northwind Logistics", primaryEmail: "john.miller@northwind.example" });
  // the admin's own mailbox on the real Dovecot, with the customer's mail in it, synced
  const day = (n: number) => new Date(Date.now() - n * 86_400_000);
  await appendMessages(mail, alice.email, "INBOX", [
    plain(
      { from: CUSTOMER.email, to: alice.email, subject: "Quotation request: 200 units of model A-20", date: day(3), messageId: "<q1@yamada-trading.example>" },
      "Could you send us a quotation?",
    ),
    iso2022jp(
      { from: CUSTOMER.email, to: alice.email, subject: "納期のご確認", date: day(2), messageId: "<nouki@yamada-trading.example>" },
      "納期についてご確認をお願いいたします。",
    ),
  ]);
  const account = await api.post("/api/accounts", {
    email: alice.email,
    displayName: "Admin Walker",
    imap: { host: mail.host, port: mail.imapsPort, security: "tls", user: alice.email },
    smtp: { host: mail.host, port: mail.smtpPort, security: "starttls", user: alice.email },
    password: alice.password,
  });
  expect(account.status, account.text).toBe(201);
  data.accountId = account.body.id;
  const before = new Date().toISOString();
  expect((await api.post(`/api/accounts/${data.accountId}/sync`, {})).status).toBeLessThan(300);
  await eventually(async () => {
    const a = (await api.get(`/api/accounts/${data.accountId}`)).body;
    return a.lastSyncAt && a.lastSyncAt > before;
  }, 60_000);
  const messages = await eventually(async () => {
    const items = (await api.get(`/api/contacts/${data.contactId}/messages`)).body.items as { id: string }[];
    return items.length === 2 ? items : undefined;
  }, 30_000);
  data.messageId = messages[0]!.id;
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function expectNoViolations(page: Page) {
  const violations = await axeViolations(page);
  // the message lists every failing element in full (rule, impact, selector, why)
  expect(violations.length, `axe violations on ${page.url()}:\n${describeViolations(violations)}`).toBe(0);
}

for (const { locale, lang } of LANGS) {
  for (const [device, options] of [
    ["desktop", DESKTOP],
    ["phone", PHONE],
  ] as const) {
    describe(`every page in ${locale} on a ${device}`, () => {
      let context: BrowserContext;
      let page: Page;
      beforeAll(async () => {
        // signed out: the sign-in page comes first
        context = await browser.newContext({ ...options, ...AXE_CONTEXT, locale });
        page = await context.newPage();
      }, 60_000);
      afterAll(async () => {
        await context?.close();
      });

      it("has no WCAG 2.1 AA or best-practice violations on the sign-in page", async () => {
        await openFresh(page, `/signin`);
        await page.getByTestId("signin-email").waitFor();
        try {
          expect(await page.evaluate(() => document.documentElement.lang)).toBe(lang);
          await expectNoViolations(page);
        } finally {
          // the pages after this one are an admin's, whatever this check found
          await signInPage(page, stack.url, ADMIN);
        }
      });

      for (const p of PAGES.filter((x) => device === "desktop" || x.phone)) {
        it(`has no WCAG 2.1 AA or best-practice violations on ${p.name}`, async () => {
          await visit(page, p);
          await expectNoViolations(page);
        }, 60_000);
      }
    });
  }
}

/** The data-testid (or tag) of the element that has the keyboard focus: "BODY" when focus was lost. */
const focused = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute("data-testid") ?? document.activeElement?.tagName ?? "none");

describe("focus stays where the user is", () => {
  let context: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    ({ context, page } = await adminPage(DESKTOP, "en-US"));
  }, 60_000);
  afterAll(async () => {
    await context?.close();
  });

  it("keeps focus on the next control when autodiscovery finishes after the address is left with Tab", async () => {
    await openFresh(page, `/accounts/new`);
    await page.getByTestId("account-email").fill(`tabbed@${mail.domain}`);
    await page.keyboard.press("Tab");
    // the lookup starts as the address is left: the next control (Detect) keeps the focus throughout
    expect(await focused(page)).toBe("account-detect");
    await expect.poll(() => page.getByTestId("account-discovery").getAttribute("data-status"), { timeout: 15_000 }).toBe("found");
    await page.waitForTimeout(300);
    expect(await focused(page)).toBe("account-detect");
    // and Tab goes on from there through the form, not from the top of the page
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => !!document.activeElement?.closest("form"))).toBe(true);
  });

  it("keeps focus in the password field when autodiscovery finishes while the user types it", async () => {
    await openFresh(page, `/accounts/new`);
    await page.getByTestId("account-email").fill(`typing@${mail.domain}`);
    await page.getByTestId("account-password").focus();
    await page.keyboard.type("secret");
    await expect.poll(() => page.getByTestId("account-discovery").getAttribute("data-status"), { timeout: 15_000 }).toBe("found");
    await page.keyboard.type("-more");
    expect(await focused(page)).toBe("account-password");
    expect(await page.getByTestId("account-password").inputValue()).toBe("secret-more");
  });

  it("puts focus back on the message row that opened a message when the message is closed", async () => {
    await openFresh(page, `/contacts/${data.contactId}`);
    const row = page.locator(`[data-testid=message-row][data-message-id="${data.messageId}"]`);
    await row.getByTestId("message-open").focus();
    await page.keyboard.press("Enter");
    await page.getByTestId("message-body").waitFor({ timeout: 20_000 });
    // the dialog takes the focus (its close button) and keeps Tab inside it
    await expect.poll(() => focused(page)).toBe("message-close");
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press("Tab");
      expect(await page.evaluate(() => !!document.activeElement?.closest("[data-testid=message-view]"))).toBe(true);
    }
    await page.keyboard.press("Escape");
    await page.getByTestId("message-view").waitFor({ state: "detached" });
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.closest("[data-testid=message-row]")?.getAttribute("data-message-id") ?? document.activeElement?.tagName))
      .toBe(data.messageId);
    // and with the close button
    await page.keyboard.press("Enter");
    await page.getByTestId("message-close").click();
    await page.getByTestId("message-view").waitFor({ state: "detached" });
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.closest("[data-testid=message-row]")?.getAttribute("data-message-id") ?? document.activeElement?.tagName))
      .toBe(data.messageId);
  });

  it("gives focus back to the button that opened the compose and the delete dialogs when they are dismissed", async () => {
    await openFresh(page, `/contacts/${data.contactId}`);
    for (const [opener, dialog] of [
      ["contact-compose", "compose"],
      ["contact-delete", "confirm-dialog"],
    ] as const) {
      await page.getByTestId(opener).focus();
      await page.keyboard.press("Enter");
      await page.getByTestId(dialog).waitFor();
      expect(await page.evaluate((id) => !!document.activeElement?.closest(`[data-testid=${id}]`), dialog)).toBe(true);
      await page.keyboard.press("Escape");
      await page.getByTestId(dialog).waitFor({ state: "detached" });
      await expect.poll(() => focused(page)).toBe(opener);
    }
  });

  it("puts focus on the message's row when a message opened from a link is closed", async () => {
    await openFresh(page, `/contacts/${data.contactId}/messages/${encodeURIComponent(data.messageId)}`);
    // a link opens a fresh page (a hash change alone would keep the focus of the test before)
    await page.reload();
    await page.getByTestId("message-body").waitFor({ timeout: 20_000 });
    await page.keyboard.press("Escape");
    await page.getByTestId("message-view").waitFor({ state: "detached" });
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.closest("[data-testid=message-row]")?.getAttribute("data-message-id") ?? document.activeElement?.tagName))
      .toBe(data.messageId);
  });
});

describe("status changes a screen reader hears", () => {
  it("announces the mailbox's state and its last run's status politely as the panel updates", async () => {
    const { context, page } = await adminPage(DESKTOP, "en-US");
    try {
      await openFresh(page, `/accounts/${data.accountId}`);
      const status = page.getByTestId("account-status");
      await status.waitFor({ timeout: 20_000 });
      const live = await status.locator("[aria-live=polite]").evaluateAll((els) => els.map((e) => e.textContent ?? ""));
      expect(live.some((text) => /Connected/i.test(text))).toBe(true);
      expect(await status.locator("[aria-live=polite] [data-job-status]").or(status.locator("[data-job-status][aria-live=polite]")).count()).toBe(1);
    } finally {
      await context.close();
    }
  });
});

/** Presses Tab until the element with this data-testid has the focus; fails when it is never reached. */
async function tabTo(page: Page, testId: string, max = 80) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    if ((await focused(page)) === testId) {
      // a keyboard user sees where they are
      const ring = await page.evaluate(() => {
        const s = getComputedStyle(document.activeElement!);
        return s.outlineStyle !== "none" || s.boxShadow !== "none";
      });
      expect(ring, `${testId} shows its focus`).toBe(true);
      return;
    }
  }
  throw new Error(`${testId} is not reachable with Tab (${max} presses)`);
}

describe("a keyboard-only admin", () => {
  it("signs in, adds a contact, opens it and a message, closes it and reaches the mailbox actions without a mouse", async () => {
    const context = await browser.newContext({ ...DESKTOP, locale: "ja-JP" });
    const page = await context.newPage();
    try {
      await openFresh(page, `/signin`);
      await page.getByTestId("signin-email").waitFor();
      await expect.poll(() => focused(page)).toBe("signin-email");
      await page.keyboard.type(ADMIN.email);
      await page.keyboard.press("Tab");
      await page.keyboard.type(ADMIN.password);
      await page.keyboard.press("Enter");
      await page.getByTestId("current-user").waitFor({ timeout: 20_000 });
      // an admin lands on the overview: the header's link leads to the contacts
      await page.getByTestId("overview").waitFor({ timeout: 15_000 });
      await tabTo(page, "nav-contacts");
      await page.keyboard.press("Enter");
      await page.getByTestId("contacts-table").waitFor({ timeout: 15_000 });

      // a new contact, typed into the form
      await tabTo(page, "contact-new-name");
      await page.keyboard.type("キーボード 花子");
      await tabTo(page, "contact-new-email");
      await page.keyboard.type("hanako@keyboard.example");
      await tabTo(page, "contact-new-save");
      await page.keyboard.press("Enter");
      await expect.poll(() => page.getByText("連絡先「キーボード 花子」を追加しました。").count(), { timeout: 20_000 }).toBe(1);

      // the contact with mail, opened from the list with Enter
      await openFresh(page, `/contacts`);
      await page.getByTestId("contacts-table").waitFor();
      for (let i = 0; i < 80; i++) {
        await page.keyboard.press("Tab");
        if (await page.evaluate((name) => document.activeElement?.tagName === "A" && document.activeElement.textContent === name, CUSTOMER.name)) break;
      }
      await page.keyboard.press("Enter");
      await expect.poll(() => page.url()).toContain(`/contacts/${data.contactId}`);
      await page.getByTestId("message-row").first().waitFor({ timeout: 20_000 });
      await tabTo(page, "message-open");
      await page.keyboard.press("Enter");
      await page.getByTestId("message-body").waitFor({ timeout: 20_000 });
      await page.keyboard.press("Escape");
      await page.getByTestId("message-view").waitFor({ state: "detached" });
      // the focus goes back once React has removed the dialog (a tick later)
      await expect.poll(() => focused(page)).toBe("message-open");

      // the mailboxes: the list's actions are reachable
      await openFresh(page, `/accounts`);
      await page.getByTestId("accounts-table").waitFor({ timeout: 15_000 });
      await tabTo(page, "account-sync");
      await tabTo(page, "account-edit");
      await page.keyboard.press("Enter");
      await expect.poll(() => page.url()).toContain(`/accounts/${data.accountId}`);
      await tabTo(page, "account-test");
      await page.keyboard.press("Enter");
      await page.getByTestId("account-test-result").waitFor({ timeout: 30_000 });
    } finally {
      await context.close();
    }
  }, 120_000);
});
