import { QueryCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import type { LocalStack } from "../../core/local/stack";
import { localDynamo } from "../../core/local/emulators";
import { Db } from "../../core/store/db";
import { runSyncJob, type SyncDeps } from "../../core/sync/index";
import { newJob } from "../../core/jobs/jobs";
import { forgetCursors } from "../../core/jobs/cursors";
import { keys } from "../../core/store/keys";
import { updateAccount } from "../../core/accounts/index";
import { appendMessages, doveadm } from "../harness/mail-servers";
import { ApiClient, eventually } from "../support/api-client";
import * as corpus from "../support/corpus";
import { startRelay } from "../support/tcp-relay";
import { connectMailbox, startSyncStack } from "../support/sync-stack";

/**
 * The sync job against a real Dovecot mailbox seeded with a corpus of real-world mail shapes,
 * writing to dynalite: what lands under each contact, exactly once, whatever happens.
 */
const mail = inject("mail");
const alice = mail.users.alice,
  carol = mail.users.carol;
const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000);
const BIG = 50 * 1024 * 1024;
// one Date header for both copies of a shared message, as real copies have
const kickoff = ago(120),
  kickoffReply = ago(100);

let stack: LocalStack;
let api: ApiClient;
let db: Db;
let deps: SyncDeps;
let aliceAccountId = "";
let carolAccountId = "";
const commands: string[] = [];

