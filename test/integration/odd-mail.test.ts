import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { LocalStack } from "../../core/local/stack";
import type { Db, Item } from "../../core/store/db";
import { createLogger, logSink } from "../../core/shared/log";
import { runSyncJob, type SyncDeps } from "../../core/sync/index";
import { newJob } from "../../core/jobs/jobs";
import { keys } from "../../core/store/keys";
import { settleSkips } from "../../core/sync/accounting";
import { forgetProcessState } from "../../core/sync/sync-account";
import { appendMessages, resetUser } from "../harness/mail-servers";
import { launchBrowser } from "../harness/chromium";
import { ApiClient } from "../support/api-client";
import { connectMailbox, startSyncStack, TEST_ADMIN as ADMIN } from "../support/sync-stack";

/**
 * Odd mail against the real Dovecot and the real sync: every message the server lists is
 * stored with what can be read, or recorded as skipped with its reason; and a message's
 * identity survives a rebuilt mailbox and a second mailbox.
 */
const mail = inject("mail");
const alice = mail.users.alice,
  carol = mail.users.carol;
const CONTACT = "bob@example.test";
const eml = (name: string) => fs.readFileSync(path.join(__dirname, "../fixtures/eml", name));
const STORED = ["nested-30.eml", "forward-chain-12.eml", "no-date.eml", "dup-id-a.eml", "dup-id-b.eml", "long-header.eml", "nul-bytes.eml", "mailto-from.eml"];
const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000);

let stack: LocalStack;
let api: ApiClient;
let db: Db;
let deps: SyncDeps;
let carolId = "";
let aliceId = "";
let contactId = "";

