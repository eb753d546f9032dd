import { z } from "zod";
import * as contacts from "../../contacts/index";
import { contactHistory, messagePage } from "../../messages/index";
import { listOf, type Route } from "../types";

const contactQuery = z.object({ q: z.string().max(200).optional() });
const historyQuery = z.object({
  cursor: z.string().max(2000).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  owner: z.string().max(64).optional(),
});

export const contactRoutes: Route[] = [
  {
    method: "GET", path: "/api/contacts", auth: "user", tag: "contacts", summary: "List or search contacts",
    query: contactQuery, response: listOf(contacts.contactOutput),
    handle: async (ctx) => ({ body: { items: await contacts.listContacts(ctx.deps.db, ctx.query.q) } }),
  },
  {
    method: "POST", path: "/api/contacts", auth: "user", tag: "contacts", summary: "Add a contact", status: 201,
    body: contacts.contactInput, response: contacts.contactOutput,
    handle: async (ctx) => ({ status: 201, body: await contacts.createContact(ctx.deps.db, ctx.body) }),
  },
  {
    method: "GET", path: "/api/contacts/{id}", auth: "user", tag: "contacts", summary: "One contact",
    response: contacts.contactOutput,
    handle: async (ctx) => ({ body: await contacts.getContact(ctx.deps.db, ctx.params.id!) }),
  },
  {
    method: "PATCH", path: "/api/contacts/{id}", auth: "user", tag: "contacts", summary: "Change a contact",
    body: contacts.contactPatch, response: contacts.contactOutput,
    handle: async (ctx) => ({ body: await contacts.updateContact(ctx.deps.db, ctx.params.id!, ctx.body) }),
  },
  {
    method: "DELETE", path: "/api/contacts/{id}", auth: "user", tag: "contacts", summary: "Delete a contact", status: 204,
    async handle(ctx) {
      await contacts.deleteContact(ctx.deps.db, ctx.params.id!);
      return { status: 204 };
    },
  },
  {
    method: "GET", path: "/api/contacts/{id}/messages", auth: "user", tag: "contacts", summary: "A contact's email history, newest first",
    query: historyQuery, response: messagePage,
    async handle(ctx) {
      const contact = await contacts.getContact(ctx.deps.db, ctx.params.id!);
      return { body: await contactHistory(ctx.deps.db, contact, { cursor: ctx.query.cursor, limit: ctx.query.limit, ownerId: ctx.query.owner }) };
    },
  },
];
