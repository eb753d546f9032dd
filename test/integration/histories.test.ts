/**
 * Histories that are right, end to end: real Dovecot mailboxes synced into dynalite, read back
 * through the HTTP API and the console in Chromium.
 * - a conversation whose last reply names only its parent is one conversation, whatever order
 *   and mailbox its messages arrive in;
 * - mail a contact was only copied on is "copy", not "Sent";
 * - a contact added just before a sync gets its past mail from that sync, through the job its
 *   creation queues, and the page says the mail is being fetched until it has arrived.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { LocalStack } from "../../core/local/stack";
import { runSyncJob, type SyncDeps } from "../../core/sync/index";
import { newJob, recentJobs } from "../../core/jobs/jobs";
import { forgetProcessState } from "../../core/sync/sync-account";
import { keys } from "../../core/store/keys";
import { createContact as writeContact } from "../../core/contacts/index";
import { launchBrowser } from "../harness/chromium";
import { appendMessages } from "../harness/mail-servers";
import { ApiClient, eventually } from "../support/api-client";
import * as corpus from "../support/corpus";
import { startSyncStack, TEST_ADMIN as ADMIN } from "../support/sync-stack";

const mail = inject("mail");
const alice = mail.users.alice,
  carol = mail.users.carol;
const ALIAS = "alice.sales@example.test";
const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000);

let stack: LocalStack;
let api: ApiClient;
let deps: SyncDeps;
let browser: Browser;
let aliceAccount = "";
let carolAccount = "";
const contacts: Record<string, string> = {};

/** A job as the schedule would run it, with the production settle time (no test shortcut). */
const sync = async (accountId: string) => expect((await runSyncJob(deps, newJob(accountId, "schedule"))).status).toBe("done");
const history = async (contactId: string) => (await api.get(`/api/contacts/${contactId}/messages`)).body.items as { subject: string; direction: string; threadId: string }[];
const createContact = async (name: string, primaryEmail: string) => {
  const reply = await api.post("/api/contacts", { name, primaryEmail });
  expect(reply.status, reply.text).toBe(201);
  return reply.body.id as string;
};

beforeAll(async () => {
  if (!existsSync(resolve("web/dist/index.html"))) throw new Error("The console is not built: run `npm run build:web` first (`npm test` does it).");
  // no schedule (the tests run their own jobs), but a contact's creation queues its jobs as in production
  ({ stack, api, deps } = await startSyncStack(mail, { reset: [alice.email, carol.email], stack: { syncOnContactChange: true } }));
  // contacts first: with no mailbox yet, their creation queues nothing
  contacts.bob = await createContact("Bob Customer", "bob@customer.test");
  contacts.dan = await createContact("Dan Customer", "dan@customer.test");
  for (const [user, port, security] of [
    [alice, mail.imapsPort, "tls"],
    [carol, mail.imapPort, "starttls"],
  ] as const) {
    const aliases = user === alice ? [ALIAS] : [];
    const reply = await api.post("/api/accounts", { email: user.email, aliases, imap: { host: mail.host, port, security, user: user.email }, password: user.password });
    expect(reply.status, reply.text).toBe(201);
    if (user === alice) aliceAccount = reply.body.id;
    else carolAccount = reply.body.id;
  }
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function contactPage(contactId: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: "en-US" });
  await page.goto(`${stack.url}/#/signin`);
  await page.getByTestId("signin-email").fill(ADMIN.email);
  await page.getByTestId("signin-password").fill(ADMIN.password);
  await page.getByTestId("signin-submit").click();
  await page.getByTestId("current-user").waitFor();
  await page.goto(`${stack.url}/#/contacts/${encodeURIComponent(contactId)}`);
  return page;
}

