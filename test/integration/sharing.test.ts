import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { LocalStack } from "../../core/local/stack";
import type { Db } from "../../core/store/db";
import { keys } from "../../core/store/keys";
import { createLogger } from "../../core/shared/log";
import { runSyncJob, type SyncDeps } from "../../core/sync/index";
import { newJob } from "../../core/jobs/jobs";
import { appendMessages } from "../harness/mail-servers";
import { ImapPool } from "../../core/messages/imap-pool";
import { ApiClient } from "../support/api-client";
import * as corpus from "../support/corpus";
import { connectMailbox, startSyncStack } from "../support/sync-stack";

/**
 * Who sees which mail, enforced by the server (core/sharing), after real syncs of two Dovecot
 * mailboxes: Alice's (private, the default) and Carol's (public). What a member, the owner and
 * an admin can and cannot see or do, on every read path.
 */
const mail = inject("mail");
const aliceBox = mail.users.alice,
  carolBox = mail.users.carol;
const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000);
// one Date header for both copies of the shared message, as real copies have
const kickoff = ago(400);

let stack: LocalStack;
let db: Db;
let deps: SyncDeps;
const admin = () => as("admin");
const clients: Record<string, ApiClient> = {};
const as = (who: "admin" | "alice" | "carol") => clients[who]!;
const ids = { alice: "", carol: "", aliceAccount: "", carolAccount: "", yamada: "", sato: "" };

