/**
 * The admin console in a real browser against the real stack: Chromium (playwright-core) ->
 * the built console (web/dist) and the API on the local gateway -> dynalite, fauxqs, the sync
 * handler -> Dovecot and Postfix from the global setup. Nothing is mocked: a broken hop
 * anywhere (build, route, handler, queue, sync, IMAP, rendering) fails a test.
 *
 * Screenshots of every step go to a temporary directory (printed). The README's pictures come
 * from `npm run screenshots` (test/support/screenshots.ts) into docs/screenshots/.
 */
import { existsSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { routes } from "../../core/api/routes/index";
import { startLocalStack, type LocalStack } from "../../core/local/stack";
import { logSink } from "../../core/shared/log";
import { launchBrowser } from "../harness/chromium";
import { appendMessages, createFolder, resetUser } from "../harness/mail-servers";
import { ApiClient, eventually } from "../support/api-client";
import { signInPage } from "../support/console-page";

const mail = inject("mail");
const DIST_INDEX = resolve("web/dist/index.html");
const ADMIN = { email: "admin@example.test", password: "admin-password-123" };
// App users (who sign in to the console); their mailboxes are the Dovecot users of the same address.
const ALICE = { email: mail.users.alice.email, name: "Alice Walker", password: "alice-console-password" };
const CAROL = { email: mail.users.carol.email, name: "Carol Ito", password: "carol-console-password" };
const VIEWPORT = { width: 1280, height: 800 };
/** Messages in Bob's mailbox for the first-sync progress bar: enough for several 500-message chunks. */
const BIG_MAILBOX = 12_000;

/** Whether a route exists in the API right now (other engineers are adding some). */
const hasRoute = (method: string, path: string) => routes.some((r) => r.method === method && r.path === path);
const HAS_MESSAGE_ROUTES = hasRoute("GET", "/api/messages/{id}") && hasRoute("GET", "/api/messages/{id}/body");
const HAS_DISCOVERY_ROUTES = hasRoute("GET", "/api/providers") && hasRoute("POST", "/api/autodiscover") && hasRoute("PUT", "/api/domain-settings/{domain}");
const HAS_CONNECTION_ROUTES = hasRoute("POST", "/api/accounts/test") && hasRoute("POST", "/api/accounts/{id}/test-mail");

let stack: LocalStack;
let api: ApiClient;
const logLines: string[] = [];
const originalWrite = logSink.write;
let browser: Browser;
let shots: string;
const users: Record<string, { id: string }> = {};
const accounts: Record<string, { id: string }> = {};
const contacts: Record<string, { id: string }> = {};

// ---------------------------------------------------------------------------------------------
// Mail built for the console: threads across two mailboxes, attachments, a hostile HTML mail
// ---------------------------------------------------------------------------------------------

const CRLF = "\r\n";
const day = (n: number, hour = 10) => {
  const d = new Date(Date.now() - n * 86_400_000);
  d.setUTCHours(hour, 17, 0, 0);
  return d;
};
const word = (v: string) => (/^[\x20-\x7e]*$/.test(v) ? v : `=?UTF-8?B?${Buffer.from(v, "utf8").toString("base64")}?=`);
/** A display name is quoted when it holds specials ("<", ">", ","...), as RFC 5322 wants. */
const addr = (name: string, email: string) => `${/^[\x20-\x7e]*$/.test(name) && /[<>()[\]:;@\\,."]/.test(name) ? `"${name.replace(/(["\\])/g, "\\$1")}"` : word(name)} <${email}>`;
const b64 = (buf: Buffer) => buf.toString("base64").replace(/.{76}/g, `$&${CRLF}`);

interface Spec {
  from: string;
  to: string[];
  cc?: string[];
  subject: string;
  date: Date;
  id: string;
  inReplyTo?: string;
  references?: string[];
  text: string;
  html?: string;
  attachments?: { filename: string; contentType: string; bytes: number }[];
}

function message(m: Spec): string {
  const head = [
    `From: ${m.from}`,
    `To: ${m.to.join(", ")}`,
    ...(m.cc?.length ? [`Cc: ${m.cc.join(", ")}`] : []),
    `Subject: ${word(m.subject)}`,
    `Date: ${m.date.toUTCString().replace("GMT", "+0000")}`,
    `Message-ID: ${m.id}`,
    ...(m.inReplyTo ? [`In-Reply-To: ${m.inReplyTo}`] : []),
    ...(m.references?.length ? [`References: ${m.references.join(" ")}`] : []),
    "MIME-Version: 1.0",
  ];
  const textPart = ["Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: base64", "", b64(Buffer.from(m.text, "utf8"))].join(CRLF);
  let body = textPart;
  if (m.html) {
    const htmlPart = ["Content-Type: text/html; charset=UTF-8", "Content-Transfer-Encoding: base64", "", b64(Buffer.from(m.html, "utf8"))].join(CRLF);
    body = ['Content-Type: multipart/alternative; boundary="alt-b"', "", "--alt-b", textPart, "--alt-b", htmlPart, "--alt-b--", ""].join(CRLF);
  }
  if (m.attachments?.length) {
    const parts = m.attachments.map((a) =>
      [
        `Content-Type: ${a.contentType}; name="${word(a.filename)}"`,
        `Content-Disposition: attachment; filename="${word(a.filename)}"`,
        "Content-Transfer-Encoding: base64",
        "",
        b64(Buffer.alloc(a.bytes, 0x25)),
      ].join(CRLF),
    );
    body = ['Content-Type: multipart/mixed; boundary="mix-b"', "", "--mix-b", body, ...parts.flatMap((p) => ["--mix-b", p]), "--mix-b--", ""].join(CRLF);
    return [...head, body].join(CRLF);
  }
  return [...head, body].join(CRLF);
}

const YAMADA = { name: "山田 太郎", email: "taro.yamada@yamada-trading.example", other: "yamada@yamada-trading.example" };
const GARCIA = "maria.garcia@contoso.example";
const HOSTILE_SUBJECT = "Invoice <b>overdue</b> <img src=x onerror=alert(1)>";
const TRACKER = "http://tracker.example.net/pixel.gif";
const HOSTILE_TEXT = `Please open the attached statement.\n<script>window.__pwned = 1</script>\n<img src="${TRACKER}">\nAccounts department`;
const HOSTILE_HTML = `<html><body><script>window.__pwned = 1</script><p>Please open the attached statement.</p><img src="${TRACKER}"><iframe src="http://evil.example.net/"></iframe><a href="http://phish.example.net/">Pay now</a></body></html>`;

const HTML_ONLY = `<!doctype html><html><head><style>body{background:url(http://evil.example.net/bg.png)}</style><script src="http://evil.example.net/x.js"></script></head><body onload="window.__pwned=2"><h1>Payment reminder</h1><p>Your invoice 2026-118 is due on Friday.</p><img src="${TRACKER}?id=2" width="1" height="1"><script>window.__pwned = 3</script><a href="http://phish.example.net/pay">Pay now</a></body></html>`;