const sync = (accountId: string) => runSyncJob(deps, newJob(accountId, "manual"));
/** The contact's Mail-table items (one per mailbox copy). */
const copies = async (): Promise<Item[]> => db.queryAll("mail", { KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": CONTACT } });
const bySubject = (items: Item[], subject: string) => items.filter((i) => i.subject === subject);

beforeAll(async () => {
  ({ stack, api, db, deps } = await startSyncStack(mail, { reset: [alice.email, carol.email], deps: { log: createLogger({ fn: "odd-mail-test" }, "error") } }));
  // a second address that long-header.eml also names: that message sits under both addresses
  const contact = await api.post("/api/contacts", { name: "Bob", primaryEmail: CONTACT, secondaryEmails: ["member0@list.example.test"] });
  expect(contact.status).toBe(201);
  contactId = contact.body.id;
  carolId = (await connectMailbox(api, mail, carol)).id;
  aliceId = (await connectMailbox(api, mail, alice)).id;
}, 240_000);

afterAll(async () => stack?.stop());

describe("odd mail", () => {
  it("stores every odd message with what can be read, and records the one naming nobody as skipped with its reason", async () => {
    // Prepare: Dovecot itself refuses a message of 0 bytes; no-addresses.eml is what such a message amounts to
    await expect(appendMessages(mail, carol.email, "INBOX", [eml("empty.eml")])).rejects.toThrow(/zero byte/);
    await appendMessages(mail, carol.email, "INBOX", [...STORED, "no-addresses.eml"].map(eml));
    // Act
    const lines: string[] = [];
    const write = logSink.write;
    logSink.write = (line) => void lines.push(line);
    const job = newJob(carolId, "manual");
    const outcome = await runSyncJob({ ...deps, log: createLogger({ fn: "odd-mail-test" }, "info") }, job).finally(() => (logSink.write = write));
    // Assess: every listed message is accounted for, on the job and in the log
    expect(outcome.status).toBe("done");
    expect(outcome.counts).toMatchObject({ listed: 9, matched: 8, skipped: 1, gone: 0, unrelated: 0 });
    expect((await db.get("main", keys.job(job.jobId)))!.counts).toMatchObject({ listed: 9, matched: 8, skipped: 1 });
    const accounted = lines.map((l) => JSON.parse(l)).find((l) => l.msg === "sync.folder.accounted" && l.folder === "INBOX");
    expect(accounted).toMatchObject({ listed: 9, stored: 8, skipped: 1, unrelated: 0, gone: 0 });
    // the two messages too deep to parse were stored from their header fields, and said so
    expect(lines.map((l) => JSON.parse(l)).find((l) => l.msg === "sync.structure.unreadable")).toMatchObject({ count: 2 });
    const items = await copies();
    const subjects = items.map((i) => i.subject).sort();
    expect(subjects).toEqual(
      ["Big list", "Deeply nested", "From a mailto address", "Fwd x12", "Nulhere", "Reused id, first", "Reused id, second", "Written without a date"].sort(),
    );
    // too deep for the parser: stored from its header fields and size, without attachments
    const nested = bySubject(items, "Deeply nested")[0]!;
    expect(nested.size).toBe(eml("nested-30.eml").length);
    expect(nested.from).toEqual({ name: "Bob", address: CONTACT });
    expect(nested.date).toBe("2026-11-02T09:00:00.000Z");
    expect(bySubject(items, "Fwd x12")[0]!.messageId).toBe("<fwdchain@example.test>");
    expect(bySubject(items, "From a mailto address")[0]!.direction).toBe("received");
    // written by alice to carol's mailbox with the contact among the recipients: a copy the contact was on
    expect(bySubject(items, "Big list")[0]!.direction).toBe("copy");
    // the skipped message, with its reason, through the API the console reads
    const skipped = await api.get(`/api/accounts/${carolId}/skipped`);
    expect(skipped.status).toBe(200);
    expect(skipped.body.items).toEqual([{ folder: "INBOX", uid: 9, reason: "no_addresses", attempts: 1, permanent: true, at: expect.any(String) }]);
  });

  it("lists the skipped message with its reason on the mailbox's page in the console, in English and Japanese", async () => {
    if (!fs.existsSync(path.resolve("web/dist/index.html"))) throw new Error("The console is not built: run `npm run build:web` first (`npm test` does it).");
    const browser = await launchBrowser({ headless: true });
    try {
      const page = await (await browser.newContext({ locale: "en-US" })).newPage();
      await page.goto(`${stack.url}/#/signin`);
      await page.getByTestId("signin-email").fill(ADMIN.email);
      await page.getByTestId("signin-password").fill(ADMIN.password);
      await page.getByTestId("signin-submit").click();
      await page.getByTestId("current-user").waitFor();
      await page.goto(`${stack.url}/#/accounts/${carolId}`);
      const row = page.getByTestId("skipped-row");
      await row.waitFor();
      expect(await row.getAttribute("data-reason")).toBe("no_addresses");
      expect(await row.textContent()).toContain("It has no sender or recipient");
      expect(await row.textContent()).toContain("no more retries");
      await page.getByTestId("lang-select").selectOption("ja");
      await expect.poll(() => row.textContent()).toContain("送信者も宛先もない");
      expect(await page.getByTestId("skipped-messages").textContent()).toContain("保存できなかったメッセージ (1)");
    } finally {
      await browser.close();
    }
  });

  it("shows the same messages on every page size: two that share a Message-ID as two, one under two addresses as one", async () => {
    const seen: string[][] = [];
    for (const limit of [1, 2, 3, 50]) {
      const subjects: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { status: number; body: { items: { subject: string }[]; nextCursor: string | null } } = await api.get(
          `/api/contacts/${contactId}/messages?limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`,
        );
        expect(page.status).toBe(200);
        subjects.push(...page.body.items.map((m) => m.subject));
        cursor = page.body.nextCursor;
      } while (cursor);
      seen.push(subjects);
    }
    expect(seen[0]).toContain("Reused id, first");
    expect(seen[0]).toContain("Reused id, second");
    expect(seen[0]!.filter((s) => s === "Big list")).toHaveLength(1);
    expect(new Set(seen[0]).size).toBe(seen[0]!.length);
    for (const s of seen) expect(s).toEqual(seen[0]);
  });

  it("keeps one entry for a message without a Date header in two mailboxes and after its mailbox is rebuilt", async () => {
    const first = bySubject(await copies(), "Written without a date");
    expect(first).toHaveLength(1);
    const { date, messageKey } = first[0]!;
    // a colleague's copy, arrived another day
    await appendMessages(mail, alice.email, "INBOX", [eml("no-date.eml")], { internalDate: daysAgo(3) });
    expect((await sync(aliceId)).status).toBe("done");
    // the first mailbox rebuilt: new UIDVALIDITY, the message re-appended with a new INTERNALDATE
    await resetUser(mail, carol.email);
    await appendMessages(mail, carol.email, "INBOX", [eml("no-date.eml")], { internalDate: daysAgo(5) });
    expect((await sync(carolId)).status).toBe("done");
    const after = bySubject(await copies(), "Written without a date");
    expect(after.map((i) => [i.date, i.messageKey])).toEqual([
      [date, messageKey],
      [date, messageKey],
    ]);
    expect(new Set(after.map((i) => i.accountId))).toEqual(new Set([carolId, aliceId]));
    const history = await api.get(`/api/contacts/${contactId}/messages?limit=50`);
    const entries = history.body.items.filter((m: { subject: string }) => m.subject === "Written without a date");
    expect(entries).toHaveLength(1);
    expect(entries[0].owners).toHaveLength(2);
  });

  it("forgets the skipped messages of a folder whose UIDVALIDITY changed", async () => {
    expect((await api.get(`/api/accounts/${carolId}/skipped`)).body.items).toEqual([]);
  });

  it("tries skipped messages again on the next sync: one the server now returns is stored, one it no longer has is dropped", async () => {
    // Prepare: as a sync that skipped UID 1 once and UID 77 twice leaves things
    const cursor = (await db.get("main", keys.cursor(carolId, "INBOX")))!;
    await db.put("main", { ...cursor, retry: { "1": 1, "77": 2 } });
    for (const [uid, attempts] of [
      [1, 1],
      [77, 2],
    ] as const)
      await db.put("main", { ...keys.skipped(carolId, "INBOX", uid), folder: "INBOX", uid, reason: "unreadable", attempts, permanent: false });
    await db.batchWrite(
      "mail",
      (await copies()).filter((i) => i.accountId === carolId).map((i) => ({ delete: { pk: i.pk, sk: i.sk } })),
    );
    // ...and long after the contact's address was added: its backfill request is settled and taken
    // (a sync within the settle time takes it again, which would list the mail once more)
    await db.update("main", keys.account(carolId), { expression: "SET backfillSeen = :s", values: { ":s": new Date().toISOString() } });
    forgetProcessState(); // the cursor changed behind this process's back
    // Act
    const outcome = await sync(carolId);
    // Assess
    expect(outcome.counts).toMatchObject({ listed: 2, matched: 1, gone: 1, skipped: 0 });
    expect(
      bySubject(await copies(), "Written without a date")
        .map((i) => i.accountId)
        .sort(),
    ).toEqual([aliceId, carolId].sort());
    expect((await api.get(`/api/accounts/${carolId}/skipped`)).body.items).toEqual([]);
    expect((await db.get("main", keys.cursor(carolId, "INBOX")))!.retry).toBeUndefined();
  });

  it("retries a skipped message on later syncs 3 times, then keeps it as permanently skipped; a stored one loses its record", async () => {
    const where = { accountId: aliceId, folder: "Archive", uidValidity: "1" };
    const retry: Record<string, number> = {};
    const skipped = new Map([
      [41, { outcome: "skipped" as const, reason: "unreadable" as const }],
      [42, { outcome: "skipped" as const, reason: "unparsable" as const }],
    ]);
    for (let sync = 1; sync <= 3; sync++)
      await settleSkips(db, where, sync === 3 ? new Map([...skipped].filter(([u]) => u === 41)).set(42, { outcome: "stored" } as never) : skipped, retry);
    expect(retry).toEqual({});
    const items = await db.queryAll("main", {
      KeyConditionExpression: "pk = :p AND begins_with(sk, :s)",
      ExpressionAttributeValues: { ":p": keys.account(aliceId).pk, ":s": "SKIPPED#Archive#" },
    });
    expect(items.map((i) => [i.uid, i.reason, i.attempts, i.permanent])).toEqual([[41, "unreadable", 3, true]]);
  });

  it("answers 404 to a user who neither owns the mailbox nor is an admin", async () => {
    const other = await api.post("/api/users", { email: "member@example.test", name: "Member", password: "member-password-1", role: "member" });
    expect(other.status).toBe(201);
    const member = new ApiClient(stack.url);
    await member.signIn("member@example.test", "member-password-1");
    expect((await member.get(`/api/accounts/${carolId}/skipped`)).status).toBe(404);
  });
});
