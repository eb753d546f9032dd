import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { LocalStack } from "../../core/local/stack";
import type { Db } from "../../core/store/db";
import { runSyncJob, type SyncDeps } from "../../core/sync/index";
import { newJob } from "../../core/jobs/jobs";
import { CHANGES_SETTLE_MS } from "../../core/messages/index";
import { appendMessages } from "../harness/mail-servers";
import { ApiClient, type Reply } from "../support/api-client";
import * as corpus from "../support/corpus";
import { connectMailbox, startSyncStack } from "../support/sync-stack";

/**
 * A CRM polling a contact's new mail (GET /api/contacts/{id}/changes) after real syncs of two
 * Dovecot mailboxes by the sync function: Alice's (private) and Carol's. The CRM's key acts as
 * Carol, so Alice's private mail must never reach it. The jobs take the contact's backfill
 * request at once (settle time 0): a job that backfills stores the contact's mail again, and
 * the feed would rightly show it again (see core/messages/changes.ts).
 */
const mail = inject("mail");
const aliceBox = mail.users.alice,
  carolBox = mail.users.carol;
const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000);
const settle = () => new Promise((r) => setTimeout(r, CHANGES_SETTLE_MS + 300));

let stack: LocalStack;
let admin: ApiClient;
let alice: ApiClient;
let db: Db;
let deps: SyncDeps;
let crmKey = "";
const ids = { alice: "", carol: "", aliceAccount: "", carolAccount: "", yamada: "" };

