/**
 * CSV import in the admin console (issue 4), in a real browser against the real stack:
 * Chromium (playwright-core) -> the built console (web/dist) -> the local gateway -> the API
 * handler -> dynalite. The files are built here as a spreadsheet writes them: Shift_JIS from
 * Japanese Excel's "CSV" (with a Windows-31J character, 髙), and UTF-8 with a BOM from
 * "CSV UTF-8". The browser only reads bytes; the server detects the encoding.
 *
 * Screenshots of every step go to a temporary directory (printed).
 */
import { existsSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import iconv from "iconv-lite";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalStack, type LocalStack } from "../../core/local/stack";
import { launchBrowser } from "../harness/chromium";
import { ApiClient } from "../support/api-client";

const DIST_INDEX = resolve("web/dist/index.html");
const ADMIN = { email: "admin@example.test", password: "admin-password-123" };
const VIEWPORT = { width: 1280, height: 800 };
/**
 * What the console says one import takes: core/api/handle.ts MAX_BODY (256 KB of JSON) less the
 * envelope, as base64. Pinned so a change of the API's limit (or of the console's copy of it)
 * shows up here and the message is checked again.
 */
const MAX_FILE_KB = 191;

let stack: LocalStack;
let api: ApiClient;
let browser: Browser;
let shots: string;

// ---------------------------------------------------------------------------------------------
// The files
// ---------------------------------------------------------------------------------------------

const CRLF = "\r\n";

/** Japanese Excel, "CSV (comma delimited)": Shift_JIS, CRLF. Lines 5 and 6 are wrong. */
const SJIS_ROWS = [
  "氏名,会社名,メールアドレス,サブメールアドレス",
  "山田 太郎,山田商事株式会社,taro.yamada@yamada-shoji.example,t.yamada@yamada-shoji.example",
  "佐藤 花子,株式会社サンプル電機,hanako.sato@sample-denki.example,",
  // 髙 (IBM extension) exists in Windows-31J only: a plain JIS X 0208 decoder would lose it
  "髙橋 健一,髙橋工業株式会社,kenichi.takahashi@takahashi-kogyo.example,k.takahashi@takahashi-kogyo.example;eigyo@takahashi-kogyo.example",
  "伊藤 誠,伊藤物産株式会社,makoto.ito.ito-bussan.example,",
  ",名無し商店,tanto@nanashi-shoten.example,",
];
const SJIS_CSV = iconv.encode(SJIS_ROWS.join(CRLF) + CRLF, "shift_jis");

/** Excel's "CSV UTF-8": a BOM, then UTF-8. One company name is markup, to be shown as text. */
const MARKUP_COMPANY = `<b onmouseover="alert(1)">Contoso</b> & Co.`;
const UTF8_ROWS = [
  "Name,Company,Email,Other emails",
  "John Miller,Northwind Logistics,john.miller@northwind.example,jm@northwind.example",
  `Maria Garcia,"${MARKUP_COMPANY.replace(/"/g, '""')}",maria.garcia@contoso.example,`,
  "中村 さくら,中村貿易株式会社,sakura.nakamura@nakamura-boeki.example,",
];
const UTF8_CSV = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(UTF8_ROWS.join(CRLF) + CRLF, "utf8")]);

// ---------------------------------------------------------------------------------------------
// Browser helpers (as in console.test.ts)
// ---------------------------------------------------------------------------------------------

interface Session {
  context: BrowserContext;
  page: Page;
  /** Every request the page made whose host is not 127.0.0.1 (must stay empty). */
  offsite: string[];
  /** Every API call, "METHOD /path". */
  calls: string[];
  /** Uncaught page errors and console errors. */
  errors: string[];
}

