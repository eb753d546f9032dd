import { z } from "zod";
import * as contacts from "../../contacts/index";
import * as integrations from "../../integrations/index";
import { contactChanges, messageSummary } from "../../messages/index";
import { AppError } from "../../shared/errors";
import type { Route } from "../types";
import { queuingPastMail } from "./contacts";

/** A CRM's own contact state under its own id: the bulk row without the id (it is in the path). */
const externalUpsert = contacts.bulkRow.omit({ externalId: true });

const lookupQuery = z.object({ email: contacts.emailField });
const changesQuery = z.object({ since: z.string().max(2000).optional() });
const changesOutput = z.object({
  items: z.array(messageSummary),
  removed: z.array(z.string()).describe("Ids of messages that left the history (every copy deleted: a mailbox disconnected, an excluded domain): remove them"),
  cursor: z.string().describe("Pass as since next time (opaque)"),
  more: z.boolean().describe("More changes wait: call again at once with the cursor"),
});

/**
 * What a CRM calls (by its own ids, and by address for a sidebar), and the admin's keys.
 * These routes come before contacts.ts's in routes/index.ts: "/api/contacts/{id}" would
 * otherwise take "/api/contacts/lookup".
 */
export const integrationRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/api-keys",
    auth: "admin",
    tag: "api-keys",
    summary: "The API keys (never the keys themselves), newest first",
    response: z.object({ items: z.array(integrations.apiKeyOutput) }),
    handle: async (ctx) => ({ body: { items: await integrations.listApiKeys(ctx.deps.db) } }),
  },
  {
    method: "POST",
    path: "/api/api-keys",
    auth: "admin",
    tag: "api-keys",
    status: 201,
    summary: "Create an API key acting as an integration user, with scopes and an optional expiry; the answer holds the key, shown this once (only its hash is kept)",
    body: integrations.apiKeyInput,
    response: integrations.createdApiKeyOutput,
    async handle(ctx) {
      const created = await integrations.createApiKey(ctx.deps.db, ctx.session.user, ctx.body);
      ctx.deps.log.info("api_key.created", { keyId: created.id, scopes: created.scopes, userId: created.userId });
      return { status: 201, body: created };
    },
  },
  {
    method: "DELETE",
    path: "/api/api-keys/{id}",
    auth: "admin",
    tag: "api-keys",
    summary: "Revoke an API key: it answers 401 from now on (the console still lists it, revoked)",
    response: integrations.apiKeyOutput,
    async handle(ctx) {
      const revoked = await integrations.revokeApiKey(ctx.deps.db, ctx.params.id!);
      ctx.deps.log.info("api_key.revoked", { keyId: revoked.id });
      return { body: revoked };
    },
  },
  {
    method: "GET",
    path: "/api/api-keys/{id}/requests",
    auth: "admin",
    tag: "api-keys",
    summary: "An API key's last 100 requests: when, which route, which status (never a body)",
    response: z.object({ items: z.array(integrations.apiKeyRequestOutput) }),
    handle: async (ctx) => ({ body: { items: await integrations.apiKeyRequests(ctx.deps.db, ctx.params.id!) } }),
  },
  {
    method: "GET",
    path: "/api/contacts/lookup",
    auth: "user",
    tag: "contacts",
    scope: "messages:read",
    summary: "A CRM sidebar: the contacts an address (primary or secondary) belongs to, each with a summary of its mail as the caller may see it (last mail in and out, counts)",
    query: lookupQuery,
    response: z.object({ items: z.array(z.object({ contact: contacts.contactOutput, mail: integrations.mailSummaryOutput })) }),
    async handle(ctx) {
      const found = await integrations.contactsByEmail(ctx.deps.db, ctx.query.email);
      const items = await Promise.all(found.map(async (contact) => ({ contact, mail: await integrations.mailSummary(ctx.deps.db, contact, ctx.session.user) })));
      return { body: { items } };
    },
  },
  {
    method: "GET",
    path: "/api/contacts/{id}/changes",
    auth: "user",
    tag: "contacts",
    scope: "messages:read",
    summary:
      "A CRM's cheap poll: the contact's messages stored since the cursor (as the caller may see them), and the cursor to pass as since next time; without since, no messages and a cursor for now; 410 when the cursor is older than the 30 days changes are kept (resync the history). Messages that left the history are listed by id in removed",
    query: changesQuery,
    response: changesOutput,
    async handle(ctx) {
      const contact = await contacts.getContact(ctx.deps.db, ctx.params.id!);
      return { body: await contactChanges(ctx.deps.db, contact, ctx.session.user, ctx.query.since) };
    },
  },
  {
    method: "GET",
    path: "/api/contacts/by-external-id/{externalId}",
    auth: "user",
    tag: "contacts",
    scope: "contacts:read",
    summary: "The contact holding the CRM's own id",
    response: contacts.contactOutput,
    handle: async (ctx) => ({ body: await integrations.contactByExternalId(ctx.deps.db, ctx.params.externalId!) }),
  },
  {
    method: "PUT",
    path: "/api/contacts/by-external-id/{externalId}",
    auth: "user",
    tag: "contacts",
    scope: "contacts:write",
    summary: "Create or update the contact holding the CRM's own id with its full state (as one row of the bulk upsert): 201 created, 200 updated or unchanged",
    body: externalUpsert,
    response: z.object({ status: z.enum(["created", "updated", "unchanged"]), contact: contacts.contactOutput }),
    async handle(ctx) {
      const externalId = ctx.params.externalId!;
      if (externalId.length > 200) throw new AppError("validation", "validation_failed", { fields: [{ field: "externalId", key: "too_long", params: { maximum: 200 } }] });
      const result = await queuingPastMail(ctx, () =>
        contacts.upsertByExternalId(ctx.deps.db, { ...ctx.body, company: ctx.body.company ?? null, secondaryEmails: ctx.body.secondaryEmails ?? [], externalId }),
      );
      return { status: result.status === "created" ? 201 : 200, body: result };
    },
  },
  {
    method: "DELETE",
    path: "/api/contacts/by-external-id/{externalId}",
    auth: "user",
    tag: "contacts",
    scope: "contacts:write",
    status: 204,
    summary: "Delete the contact holding the CRM's own id",
    async handle(ctx) {
      const contact = await integrations.contactByExternalId(ctx.deps.db, ctx.params.externalId!);
      await contacts.deleteContact(ctx.deps.db, contact.id);
      return { status: 204 };
    },
  },
];
