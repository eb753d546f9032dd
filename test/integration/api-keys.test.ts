import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalStack, type LocalStack } from "../../core/local/stack";
import { routes } from "../../core/api/index";
import { API_KEY_LIMIT, API_SCOPES } from "../../core/integrations/index";
import { localDynamo } from "../../core/local/emulators";
import { Db } from "../../core/store/db";
import { ApiClient, type Reply } from "../support/api-client";

// API keys against the real API handler behind the local gateway, on dynalite.
let stack: LocalStack;
let admin: ApiClient;
let member: { id: string };
const ADMIN = { email: "admin@keys.test", password: "admin-password-123" };

/** A request as a CRM makes it: the key in Authorization, no cookie, no CSRF token. */
async function withKey(key: string, method: string, path: string, body?: unknown): Promise<Reply> {
  return new ApiClient(stack.url).request(method, path, body, { authorization: `Bearer ${key}` });
}
async function createKey(input: Record<string, unknown>): Promise<Reply> {
  return admin.post("/api/api-keys", { name: "CRM", userId: member.id, ...input });
}

beforeAll(async () => {
  stack = await startLocalStack({ schedule: false, admin: ADMIN });
  admin = new ApiClient(stack.url);
  expect((await admin.signIn(ADMIN.email, ADMIN.password)).status).toBe(200);
  const created = await admin.post("/api/users", { email: "integration@keys.test", name: "CRM integration", password: "integration-password-1", role: "member" });
  expect(created.status).toBe(201);
  member = created.body;
});
afterAll(async () => stack?.stop());

describe("API keys", () => {
  it("lets a key with each scope reach exactly the routes of that scope, without a CSRF token, and no session-only route", async () => {
    const protectedRoutes = routes.filter((r) => r.auth !== "public");
    for (const scope of API_SCOPES) {
      const created = await createKey({ name: `only ${scope}`, scopes: [scope] });
      expect(created.status).toBe(201);
      for (const route of protectedRoutes) {
        const reply = await withKey(created.body.key, route.method, route.path.replace(/\{\w+\}/g, "x1"), route.method === "GET" ? undefined : {});
        const label = `${scope}: ${route.method} ${route.path} -> ${reply.status} ${reply.text.slice(0, 120)}`;
        if (route.scope === scope) {
          expect([401, 403], label).not.toContain(reply.status);
          expect(reply.status, label).toBeLessThan(500);
        } else {
          expect(reply.status, label).toBe(403);
          expect(reply.body.error.code, label).toBe("api_key_scope_missing");
        }
      }
    }
    // every scope opens at least one route, and the keys' own admin and the password never open to a key
    for (const scope of API_SCOPES) expect(routes.some((r) => r.scope === scope)).toBe(true);
    for (const path of ["/api/api-keys", "/api/users", "/api/session/password"]) expect(routes.filter((r) => r.path === path).every((r) => !r.scope)).toBe(true);
  });

  it("answers 401 to a revoked key, an expired key and a made-up one, in the caller's language", async () => {
    const created = await createKey({ scopes: ["contacts:read"] });
    expect((await withKey(created.body.key, "GET", "/api/contacts")).status).toBe(200);
    const revoked = await admin.del(`/api/api-keys/${created.body.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toEqual(expect.any(String));
    const afterRevoke = await withKey(created.body.key, "GET", "/api/contacts");
    expect(afterRevoke.status).toBe(401);
    expect(afterRevoke.body.error.code).toBe("api_key_invalid");

    const soon = await createKey({ scopes: ["contacts:read"], expiresAt: new Date(Date.now() + 1500).toISOString() });
    expect(soon.status).toBe(201);
    expect((await withKey(soon.body.key, "GET", "/api/contacts")).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1700));
    expect((await withKey(soon.body.key, "GET", "/api/contacts")).status).toBe(401);

    const forged = `${created.body.key.slice(0, -4)}AAAA`;
    expect((await withKey(forged, "GET", "/api/contacts")).status).toBe(401);
    const ja = await new ApiClient(stack.url, "ja").request("GET", "/api/contacts", undefined, { authorization: "Bearer cms_nothing_here" });
    expect(ja.status).toBe(401);
    expect(ja.body.error.message).toMatch(/APIキーは無効/);
  });

  it("shows the key once, stores and lists only its hash's owner data, and records its requests without bodies", async () => {
    const created = await createKey({ name: "HubSpot", scopes: ["contacts:write", "contacts:read"] });
    expect(created.body.key).toMatch(/^cms_[A-Za-z0-9]+_[A-Za-z0-9_-]{40,}$/);
    const secret = created.body.key.split("_").slice(2).join("_");
    const put = await withKey(created.body.key, "PUT", "/api/contacts/by-external-id/hs-1", { name: "Secret Name Sato", primaryEmail: "sato@customer.test" });
    expect(put.status).toBe(201);
    const list = await admin.get("/api/api-keys");
    expect(list.text).not.toContain(secret);
    expect(list.text).not.toContain("secretHash");
    const listed = list.body.items.find((k: { id: string }) => k.id === created.body.id);
    expect(listed).toMatchObject({ name: "HubSpot", userId: member.id, revokedAt: null, preview: created.body.key.slice(0, 10) });
    expect(listed.lastUsedAt).toEqual(expect.any(String));
    const requests = await admin.get(`/api/api-keys/${created.body.id}/requests`);
    expect(requests.body.items).toEqual([expect.objectContaining({ method: "PUT", route: "/api/contacts/by-external-id/{externalId}", status: 201 })]);
    expect(requests.text).not.toContain("Secret Name Sato");
  });

  it("counts each key's requests in the shared rate limiter: a key over its limit gets 429, another key is unaffected", async () => {
    const busy = await createKey({ scopes: ["contacts:read"] });
    const calm = await createKey({ scopes: ["contacts:read"] });
    // fill the busy key's current window as 600 requests would (the limiter's own counter item)
    const db = new Db(stack.tables, localDynamo(stack.dynamoEndpoint));
    const now = Math.floor(Date.now() / 1000);
    const window = now - (now % API_KEY_LIMIT.windowSeconds);
    // (the next window too, so a request that crosses the minute's boundary is refused all the same)
    for (const start of [window, window + API_KEY_LIMIT.windowSeconds]) {
      await db.put("main", { pk: `RATE#${API_KEY_LIMIT.bucket}#${busy.body.id}`, sk: String(start), count: API_KEY_LIMIT.limit, expiresAt: start + 120 });
    }
    const refused = await withKey(busy.body.key, "GET", "/api/contacts");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await withKey(calm.body.key, "GET", "/api/contacts")).status).toBe(200);
  });

  it("refuses bad key input with 400 naming the field", async () => {
    const bad = await admin.post("/api/api-keys", { name: "", scopes: ["everything"], userId: "nobody" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f: { field: string }) => f.field)).toEqual(expect.arrayContaining(["name", "scopes.0"]));
    const unknownUser = await createKey({ userId: "nobody", scopes: ["contacts:read"] });
    expect(unknownUser.status).toBe(400);
    expect(unknownUser.body.error.fields[0].field).toBe("userId");
    const past = await createKey({ scopes: ["contacts:read"], expiresAt: "2020-01-01T00:00:00Z" });
    expect(past.status).toBe(400);
    expect(past.body.error.fields[0].field).toBe("expiresAt");
  });

  it("sees mailboxes as its integration user would: a member's key does not see an admin's mailbox, and never a password", async () => {
    const saved = await admin.post("/api/accounts", {
      email: "boss@keys.test",
      imap: { host: "127.0.0.1", port: 993, security: "tls", user: "boss@keys.test" },
      password: "boss-pw-SECRET-1",
      saveDisabledOnFailure: true,
    });
    expect(saved.status).toBe(201);
    const asMember = await createKey({ scopes: ["mailboxes:read"] });
    const memberView = await withKey(asMember.body.key, "GET", "/api/accounts");
    expect(memberView.status).toBe(200);
    expect(memberView.body.items).toEqual([]);
    expect((await withKey(asMember.body.key, "GET", `/api/accounts/${saved.body.id}`)).status).toBe(404);
    const asAdmin = await createKey({ scopes: ["mailboxes:read"], userId: (await admin.get("/api/session")).body.user.id });
    const adminView = await withKey(asAdmin.body.key, "GET", "/api/accounts");
    expect(adminView.body.items.map((a: { id: string }) => a.id)).toContain(saved.body.id);
    expect(adminView.text).not.toContain("boss-pw-SECRET-1");
  });
});