/** The raw Mail-table items under one address, folded: each message with the owners of its copies. */
const mailItems = async (contactEmail: string) => {
  const ddb = localDynamo(stack.dynamoEndpoint);
  const out = await ddb.send(new QueryCommand({ TableName: stack.tables.mail, KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": { S: contactEmail } } }));
  ddb.destroy();
  const bySk = new Map<string, NonNullable<typeof out.Items>>();
  for (const i of out.Items ?? []) {
    const sk = i.sk!.S!.slice(0, i.sk!.S!.lastIndexOf("#"));
    bySk.set(sk, [...(bySk.get(sk) ?? []), i]);
  }
  return [...bySk].map(([sk, [i, ...more]]) => ({
    subject: i!.subject?.S,
    preview: i!.preview?.S ?? null,
    direction: i!.direction?.S,
    size: Number(i!.size?.N ?? 0),
    attachments: i!.attachments?.L?.map((a) => a.M?.filename?.S) ?? [],
    owners: [i!, ...more].map((c) => c.ownerId!.S!),
    sk,
  }));
};
// backfill requests are taken at once here (in production they settle for a minute first)
const sync = (accountId: string, extra: Partial<SyncDeps> = {}) => runSyncJob({ ...deps, backfillSettleMs: 0, ...extra }, newJob(accountId, "manual"));

beforeAll(async () => {
  ({ stack, api, db, deps } = await startSyncStack(mail, { reset: [alice.email, carol.email], deps: { imapCommandLog: (line) => void commands.push(line) } }));

  // Contacts: a Japanese customer with a secondary address, an English one, and one with an IDN-free plain address
  for (const c of [
    { name: "山田 太郎", company: "山田商事", primaryEmail: "yamada@yamada-shoji.test", secondaryEmails: ["t.yamada@gmail.test"] },
    { name: "Bob Smith", primaryEmail: "bob@example.test" },
    { name: "Dana", primaryEmail: "dana@example.test" },
  ])
    expect((await api.post("/api/contacts", c)).status).toBe(201);

  const inbox = [
    corpus.plain(
      { from: "Bob Smith <bob@example.test>", to: alice.email, subject: "Pricing question", date: ago(600), messageId: "<p1@example.test>" },
      "Could you send the price list?\n> quoted old text",
    ),
    corpus.iso2022jp(
      { from: "山田 <yamada@yamada-shoji.test>", to: alice.email, subject: "お見積りのお願い", date: ago(500), messageId: "<j1@yamada-shoji.test>" },
      "いつもお世話になっております。\n見積書をお願いします。",
    ),
    corpus.shiftJis(
      { from: "Taro <t.yamada@gmail.test>", to: alice.email, subject: "納期について", date: ago(400), messageId: "<j2@gmail.test>" },
      "納期は来週金曜日でお願いします。",
    ),
    corpus.wronglyDeclared(
      { from: "yamada@yamada-shoji.test", to: alice.email, subject: "Re: misc", date: ago(300), messageId: "<j3@yamada-shoji.test>" },
      "文字コードの宣言が間違っています",
    ),
    corpus.withAttachment({ from: "bob@example.test", to: alice.email, subject: "Contract", date: ago(250), messageId: "<a1@example.test>" }, "Contract attached.", {
      name: "見積書.pdf",
      type: "application/pdf",
      content: Buffer.from("%PDF-1.4 fake"),
    }),
    corpus.htmlOnly(
      { from: "dana@example.test", to: alice.email, subject: "Newsletter", date: ago(200), messageId: "<h1@example.test>" },
      "<html><head><style>p{}</style></head><body><p>Hello &amp; welcome</p><script>alert(1)</script></body></html>",
    ),
    corpus.malformed({ from: "dana@example.test", to: alice.email, subject: "Broken", date: ago(150), messageId: "<m1@example.test>" }),
    corpus.plain({ from: "stranger@nowhere.test", to: alice.email, subject: "Not a contact", date: ago(140), messageId: "<n1@nowhere.test>" }, "spam"),
    corpus.plain(
      { from: "bob@example.test", to: `${alice.email}, ${carol.email}`, subject: "Kick-off meeting", date: kickoff, messageId: "<t1@example.test>" },
      "Shall we meet on Monday?",
    ),
  ];
  await appendMessages(mail, alice.email, "INBOX", inbox);
  await appendMessages(mail, alice.email, "Sent", [
    corpus.plain(
      {
        from: alice.email,
        to: "bob@example.test",
        cc: carol.email,
        subject: "Re: Kick-off meeting",
        date: kickoffReply,
        messageId: "<t2@example.test>",
        inReplyTo: "<t1@example.test>",
        references: "<t1@example.test>",
      },
      "Monday works.",
    ),
  ]);
  await appendMessages(mail, carol.email, "INBOX", [
    corpus.plain(
      { from: "bob@example.test", to: `${alice.email}, ${carol.email}`, subject: "Kick-off meeting", date: kickoff, messageId: "<t1@example.test>" },
      "Shall we meet on Monday?",
    ),
    corpus.plain(
      {
        from: alice.email,
        to: "bob@example.test",
        cc: carol.email,
        subject: "Re: Kick-off meeting",
        date: kickoffReply,
        messageId: "<t2@example.test>",
        inReplyTo: "<t1@example.test>",
        references: "<t1@example.test>",
      },
      "Monday works.",
    ),
    corpus.withAttachment({ from: "bob@example.test", to: carol.email, subject: "Huge drawings", date: ago(90), messageId: "<big@example.test>" }, "The drawings.", {
      name: "drawings.bin",
      type: "application/octet-stream",
      content: Buffer.alloc(BIG, 7),
    }),
  ]);

  // carol's mailbox belongs to a colleague, so a shared message names two owners
  const colleague = await api.post("/api/users", { email: "colleague@example.test", name: "Colleague", password: "colleague-password-1", role: "member" });
  aliceAccountId = (await connectMailbox(api, mail, alice, { security: "tls" })).id;
  carolAccountId = (await connectMailbox(api, mail, carol, { ownerId: colleague.body.id })).id;
}, 240_000);

afterAll(async () => stack?.stop());

describe("sync job", () => {
  it("stores the right items under each contact address, decoding every charset", async () => {
    const outcome = await sync(aliceAccountId);
    expect(outcome.status).toBe("done");
    const yamada = await mailItems("yamada@yamada-shoji.test");
    expect(Object.fromEntries(yamada.map((i) => [i.subject, i.preview]))).toEqual({
      お見積りのお願い: "いつもお世話になっております。 見積書をお願いします。",
      "Re: misc": "文字コードの宣言が間違っています",
    });
    const secondary = await mailItems("t.yamada@gmail.test");
    expect(secondary.map((i) => [i.subject, i.preview])).toEqual([["納期について", "納期は来週金曜日でお願いします。"]]);
    const bob = await mailItems("bob@example.test");
    const bySubject = Object.fromEntries(bob.map((i) => [i.subject, i]));
    expect(bySubject["Pricing question"]!.preview).toBe("Could you send the price list?");
    expect(bySubject["Contract"]!.attachments).toEqual(["見積書.pdf"]);
    expect(bySubject["Re: Kick-off meeting"]!.direction).toBe("sent");
    expect(bySubject["Kick-off meeting"]!.direction).toBe("received");
    const dana = await mailItems("dana@example.test");
    expect(dana.find((i) => i.subject === "Newsletter")!.preview).toBe("Hello & welcome");
    // the malformed message is either stored or recorded as skipped; it never blocks the rest
    expect(outcome.counts.fetched).toBe(10);
    expect(await mailItems("stranger@nowhere.test")).toEqual([]);
  });

  it("stores a 50 MB message's metadata without downloading it", async () => {
    const heap: number[] = [];
    const sampler = setInterval(() => heap.push(process.memoryUsage().heapUsed), 5);
    const base = process.memoryUsage().heapUsed;
    commands.length = 0;
    const outcome = await sync(carolAccountId);
    clearInterval(sampler);
    expect(outcome.status).toBe("done");
    const big = (await mailItems("bob@example.test")).find((i) => i.subject === "Huge drawings")!;
    expect(big.size).toBeGreaterThan(BIG);
    expect(big.attachments).toEqual(["drawings.bin"]);
    expect(big.preview).toBe("The drawings.");
    // no command asked for a whole body; previews are bounded partial fetches
    expect(commands.filter((c) => /FETCH/.test(c) && /BODY(\.PEEK)?\[\]|RFC822(?!\.SIZE)|BINARY\[\d*\](?!<)/.test(c))).toEqual([]);
    expect(Math.max(...heap) - base).toBeLessThan(40 * 1024 * 1024);
  });

  it("shows the thread across two mailboxes once per message, naming both owners", async () => {
    const bob = await mailItems("bob@example.test");
    const kickoff = bob.filter((i) => i.subject === "Kick-off meeting");
    const reply = bob.filter((i) => i.subject === "Re: Kick-off meeting");
    expect(kickoff).toHaveLength(1);
    expect(reply).toHaveLength(1);
    expect(kickoff[0]!.owners).toHaveLength(2);
    expect(reply[0]!.owners).toHaveLength(2);
  });

  it("costs one login and one STATUS per folder when nothing is new: no SELECT, no FETCH, no write", async () => {
    const update = vi.spyOn(db, "update");
    const put = vi.spyOn(db, "put");
    const batch = vi.spyOn(db, "batchWrite");
    commands.length = 0;
    const outcome = await sync(aliceAccountId);
    expect(outcome.status).toBe("done");
    const verbs = commands.map((c) => c.split(" ")[1]?.toUpperCase());
    expect(verbs.filter((v) => v === "STATUS")).toHaveLength(2);
    expect(verbs.filter((v) => v === "SELECT" || v === "EXAMINE" || v === "FETCH" || v === "UID")).toEqual([]);
    expect(update.mock.calls.filter(([table]) => table === "mail")).toEqual([]);
    expect(batch.mock.calls).toEqual([]);
    expect(put.mock.calls.filter(([, item]) => String(item.sk).startsWith("CURSOR#"))).toEqual([]);
    update.mockRestore();
    put.mockRestore();
    batch.mockRestore();
  });

  it("reads no cursors when this process ended the account's last job, and reads them again when anything else may have moved them", async () => {
    const query = vi.spyOn(db, "queryAll");
    const cursorReads = () => query.mock.calls.filter(([, q]) => q.ExpressionAttributeValues?.[":s"] === "CURSOR#").length;
    try {
      await sync(aliceAccountId);
      query.mockClear();
      expect((await sync(aliceAccountId)).counts.fetched).toBe(0);
      expect(cursorReads()).toBe(0);
      // cursors forgotten (an account deleted, a resync): the account is stamped, the job reads
      await deleteCursors(aliceAccountId);
      query.mockClear();
      const reread = await sync(aliceAccountId);
      expect(cursorReads()).toBe(1);
      expect(reread.counts.fetched).toBeGreaterThan(0);
      // a job that died holding the lease may have moved cursors without stamping anything
      const raw = await db.queryAll("main", {
        KeyConditionExpression: "pk = :p AND begins_with(sk, :s)",
        ExpressionAttributeValues: { ":p": `ACCOUNT#${aliceAccountId}`, ":s": "CURSOR#" },
      });
      await db.batchWrite(
        "main",
        raw.map((c) => ({ delete: { pk: c.pk as string, sk: c.sk as string } })),
      );
      await db.update("main", keys.account(aliceAccountId), { expression: "SET leaseJobId = :j, leaseUntil = :u", values: { ":j": "died", ":u": 1 } });
      query.mockClear();
      const afterDeath = await sync(aliceAccountId);
      expect(cursorReads()).toBe(1);
      expect(afterDeath.counts.fetched).toBeGreaterThan(0);
    } finally {
      query.mockRestore();
    }
  });

  it("connects while it reads the account, but logs in only to the mailbox the account still names", async () => {
    const server = { host: mail.host, port: mail.imapsPort, security: "tls" as const, allowInsecureCerts: false };
    const update = db.update.bind(db);
    // the lease answers slowly, so the early connection is surely waiting at the login
    const slow = vi.spyOn(db, "update").mockImplementation(async (table, key, u) => {
      if (u.expression.startsWith("SET leaseJobId")) await new Promise((r) => setTimeout(r, 300));
      return update(table, key, u);
    });
    try {
      await update("main", keys.account(aliceAccountId), { expression: "SET syncEnabled = :f", values: { ":f": false } });
      commands.length = 0;
      // through a relay that counts what it carries: the job connects, but sends no command
      // before the login (the greeting brings the capabilities), and never logs in
      const relay = await startRelay({ host: mail.host, port: mail.imapsPort });
      try {
        expect((await runSyncJob(deps, newJob(aliceAccountId, "schedule", { ...server, port: relay.port }))).status).toBe("skipped");
        expect(relay.connections).toBe(1); // it had connected
        expect(relay.bytes).toBeGreaterThan(1000); // TLS handshake and greeting
      } finally {
        await update("main", keys.account(aliceAccountId), { expression: "SET syncEnabled = :t", values: { ":t": true } });
        await relay.close();
      }
      expect(commands.filter((c) => /AUTHENTICATE|LOGIN/i.test(c))).toEqual([]);
      // planned when the server was elsewhere (nothing listens there now): connects where it is
      const moved = await runSyncJob(deps, newJob(aliceAccountId, "schedule", { ...server, port: mail.oauthPort }));
      expect(moved.status).toBe("done");
      // the right server: one connection, logged in once
      commands.length = 0;
      expect((await runSyncJob(deps, newJob(aliceAccountId, "schedule", server))).status).toBe("done");
      expect(commands.filter((c) => /AUTHENTICATE|LOGIN/i.test(c))).toHaveLength(1);
    } finally {
      slow.mockRestore();
    }
  });

  it("writes no duplicates when a job is redelivered or two jobs run at once", async () => {
    const before = (await mailItems("bob@example.test")).length;
    // forget the cursors: a redelivered job re-reads everything
    await deleteCursors(aliceAccountId);
    const [a, b] = await Promise.all([sync(aliceAccountId), sync(aliceAccountId)]);
    expect([a.status, b.status].sort()).toEqual(["done", "skipped"]);
    await deleteCursors(aliceAccountId);
    await sync(aliceAccountId);
    expect((await mailItems("bob@example.test")).length).toBe(before);
  });

  it("rebuilds a folder whose UIDVALIDITY changed, with no duplicates", async () => {
    const before = await mailItems("yamada@yamada-shoji.test");
    // recreate INBOX: same messages, new UIDVALIDITY
    await doveadm(mail, ["mailbox", "delete", "-u", alice.email, "-s", "Archive"]).catch(() => undefined);
    const copies = await exportFolder(alice.email, "INBOX");
    await doveadm(mail, ["expunge", "-u", alice.email, "mailbox", "INBOX", "all"]);
    await doveadm(mail, ["mailbox", "update", "-u", alice.email, "--uid-validity", String(Math.floor(Date.now() / 1000) + 7), "INBOX"]);
    await appendMessages(mail, alice.email, "INBOX", copies);
    const outcome = await sync(aliceAccountId);
    expect(outcome.status).toBe("done");
    expect(outcome.counts.fetched).toBeGreaterThanOrEqual(9);
    expect((await mailItems("yamada@yamada-shoji.test")).map((i) => i.sk).sort()).toEqual(before.map((i) => i.sk).sort());
  });

  it("resumes after the connection is cut mid-sync, with no duplicates", async () => {
    await deleteCursors(aliceAccountId);
    const before = (await mailItems("bob@example.test")).length;
    let kicked = false;
    const write = db.batchWrite.bind(db);
    // cut once the first chunk's items are written, before its cursor has moved
    const cut = vi.spyOn(db, "batchWrite").mockImplementation(async (table, requests) => {
      await write(table, requests);
      if (!kicked && table === "mail") {
        kicked = true;
        await doveadm(mail, ["kick", alice.email]);
      }
    });
    const failed = await sync(aliceAccountId, { chunkSize: 2 }).catch((err) => err);
    cut.mockRestore();
    expect(kicked).toBe(true);
    expect(failed).toBeInstanceOf(Error); // transient: the queue would redeliver it
    const retried = await sync(aliceAccountId, { chunkSize: 2 });
    expect(retried.status).toBe("done");
    expect((await mailItems("bob@example.test")).length).toBe(before);
    // a full resync in chunks of one, several writing at once, counts every copy it writes
    await deleteCursors(aliceAccountId);
    const full = await sync(aliceAccountId, { chunkSize: 1 });
    const ddb = localDynamo(stack.dynamoEndpoint);
    const scan = await ddb.send(new ScanCommand({ TableName: stack.tables.mail, FilterExpression: "accountId = :a", ExpressionAttributeValues: { ":a": { S: aliceAccountId } } }));
    ddb.destroy();
    expect(full.counts.written).toBe(scan.Items?.length);
    expect(full.counts.written).toBeGreaterThan(4);
  });

  it("stops near the time limit, saves its place and continues in a new job", async () => {
    await deleteCursors(carolAccountId);
    const outcome = await sync(carolAccountId, { chunkSize: 1, remainingMs: () => 1_000, safetyMs: 60_000 });
    expect(outcome.status).toBe("continued");
    // the continuation goes through the real queue, poller and sync handler
    await eventually(async () => {
      const account = (await api.get(`/api/accounts/${carolAccountId}`)).body;
      const cursors = await db.queryAll("main", {
        KeyConditionExpression: "pk = :p AND begins_with(sk, :s)",
        ExpressionAttributeValues: { ":p": `ACCOUNT#${carolAccountId}`, ":s": "CURSOR#" },
      });
      return account.state === "connected" && cursors.length === 2 && cursors.every((c) => c.initialBelow === undefined);
    }, 30_000);
    expect((await mailItems("bob@example.test")).filter((i) => i.subject === "Huge drawings")).toHaveLength(1);
  });

  it("brings a new secondary address's past mail without a full resync", async () => {
    await appendMessages(mail, alice.email, "INBOX", [
      corpus.plain({ from: "Erin <erin@newco.test>", to: alice.email, subject: "Hello from Erin", date: ago(60), messageId: "<e1@newco.test>" }, "Hi!"),
    ]);
    await sync(aliceAccountId); // erin is no contact yet: nothing stored
    expect(await mailItems("erin@newco.test")).toEqual([]);
    const dana = (await api.get("/api/contacts?q=dana")).body.items[0];
    expect((await api.patch(`/api/contacts/${dana.id}`, { secondaryEmails: ["erin@newco.test"] })).status).toBe(200);
    commands.length = 0;
    await sync(aliceAccountId);
    expect((await mailItems("erin@newco.test")).map((i) => i.subject)).toEqual(["Hello from Erin"]);
    expect(commands.some((c) => / SEARCH /i.test(c) && /erin@newco\.test/i.test(c))).toBe(true);
  });

  it("brings the past mail of a bulk import's many contacts with one pass over the window, not a SEARCH per address", async () => {
    const imported = Array.from({ length: 8 }, (_, i) => `buyer${i}@import.test`);
    await appendMessages(
      mail,
      alice.email,
      "INBOX",
      imported.map((address, i) =>
        corpus.plain(
          {
            from: `Buyer ${i} <${address}>`,
            to: alice.email,
            cc: i === 0 ? "bob@example.test" : undefined,
            subject: `Order ${i}`,
            date: ago(50 - i),
            messageId: `<order${i}@import.test>`,
          },
          "Please ship.",
        ),
      ),
    );
    await sync(aliceAccountId); // not contacts yet: nothing stored for them (Order 0 is stored for bob, in Cc)
    const bobBefore = (await mailItems("bob@example.test")).length;
    const reply = await api.post("/api/contacts/bulk", { contacts: imported.map((email, i) => ({ externalId: `imp-${i}`, name: `Buyer ${i}`, primaryEmail: email })) });
    expect(reply.status, reply.text).toBe(200);
    commands.length = 0;
    const outcome = await sync(aliceAccountId);
    for (const [i, address] of imported.entries()) expect((await mailItems(address)).map((m) => m.subject)).toEqual([`Order ${i}`]);
    expect(commands.filter((c) => / SEARCH /i.test(c) && /import\.test/i.test(c))).toEqual([]);
    // only the new addresses' copies were written: bob's copy of Order 0 was not written again
    expect(outcome.counts.written).toBe(imported.length);
    expect((await mailItems("bob@example.test")).length).toBe(bobBefore);
  });

  it("an edit made while a job ends keeps what the job wrote and does not bring its lease back", async () => {
    const admin = (await api.get("/api/session")).body.user;
    const key = keys.account(carolAccountId);
    // a job holds the lease when the edit reads the account...
    await db.update("main", key, { expression: "SET leaseJobId = :j, leaseUntil = :u", values: { ":j": "ending-job", ":u": Math.floor(Date.now() / 1000) + 900 } });
    const racing = Object.create(db) as Db;
    racing.get = async (table, k, consistent) => {
      const item = await db.get(table, k, consistent);
      // ...and ends before the edit writes: lease released, last sync recorded
      await db.update("main", key, { expression: "SET lastSyncAt = :t REMOVE leaseJobId, leaseUntil", values: { ":t": "2026-11-23T09:00:00.000Z" } });
      return item;
    };
    const edited = await updateAccount({ db: racing, secrets: deps.secrets, hostAllowance: "loopback" }, admin, carolAccountId, { displayName: "Carol (edited)" });
    expect(edited.displayName).toBe("Carol (edited)");
    const after = await db.get("main", key);
    expect(after).toMatchObject({ displayName: "Carol (edited)", lastSyncAt: "2026-11-23T09:00:00.000Z" });
    expect(after!.leaseJobId).toBeUndefined();
    expect((await sync(carolAccountId)).status).toBe("done"); // not held by a lease that came back
  });
});

const deleteCursors = (accountId: string) => forgetCursors(db, accountId);

/** Every message of a folder as raw bytes (doveadm fetch text). */
async function exportFolder(user: string, folder: string): Promise<Buffer[]> {
  const { ImapFlow } = await import("imapflow");
  const client = new ImapFlow({ host: mail.host, port: mail.imapsPort, secure: true, auth: { user, pass: alice.password }, logger: false, tls: { ca: mail.caPem } });
  client.on("error", () => undefined);
  await client.connect();
  const lock = await client.getMailboxLock(folder);
  const out: Buffer[] = [];
  try {
    for await (const m of client.fetch("1:*", { source: true })) out.push(m.source!);
  } finally {
    lock.release();
    await client.logout();
  }
  return out;
}