const changes = (since?: string, client?: ApiClient): Promise<Reply> => {
  const path = `/api/contacts/${ids.yamada}/changes${since ? `?since=${encodeURIComponent(since)}` : ""}`;
  return client ? client.get(path) : new ApiClient(stack.url).request("GET", path, undefined, { authorization: `Bearer ${crmKey}` });
};
const subjects = (reply: Reply): string[] => (reply.body.items as any[]).map((m) => m.subject).sort();
const copies = async () => (await db.queryAll("mail", { KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": "yamada@client.test" } })).length;
async function syncBoth(expectedCopies: number): Promise<void> {
  for (const account of [ids.aliceAccount, ids.carolAccount]) expect((await runSyncJob({ ...deps, backfillSettleMs: 0 }, newJob(account, "manual"))).status).toBe("done");
  expect(await copies()).toBe(expectedCopies);
}

beforeAll(async () => {
  ({ stack, api: admin, db, deps } = await startSyncStack(mail, { reset: [aliceBox.email, carolBox.email] }));
  ids.yamada = (await admin.post("/api/contacts", { name: "山田", primaryEmail: "yamada@client.test" })).body.id;
  for (const who of ["alice", "carol"] as const) {
    const box = who === "alice" ? aliceBox : carolBox;
    const user = await admin.post("/api/users", { email: box.email, name: who, password: `${who}-password-123`, role: "member" });
    expect(user.status, user.text).toBe(201);
    ids[who] = user.body.id;
    ids[`${who}Account`] = (await connectMailbox(admin, mail, box, { ownerId: ids[who], security: "tls" })).id;
  }
  alice = new ApiClient(stack.url);
  expect((await alice.signIn(aliceBox.email, "alice-password-123")).status).toBe(200);
  const key = await admin.post("/api/api-keys", { name: "CRM", userId: ids.carol, scopes: ["messages:read"] });
  expect(key.status, key.text).toBe(201);
  crmKey = key.body.key;
}, 120_000);
afterAll(async () => stack?.stop());

describe("a contact's changes", () => {
  let start = "";
  let afterFirstSync = "";
  let latest = "";
  const carolIds: string[] = [];

  it("starts with no messages and a cursor for now", async () => {
    const first = await changes();
    expect(first.status, first.text).toBe(200);
    expect(first.body).toMatchObject({ items: [], more: false });
    start = first.body.cursor;
    expect(start).toEqual(expect.any(String));
  });

  it("returns the messages a real sync stored that the key's user may see, and not a colleague's private mail", async () => {
    await appendMessages(mail, aliceBox.email, "INBOX", [
      corpus.plain({ from: "山田 <yamada@client.test>", to: aliceBox.email, subject: "Alice private deal", date: ago(50), messageId: "<ch-a1@client.test>" }, "Secret price."),
    ]);
    await appendMessages(mail, carolBox.email, "INBOX", [
      corpus.plain({ from: "山田 <yamada@client.test>", to: carolBox.email, subject: "Carol hello", date: ago(40), messageId: "<ch-c1@client.test>" }, "Hello."),
      corpus.plain({ from: carolBox.email, to: "山田 <yamada@client.test>", subject: "Carol reply", date: ago(30), messageId: "<ch-c2@client.test>" }, "Hi."),
    ]);
    await syncBoth(3);
    await settle();
    const reply = await changes(start);
    expect(reply.status, reply.text).toBe(200);
    expect(subjects(reply)).toEqual(["Carol hello", "Carol reply"]);
    expect(reply.body.items[0]).toMatchObject({ owners: [expect.objectContaining({ userId: ids.carol })] });
    expect(reply.body.cursor).not.toBe(start);
    afterFirstSync = reply.body.cursor;
    carolIds.push(...(reply.body.items as any[]).map((m) => m.id));

    // a console session polls the same way, through the same rule: Alice sees her own mail
    const aliceSees = await changes(start, alice);
    expect(aliceSees.status, aliceSees.text).toBe(200);
    expect(subjects(aliceSees)).toEqual(["Alice private deal"]);
  });

  it("returns nothing with the cursor it gave until another message is synced, then just that one", async () => {
    const nothing = await changes(afterFirstSync);
    expect(nothing.status).toBe(200);
    expect(nothing.body.items).toEqual([]);
    const sameCursor = nothing.body.cursor;

    await appendMessages(mail, carolBox.email, "INBOX", [
      corpus.plain({ from: "山田 <yamada@client.test>", to: carolBox.email, subject: "Carol later", date: ago(5), messageId: "<ch-c3@client.test>" }, "Later."),
    ]);
    await appendMessages(mail, aliceBox.email, "INBOX", [
      corpus.plain({ from: "山田 <yamada@client.test>", to: aliceBox.email, subject: "Alice second secret", date: ago(4), messageId: "<ch-a2@client.test>" }, "Shh."),
    ]);
    await syncBoth(5);
    await settle();
    const next = await changes(sameCursor);
    expect(next.status, next.text).toBe(200);
    expect(subjects(next)).toEqual(["Carol later"]);
    const after = await changes(next.body.cursor);
    expect(after.body.items).toEqual([]);
    expect(after.body.removed).toEqual([]);
    carolIds.push(...(next.body.items as any[]).map((m) => m.id));
    latest = after.body.cursor;
  });

  it("lists by id the messages that left the history when a mailbox is disconnected, and nothing of the other mailbox's", async () => {
    const disconnect = await admin.request("DELETE", `/api/accounts/${ids.carolAccount}`);
    expect(disconnect.status, disconnect.text).toBe(204);
    expect(await copies()).toBe(2); // Alice's two copies stay
    await settle();
    const reply = await changes(latest);
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.items).toEqual([]);
    expect([...reply.body.removed].sort()).toEqual([...carolIds].sort());
    expect(carolIds).toHaveLength(3);
    // Alice, who never saw Carol's mail (private by default), reads no removal of her own mail
    const aliceSees = await changes(latest, alice);
    expect(aliceSees.body.items).toEqual([]);
    expect(aliceSees.body.removed.every((id: string) => carolIds.includes(id))).toBe(true);
  });

  it("answers 410 in the caller's language to a cursor older than the changes are kept, and 400 to one it never gave", async () => {
    const old = Buffer.from(JSON.stringify({ at: new Date(Date.now() - 31 * 86_400_000).toISOString() })).toString("base64url");
    const gone = await changes(old);
    expect(gone.status).toBe(410);
    expect(gone.body.error.code).toBe("changes_cursor_expired");
    expect(gone.body.error.message).toMatch(/resync the history/);
    const ja = await new ApiClient(stack.url, "ja").request("GET", `/api/contacts/${ids.yamada}/changes?since=${old}`, undefined, { authorization: `Bearer ${crmKey}` });
    expect(ja.status).toBe(410);
    expect(ja.body.error.message).toMatch(/履歴を取り直し/);

    const forged = await changes("not-a-cursor");
    expect(forged.status).toBe(400);
    expect(forged.body.error.fields[0].field).toBe("cursor");
  });
});