describe("contacts by the CRM's own id and by address", () => {
  it("gets, upserts and deletes a contact by external id, and looks one up by a secondary address with a mail summary", async () => {
    const { body } = await createKey({ scopes: ["contacts:read", "contacts:write", "messages:read"] });
    const key = body.key as string;
    const created = await withKey(key, "PUT", "/api/contacts/by-external-id/crm-42", {
      name: "Tanaka",
      company: "ACME",
      primaryEmail: "tanaka@acme.test",
      secondaryEmails: ["t.tanaka@acme.test"],
    });
    expect(created.status).toBe(201);
    expect(created.body.status).toBe("created");
    const again = await withKey(key, "PUT", "/api/contacts/by-external-id/crm-42", {
      name: "Tanaka",
      company: "ACME",
      primaryEmail: "tanaka@acme.test",
      secondaryEmails: ["t.tanaka@acme.test"],
    });
    expect(again.status).toBe(200);
    expect(again.body.status).toBe("unchanged");
    const renamed = await withKey(key, "PUT", "/api/contacts/by-external-id/crm-42", { name: "Tanaka Taro", primaryEmail: "tanaka@acme.test" });
    expect(renamed.body).toMatchObject({ status: "updated", contact: { id: created.body.contact.id, name: "Tanaka Taro", company: null, secondaryEmails: [] } });

    const got = await withKey(key, "GET", "/api/contacts/by-external-id/crm-42");
    expect(got.body).toMatchObject({ id: created.body.contact.id, externalId: "crm-42" });
    const lookup = await withKey(key, "GET", "/api/contacts/lookup?email=TANAKA%40acme.test");
    expect(lookup.status).toBe(200);
    expect(lookup.body.items).toEqual([
      { contact: expect.objectContaining({ id: created.body.contact.id }), mail: { lastReceivedAt: null, lastSentAt: null, received: 0, sent: 0, copied: 0, complete: true } },
    ]);
    expect((await withKey(key, "GET", "/api/contacts/lookup?email=nobody%40acme.test")).body.items).toEqual([]);
    const badLookup = await withKey(key, "GET", "/api/contacts/lookup?email=not-an-address");
    expect(badLookup.status).toBe(400);
    expect(badLookup.body.error.fields[0].field).toBe("email");

    expect((await withKey(key, "DELETE", "/api/contacts/by-external-id/crm-42")).status).toBe(204);
    expect((await withKey(key, "GET", "/api/contacts/by-external-id/crm-42")).status).toBe(404);
    expect((await withKey(key, "DELETE", "/api/contacts/by-external-id/crm-42")).status).toBe(404);
  });
});
