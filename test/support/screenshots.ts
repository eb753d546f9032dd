/**
 * `npm run screenshots`: the README's pictures of the console, taken from the real thing. It
 * starts the test Dovecot/Postfix (test/harness, as the integration tests' global setup does) and
 * the local stack on a temporary data directory, fills them with a small company (a pinned
 * domain, a member's synced mailbox, contacts), signs in and saves PNGs of the main pages in
 * English and Japanese, desktop (1440x900) and phone (390x844), into docs/screenshots/.
 * Needs `npm run build:web` first (the npm script runs it); everything binds 127.0.0.1.
 */
import { mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { startLocalStack, type LocalStack } from "../../core/local/stack";
import { launchBrowser } from "../harness/chromium";
import { startMailServers, type MailServers } from "../harness/mail-servers";
import { ApiClient, eventually } from "./api-client";
import { signInPage } from "./console-page";

const OUT = resolve("docs/screenshots");
const ADMIN = { email: "admin@example.test", password: "admin-password-123" };
/** The pictures are a salesperson's view: her own mail (an admin sees others' only as their sharing allows). */
const MEMBER = { password: "alice-password-123" };
const DESKTOP = { viewport: { width: 1440, height: 900 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
/** Above this a picture slows the README down: the script says so (keep to ~200 KB each). */
const MAX_BYTES = 200 * 1024;

/** A short exchange with a customer, in and out, over the last days. */
function businessMail(alice: string, carol: string, domain: string): { inbox: string[]; sent: string[] } {
  const at = (hoursAgo: number) => new Date(Date.now() - hoursAgo * 3_600_000).toUTCString();
  const msg = (from: string, to: string, subject: string, hoursAgo: number, id: string, body: string, inReplyTo?: string) =>
    [
      `From: ${from}`,
      `To: ${to}`,
      `Subject: ${subject}`,
      `Message-ID: <${id}@${domain}>`,
      ...(inReplyTo ? [`In-Reply-To: <${inReplyTo}@${domain}>`, `References: <${inReplyTo}@${domain}>`] : []),
      `Date: ${at(hoursAgo)}`,
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=utf-8",
      "Content-Transfer-Encoding: 8bit",
      "",
      body,
      "",
    ].join("\r\n");
  const customer = `Carol Customer <${carol}>`;
  const me = `Alice Walker <${alice}>`;
  return {
    inbox: [
      msg(
        customer,
        me,
        "Quotation for 200 units of model A-20",
        70,
        "shot-q1",
        "Dear Ms Walker,\n\nCould you send us a quotation for 200 units of model A-20, delivered to our Osaka warehouse?\n\nBest regards,\nCarol",
      ),
      msg(customer, me, "Re: Quotation for 200 units of model A-20", 20, "shot-q3", "Thank you. Is a 5% discount possible on orders above 150 units?\n\nCarol", "shot-q2"),
      msg(customer, me, "展示会のご案内", 6, "shot-q4", "ウォーカー様\n\n来月の展示会のご案内をお送りします。ご都合はいかがでしょうか。\n\nキャロル"),
    ],
    sent: [
      msg(
        me,
        customer,
        "Re: Quotation for 200 units of model A-20",
        46,
        "shot-q2",
        "Dear Carol,\n\nPlease find our quotation: 200 units of A-20 at JPY 18,400 each, delivery within 30 days.\n\nKind regards,\nAlice",
        "shot-q1",
      ),
    ],
  };
}

/** A small company: the domain pinned, Alice a member with her synced mailbox, contacts. */
async function seed(stack: LocalStack, mail: MailServers): Promise<{ contactId: string }> {
  const { alice, carol } = mail.users;
  const domain = alice.email.split("@")[1]!;
  const api = new ApiClient(stack.url);
  await api.signIn(ADMIN.email, ADMIN.password);
  const ok = (reply: { status: number; text: string }, what: string) => {
    if (reply.status >= 300) throw new Error(`${what}: ${reply.status} ${reply.text}`);
  };
  ok(
    await api.request("PUT", `/api/domain-settings/${domain}`, {
      imap: { host: mail.host, port: mail.imapsPort, security: "tls" },
      smtp: { host: mail.host, port: mail.smtpPort, security: "starttls" },
      username: "email",
    }),
    "pin the domain",
  );
  const member = await api.post("/api/users", { email: alice.email, name: "Alice Walker", password: MEMBER.password, role: "member" });
  ok(member, "add Alice");
  const account = await api.post("/api/accounts", {
    email: alice.email,
    displayName: "Alice Walker",
    ownerId: member.body.id,
    initialSyncDays: 30,
    password: alice.password,
    imap: { host: mail.host, port: mail.imapsPort, security: "tls", user: alice.email },
    smtp: { host: mail.host, port: mail.smtpPort, security: "starttls", user: alice.email },
  });
  ok(account, "connect Alice's mailbox");
  const contact = await api.post("/api/contacts", { name: "Carol Customer", company: "Osaka Trading Co.", primaryEmail: carol.email });
  ok(contact, "add Carol");
  ok(await api.post("/api/contacts", { name: "山田 太郎", company: "山田商事", primaryEmail: "yamada@client.example" }), "add Yamada");
  await api.post(`/api/accounts/${account.body.id}/sync`);
  await eventually(async () => (await api.get(`/api/accounts/${account.body.id}`)).body.lastSyncAt || undefined, 60_000);
  return { contactId: contact.body.id };
}

async function save(page: Page, name: string): Promise<void> {
  const file = join(OUT, `${name}.png`);
  await page.waitForTimeout(400); // notices and transitions settle
  // a desktop picture without the empty bottom of the window stays under the size budget
  const { width, height } = page.viewportSize()!;
  await page.screenshot({ path: file, clip: { x: 0, y: 0, width, height: width > 1000 ? 820 : height } });
  const size = (await stat(file)).size;
  console.log(`[screenshots] ${file} ${Math.round(size / 1024)} KB${size > MAX_BYTES ? " (over 200 KB)" : ""}`);
}

async function shoot(browser: Browser, stack: LocalStack, mail: MailServers, contactId: string, lang: "en" | "ja"): Promise<void> {
  const locale = lang === "en" ? "en-GB" : "ja-JP";
  const desktop = await browser.newContext({ locale, ...DESKTOP });
  const page = await desktop.newPage();
  await signInPage(page, stack.url, { email: mail.users.alice.email, password: MEMBER.password });
  // a contact's history, grouped by conversation
  await page.goto(`${stack.url}/#/contacts/${contactId}`);
  await page.getByTestId("message-row").first().waitFor({ timeout: 20_000 });
  await save(page, `${lang}-desktop-contact`);
  // adding a mailbox whose password is refused: found settings, the failing step, what to do
  await page.goto(`${stack.url}/#/accounts/new`);
  await page.getByTestId("account-email").fill(mail.users.bob.email);
  await page.getByTestId("account-password").focus();
  await page.locator("[data-testid=account-discovery][data-status=found]").waitFor({ timeout: 15_000 });
  await page.getByTestId("account-password").fill("not-the-password");
  await page.getByTestId("account-test").click();
  await page.locator("[data-testid=account-test-result][data-ok=false]").waitFor({ timeout: 20_000 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await save(page, `${lang}-desktop-mailbox-form`);
  await desktop.close();

  const phone = await browser.newContext({ locale, ...PHONE });
  const small = await phone.newPage();
  await signInPage(small, stack.url, { email: mail.users.alice.email, password: MEMBER.password });
  // the mailboxes as cards, status first
  await small.goto(`${stack.url}/#/accounts`);
  await small.getByTestId("account-row").first().waitFor({ timeout: 15_000 });
  await save(small, `${lang}-phone-mailboxes`);
  // a message open over the contact's page
  await small.goto(`${stack.url}/#/contacts/${contactId}`);
  await small.getByTestId("message-open").first().click();
  await small.getByTestId("message-body").waitFor({ timeout: 20_000 });
  await save(small, `${lang}-phone-message`);
  await phone.close();
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), "crm-screenshots-"));
  const mail = await startMailServers();
  let stack: LocalStack | undefined;
  let browser: Browser | undefined;
  try {
    const { alice, carol } = mail.users;
    await Promise.all([alice, carol, mail.users.bob].map((u) => mail.resetUser(u.email)));
    const letters = businessMail(alice.email, carol.email, mail.domain);
    await mail.appendMessages(alice.email, "INBOX", letters.inbox);
    await mail.appendMessages(alice.email, "Sent", letters.sent);
    stack = await startLocalStack({ dataDir, schedule: false, admin: ADMIN, imapCaPem: mail.caPem });
    const { contactId } = await seed(stack, mail);
    browser = await launchBrowser();
    await mkdir(OUT, { recursive: true });
    for (const lang of ["en", "ja"] as const) await shoot(browser, stack, mail, contactId, lang);
  } finally {
    await browser?.close();
    await stack?.stop();
    await mail.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