describe("conversations", () => {
  it("shows a 3-message chain whose last reply names only its parent as one conversation, arriving in reverse order and in two mailboxes", async () => {
    const [a, b, c] = [ago(300), ago(200), ago(100)];
    // the last reply arrives first, in Alice's mailbox, naming only its parent B
    await appendMessages(mail, alice.email, "INBOX", [
      corpus.plain(
        {
          from: "Bob <bob@customer.test>",
          to: alice.email,
          subject: "Re: Re: Spring order",
          date: c,
          messageId: "<c@customer.test>",
          inReplyTo: "<b@example.test>",
          references: "<b@example.test>",
        },
        "Agreed.",
      ),
    ]);
    await sync(aliceAccount);
    // then the middle one, from Carol's Sent folder
    await appendMessages(mail, carol.email, "Sent", [
      corpus.plain(
        {
          from: carol.email,
          to: "bob@customer.test",
          subject: "Re: Spring order",
          date: b,
          messageId: "<b@example.test>",
          inReplyTo: "<a@customer.test>",
          references: "<a@customer.test>",
        },
        "Here is the price.",
      ),
    ]);
    await sync(carolAccount);
    // and the first message last
    await appendMessages(mail, alice.email, "INBOX", [
      corpus.plain(
        { from: "Bob <bob@customer.test>", to: `${alice.email}, ${carol.email}`, subject: "Spring order", date: a, messageId: "<a@customer.test>" },
        "We would like to order.",
      ),
    ]);
    await sync(aliceAccount);

    const chain = (await history(contacts.bob!)).filter((m) => /Spring order/.test(m.subject));
    expect(chain.map((m) => m.subject)).toEqual(["Re: Re: Spring order", "Re: Spring order", "Spring order"]);
    expect(new Set(chain.map((m) => m.threadId)).size).toBe(1);
    expect(chain.map((m) => m.direction)).toEqual(["received", "sent", "received"]);
  });

  it("keeps an unrelated message a conversation of its own", async () => {
    await appendMessages(mail, alice.email, "INBOX", [
      corpus.plain({ from: "bob@customer.test", to: alice.email, subject: "Invoice address", date: ago(90), messageId: "<other@customer.test>" }, "New address."),
    ]);
    await sync(aliceAccount);
    const items = await history(contacts.bob!);
    expect(new Set(items.map((m) => m.threadId)).size).toBe(2);
  });
});

describe("direction", () => {
  it("shows a contact's mail to a colleague with a second contact in Cc as copy on the second contact's page and received on the first's", async () => {
    await appendMessages(mail, alice.email, "INBOX", [
      corpus.plain(
        { from: "Bob <bob@customer.test>", to: alice.email, cc: "Dan <dan@customer.test>", subject: "Delivery dates", date: ago(80), messageId: "<cc@customer.test>" },
        "Dan in copy.",
      ),
    ]);
    await appendMessages(mail, alice.email, "Sent", [
      corpus.plain({ from: `Sales <${ALIAS}>`, to: "dan@customer.test", subject: "From the sales alias", date: ago(70), messageId: "<alias@example.test>" }, "Hello Dan."),
    ]);
    await sync(aliceAccount);
    const dan = Object.fromEntries((await history(contacts.dan!)).map((m) => [m.subject, m.direction]));
    expect(dan).toEqual({ "Delivery dates": "copy", "From the sales alias": "sent" });
    const bob = (await history(contacts.bob!)).find((m) => m.subject === "Delivery dates");
    expect(bob?.direction).toBe("received");
  });

  it("shows the conversation count and the copy direction in the console", async () => {
    const page = await contactPage(contacts.bob!);
    const chain = page.getByTestId("thread").filter({ hasText: "Spring order" });
    await expect.poll(() => chain.getAttribute("data-count")).toBe("3");
    // Spring order (3), Invoice address, Delivery dates
    await expect.poll(() => page.getByTestId("thread").count()).toBe(3);
    await expect(page.getByTestId("messages-count").textContent()).resolves.toContain("3 conversations");
    await page.goto(`${stack.url}/#/contacts/${encodeURIComponent(contacts.dan!)}`);
    const copied = page.getByTestId("message-row").filter({ hasText: "Delivery dates" });
    await expect.poll(() => copied.getAttribute("data-direction")).toBe("copy");
    await expect(copied.locator(".direction").textContent()).resolves.toBe("Copied");
    await expect(page.getByTestId("message-row").filter({ hasText: "From the sales alias" }).locator(".direction").textContent()).resolves.toBe("Sent");
    await page.close();
  });
});

