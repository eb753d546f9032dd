/**
 * フリガナ and the data-transparency page in the console, in Japanese, in a real browser against
 * the real stack (Chromium -> web/dist -> the local gateway -> the API -> dynalite): a contact
 * added with its reading, the list in 50音 order, search by reading in hiragana, the import's
 * template and rejected rows as real downloads, and #/stored-data on a phone.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Browser, Download, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalStack, type LocalStack } from "../../core/local/stack";
import { parseCsv } from "../../core/contacts/csv-import";
import { launchBrowser } from "../harness/chromium";
import { ApiClient } from "../support/api-client";
import { signInPage } from "../support/console-page";

const ADMIN = { email: "admin@example.test", password: "admin-password-123" };
const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
let stack: LocalStack;
let api: ApiClient;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(resolve("web/dist/index.html"))) throw new Error("web/dist is missing: run `npm run build:web` (npm test does it)");
  stack = await startLocalStack({ schedule: false, admin: ADMIN });
  api = new ApiClient(stack.url);
  await api.signIn(ADMIN.email, ADMIN.password);
  // in code-point order of the name these are 佐藤 < 阿部; in 50音 order of the reading あ < さ
  for (const c of [
    { name: "佐藤 花子", reading: "サトウ ハナコ", primaryEmail: "hanako@sato.example" },
    { name: "阿部 次郎", reading: "あべ じろう", primaryEmail: "jiro@abe.example" },
  ])
    expect((await api.post("/api/contacts", c)).status).toBe(201);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const rowNames = (page: Page) => page.getByTestId("contact-row").evaluateAll((rows) => rows.map((r) => r.querySelector("a")?.textContent ?? ""));
const bytesOf = async (download: Download) => readFile((await download.path())!);

describe("フリガナ in the Japanese console", () => {
  it("adds a contact with its reading, lists contacts in 50音 order and finds them by reading in hiragana", async () => {
    // Prepare
    const context = await browser.newContext({ locale: "ja-JP", viewport: DESKTOP });
    const page = await context.newPage();
    await signInPage(page, stack.url, ADMIN);
    await page.goto(`${stack.url}/#/contacts`);
    await expect.poll(() => rowNames(page), { timeout: 15_000 }).toEqual(["阿部 次郎", "佐藤 花子"]);

    // Act: a reading in kanji first, refused in Japanese beside the field
    await page.getByTestId("contact-new-name").fill("山田 太郎");
    await page.getByTestId("contact-new-reading").fill("山田");
    await page.getByTestId("contact-new-email").fill("taro@yamada.example");
    await page.getByTestId("contact-new-save").click();
    await expect.poll(() => page.locator(".field__error").allTextContents()).toEqual([expect.stringContaining("ひらがな・カタカナ")]);
    // then in half-width katakana, as some keyboards type it
    await page.getByTestId("contact-new-reading").fill("ﾔﾏﾀﾞ ﾀﾛｳ");
    await page.getByTestId("contact-new-save").click();

    // Assess: in 50音 order (あ, さ, や), the reading shown over the name
    await expect.poll(() => rowNames(page), { timeout: 15_000 }).toEqual(["阿部 次郎", "佐藤 花子", "山田 太郎"]);
    const yamada = page.getByTestId("contact-row").filter({ hasText: "山田 太郎" });
    await expect(yamada.getByTestId("contact-row-reading").textContent()).resolves.toBe("ヤマダ タロウ");

    // Act: search by the reading in hiragana
    await page.getByTestId("contacts-search").fill("やまだ");
    // Assess
    await expect.poll(() => rowNames(page), { timeout: 15_000 }).toEqual(["山田 太郎"]);

    // the contact's page shows the reading above the name, and the form edits it
    await yamada.locator("a").click();
    await expect(page.getByTestId("contact-reading").textContent()).resolves.toBe("ヤマダ タロウ");
    await page.getByTestId("contact-edit").click();
    await page.getByTestId("contact-edit-reading").fill("ヤマダ タロー");
    await page.getByRole("button", { name: "保存" }).click();
    await expect.poll(() => page.getByTestId("contact-reading").textContent(), { timeout: 15_000 }).toBe("ヤマダ タロー");
    await context.close();
  });

  it("downloads the import template, and after an import the rejected rows with the reason", async () => {
    // Prepare
    const context = await browser.newContext({ locale: "ja-JP", viewport: DESKTOP, acceptDownloads: true });
    const page = await context.newPage();
    await signInPage(page, stack.url, ADMIN);
    await page.goto(`${stack.url}/#/contacts/import`);

    // Act: the template
    const [template] = await Promise.all([page.waitForEvent("download"), page.getByTestId("import-template").click()]);
    // Assess: UTF-8 with a BOM, Japanese headers, one example row
    const templateBytes = await bytesOf(template);
    expect([...templateBytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const templateRows = parseCsv(templateBytes.toString("utf8"));
    expect(templateRows[0]!.fields).toEqual(["氏名", "フリガナ", "会社名", "メールアドレス", "サブメールアドレス", "外部ID"]);
    expect(templateRows).toHaveLength(2);
    expect(template.suggestedFilename()).toMatch(/\.csv$/);

    // Act: a file with one good row and one whose reading is not kana
    const file = "氏名,フリガナ,メールアドレス\r\n木村 拓也,キムラ タクヤ,takuya@kimura.example\r\n中村 花,中村,hana@nakamura.example\r\n";
    await page.getByTestId("import-file").setInputFiles({ name: "顧客.csv", mimeType: "text/csv", buffer: Buffer.from(file, "utf8") });
    await page.getByTestId("import-preview-table").waitFor();
    await page.getByTestId("import-run").click();
    await page.getByTestId("import-result").waitFor();
    const [rejected] = await Promise.all([page.waitForEvent("download"), page.getByTestId("import-rejected-download").click()]);

    // Assess: exactly the rejected row, as written, with the reason in Japanese
    const rejectedBytes = await bytesOf(rejected);
    expect([...rejectedBytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(rejectedBytes.toString("utf8")).map((r) => r.fields);
    expect(rows).toEqual([
      ["氏名", "フリガナ", "メールアドレス", "取り込めなかった理由"],
      ["中村 花", "中村", "hana@nakamura.example", expect.stringMatching(/^フリガナ: ひらがな・カタカナ/)],
    ]);
    expect(rejected.suggestedFilename()).toBe("顧客-rejected.csv");
    expect((await api.get(`/api/contacts?q=${encodeURIComponent("きむら")}`)).body.items.map((c: any) => c.reading)).toEqual(["キムラ タクヤ"]);
    await context.close();
  });
});

describe("what is stored from mail", () => {
  it("opens from the footer on a phone, in Japanese, without horizontal scrolling", async () => {
    // Prepare
    const context = await browser.newContext({ locale: "ja-JP", viewport: PHONE, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await signInPage(page, stack.url, ADMIN);
    // Act
    await page.getByTestId("footer-stored-data").click();
    // Assess
    await page.getByTestId("stored-data").waitFor();
    expect(new URL(page.url()).hash).toBe("#/stored-data");
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("メールから保存するデータ");
    await expect(page.getByTestId("stored-data-not-stored").textContent()).resolves.toContain("メールの本文");
    await expect(page.getByTestId("stored-data-stored").textContent()).resolves.toContain("280文字");
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    // the mailbox form links to it too, in a new tab so nothing typed is lost
    await page.goto(`${stack.url}/#/accounts/new`);
    const link = page.getByTestId("account-stored-data");
    await link.waitFor();
    await expect(link.getAttribute("target")).resolves.toBe("_blank");
    await expect(link.getAttribute("href")).resolves.toBe("#/stored-data");
    await context.close();
  });
});