/** A mail with an HTML body only: the server makes the text. */
function htmlOnly(m: Omit<Spec, "text" | "html"> & { html: string }): string {
  return [
    `From: ${m.from}`,
    `To: ${m.to.join(", ")}`,
    `Subject: ${word(m.subject)}`,
    `Date: ${m.date.toUTCString().replace("GMT", "+0000")}`,
    `Message-ID: ${m.id}`,
    "MIME-Version: 1.0",
    "Content-Type: text/html; charset=UTF-8",
    "Content-Transfer-Encoding: base64",
    "",
    b64(Buffer.from(m.html, "utf8")),
  ].join(CRLF);
}

/** Alice's mailbox: a quotation thread (4 mails, one with attachments), a single mail, a hostile one. */
function aliceInbox(alice: string) {
  const y = addr(YAMADA.name, YAMADA.email);
  return [
    message({
      from: y,
      to: [alice],
      subject: "Quotation request: 200 units of model A-20",
      date: day(12),
      id: "<q1@yamada-trading.example>",
      text: "Dear Ms Walker,\n\nCould you send us a quotation for 200 units of model A-20, delivered to our Osaka warehouse by the end of next month?\n\nBest regards,\nTaro Yamada\nYamada Trading Co., Ltd.",
    }),
    message({
      from: y,
      to: [alice],
      cc: [CAROL.email],
      subject: "Re: Quotation request: 200 units of model A-20",
      date: day(9),
      id: "<q3@yamada-trading.example>",
      inReplyTo: "<q2@example.test>",
      references: ["<q1@yamada-trading.example>", "<q2@example.test>"],
      text: "Thank you for the quotation. Our purchasing department asks for a 5% discount on orders above 150 units; the signed terms are attached.\n\nTaro Yamada",
      attachments: [
        { filename: "purchase-terms.pdf", contentType: "application/pdf", bytes: 48_213 },
        { filename: "発注書_A-20.xlsx", contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", bytes: 15_872 },
      ],
    }),
    message({
      from: addr("山田 太郎", YAMADA.other),
      to: [alice],
      subject: "展示会のご案内",
      date: day(5, 1),
      id: "<expo@yamada-trading.example>",
      text: "ウォーカー様\n\nいつも大変お世話になっております。来月の展示会のご案内をお送りします。\nご都合がよろしければ、ぜひお立ち寄りください。\n\n山田商事 山田",
    }),
    message({
      from: y,
      to: [alice],
      subject: "納期のご確認",
      date: day(6, 0),
      id: "<nouki@yamada-trading.example>",
      text: "ウォーカー様\n\nお世話になっております。ご注文いただいた A-20 の納期について、今月 28 日着でお間違いないかご確認をお願いいたします。\n\n山田",
    }),
    // hostile mail, from another contact (Maria Garcia's billing department)
    message({
      from: addr("Accounts <img src=x onerror=alert(2)>", GARCIA),
      to: [alice],
      subject: HOSTILE_SUBJECT,
      date: day(1),
      id: "<hostile@contoso.example>",
      text: HOSTILE_TEXT,
      html: HOSTILE_HTML,
    }),
    htmlOnly({ from: addr("Contoso Billing", GARCIA), to: [alice], subject: "Payment reminder", date: day(2), id: "<html-only@contoso.example>", html: HTML_ONLY }),
  ];
}

function aliceSent(alice: string) {
  return [
    message({
      from: addr(ALICE.name, alice),
      to: [addr(YAMADA.name, YAMADA.email)],
      subject: "Re: Quotation request: 200 units of model A-20",
      date: day(11),
      id: "<q2@example.test>",
      inReplyTo: "<q1@yamada-trading.example>",
      references: ["<q1@yamada-trading.example>"],
      text: "Dear Mr Yamada,\n\nPlease find our quotation below: 200 units of A-20 at JPY 18,400 each, delivery within 30 days.\n\nKind regards,\nAlice Walker",
    }),
    message({
      from: addr(ALICE.name, alice),
      to: [addr(YAMADA.name, YAMADA.email)],
      cc: [CAROL.email],
      subject: "Re: Quotation request: 200 units of model A-20",
      date: day(8),
      id: "<q4@example.test>",
      inReplyTo: "<q3@yamada-trading.example>",
      references: ["<q1@yamada-trading.example>", "<q2@example.test>", "<q3@yamada-trading.example>"],
      text: "Dear Mr Yamada,\n\nWe can offer 5% above 150 units. I have asked my colleague Carol Ito to prepare the contract.\n\nAlice",
    }),
    message({
      from: addr(ALICE.name, alice),
      to: [addr(YAMADA.name, YAMADA.email)],
      subject: "Re: 納期のご確認",
      date: day(4, 1),
      id: "<nouki-re@example.test>",
      inReplyTo: "<nouki@yamada-trading.example>",
      references: ["<nouki@yamada-trading.example>"],
      text: "山田様\n\nお世話になっております。はい、今月 28 日に大阪倉庫着の予定で手配しております。\n出荷後に追跡番号をお送りします。\n\nアリス・ウォーカー",
    }),
  ];
}

/** Carol's mailbox: the CC'd reply (the same message as in Alice's: shown once, both owners). */
function carolInbox(alice: string, carol: string) {
  const y = addr(YAMADA.name, YAMADA.email);
  return [
    message({
      from: y,
      to: [alice],
      cc: [carol],
      subject: "Re: Quotation request: 200 units of model A-20",
      date: day(9),
      id: "<q3@yamada-trading.example>",
      inReplyTo: "<q2@example.test>",
      references: ["<q1@yamada-trading.example>", "<q2@example.test>"],
      text: "Thank you for the quotation. Our purchasing department asks for a 5% discount on orders above 150 units; the signed terms are attached.\n\nTaro Yamada",
      attachments: [
        { filename: "purchase-terms.pdf", contentType: "application/pdf", bytes: 48_213 },
        { filename: "発注書_A-20.xlsx", contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", bytes: 15_872 },
      ],
    }),
    message({
      from: y,
      to: [carol],
      subject: "契約書ドラフト送付のお願い",
      date: day(3, 2),
      id: "<contract@yamada-trading.example>",
      text: "伊藤様\n\n契約書のドラフトを今週中にお送りいただけますでしょうか。\nよろしくお願いいたします。\n\n山田",
    }),
  ];
}

// ---------------------------------------------------------------------------------------------
// Browser helpers
// ---------------------------------------------------------------------------------------------

interface Session {
  context: BrowserContext;
  page: Page;
  /** Every request the page made whose host is not 127.0.0.1 (must stay empty). */
  offsite: string[];
  /** Uncaught page errors and console errors. */
  errors: string[];
}

async function openSession(locale: "en-US" | "ja-JP" = "en-US"): Promise<Session> {
  const context = await browser.newContext({ viewport: VIEWPORT, locale, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const offsite: string[] = [];
  const errors: string[] = [];
  page.on("request", (req) => {
    const url = new URL(req.url());
    if (url.protocol === "data:" || url.protocol === "blob:") return;
    if (url.hostname !== "127.0.0.1") offsite.push(req.url());
  });
  page.on("pageerror", (err) => errors.push(String(err)));
  page.on("console", (msg) => {
    // 4xx answers the console handles itself (a wrong password, a refused save) log as resource errors
    if (msg.type() === "error" && !/Failed to load resource: the server responded with a status of 4\d\d/.test(msg.text())) errors.push(msg.text());
  });
  return { context, page, offsite, errors };
}

let shotNo = 0;
async function shot(page: Page, name: string, options: { clean?: boolean; fullPage?: boolean } = {}) {
  const file = join(shots, `${String(++shotNo).padStart(2, "0")}-${name}.png`);
  if (options.clean) {
    // the page alone, not the toasts of the steps before
    for (const close of await page.locator(".notice__close").all()) await close.click().catch(() => undefined);
    await page
      .locator(".notice")
      .first()
      .waitFor({ state: "detached" })
      .catch(() => undefined);
  }
  await page.screenshot({ path: file, fullPage: options.fullPage ?? false });
  return file;
}

const signIn = (page: Page, user: { email: string; password: string }) => signInPage(page, stack.url, user);

/** The console answers in the language chosen in its selector; every API call carries it. */
async function chooseLanguage(page: Page, lang: "en" | "ja") {
  await page.getByTestId("lang-select").selectOption(lang);
  await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(lang);
}

// ---------------------------------------------------------------------------------------------
// Setup
// ---------------------------------------------------------------------------------------------

beforeAll(async () => {
  if (!existsSync(DIST_INDEX)) {
    throw new Error(`The console is not built: ${DIST_INDEX} is missing. Run \`npm run build:web\` first (\`npm test\` does it before vitest).`);
  }
  logSink.write = (line) => void logLines.push(line);
  shots = await mkdtemp(join(tmpdir(), "console-shots-"));
  console.log(`[console] screenshots in ${shots}`);

  for (const u of [mail.users.alice, mail.users.bob, mail.users.carol]) await resetUser(mail, u.email);
  stack = await startLocalStack({ schedule: false, admin: ADMIN, imapCaPem: mail.caPem });
  api = new ApiClient(stack.url);
  expect((await api.signIn(ADMIN.email, ADMIN.password)).status).toBe(200);
  browser = await launchBrowser();

  // The people, their mailboxes (created through the API: the console's own form is tested below)
  for (const [key, u] of [
    ["alice", ALICE],
    ["carol", CAROL],
  ] as const) {
    const created = await api.post("/api/users", { email: u.email, name: u.name, password: u.password, role: "member" });
    expect(created.status, created.text).toBe(201);
    users[key] = created.body;
  }
  for (const [key, u, security] of [
    ["alice", mail.users.alice, "tls"],
    ["carol", mail.users.carol, "starttls"],
  ] as const) {
    const created = await api.post("/api/accounts", {
      email: u.email,
      displayName: key === "alice" ? ALICE.name : CAROL.name,
      ownerId: users[key]!.id,
      imap: { host: mail.host, port: security === "tls" ? mail.imapsPort : mail.imapPort, security, user: u.email },
      smtp: { host: mail.host, port: mail.smtpPort, security: "starttls", user: u.email },
      password: u.password,
    });
    expect(created.status, created.text).toBe(201);
    accounts[key] = created.body;
    // the team shares its mail: only an owner may open a mailbox to everyone (a new one is private)
    const owner = new ApiClient(stack.url);
    expect((await owner.signIn(u.email, key === "alice" ? ALICE.password : CAROL.password)).status).toBe(200);
    const shared = await owner.patch(`/api/accounts/${created.body.id}`, { sharing: { mode: "public" } });
    expect(shared.status, shared.text).toBe(200);
  }
  // CRM contacts, Japanese and English, one with a secondary address
  for (const c of [
    { key: "yamada", name: YAMADA.name, company: "山田商事株式会社 (Yamada Trading)", primaryEmail: YAMADA.email, secondaryEmails: [YAMADA.other] },
    { key: "miller", name: "John Miller", company: "Northwind Logistics", primaryEmail: "john.miller@northwind.example", secondaryEmails: [] },
    { key: "suzuki", name: "鈴木 一郎", company: "株式会社サンプル電機", primaryEmail: "ichiro.suzuki@sample-denki.example", secondaryEmails: ["suzuki@sample-denki.example"] },
    { key: "garcia", name: "Maria Garcia", company: "Contoso Foods", primaryEmail: GARCIA, secondaryEmails: [] },
  ]) {
    const { key, ...input } = c;
    const created = await api.post("/api/contacts", input);
    expect(created.status, created.text).toBe(201);
    contacts[key] = created.body;
  }
  // Their mail, in the real Dovecot
  await appendMessages(mail, mail.users.alice.email, "INBOX", aliceInbox(mail.users.alice.email));
  await appendMessages(mail, mail.users.alice.email, "Sent", aliceSent(mail.users.alice.email));
  await appendMessages(mail, mail.users.carol.email, "INBOX", carolInbox(mail.users.alice.email, mail.users.carol.email));
});

afterAll(async () => {
  logSink.write = originalWrite;
  await browser?.close();
  await stack?.stop();
});

// ---------------------------------------------------------------------------------------------
// Issue 2: sign in, contacts, a contact's messages after a sync started from the console
// ---------------------------------------------------------------------------------------------

describe("a salesperson's day in the console", () => {
  let s: Session;

  beforeAll(async () => {
    s = await openSession("en-US");
  });
  afterAll(async () => {
    await s?.context.close();
  });

  it("signs in through the form, opens a contact, syncs the mailbox from the console and then sees the contact's email", async () => {
    const { page } = s;
    // Prepare / Act: the sign-in form, as a person uses it
    await page.goto(stack.url);
    await page.getByTestId("signin-email").waitFor();
    await shot(page, "signin");
    await page.getByTestId("signin-email").fill(ALICE.email);
    await page.getByTestId("signin-password").fill(ALICE.password);
    await page.getByTestId("signin-submit").click();
    // (sign-in waits for scrypt at N=2^17: up to a few seconds on a loaded test machine)
    await page.getByTestId("current-user").waitFor();

    // Assess: the contact list (a member sees every contact)
    await expect.poll(() => page.getByTestId("contact-row").count()).toBe(4);
    await expect(page.getByTestId("current-user").textContent()).resolves.toContain(ALICE.name);
    await page.getByTestId("contacts-search").fill("yamada");
    await expect.poll(() => page.getByTestId("contact-row").count()).toBe(1);
    await page.getByTestId("contact-row").first().getByRole("link").click();
    await expect(page.getByTestId("contact-name").textContent()).resolves.toBe(YAMADA.name);
    // nothing synced yet: the history is empty
    await page.getByTestId("messages-empty").waitFor();

    // Act: "Sync now" on the mailbox list (the member sees only her own mailbox)
    await page.getByTestId("nav-accounts").click();
    await expect.poll(() => page.getByTestId("account-row").count()).toBe(1);
    const row = page.getByTestId("account-row").first();
    await expect(row.textContent()).resolves.toContain(mail.users.alice.email);
    await row.getByTestId("account-sync").click();
    await page.getByTestId("notice").first().waitFor();
    // the list polls while the job runs: wait for the mailbox to report a finished sync
    await expect.poll(async () => row.locator("[data-state]").getAttribute("data-state"), { timeout: 30_000 }).toBe("connected");
    await expect.poll(() => row.locator("time").count(), { timeout: 10_000 }).toBe(1);

    // the account page: last run with its counts
    await row.getByTestId("account-edit").click();
    await page.getByTestId("account-last-run").locator("[data-job-status=done]").waitFor({ timeout: 20_000 });
    const counts = page.getByTestId("account-counts");
    await expect(counts.locator("[data-count=written] dd").textContent()).resolves.not.toBe("0");
    await shot(page, "account-page-after-sync", { fullPage: true });

    // Assess: back on the contact, the email is there, grouped by thread
    await page.getByTestId("nav-contacts").click();
    await page.getByTestId("contact-row").filter({ hasText: YAMADA.name }).getByRole("link").click();
    await expect
      .poll(
        async () => {
          await page.getByTestId("messages-refresh").click();
          return page.getByTestId("thread").count();
        },
        { timeout: 20_000 },
      )
      .toBe(3);
    const threads = page.getByTestId("thread");
    // newest first by each conversation's latest mail: 納期 (4 days), the exhibition (5), the quotation (8)
    await expect(threads.nth(0).textContent()).resolves.toContain("納期のご確認");
    await expect(threads.nth(0).getAttribute("data-count")).resolves.toBe("2");
    await expect(threads.nth(1).textContent()).resolves.toContain("展示会のご案内");
    const quotation = threads.nth(2);
    await expect(quotation.getAttribute("data-count")).resolves.toBe("4");
    // collapsed to the latest message, with a count
    await expect(quotation.getByTestId("message-row").count()).resolves.toBe(1);
    await quotation.getByTestId("thread-toggle").click();
    await expect.poll(() => quotation.getByTestId("message-row").count()).toBe(4);
    const directions = await quotation.getByTestId("message-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-direction")));
    expect(directions).toEqual(["sent", "received", "sent", "received"]);
    expect(s.offsite).toEqual([]);
    expect(s.errors).toEqual([]);
    await shot(page, "contact-timeline");
  });

  it("filters the contact's history by mailbox owner, and names both owners of a shared message", async () => {
    const { page } = s;
    // Prepare: Carol's mailbox syncs too (the schedule's tick), with the CC'd reply in it
    const before = new Date().toISOString();
    await stack.tick();
    await eventually(async () => {
      const a = (await api.get(`/api/accounts/${accounts.carol!.id}`)).body;
      return a.lastSyncAt && a.lastSyncAt > before && a.state === "connected";
    }, 30_000);
    // Act
    await page.getByTestId("messages-refresh").click();
    await expect.poll(() => page.getByTestId("thread").count()).toBe(4);
    const filter = page.getByTestId("messages-owner-filter");
    const options = await filter.locator("option").evaluateAll((os) => os.map((o) => ({ value: (o as HTMLOptionElement).value, text: o.textContent })));
    expect(options.map((o) => o.value).sort()).toEqual(["", users.alice!.id, users.carol!.id].sort());
    // the shared reply names both mailboxes
    const quotation = page.getByTestId("thread").filter({ hasText: "Quotation request" });
    if ((await quotation.getAttribute("class"))?.includes("thread--open") !== true) await quotation.getByTestId("thread-toggle").click();
    const shared = quotation.getByTestId("message-row").filter({ hasText: "Thank you for the quotation" });
    await expect(shared.textContent()).resolves.toContain(mail.users.carol.email);
    await expect(shared.textContent()).resolves.toContain(mail.users.alice.email);
    await shot(page, "contact-timeline-expanded", { clean: true });

    await filter.selectOption(users.carol!.id);
    // Assess: only Carol's two messages: the shared reply and her own thread
    await expect.poll(() => page.getByTestId("message-row").count()).toBe(2);
    await expect(page.getByTestId("contact-messages").textContent()).resolves.toContain("契約書ドラフト送付のお願い");
    await expect(page.getByTestId("contact-messages").textContent()).resolves.not.toContain("展示会のご案内");
    await shot(page, "contact-filtered-carol");
    await filter.selectOption("");
    await expect.poll(() => page.getByTestId("thread").count()).toBe(4);
    // the same page in Japanese
    await chooseLanguage(page, "ja");
    await expect(page.getByTestId("contact-messages").getByRole("heading").first().textContent()).resolves.toBe("メール履歴");
    await shot(page, "contact-timeline-ja");
    await chooseLanguage(page, "en");
    expect(s.offsite).toEqual([]);
  });

  // Issue 4: the message view
  const messageView = HAS_MESSAGE_ROUTES ? it : it.todo;
  messageView(
    HAS_MESSAGE_ROUTES
      ? "opens an email with its headers, attachments and the body fetched on demand"
      : "opens an email with headers, attachments and the body on demand: needs GET /api/messages/{id} and GET /api/messages/{id}/body (not in the API yet)",
    async () => {
      const { page } = s;
      const quotation = page.getByTestId("thread").filter({ hasText: "Quotation request" });
      if ((await quotation.getAttribute("class"))?.includes("thread--open") !== true) await quotation.getByTestId("thread-toggle").click();
      const bodyRequests: string[] = [];
      page.on("request", (r) => {
        if (/\/api\/messages\/[^/]+\/body$/.test(new URL(r.url()).pathname)) bodyRequests.push(r.url());
      });
      // the body is not fetched with the list
      expect(bodyRequests).toEqual([]);
      await quotation.getByTestId("message-row").filter({ hasText: "Thank you for the quotation" }).getByTestId("message-open").click();
      const view = page.getByTestId("message-view");
      await view.waitFor();
      await expect(view.getByTestId("message-subject").textContent()).resolves.toBe("Re: Quotation request: 200 units of model A-20");
      await expect(view.getByTestId("message-headers").textContent()).resolves.toContain(YAMADA.email);
      await expect.poll(() => view.getByTestId("attachment").count()).toBe(2);
      const attachments = await view.getByTestId("attachment").allTextContents();
      // sizes as the server stores them (BODYSTRUCTURE: the encoded part), in KB; the kind of
      // file as people call it (issue 14), the MIME type kept on the element
      expect(attachments[0]).toMatch(/purchase-terms\.pdf.*PDF · \d+ KB/);
      expect(attachments[1]).toMatch(/発注書_A-20\.xlsx.*Excel spreadsheet · \d+ KB/);
      const types = await view.locator(".attachment__meta").evaluateAll((els) => els.map((e) => e.getAttribute("data-content-type")));
      expect(types[0]).toBe("application/pdf");
      expect(types[1]).toMatch(/spreadsheetml\.sheet/);
      await expect.poll(() => view.getByTestId("message-body").textContent(), { timeout: 20_000 }).toContain("5% discount on orders above 150 units");
      expect(bodyRequests).toHaveLength(1);
      await shot(page, "message-view");
      // the view has its own address: a reload (or a shared link) opens the same email again
      expect(new URL(page.url()).hash).toMatch(/^#\/contacts\/[^/]+\/messages\/[^/]+$/);
      await page.reload();
      await expect.poll(() => page.getByTestId("message-view").getByTestId("message-body").textContent(), { timeout: 20_000 }).toContain("5% discount on orders above 150 units");
      await view.getByTestId("message-close").click();
      await view.waitFor({ state: "detached" });
    },
  );

  it("shows a hostile HTML mail as text: no script runs, nothing is fetched from outside 127.0.0.1", async () => {
    const { page } = s;
    await page.getByTestId("nav-contacts").click();
    await page.getByTestId("contacts-search").fill("Garcia");
    await expect.poll(() => page.getByTestId("contact-row").count()).toBe(1);
    await page.getByTestId("contact-row").first().getByRole("link").click();
    await expect.poll(() => page.getByTestId("message-row").count()).toBe(2);
    const row = page.getByTestId("message-row").filter({ hasText: HOSTILE_SUBJECT });
    // subject, sender name and preview are shown as the characters they are
    await expect(row.textContent()).resolves.toContain(HOSTILE_SUBJECT);
    await expect(row.locator("img, script, b, iframe").count()).resolves.toBe(0);
    if (HAS_MESSAGE_ROUTES) {
      await row.getByTestId("message-open").click();
      const view = page.getByTestId("message-view");
      const body = view.getByTestId("message-body");
      await expect.poll(() => body.textContent(), { timeout: 20_000 }).toContain("Please open the attached statement.");
      // the markup is text inside one element: no element was made from the mail
      await expect(body.locator("*").count()).resolves.toBe(0);
      await expect(view.locator("img, script, iframe").count()).resolves.toBe(0);
      await expect(view.getByTestId("message-headers").textContent()).resolves.toContain("Accounts <img src=x onerror=alert(2)>");
      await shot(page, "message-hostile");
      await view.getByTestId("message-close").click();
      await view.waitFor({ state: "detached" });

      // an HTML-only mail: the server turns it into text; the console still shows only text
      await page.getByTestId("message-row").filter({ hasText: "Payment reminder" }).getByTestId("message-open").click();
      const htmlBody = page.getByTestId("message-view").getByTestId("message-body");
      await expect.poll(() => htmlBody.textContent(), { timeout: 20_000 }).toContain("Your invoice 2026-118 is due on Friday.");
      await expect(htmlBody.locator("*").count()).resolves.toBe(0);
      await expect(page.getByTestId("message-view").locator("img, script, iframe, a[href^=http]").count()).resolves.toBe(0);
      await shot(page, "message-html-only");
      await page.getByTestId("message-close").click();
    }
    // Assess: nothing ran, nothing left the machine
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(s.offsite).toEqual([]);
    expect(s.errors).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Issue 3: adding a mailbox through the console, in English and in Japanese
// ---------------------------------------------------------------------------------------------

const WORDS = {
  en: {
    authFailed: "The mail server refused the user name or password.",
    saveFailed: "The mailbox was not saved: the connection test failed.",
    adminSource: "Pre-set by your admin",
    testOk: "All checks passed.",
    appPassword: "needs an app password",
    oauth: "Sign in with Microsoft",
  },
  ja: {
    authFailed: "メールサーバーがユーザー名またはパスワードを拒否しました。",
    saveFailed: "接続テストに失敗したため、メールボックスは保存されていません。",
    adminSource: "管理者が設定済み",
    testOk: "すべての確認項目に問題はありません。",
    appPassword: "アプリパスワードが必要です",
    oauth: "Microsoft でサインイン",
  },
} as const;

describe.each([
  { lang: "en" as const, locale: "en-US" as const },
  { lang: "ja" as const, locale: "ja-JP" as const },
])("adding a mailbox in the console ($lang)", ({ lang }) => {
  const w = WORDS[lang];
  let s: Session;
  // Bob's real mailbox; the Japanese run connects it for Alice, the English one for the admin
  const bob = mail.users.bob;

  beforeAll(async () => {
    // The browser starts in the other language: the test switches with the selector.
    s = await openSession(lang === "en" ? "ja-JP" : "en-US");
    // One mailbox per address in the organisation: the English run's Bob is disconnected first
    if (lang === "ja") {
      for (const a of (await api.get("/api/accounts")).body.items as { id: string; email: string }[]) {
        if (a.email === bob.email) expect((await api.del(`/api/accounts/${a.id}`)).status).toBe(204);
      }
    }
    // a Gmail-style nested Japanese Sent folder (seed 004: "[Gmail]/送信済みメール") for the folder picker
    await createFolder(mail, bob.email, "[Gmail]/送信済みメール");
    if (HAS_DISCOVERY_ROUTES) {
      // The company's own domain, pinned by the admin (HubSpot's "pre-set by your admin")
      const pinned = await api.request("PUT", `/api/domain-settings/${mail.domain}`, {
        provider: "other",
        imap: { host: mail.host, port: mail.imapsPort, security: "tls" },
        smtp: { host: mail.host, port: mail.smtpPort, security: "starttls" },
        username: "email",
      });
      expect(pinned.status, pinned.text).toBe(200);
    }
  });
  afterAll(async () => {
    await s?.context.close();
  });

  const run = HAS_CONNECTION_ROUTES ? it : it.todo;
  run(
    HAS_CONNECTION_ROUTES
      ? `connects a mailbox: autodiscovery, a wrong password diagnosed in plain words, a test that shows each step, save, test mail (${lang})`
      : `connects a mailbox with the connection test: needs POST /api/accounts/test and POST /api/accounts/{id}/test-mail (not in the API yet) (${lang})`,
    async () => {
      const { page } = s;
      await page.goto(`${stack.url}/#/signin`);
      // Act: switch the language on the sign-in page, then sign in
      await chooseLanguage(page, lang);
      await signIn(page, ADMIN);
      await page.getByTestId("nav-accounts").click();
      await page.getByTestId("account-new").click();
      if (lang === "ja") await page.getByTestId("account-owner").selectOption(users.alice!.id);

      // a provider card fills the servers and says how to sign in: Gmail wants an app password...
      if (HAS_DISCOVERY_ROUTES) {
        await page.getByTestId("provider-gmail").click();
        const help = page.getByTestId("provider-app-password");
        await expect(help.textContent()).resolves.toContain(w.appPassword);
        await expect(help.locator("ol li").count()).resolves.toBeGreaterThanOrEqual(3);
        await expect(page.getByTestId("account-server-summary").textContent()).resolves.toContain("imap.gmail.com:993");
        await expect(page.getByTestId("account-server-summary").getByTestId("setting-source").first().getAttribute("data-source")).resolves.toBe("preset");
        await shot(page, `${lang}-mailbox-provider-gmail`);
        // ...and Microsoft needs OAuth, which the form explains instead of asking for a password that cannot work
        await page.getByTestId("provider-microsoft365").click();
        await expect(page.getByTestId("provider-oauth").textContent()).resolves.toContain(w.oauth);
        await shot(page, `${lang}-mailbox-provider-microsoft`);
      }

      // 1. the address: autodiscovery finds the admin's pinned settings for the domain
      await page.getByTestId("account-email").fill(bob.email);
      await page.getByTestId("account-password").focus();
      if (HAS_DISCOVERY_ROUTES) {
        const discovery = page.getByTestId("account-discovery");
        await expect.poll(() => discovery.getAttribute("data-status"), { timeout: 10_000 }).toBe("found");
        const sources = await discovery.getByTestId("setting-source").allTextContents();
        expect(sources).toEqual([w.adminSource, w.adminSource]);
        await expect(discovery.textContent()).resolves.toContain(`${mail.host}:${mail.imapsPort}`);
      } else {
        await page.getByTestId("account-advanced-toggle").click();
        await page.getByTestId("account-host").fill(mail.host);
        await page.getByTestId("account-port").fill(String(mail.imapsPort));
        await page.getByTestId("account-smtp-host").fill(mail.host);
        await page.getByTestId("account-smtp-security").selectOption("starttls");
        await page.getByTestId("account-smtp-port").fill(String(mail.smtpPort));
      }
      await page.getByTestId("account-display-name").fill(lang === "ja" ? "ボブ（営業部）" : "Bob – Sales");

      // 2. a wrong password: the test names the failing step and says what to do, in this language
      await page.getByTestId("account-password").fill("not-the-password");
      await page.getByTestId("account-test").click();
      const result = page.getByTestId("account-test-result");
      await expect.poll(() => result.getAttribute("data-ok"), { timeout: 20_000 }).toBe("false");
      const failedStep = result.locator("[data-testid=test-step][data-state=failed]").first();
      await expect(failedStep.getAttribute("data-step")).resolves.toBe("imap_login");
      await expect(result.locator("[data-testid=test-step][data-state=ok]").count()).resolves.toBeGreaterThanOrEqual(3); // dns, tcp, tls
      await expect(result.getByTestId("diagnosis-cause").first().textContent()).resolves.toBe(w.authFailed);
      await expect(result.getByTestId("diagnosis-fix").first().textContent()).resolves.not.toBe("");
      await page.evaluate(() => window.scrollTo(0, 0));
      await shot(page, `${lang}-mailbox-wrong-password`, lang === "en" ? { clean: true } : {});
      await shot(page, `${lang}-mailbox-wrong-password-full`, { fullPage: true });

      // saving runs the same test: refused, with the diagnosis, and the way out offered
      await page.getByTestId("account-save").click();
      await page.getByTestId("account-save-failure").waitFor();
      await expect(page.getByTestId("account-form-error").textContent()).resolves.toContain(w.saveFailed);
      await expect(page.getByTestId("save-diagnosis").textContent()).resolves.toContain(w.authFailed);
      // and the test's steps: what passed before the login failed
      await page.getByTestId("save-test-result").waitFor();
      await page.getByTestId("account-save-disabled").waitFor();
      await shot(page, `${lang}-mailbox-save-refused`);
      const idFromUrl = () => decodeURIComponent(new URL(page.url()).hash.split("/").pop()!);
      let accountId = "";
      if (lang === "ja") {
        // the way out: save it with sync off; the diagnosis stays on the account, to be fixed there
        await page.getByTestId("account-save-disabled").click();
        await page.getByTestId("account-status").waitFor({ timeout: 20_000 });
        accountId = idFromUrl();
        await expect(page.getByTestId("account-status").locator("[data-state]").first().getAttribute("data-state")).resolves.toBe("disabled");
        await expect(page.getByTestId("account-last-error").textContent()).resolves.toContain(w.authFailed);
        await expect(page.getByTestId("account-sync-enabled").isChecked()).resolves.toBe(false);
        await shot(page, "ja-mailbox-saved-disabled");
      }

      // 3. the right password: every step passes, the folders arrive for the Sent-folder picker
      await page.getByTestId("account-password").fill(bob.password);
      await page.getByTestId("account-test").click();
      await expect.poll(() => result.getAttribute("data-ok"), { timeout: 20_000 }).toBe("true");
      await expect(result.getByTestId(`account-test-result-summary`).textContent()).resolves.toBe(w.testOk);
      const steps = await result.getByTestId("test-step").evaluateAll((els) => els.map((e) => `${e.getAttribute("data-step")}:${e.getAttribute("data-state")}`));
      expect(steps).toEqual(expect.arrayContaining(["dns:ok", "tcp:ok", "tls:ok", "imap_login:ok", "folders:ok", "smtp_login:ok"]));
      const timings = await result.locator(".step__ms").allTextContents();
      expect(timings.filter((t) => /\d/.test(t)).length).toBe(steps.length);
      if (!(await page.getByTestId("account-sent-folder").isVisible())) await page.getByTestId("account-advanced-toggle").click();
      const folderOptions = await page.getByTestId("account-sent-folder").locator("option").allTextContents();
      expect(folderOptions.some((o) => /Sent/.test(o))).toBe(true);
      await shot(page, `${lang}-mailbox-test-ok`, { fullPage: true });

      // 4. save: the account page, then the test mail (sent, and the copy in Sent)
      if (lang === "ja") {
        // the saved, disabled mailbox: the new password and sync on (the server tests before saving)
        await page.getByTestId("account-sync-enabled").check();
        await page.getByTestId("account-save").click();
        const row = page.locator(`[data-testid=account-row][data-account-id="${accountId}"]`);
        await row.waitFor({ timeout: 20_000 });
        await expect(row.locator("[data-state]").first().getAttribute("data-state")).resolves.toBe("init");
        await expect(row.getByTestId("account-error").count()).resolves.toBe(0);
        await row.getByTestId("account-edit").click();
      } else {
        await page.getByTestId("account-save").click();
      }
      await page.getByTestId("account-status").waitFor({ timeout: 20_000 });
      accountId = idFromUrl();
      await expect(page.getByTestId("account-form-subtitle").textContent()).resolves.toBe(bob.email);
      await page.getByTestId("account-test-mail").click();
      const mailResult = page.getByTestId("account-test-mail-result");
      await expect.poll(() => mailResult.getAttribute("data-ok"), { timeout: 30_000 }).toBe("true");
      const mailSteps = await mailResult.getByTestId("test-step").evaluateAll((els) => els.map((e) => `${e.getAttribute("data-step")}:${e.getAttribute("data-state")}`));
      expect(mailSteps).toEqual(["smtp_send:ok", "imap_append:ok"]);
      await shot(page, `${lang}-mailbox-test-mail`, { fullPage: true });

      if (lang === "ja") {
        // 5. change the saved mailbox: the Sent folder picked from the server's folders, shown
        //    decoded; one more folder to sync; an alias; sharing and an excluded domain
        await page.getByTestId("account-load-folders").click();
        const sent = page.getByTestId("account-sent-folder");
        await expect.poll(() => sent.locator("option").allTextContents(), { timeout: 20_000 }).toContain("[Gmail]/送信済みメール");
        expect(await sent.locator("option").allTextContents()).toEqual(expect.arrayContaining(["送信済みメール", "Sent（送信済み）"]));
        await sent.selectOption({ label: "[Gmail]/送信済みメール" });
        await page.getByTestId("account-sync-folders").locator('input[data-folder="Archive"]').check();
        await page.getByTestId("account-aliases").fill("sales@example.test");
        // the admin may narrow Alice's sharing but not widen it: only Alice can open it to everyone
        await page.getByTestId("account-sharing-owner-only").waitFor();
        await expect(page.getByTestId("account-sharing-public").isDisabled()).resolves.toBe(true);
        await page.getByTestId("account-excluded-domains").fill("example.net\n@example.org");
        await shot(page, "ja-mailbox-edit-folders", { fullPage: true });
        await page.getByTestId("account-save").click();
        await page.getByTestId("accounts-table").waitFor();
        // Assess: what the API now holds, and what the form shows when opened again
        const saved = (await api.get(`/api/accounts/${accountId}`)).body;
        expect(saved).toMatchObject({
          sentFolder: "[Gmail]/送信済みメール",
          aliases: ["sales@example.test"],
          sharing: { mode: "private", excludedDomains: ["example.net", "example.org"] },
        });
        expect(saved.syncFolders).toEqual(["INBOX", "[Gmail]/送信済みメール", "Archive"]);
        await page.locator(`[data-testid=account-row][data-account-id="${accountId}"]`).getByTestId("account-edit").click();
        await expect.poll(() => page.getByTestId("account-sent-folder").inputValue()).toBe("[Gmail]/送信済みメール");
      }

      if (lang === "en") {
        // 5. the first sync of a big mailbox: the account page polls and shows its progress
        const many = Array.from({ length: BIG_MAILBOX }, (_, i) =>
          message({
            from: addr("John Miller", "john.miller@northwind.example"),
            to: [bob.email],
            subject: `Shipment status #${i + 1}`,
            date: day(1 + (i % 60)),
            id: `<ship-${i}@northwind.example>`,
            text: `Container ${i + 1} has left the port.`,
          }),
        );
        await appendMessages(mail, bob.email, "INBOX", many);
        await page.getByTestId("account-status").getByTestId("account-sync").click();
        const progress = page.getByTestId("sync-progress").getByRole("progressbar");
        await progress.waitFor({ timeout: 30_000 });
        const total = Number(await progress.getAttribute("aria-valuemax"));
        expect(total).toBeGreaterThanOrEqual(BIG_MAILBOX);
        expect(Number(await progress.getAttribute("aria-valuenow"))).toBeLessThan(total);
        await expect(page.getByTestId("account-status").locator("[data-state]").first().getAttribute("data-state")).resolves.toBe("syncing");
        await shot(page, "en-first-sync-progress");
        // and it ends: the bar goes, the last run reports what it did
        await page.getByTestId("account-last-run").locator("[data-job-status=done]").waitFor({ timeout: 120_000 });
        await page.getByTestId("sync-progress").waitFor({ state: "detached", timeout: 10_000 });
        const fetched = Number((await page.getByTestId("account-counts").locator("[data-count=fetched] dd").textContent())!.replace(/\D/g, ""));
        expect(fetched).toBeGreaterThanOrEqual(BIG_MAILBOX);
        await shot(page, "en-first-sync-done");
      }

      expect(s.offsite).toEqual([]);
      expect(s.errors).toEqual([]);
    },
    // the English run waits up to 120 s for a big mailbox's first sync: more than the default 60 s on a loaded machine
    180_000,
  );
});

// ---------------------------------------------------------------------------------------------
// The mailbox list, and the screenshots for the README
// ---------------------------------------------------------------------------------------------

describe("the mailbox list", () => {
  it("shows owner, address, provider, state and last sync of every mailbox, and the first sync's progress", async () => {
    // Prepare: one mailbox whose password is wrong, saved disabled (as the form's way out does)
    const bad = await api.post("/api/accounts", {
      email: mail.users.catchall.email,
      displayName: "Shared inbox",
      provider: "other",
      imap: { host: mail.host, port: mail.imapsPort, security: "tls", user: mail.users.catchall.email },
      password: "an-old-password",
      saveDisabledOnFailure: true,
    });
    expect(bad.status, bad.text).toBe(201);
    const s = await openSession("en-US");
    try {
      await signIn(s.page, ADMIN);
      await s.page.getByTestId("nav-accounts").click();
      // alice, carol, the Japanese run's Bob (the English run's was disconnected: one mailbox per address), the shared inbox
      await expect.poll(() => s.page.getByTestId("account-row").count()).toBeGreaterThanOrEqual(4);
      const row = (id: string) => s.page.locator(`[data-testid=account-row][data-account-id="${id}"]`);
      const alice = row(accounts.alice!.id);
      await expect(alice.textContent()).resolves.toContain(ALICE.name);
      await expect(alice.locator("[data-state]").getAttribute("data-state")).resolves.toBe("connected");
      await expect(alice.getByTestId("account-provider").getAttribute("data-provider")).resolves.toBe("other");
      await expect(alice.locator("time").count()).resolves.toBe(1);
      // saved disabled: the state says so, with the diagnosis, and "Sync now" is off
      await expect(row(bad.body.id).locator("[data-state]").getAttribute("data-state")).resolves.toBe("disabled");
      await expect(row(bad.body.id).getByTestId("account-error").textContent()).resolves.toContain(WORDS.en.authFailed);
      await expect(row(bad.body.id).getByTestId("account-sync").isDisabled()).resolves.toBe(true);

      // Act: the first sync of the big mailbox, connected for Alice in the Japanese run
      const pending = s.page.getByTestId("account-row").filter({ hasText: "ボブ（営業部）" });
      if (await pending.count()) {
        await pending.getByTestId("account-sync").click();
        // Assess: the list polls; the row shows "Syncing" and a progress bar, then the end
        await pending.getByTestId("sync-progress").waitFor({ timeout: 30_000 });
        await expect(pending.locator("[data-state]").first().getAttribute("data-state")).resolves.toBe("syncing");
        await shot(s.page, "mailboxes", { clean: true });
        await expect.poll(() => pending.locator("[data-state]").first().getAttribute("data-state"), { timeout: 120_000 }).toBe("connected");
        await pending.getByTestId("sync-progress").waitFor({ state: "detached" });
      } else {
        await shot(s.page, "mailboxes", { clean: true });
      }

      // the same list in Japanese
      await chooseLanguage(s.page, "ja");
      await expect.poll(() => s.page.getByRole("heading", { level: 1 }).textContent()).toBe("メールボックス");
      // the list reloads in the new language: the server's diagnosis comes back in Japanese
      await expect.poll(() => row(bad.body.id).getByTestId("account-error").textContent()).toContain(WORDS.ja.authFailed);
      await shot(s.page, "mailboxes-ja");
      expect(s.offsite).toEqual([]);
      expect(s.errors).toEqual([]);
    } finally {
      await s.context.close();
    }
  });
});

describe("sharing and disconnecting", () => {
  it("shows a colleague only the mailboxes shared with them, and offers an admin only to narrow someone's sharing", async () => {
    // Prepare: Alice makes her mailbox private again
    const alice = new ApiClient(stack.url);
    await alice.signIn(ALICE.email, ALICE.password);
    expect((await alice.patch(`/api/accounts/${accounts.alice!.id}`, { sharing: { mode: "private" } })).status).toBe(200);
    const s = await openSession("en-US");
    try {
      // Act: Carol opens Yamada's history
      await signIn(s.page, CAROL);
      await s.page.goto(`${stack.url}/#/contacts/${encodeURIComponent(contacts.yamada!.id)}`);
      await s.page.getByTestId("contact-messages").waitFor();
      // Assess: her own two messages only, the shared reply naming her mailbox alone, and counts that say so
      await expect.poll(() => s.page.getByTestId("message-row").count()).toBe(2);
      const text = (await s.page.getByTestId("contact-messages").textContent()) ?? "";
      expect(text).toContain("契約書ドラフト送付のお願い");
      expect(text).not.toContain("展示会のご案内");
      expect(text).not.toContain(mail.users.alice.email);
      expect(text).toMatch(/2 emails/);
      await shot(s.page, "contact-timeline-colleague-private");
      await s.page
        .getByTestId("signout")
        .click()
        .catch(() => undefined);

      // an admin editing Alice's mailbox cannot open it to everyone
      await s.context.clearCookies();
      await signIn(s.page, ADMIN);
      await s.page.goto(`${stack.url}/#/accounts/${encodeURIComponent(accounts.alice!.id)}`);
      await s.page.getByTestId("account-sharing-owner-only").waitFor();
      await expect(s.page.getByTestId("account-sharing-public").isDisabled()).resolves.toBe(true);
      await expect(s.page.getByTestId("account-sharing-private").isDisabled()).resolves.toBe(false);
      expect(s.offsite).toEqual([]);
    } finally {
      await s.context.close();
    }
  });

  it("refuses a second contact with a known primary address and offers to open the existing one", async () => {
    const s = await openSession("en-US");
    try {
      await signIn(s.page, CAROL);
      await s.page.getByTestId("nav-contacts").click();
      await s.page.getByTestId("contact-new-name").fill("Taro again");
      await s.page.getByTestId("contact-new-email").fill(YAMADA.email.toUpperCase());
      await s.page.getByTestId("contact-new-save").click();
      const open = s.page.getByTestId("contact-new-open-existing");
      await open.waitFor();
      await expect(s.page.getByTestId("contact-new-error").textContent()).resolves.toContain(YAMADA.name);
      await open.click();
      await expect.poll(() => s.page.getByTestId("contact-name").textContent()).toBe(YAMADA.name);
      expect(new URL(s.page.url()).hash).toBe(`#/contacts/${contacts.yamada!.id}`);
    } finally {
      await s.context.close();
    }
  });

  it("says how many stored copies disconnecting a mailbox deletes, and deletes them", async () => {
    // Prepare: what Carol's mailbox has stored
    const count = (await api.get(`/api/accounts/${accounts.carol!.id}/copies`)).body.count as number;
    expect(count).toBeGreaterThan(0);
    const s = await openSession("en-US");
    try {
      await signIn(s.page, ADMIN);
      await s.page.getByTestId("nav-accounts").click();
      const row = s.page.locator(`[data-testid=account-row][data-account-id="${accounts.carol!.id}"]`);
      // Act
      await row.getByTestId("account-delete").click();
      const dialog = s.page.getByTestId("confirm-dialog");
      await expect.poll(() => dialog.textContent()).toContain(`the ${count} stored copies of its mail`);
      await shot(s.page, "mailbox-disconnect-count");
      await dialog.getByTestId("confirm-ok").click();
      await row.waitFor({ state: "detached" });
      // Assess: the mailbox and every copy it wrote are gone
      expect((await api.get(`/api/accounts/${accounts.carol!.id}`)).status).toBe(404);
      const history = (await api.get(`/api/contacts/${contacts.yamada!.id}/messages`)).body.items as { owners: { accountId: string }[] }[];
      expect(history.flatMap((m) => m.owners.map((o) => o.accountId))).not.toContain(accounts.carol!.id);
      expect(s.errors).toEqual([]);
    } finally {
      await s.context.close();
    }
  });
});

describe("changing a mailbox's owner", () => {
  it("lets an admin give a mailbox to another user from its form", async () => {
    const s = await openSession("en-US");
    try {
      await signIn(s.page, ADMIN);
      await s.page.goto(`${stack.url}/#/accounts/${encodeURIComponent(accounts.alice!.id)}`);
      const owner = s.page.getByTestId("account-owner");
      await expect.poll(() => owner.inputValue()).toBe(users.alice!.id);
      await owner.selectOption(users.carol!.id);
      await s.page.getByTestId("account-save").click();
      await s.page.getByTestId("accounts-table").waitFor();
      // Assess: the mailbox is Carol's now, and the list says so
      expect((await api.get(`/api/accounts/${accounts.alice!.id}`)).body.ownerId).toBe(users.carol!.id);
      const row = s.page.locator(`[data-testid=account-row][data-account-id="${accounts.alice!.id}"]`);
      await expect.poll(() => row.textContent()).toContain(CAROL.name);
      // a removed owner's mailbox stops syncing, and the list says why
      expect((await api.del(`/api/users/${users.carol!.id}`)).status).toBe(204);
      await s.page.reload();
      await row.getByTestId("account-owner-removed").waitFor();
      expect(s.errors).toEqual([]);
    } finally {
      await s.context.close();
    }
  });
});

describe("secrets", () => {
  it("keeps every password typed in the console out of the logs", () => {
    const typed = [mail.users.bob.password, "not-the-password", ALICE.password, ADMIN.password];
    expect(logLines.length).toBeGreaterThan(10);
    for (const secret of typed) expect(logLines.filter((l) => l.includes(secret))).toEqual([]);
  });
});