describe("past mail of a new contact", () => {
  it("brings a contact created right before a sync its past mail from that sync", async () => {
    await appendMessages(mail, alice.email, "INBOX", [
      corpus.plain({ from: "Erin <erin@late.test>", to: alice.email, subject: "Before we met", date: ago(60), messageId: "<e1@late.test>" }, "Hello."),
    ]);
    await sync(aliceAccount); // Erin is no contact yet: nothing stored, and the folder's cursor moves past her mail
    const created = Date.now();
    contacts.erin = await createContact("Erin Late", "erin@late.test");
    // the creation queued a job for each mailbox; the stack's worker runs it with the
    // production settle time, moments after the request was written
    await eventually(async () => (await history(contacts.erin!)).length === 1, 20_000);
    expect(Date.now() - created).toBeLessThan(20_000);
    // brought by the job the creation queued (it records its end after writing the mail)
    await eventually(async () => (await recentJobs(deps.db, aliceAccount, 5)).some((j) => j.reason === "contact-added" && j.status === "done" && j.counts?.written >= 1), 10_000);
    await eventually(async () => (await api.get(`/api/contacts/${contacts.erin}/past-mail`)).body.pending === false, 20_000);
  });

  it("takes a request that lands after a job has read the requests, though stamped before, in the next job", async () => {
    await appendMessages(mail, alice.email, "INBOX", [
      corpus.plain({ from: "Gina <gina@late.test>", to: alice.email, subject: "Slow writer", date: ago(40), messageId: "<g1@late.test>" }, "Hi."),
    ]);
    await sync(aliceAccount);
    // Gina becomes a contact (written here, not through the API: no job is queued), and her
    // request is stamped before the last request this mailbox took: a slow writer's, whose
    // write landed only after that job had read the requests
    const account = await deps.db.get("main", keys.account(aliceAccount));
    const gina = await writeContact(deps.db, { name: "Gina Slow", primaryEmail: "gina@late.test" });
    const [request] = (await deps.db.queryAll("main", { KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": "BACKFILL" } })).filter(
      (r) => r.address === "gina@late.test",
    );
    await deps.db.delete("main", { pk: request!.pk, sk: request!.sk });
    const stamped = new Date(Date.parse(String(account!.backfillTaken).slice(0, 24)) - 1_000).toISOString();
    await deps.db.put("main", { ...keys.backfill(stamped, "gina@late.test"), address: "gina@late.test", contactId: gina.id, at: stamped });
    forgetProcessState(); // the next job as another container runs it
    await sync(aliceAccount);
    const stored = await deps.db.query("mail", { KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": "gina@late.test" } });
    expect(stored.items.map((i) => i.subject)).toEqual(["Slow writer"]);
  });

  it("says on the contact's page that its past mail is being fetched, and shows it once it has arrived", async () => {
    await appendMessages(mail, carol.email, "INBOX", [
      corpus.plain({ from: "Frank <frank@late.test>", to: carol.email, subject: "Old enquiry", date: ago(50), messageId: "<f1@late.test>" }, "Still interested."),
    ]);
    await sync(carolAccount);
    // a minute has not passed since Erin's jobs: Frank's start a minute after them
    contacts.frank = await createContact("Frank Late", "frank@late.test");
    const status = (await api.get(`/api/contacts/${contacts.frank}/past-mail`)).body;
    expect(status.pending).toBe(true);
    expect(Date.parse(status.requestedAt)).toBeGreaterThan(Date.now() - 10_000);
    expect(Date.parse(status.expectedAt)).toBeGreaterThan(Date.now());
    const page = await contactPage(contacts.frank!);
    await page.getByTestId("past-mail-pending").waitFor();
    await expect(page.getByTestId("messages-empty").isVisible()).resolves.toBe(true);
    // the page polls, then reloads the history by itself once the mail is there
    await page.getByTestId("message-row").filter({ hasText: "Old enquiry" }).waitFor({ timeout: 100_000 });
    await page.getByTestId("past-mail-pending").waitFor({ state: "detached" });
    await page.close();
  }, 150_000);
});
