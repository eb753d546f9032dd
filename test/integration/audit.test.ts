import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalStack, type LocalStack } from "../../core/local/stack";
import { localDynamo } from "../../core/local/emulators";
import { Db } from "../../core/store/db";
import { ApiClient } from "../support/api-client";

/**
 * The audit log through the real API handler on dynalite: every change an admin, a member or a
 * CRM's key makes is one entry naming who, what and on which ids, refusals included; probes and
 * reads are not entries; no password reaches an entry; admins page and filter it, members cannot.
 */
const ADMIN = { email: "admin@audit.test", password: "admin-password-123" };
const MEMBER = { email: "member@audit.test", password: "member-password-123" };
let stack: LocalStack;
let admin: ApiClient;
let member: ApiClient;
const ids = { admin: "", member: "", contact: "", key: "", apiKeyId: "" };

beforeAll(async () => {
  stack = await startLocalStack({ schedule: false, admin: ADMIN });
  admin = new ApiClient(stack.url);
  ids.admin = (await admin.signIn(ADMIN.email, ADMIN.password)).body.user.id;
  const created = await admin.post("/api/users", { email: MEMBER.email, name: "Member", password: MEMBER.password, role: "member" });
  expect(created.status, created.text).toBe(201);
  ids.member = created.body.id;
  member = new ApiClient(stack.url);
  await member.signIn(MEMBER.email, MEMBER.password);

  // the changes under audit
  expect((await admin.request("PUT", "/api/settings/excluded-domains", { domains: ["our-company.example"] })).status).toBe(200);
  const contact = await member.post("/api/contacts", { name: "山田 太郎", primaryEmail: "yamada@client.example" });
  expect(contact.status, contact.text).toBe(201);
  ids.contact = contact.body.id;
  expect((await member.post("/api/users", { email: "x@audit.test", name: "X", password: "x-password-123", role: "admin" })).status).toBe(403);
  const key = await admin.post("/api/api-keys", { name: "CRM", userId: ids.member, scopes: ["contacts:write"] });
  expect(key.status, key.text).toBe(201);
  ids.key = key.body.key;
  ids.apiKeyId = key.body.id;
  const upsert = await new ApiClient(stack.url).request(
    "PUT",
    "/api/contacts/by-external-id/crm-7",
    { name: "佐藤", primaryEmail: "sato@client.example" },
    { authorization: `Bearer ${ids.key}` },
  );
  expect(upsert.status, upsert.text).toBe(201);
  expect((await admin.del(`/api/contacts/${ids.contact}`)).status).toBe(204);
  // not entries: reads, probes, and requests refused as malformed (they changed nothing)
  await admin.get("/api/contacts");
  expect((await admin.post("/api/contacts", { name: "" })).status).toBe(400);
  await admin.post("/api/autodiscover", { email: "someone@client.example" });
}, 120_000);
afterAll(async () => stack?.stop());

describe("the audit log", () => {
  it("has one entry per change, naming who, what and on which ids, refusals of a right included, newest first", async () => {
    const reply = await admin.get("/api/audit");
    expect(reply.status, reply.text).toBe(200);
    const actions = (reply.body.items as any[]).map((e) => `${e.actorEmail} ${e.action} ${e.status}`);
    expect(actions).toEqual([
      `${ADMIN.email} DELETE /api/contacts/{id} 204`,
      `${MEMBER.email} PUT /api/contacts/by-external-id/{externalId} 201`,
      `${ADMIN.email} POST /api/api-keys 201`,
      `${MEMBER.email} POST /api/users 403`,
      `${MEMBER.email} POST /api/contacts 201`,
      `${ADMIN.email} PUT /api/settings/excluded-domains 200`,
      `${ADMIN.email} POST /api/users 201`,
    ]);
    const [deleted, viaKey, , refused] = reply.body.items as any[];
    expect(deleted).toMatchObject({ target: { id: ids.contact }, area: "contacts", ok: true, apiKeyId: null });
    expect(viaKey).toMatchObject({ apiKeyId: ids.apiKeyId, target: { externalId: "crm-7" }, changes: { name: "佐藤", primaryEmail: "sato@client.example" } });
    expect(refused).toMatchObject({ ok: false, changes: { role: "admin", password: "[redacted]" } });
  });

  it("never keeps a password or a key", async () => {
    const db = new Db(stack.tables, localDynamo(stack.dynamoEndpoint));
    const month = new Date().toISOString().slice(0, 7);
    const items = await db.queryAll("main", { KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": `AUDIT#${month}` } });
    expect(items.length).toBe(7);
    const raw = JSON.stringify(items);
    for (const secret of [MEMBER.password, "x-password-123", ids.key]) expect(raw).not.toContain(secret);
  });

  it("filters by area and user, and pages to the end without repeating an entry", async () => {
    const contacts = await admin.get("/api/audit?area=contacts");
    expect((contacts.body.items as any[]).map((e) => e.action)).toEqual(["DELETE /api/contacts/{id}", "PUT /api/contacts/by-external-id/{externalId}", "POST /api/contacts"]);
    const byMember = await admin.get(`/api/audit?actorId=${ids.member}`);
    expect((byMember.body.items as any[]).every((e) => e.actorId === ids.member)).toBe(true);
    expect(byMember.body.items).toHaveLength(3);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await admin.get(`/api/audit?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      expect(page.status, page.text).toBe(200);
      seen.push(...page.body.items.map((e: any) => `${e.at} ${e.action}`));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
  });

  it("is for admins only, and refuses a bad filter with 400 naming the field", async () => {
    expect((await member.get("/api/audit")).status).toBe(403);
    const bad = await admin.get("/api/audit?from=yesterday");
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields[0].field).toBe("from");
    const forged = await admin.get("/api/audit?cursor=nope");
    expect(forged.status).toBe(400);
    expect(forged.body.error.fields[0].field).toBe("cursor");
  });
});