async function openSession(locale: "en-US" | "ja-JP"): Promise<Session> {
  const context = await browser.newContext({ viewport: VIEWPORT, locale, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const session: Session = { context, page, offsite: [], calls: [], errors: [] };
  page.on("request", (req) => {
    const url = new URL(req.url());
    if (url.protocol === "data:" || url.protocol === "blob:") return;
    if (url.hostname !== "127.0.0.1") session.offsite.push(req.url());
    if (url.pathname.startsWith("/api/")) session.calls.push(`${req.method()} ${url.pathname}`);
  });
  page.on("pageerror", (err) => session.errors.push(String(err)));
  page.on("console", (msg) => {
    if (msg.type() === "error" && !/Failed to load resource: the server responded with a status of 4\d\d/.test(msg.text())) session.errors.push(msg.text());
  });
  return session;
}

let shotNo = 0;
async function shot(page: Page, name: string, fullPage = true) {
  const file = join(shots, `${String(++shotNo).padStart(2, "0")}-${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}

async function signIn(page: Page, lang: "en" | "ja") {
  await page.goto(`${stack.url}/#/signin`);
  await page.getByTestId("lang-select").selectOption(lang);
  await page.getByTestId("signin-email").fill(ADMIN.email);
  await page.getByTestId("signin-password").fill(ADMIN.password);
  await page.getByTestId("signin-submit").click();
  await page.getByTestId("current-user").waitFor();
  await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(lang);
  // admins land on the overview: the import starts from the contact list
  await page.getByTestId("nav-contacts").click();
}

/** The text of each row's cell under the column headed `header`. */
async function cellOf(page: Page, line: number, header: string) {
  const headers = await page.getByTestId("import-preview-table").locator("thead th").allTextContents();
  const index = headers.indexOf(header);
  expect(index, `column "${header}" in ${headers.join(", ")}`).toBeGreaterThan(0);
  return page.locator(`[data-testid=import-row][data-line="${line}"] td`).nth(index);
}

/** A contact as the API has it, found by its primary address. */
async function contactByEmail(email: string) {
  const reply = await api.get(`/api/contacts?q=${encodeURIComponent(email)}`);
  expect(reply.status, reply.text).toBe(200);
  return (reply.body.items as { id: string; name: string; company: string | null; primaryEmail: string; secondaryEmails: string[] }[]).filter((c) => c.primaryEmail === email);
}

// ---------------------------------------------------------------------------------------------
// Setup
// ---------------------------------------------------------------------------------------------

beforeAll(async () => {
  if (!existsSync(DIST_INDEX)) {
    throw new Error(`The console is not built: ${DIST_INDEX} is missing. Run \`npm run build:web\` first (\`npm test\` does it before vitest).`);
  }
  shots = await mkdtemp(join(tmpdir(), "console-import-shots-"));
  console.log(`[console-import] screenshots in ${shots}`);
  stack = await startLocalStack({ schedule: false, admin: ADMIN });
  api = new ApiClient(stack.url);
  expect((await api.signIn(ADMIN.email, ADMIN.password)).status).toBe(200);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

// ---------------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------------

describe("CSV import in the console", () => {
  it("previews a Shift_JIS file from Japanese Excel with each row's problems in Japanese next to the field, then imports the valid rows", async () => {
    const s = await openSession("ja-JP");
    const { page } = s;
    try {
      // Prepare: the contacts list, in Japanese
      await signIn(page, "ja");
      await page.getByTestId("import-open").click();
      await expect.poll(() => new URL(page.url()).hash).toBe("#/contacts/import");
      // the hash changes before the page renders: wait for the heading
      await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("CSVインポート");
      await shot(page, "ja-import-empty");

      // Act: the file, through the file input
      await page.getByTestId("import-file").setInputFiles({ name: "顧客リスト.csv", mimeType: "text/csv", buffer: SJIS_CSV });

      // Assess: what the server read, shown before anything is written
      await page.getByTestId("import-preview-table").waitFor();
      const encoding = page.getByTestId("import-encoding");
      await expect(encoding.getAttribute("data-encoding")).resolves.toBe("shift_jis");
      await expect(encoding.textContent()).resolves.toBe("Shift_JIS");
      const columns = page.getByTestId("import-column");
      await expect(columns.evaluateAll((els) => els.map((e) => e.getAttribute("data-field")))).resolves.toEqual(["name", "company", "primaryEmail", "secondaryEmails"]);
      // which header went to which field, in the file's own words
      await expect(columns.nth(3).textContent()).resolves.toContain("サブメールアドレス");
      const counts = page.getByTestId("import-counts");
      await expect(counts.locator("[data-count=rows] dd").textContent()).resolves.toBe("5");
      await expect(counts.locator("[data-count=valid] dd").textContent()).resolves.toBe("3");
      await expect(counts.locator("[data-count=invalid] dd").textContent()).resolves.toBe("2");

      // every row, numbered by its line in the file (the header is line 1)
      const lines = await page.getByTestId("import-row").evaluateAll((rows) => rows.map((r) => `${r.getAttribute("data-line")}:${r.getAttribute("data-valid")}`));
      expect(lines).toEqual(["2:true", "3:true", "4:true", "5:false", "6:false"]);
      // the Windows-31J character came through, and both addresses of one cell
      await expect((await cellOf(page, 4, "氏名")).textContent()).resolves.toBe("髙橋 健一");
      await expect((await cellOf(page, 4, "サブメールアドレス")).textContent()).resolves.toBe("k.takahashi@takahashi-kogyo.example" + "eigyo@takahashi-kogyo.example");

      // exactly two problems, each in Japanese, in the cell of the field it is about
      await expect(page.getByTestId("import-row-error").count()).resolves.toBe(2);
      const badEmail = (await cellOf(page, 5, "メールアドレス")).getByTestId("import-row-error");
      await expect(badEmail.getAttribute("data-field")).resolves.toBe("primaryEmail");
      await expect(badEmail.textContent()).resolves.toBe("メールアドレス：有効なメールアドレスを入力してください。");
      const noName = (await cellOf(page, 6, "氏名")).getByTestId("import-row-error");
      await expect(noName.getAttribute("data-field")).resolves.toBe("name");
      await expect(noName.textContent()).resolves.toBe("氏名：必須です。");
      await expect((await cellOf(page, 6, "氏名")).textContent()).resolves.toContain("（空欄）");
      await shot(page, "ja-import-preview");

      // only the rows with problems, when asked
      await page.getByTestId("import-errors-only").check();
      await expect.poll(() => page.getByTestId("import-row").count()).toBe(2);
      await shot(page, "ja-import-preview-errors-only");
      await page.getByTestId("import-errors-only").uncheck();
      // the problems follow the console's language: the preview is asked for again in English
      await page.getByTestId("lang-select").selectOption("en");
      await expect.poll(async () => (await cellOf(page, 5, "Email")).getByTestId("import-row-error").textContent()).toBe("Email must be a valid email address.");
      await expect((await cellOf(page, 6, "Name")).getByTestId("import-row-error").textContent()).resolves.toBe("Name is required.");
      await page.getByTestId("lang-select").selectOption("ja");
      await expect.poll(async () => (await cellOf(page, 6, "氏名")).getByTestId("import-row-error").textContent()).toBe("氏名：必須です。");
      expect(s.calls.filter((c) => c === "POST /api/contacts/import")).toEqual([]);

      // Act: import the valid rows
      const run = page.getByTestId("import-run");
      await expect(run.textContent()).resolves.toBe("有効な 3 件を取り込む");
      await run.click();

      // Assess: the outcome of each row; the invalid ones skipped and listed with their problems
      const result = page.getByTestId("import-result");
      await result.waitFor();
      const outcome = result.getByTestId("import-result-counts");
      await expect(outcome.locator("[data-count=created] dd").textContent()).resolves.toBe("3");
      await expect(outcome.locator("[data-count=updated] dd").textContent()).resolves.toBe("0");
      await expect(outcome.locator("[data-count=unchanged] dd").textContent()).resolves.toBe("0");
      await expect(outcome.locator("[data-count=skipped] dd").textContent()).resolves.toBe("2");
      const statuses = await result.getByTestId("import-result-row").evaluateAll((rows) => rows.map((r) => `${r.getAttribute("data-line")}:${r.getAttribute("data-status")}`));
      expect(statuses).toEqual(["2:created", "3:created", "4:created", "5:skipped", "6:skipped"]);
      await expect(result.locator("[data-line='5']").getByTestId("import-row-error").textContent()).resolves.toBe("メールアドレス：有効なメールアドレスを入力してください。");
      await expect(result.locator("[data-line='6']").getByTestId("import-row-error").textContent()).resolves.toBe("氏名：必須です。");
      await shot(page, "ja-import-result");

      // the contacts exist, with their other addresses; the skipped ones do not
      const [yamada] = await contactByEmail("taro.yamada@yamada-shoji.example");
      expect(yamada).toMatchObject({ name: "山田 太郎", company: "山田商事株式会社", secondaryEmails: ["t.yamada@yamada-shoji.example"] });
      const [takahashi] = await contactByEmail("kenichi.takahashi@takahashi-kogyo.example");
      expect(takahashi).toMatchObject({
        name: "髙橋 健一",
        company: "髙橋工業株式会社",
        secondaryEmails: ["k.takahashi@takahashi-kogyo.example", "eigyo@takahashi-kogyo.example"],
      });
      const [sato] = await contactByEmail("hanako.sato@sample-denki.example");
      expect(sato).toMatchObject({ name: "佐藤 花子", secondaryEmails: [] });
      expect(await contactByEmail("tanto@nanashi-shoten.example")).toEqual([]);
      // the result links each imported row to its contact
      await expect(result.locator("[data-line='2'] a").getAttribute("href")).resolves.toBe(`#/contacts/${encodeURIComponent(yamada!.id)}`);

      // back to the list: it shows the new contacts
      await page.getByTestId("import-back").click();
      await expect.poll(() => page.getByTestId("contact-row").count()).toBe(3);
      await expect(page.getByTestId("contacts-table").textContent()).resolves.toContain("髙橋 健一");
      await shot(page, "ja-contacts-after-import");

      expect(s.offsite).toEqual([]);
      expect(s.errors).toEqual([]);
    } finally {
      await s.context.close();
    }
  });

  it("refuses a file larger than the API accepts before sending it, reads a UTF-8 file with a BOM, and importing it again leaves every row unchanged", async () => {
    const s = await openSession("en-US");
    const { page } = s;
    try {
      await signIn(page, "en");
      await page.getByTestId("import-open").click();
      await page.getByTestId("import-dropzone").waitFor();

      // Act: a file too large for one request, dropped on the zone
      const big = Buffer.from(UTF8_ROWS[0] + CRLF + `Someone,Big Co.,someone@big.example,${CRLF}`.repeat(6000));
      expect(big.length).toBeGreaterThan(MAX_FILE_KB * 1024);
      const dropped = await page.evaluateHandle(
        ({ base64, name }) => {
          const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
          const transfer = new DataTransfer();
          transfer.items.add(new File([bytes], name, { type: "text/csv" }));
          return transfer;
        },
        { base64: big.toString("base64"), name: "all-contacts.csv" },
      );
      await page.getByTestId("import-dropzone").dispatchEvent("drop", { dataTransfer: dropped });
      // Assess: the limit in KB and what to do, and nothing was uploaded
      const refused = page.getByTestId("import-size-error");
      await refused.waitFor();
      await expect(refused.textContent()).resolves.toMatch(
        new RegExp(`all-contacts\\.csv is \\d+ KB, but one import accepts files up to ${MAX_FILE_KB} KB\\. Split it into several files`),
      );
      expect(s.calls.filter((c) => c.startsWith("POST /api/contacts/import"))).toEqual([]);
      await shot(page, "en-import-too-large");

      // a file the server cannot use as a whole: its reason, in the console's language, and no preview
      await page.getByTestId("import-file").setInputFiles({ name: "names-only.csv", mimeType: "text/csv", buffer: Buffer.from(`Name,Company${CRLF}John Miller,Northwind${CRLF}`) });
      await expect.poll(() => page.getByTestId("import-error").textContent()).toContain("The file has no email column.");
      await expect(page.getByTestId("import-preview-table").count()).resolves.toBe(0);
      await expect(page.getByTestId("import-size-error").count()).resolves.toBe(0);

      // Act: the UTF-8 file with a BOM, through the file input
      await page.getByTestId("import-file").setInputFiles({ name: "contacts-utf8.csv", mimeType: "text/csv", buffer: UTF8_CSV });
      await page.getByTestId("import-preview-table").waitFor();
      await expect(page.getByTestId("import-size-error").count()).resolves.toBe(0);
      await expect(page.getByTestId("import-encoding").getAttribute("data-encoding")).resolves.toBe("utf-8");
      await expect(page.getByTestId("import-encoding").textContent()).resolves.toBe("UTF-8");
      // the BOM is not part of the first header: "Name" is mapped
      await expect(page.getByTestId("import-column").evaluateAll((els) => els.map((e) => e.getAttribute("data-field")))).resolves.toEqual([
        "name",
        "company",
        "primaryEmail",
        "secondaryEmails",
      ]);
      await expect(page.getByTestId("import-counts").locator("[data-count=valid] dd").textContent()).resolves.toBe("3");
      // none of them exists yet: the preview says all three will be new contacts
      await expect(page.getByTestId("import-counts").locator("[data-count=create] dd").textContent()).resolves.toBe("3");
      await expect(page.getByTestId("import-counts").locator("[data-count=unchanged] dd").textContent()).resolves.toBe("0");
      await expect(page.getByTestId("import-row-error").count()).resolves.toBe(0);
      // markup in a cell is shown as the characters it is
      await expect((await cellOf(page, 3, "Company")).textContent()).resolves.toBe(MARKUP_COMPANY);
      await expect(page.getByTestId("import-preview-table").locator("tbody b").count()).resolves.toBe(0);
      await expect((await cellOf(page, 4, "Name")).textContent()).resolves.toBe("中村 さくら");
      await shot(page, "en-import-preview");

      await expect(page.getByTestId("import-run").textContent()).resolves.toBe("Import 3 valid rows");
      await page.getByTestId("import-run").click();
      const result = page.getByTestId("import-result");
      await result.waitFor();
      await expect(result.getByTestId("import-result-counts").locator("[data-count=created] dd").textContent()).resolves.toBe("3");
      await shot(page, "en-import-result");

      // Act: the same file again
      await page.getByTestId("import-again").click();
      await page.getByTestId("import-file").setInputFiles({ name: "contacts-utf8.csv", mimeType: "text/csv", buffer: UTF8_CSV });
      await page.getByTestId("import-preview-table").waitFor();
      // the preview knows before importing: every row is already up to date
      await expect(page.getByTestId("import-counts").locator("[data-count=unchanged] dd").textContent()).resolves.toBe("3");
      await expect(page.getByTestId("import-counts").locator("[data-count=create] dd").textContent()).resolves.toBe("0");
      await expect(page.getByTestId("import-preview-table").locator("tbody .badge").allTextContents()).resolves.toEqual(["No change", "No change", "No change"]);
      await page.getByTestId("import-run").click();
      await result.waitFor();

      // Assess: every row unchanged, nothing created twice
      const counts = result.getByTestId("import-result-counts");
      await expect(counts.locator("[data-count=unchanged] dd").textContent()).resolves.toBe("3");
      await expect(counts.locator("[data-count=created] dd").textContent()).resolves.toBe("0");
      await expect(counts.locator("[data-count=updated] dd").textContent()).resolves.toBe("0");
      await expect(counts.locator("[data-count=skipped] dd").textContent()).resolves.toBe("0");
      const statuses = await result.getByTestId("import-result-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-status")));
      expect(statuses).toEqual(["unchanged", "unchanged", "unchanged"]);
      await shot(page, "en-import-again-unchanged");
      for (const email of ["john.miller@northwind.example", "maria.garcia@contoso.example", "sakura.nakamura@nakamura-boeki.example"]) {
        expect(await contactByEmail(email)).toHaveLength(1);
      }
      expect((await contactByEmail("maria.garcia@contoso.example"))[0]!.company).toBe(MARKUP_COMPANY);
      expect((await contactByEmail("john.miller@northwind.example"))[0]!.secondaryEmails).toEqual(["jm@northwind.example"]);

      await page.getByTestId("import-back").click();
      await page.getByTestId("contacts-table").waitFor();
      await expect(page.getByTestId("contacts-table").textContent()).resolves.toContain("Maria Garcia");
      expect(s.offsite).toEqual([]);
      expect(s.errors).toEqual([]);
    } finally {
      await s.context.close();
    }
  });
});
