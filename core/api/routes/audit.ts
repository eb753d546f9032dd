import { z } from "zod";
import { auditEntryOutput, auditQuery, listAudit } from "../../audit/index";
import type { Route } from "../types";

/** The audit log (core/audit): admins read who changed what, newest first. */
export const auditRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/audit",
    auth: "admin",
    tag: "audit",
    summary:
      "Who changed what through the API (users, roles, mailboxes, sharing, settings, keys...), newest first; filter by area (the OpenAPI tag), user and time; secrets are never recorded",
    query: auditQuery,
    response: z.object({ items: z.array(auditEntryOutput), nextCursor: z.string().nullable() }),
    handle: async (ctx) => ({ body: await listAudit(ctx.deps.db, ctx.query) }),
  },
];