/** The raw copies stored under one address (what the sync wrote, whoever may see it). */
const rawCopies = async (address: string) => db.queryAll("mail", { KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": address } });
const history = async (who: "admin" | "alice" | "carol", contactId: string, query = "") => {
  const reply = await as(who).get(`/api/contacts/${contactId}/messages${query}`);
  expect(reply.status, reply.text).toBe(200);
  return reply.body.items as { id: string; subject: string; owners: { userId: string; accountId: string }[] }[];
};
const subjects = async (who: "admin" | "alice" | "carol", contactId: string, query = "") => (await history(who, contactId, query)).map((m) => m.subject).sort();
const sync = async (accountId: string) => expect((await runSyncJob({ ...deps, backfillSettleMs: 0 }, newJob(accountId, "manual"))).status).toBe("done");

beforeAll(async () => {
  ({ stack, api: clients.admin, db, deps } = await startSyncStack(mail, { reset: [aliceBox.email, carolBox.email] }));

  // contacts first: bob@example.test is an outside address until a user gets it below
  ids.yamada = (await admin().post("/api/contacts", { name: "山田", primaryEmail: "yamada@client.test" })).body.id;
  ids.sato = (await admin().post("/api/contacts", { name: "Sato", primaryEmail: "sato@partner.test" })).body.id;
  expect((await admin().post("/api/contacts", { name: "HR", primaryEmail: "hr@ourco.test" })).status).toBe(201);
  expect((await admin().post("/api/contacts", { name: "Bob", primaryEmail: "bob@example.test" })).status).toBe(201);
  // the company's own domain: internal mail is never logged
  expect((await admin().request("PUT", "/api/settings/excluded-domains", { domains: ["ourco.test"] })).status).toBe(200);

  for (const [who, box] of [
    ["alice", aliceBox],
    ["carol", carolBox],
  ] as const) {
    const user = await admin().post("/api/users", { email: box.email, name: who, password: `${who}-password-123`, role: "member" });
    expect(user.status, user.text).toBe(201);
    ids[who] = user.body.id;
    clients[who] = new ApiClient(stack.url);
    await as(who).signIn(box.email, `${who}-password-123`);
  }
  expect((await admin().post("/api/users", { email: "bob@example.test", name: "Bob", password: "bob-password-1234", role: "member" })).status).toBe(201);

  await appendMessages(mail, aliceBox.email, "INBOX", [
    corpus.plain({ from: "山田 <yamada@client.test>", to: aliceBox.email, subject: "Alice private deal", date: ago(500), messageId: "<ap1@client.test>" }, "Our secret price."),
    corpus.plain(
      { from: "yamada@client.test", to: aliceBox.email, cc: carolBox.email, subject: "Shared kickoff", date: kickoff, messageId: "<sk1@client.test>" },
      "Kick-off on Monday.",
    ),
    corpus.plain({ from: "hr@ourco.test", to: aliceBox.email, subject: "Internal HR memo", date: ago(300), messageId: "<hr1@ourco.test>" }, "Salaries."),
    corpus.plain({ from: "bob@example.test", to: aliceBox.email, subject: "Colleague chat", date: ago(250), messageId: "<bc1@example.test>" }, "Lunch?"),
    corpus.plain({ from: "sato@partner.test", to: aliceBox.email, subject: "Partner news", date: ago(200), messageId: "<pn1@partner.test>" }, "News."),
  ]);
  await appendMessages(mail, carolBox.email, "INBOX", [
    corpus.plain(
      { from: "yamada@client.test", to: aliceBox.email, cc: carolBox.email, subject: "Shared kickoff", date: kickoff, messageId: "<sk1@client.test>" },
      "Kick-off on Monday.",
    ),
    corpus.plain({ from: "sato@partner.test", to: carolBox.email, subject: "Partner for Carol", date: ago(150), messageId: "<pc1@partner.test>" }, "Hello Carol."),
  ]);
  for (const [who, box] of [
    ["alice", aliceBox],
    ["carol", carolBox],
  ] as const) {
    const account = await connectMailbox(admin(), mail, box, { ownerId: ids[who], security: "tls" });
    expect(account.sharing.mode).toBe("private");
    ids[`${who}Account`] = account.id;
  }
  // Carol shares her mailbox with everyone; Alice keeps the default
  expect((await as("carol").patch(`/api/accounts/${ids.carolAccount}`, { sharing: { mode: "public" } })).status).toBe(200);
  await sync(ids.aliceAccount);
  await sync(ids.carolAccount);
}, 240_000);

afterAll(async () => stack?.stop());

describe("what the sync stores", () => {
  it("never writes mail whose other participants are all in an excluded domain", async () => {
    expect(await rawCopies("hr@ourco.test")).toEqual([]);
    expect((await rawCopies("yamada@client.test")).length).toBe(3); // Alice's two, Carol's kick-off
  });

  it("never stores under the address of a user, even one that was made a contact earlier", async () => {
    expect(await rawCopies("bob@example.test")).toEqual([]);
  });

  it("refuses a user's or a connected mailbox's address as a contact, in the user's language", async () => {
    const reply = await as("carol").post("/api/contacts", { name: "Alice", primaryEmail: aliceBox.email });
    expect(reply.status).toBe(400);
    expect(reply.body.error.fields).toEqual([expect.objectContaining({ field: "primaryEmail", code: "internal_address" })]);
    const ja = new ApiClient(stack.url, "ja");
    Object.assign(ja, { cookie: as("carol").cookie, csrf: as("carol").csrf });
    const secondary = await ja.patch(`/api/contacts/${ids.sato}`, { secondaryEmails: [aliceBox.email] });
    expect(secondary.status).toBe(400);
    expect(secondary.body.error.fields[0]).toMatchObject({ field: "secondaryEmails.0", code: "internal_address" });
    expect(secondary.body.error.fields[0].message).toContain("社内メール");
  });
});

describe("a private mailbox", () => {
  it("shows its mail in histories to its owner only: not to a colleague, not to an admin", async () => {
    expect(await subjects("alice", ids.yamada)).toEqual(["Alice private deal", "Shared kickoff"]);
    expect(await subjects("carol", ids.yamada)).toEqual(["Shared kickoff"]);
    expect(await subjects("admin", ids.yamada)).toEqual(["Shared kickoff"]);
  });

  it("names only the visible copies' owners on a shared message", async () => {
    const owners = async (who: "admin" | "alice" | "carol") =>
      (await history(who, ids.yamada))
        .find((m) => m.subject === "Shared kickoff")!
        .owners.map((o) => o.userId)
        .sort();
    expect(await owners("alice")).toEqual([ids.alice, ids.carol].sort());
    expect(await owners("carol")).toEqual([ids.carol]);
    expect(await owners("admin")).toEqual([ids.carol]);
  });

  it("answers 404 for its message and its text to anyone but the owner", async () => {
    const id = encodeURIComponent((await history("alice", ids.yamada)).find((m) => m.subject === "Alice private deal")!.id);
    for (const who of ["carol", "admin"] as const) {
      const detail = await as(who).get(`/api/messages/${id}`);
      expect(detail.status).toBe(404);
      expect(detail.body.error.code).toBe("message_not_found");
      expect((await as(who).get(`/api/messages/${id}/body`)).status).toBe(404);
    }
    expect((await as("alice").get(`/api/messages/${id}`)).body.subject).toBe("Alice private deal");
    expect((await as("alice").get(`/api/messages/${id}/body`)).body.text).toBe("Our secret price.");
  });

  it("gives the owner filter and the counts only what the reader may see", async () => {
    expect(await subjects("carol", ids.yamada, `?owner=${ids.alice}`)).toEqual([]);
    expect(await subjects("admin", ids.yamada, `?owner=${ids.alice}`)).toEqual([]);
    expect(await subjects("alice", ids.yamada, `?owner=${ids.carol}`)).toEqual(["Shared kickoff"]);
    expect(await subjects("alice", ids.yamada, `?owner=${ids.alice}`)).toEqual(["Alice private deal", "Shared kickoff"]);
  });
});

describe("changing who sees a mailbox", () => {
  it("custom: shows the chosen contacts' mail only", async () => {
    const reply = await as("alice").patch(`/api/accounts/${ids.aliceAccount}`, { sharing: { mode: "custom", contactIds: [ids.yamada] } });
    expect(reply.status, reply.text).toBe(200);
    expect(await subjects("carol", ids.yamada)).toEqual(["Alice private deal", "Shared kickoff"]);
    expect(await subjects("carol", ids.sato)).toEqual(["Partner for Carol"]);
    expect(await subjects("alice", ids.sato)).toEqual(["Partner for Carol", "Partner news"]);
  });

  it("lets an admin narrow a mailbox's sharing but not widen it", async () => {
    const widen = await admin().patch(`/api/accounts/${ids.aliceAccount}`, { sharing: { mode: "public" } });
    expect(widen.status).toBe(403);
    expect(widen.body.error.code).toBe("sharing_owner_only");
    expect((await admin().patch(`/api/accounts/${ids.aliceAccount}`, { sharing: { mode: "private" } })).status).toBe(200);
    expect(await subjects("carol", ids.yamada)).toEqual(["Shared kickoff"]);
  });

  it("does not let a member touch a colleague's mailbox", async () => {
    expect((await as("carol").patch(`/api/accounts/${ids.aliceAccount}`, { sharing: { mode: "public" } })).status).toBe(404);
  });
});

describe("one of each", () => {
  it("refuses a mailbox address already connected in the organisation (409, both languages)", async () => {
    const input = { email: aliceBox.email, imap: { host: mail.host, port: mail.imapsPort, security: "tls", user: aliceBox.email }, password: "whatever-it-is" };
    const reply = await as("carol").post("/api/accounts", input);
    expect(reply.status).toBe(409);
    expect(reply.body.error.code).toBe("account_email_taken");
    const ja = new ApiClient(stack.url, "ja");
    Object.assign(ja, { cookie: as("carol").cookie, csrf: as("carol").csrf });
    expect((await ja.post("/api/accounts", { ...input, email: aliceBox.email.toUpperCase() })).body.error.message).toContain("組織内で既に接続");
  });

  it("refuses a second contact with an existing primary address, naming the existing one", async () => {
    const reply = await as("carol").post("/api/contacts", { name: "Yamada again", primaryEmail: "YAMADA@client.test" });
    expect(reply.status).toBe(409);
    expect(reply.body.error).toMatchObject({ code: "contact_email_taken", contact: { id: ids.yamada, name: "山田" } });
    expect(reply.body.error.message).toContain("山田");
  });
});

describe("excluded domains", () => {
  it("a mailbox's own excluded domain removes only that mailbox's copies", async () => {
    const reply = await as("alice").patch(`/api/accounts/${ids.aliceAccount}`, { sharing: { mode: "private", excludedDomains: ["partner.test"] } });
    expect(reply.status, reply.text).toBe(200);
    expect((await rawCopies("sato@partner.test")).map((c) => c.accountId)).toEqual([ids.carolAccount]);
  });

  it("the organisation's list is set by admins only, and adding a domain removes every copy under it", async () => {
    expect((await as("carol").request("PUT", "/api/settings/excluded-domains", { domains: ["partner.test"] })).status).toBe(403);
    const bad = await admin().request("PUT", "/api/settings/excluded-domains", { domains: ["not a domain"] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields[0]).toMatchObject({ field: "domains.0", code: "invalid_domain" });
    const reply = await admin().request("PUT", "/api/settings/excluded-domains", { domains: ["ourco.test", "Partner.test"] });
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body).toEqual({ domains: ["ourco.test", "partner.test"], removed: 1 });
    expect(await rawCopies("sato@partner.test")).toEqual([]);
    expect((await as("carol").get("/api/settings/excluded-domains")).body.domains).toEqual(["ourco.test", "partner.test"]);
  });
});

describe("body fetching", () => {
  it("is rate limited per reader", async () => {
    const id = encodeURIComponent((await history("carol", ids.yamada)).find((m) => m.subject === "Shared kickoff")!.id);
    let last = 0;
    for (let i = 0; i < 61 && last !== 429; i++) last = (await as("carol").get(`/api/messages/${id}/body`)).status;
    expect(last).toBe(429);
  });
});

describe("the body connection pool", () => {
  it("logs in once for successive fetches of one mailbox and password, again for a new password version", async () => {
    const pool = new ImapPool();
    let logins = 0;
    const settings = async () => {
      logins++;
      return { host: mail.host, port: mail.imapsPort, security: "tls" as const, user: carolBox.email, password: carolBox.password, ca: mail.caPem };
    };
    const log = createLogger({ fn: "pool-test" }, "warn");
    const exists = async (key: string) =>
      pool.use(key, settings, log, async (client) => {
        const st = await client.status("INBOX", { messages: true });
        return st ? st.messages : -1;
      });
    try {
      expect(await exists("acc#v1")).toBe(2);
      expect(await exists("acc#v1")).toBe(2);
      expect(logins).toBe(1);
      await exists("acc#v2");
      expect(logins).toBe(2);
      // a kept connection that fails is replaced by a fresh login, tried once more
      let tries = 0;
      const flaky = pool.use("acc#v2", settings, log, async (client) => (++tries === 1 ? Promise.reject(new Error("dead socket")) : client.usable));
      await expect(flaky).resolves.toBe(true);
      expect([tries, logins]).toEqual([2, 3]);
      // and a failure on a fresh login is answered, never handed out again
      await expect(pool.use("acc#v3", settings, log, async () => Promise.reject(new Error("broken")))).rejects.toThrow("broken");
      expect(logins).toBe(4);
      await exists("acc#v3");
      expect(logins).toBe(5);
    } finally {
      pool.closeAll();
    }
  });
});

describe("owner change and disconnect", () => {
  it("lets only an admin give a mailbox to an existing user; its mail follows at once", async () => {
    expect((await as("alice").patch(`/api/accounts/${ids.aliceAccount}`, { ownerId: ids.carol })).status).toBe(403);
    const unknown = await admin().patch(`/api/accounts/${ids.aliceAccount}`, { ownerId: "nobody" });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.fields[0]).toMatchObject({ field: "ownerId", code: "user_not_found" });
    const moved = await admin().patch(`/api/accounts/${ids.aliceAccount}`, { ownerId: ids.carol });
    expect(moved.status, moved.text).toBe(200);
    expect(moved.body.ownerId).toBe(ids.carol);
    expect(await subjects("carol", ids.yamada)).toEqual(["Alice private deal", "Shared kickoff"]);
    expect(await subjects("alice", ids.yamada)).toEqual(["Shared kickoff"]);
    const deal = (await history("carol", ids.yamada)).find((m) => m.subject === "Alice private deal")!;
    expect(deal.owners.map((o) => o.userId)).toEqual([ids.carol]);
  });

  it("tells how many copies disconnecting deletes, and deletes them all", async () => {
    const stored = (await rawCopies("yamada@client.test")).filter((c) => c.accountId === ids.aliceAccount).length;
    expect(stored).toBe(2);
    const count = await admin().get(`/api/accounts/${ids.aliceAccount}/copies`);
    expect(count.body).toEqual({ count: stored });
    expect((await admin().del(`/api/accounts/${ids.aliceAccount}`)).status).toBe(204);
    expect((await rawCopies("yamada@client.test")).map((c) => c.accountId)).toEqual([ids.carolAccount]);
    expect(await subjects("carol", ids.yamada)).toEqual(["Shared kickoff"]);
  });

  it("never shows a copy whose mailbox no longer exists (old data)", async () => {
    const [kept] = await rawCopies("yamada@client.test");
    await db.put("mail", {
      ...kept!,
      ...keys.mailCopy("yamada@client.test", "2026-01-01T00:00:00.000Z", "ghost", "gone-account"),
      accountId: "gone-account",
      ownerId: ids.carol,
      subject: "Ghost",
    });
    expect(await subjects("carol", ids.yamada)).toEqual(["Shared kickoff"]);
    expect(await subjects("admin", ids.yamada)).toEqual(["Shared kickoff"]);
  });

  it("deleting a contact deletes the copies only it held", async () => {
    expect((await admin().del(`/api/contacts/${ids.yamada}`)).status).toBe(204);
    expect(await rawCopies("yamada@client.test")).toEqual([]);
    expect(await db.get("main", keys.contactEmail("yamada@client.test"))).toBeUndefined();
  });
});
