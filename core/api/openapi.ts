import { z } from "zod";
import { routes } from "./routes/index";
import { API_KEY_LIMIT, API_SCOPES } from "../integrations/index";

const errorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.array(z.object({ field: z.string(), code: z.string(), message: z.string() })).optional(),
    /** A refused mailbox save: the connection test's steps, as POST /api/accounts/test answers them. */
    steps: z.array(z.record(z.string(), z.unknown())).optional(),
  }),
});

const schema = (s: z.ZodType, io: "input" | "output") => z.toJSONSchema(s, { target: "draft-2020-12", io, unrepresentable: "any" });

/**
 * The OpenAPI 3.1 document, generated from the same zod schemas that validate requests, so
 * it cannot drift from what the API accepts.
 */
export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const params = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
    const query = r.query
      ? Object.entries((schema(r.query, "input") as { properties?: Record<string, unknown> }).properties ?? {}).map(([name, s]) => ({
          name,
          in: "query",
          required: false,
          schema: s,
        }))
      : [];
    const status = String(r.status ?? 200);
    const op: Record<string, unknown> = {
      summary: r.summary,
      tags: [r.tag],
      operationId: `${r.method.toLowerCase()}${r.path
        .replace(/\/api/, "")
        .replace(/[{}]/g, "")
        .replace(/\/(\w)/g, (_, c: string) => c.toUpperCase())}`,
      parameters: [
        ...params,
        ...query,
        { name: "Accept-Language", in: "header", required: false, schema: { type: "string" }, description: "en or ja: the language of error messages" },
      ],
      security: r.auth === "public" ? [] : r.scope ? [{ session: [] }, { apiKey: [r.scope] }] : [{ session: [] }],
      ...(r.scope ? { "x-api-key-scope": r.scope } : {}),
      responses: {
        [status]: r.response ? { description: "OK", content: { "application/json": { schema: schema(r.response, "output") } } } : { description: "No content" },
        "400": { description: "Invalid input: error.fields names each field and the reason", content: { "application/json": { schema: schema(errorBody, "output") } } },
        ...(r.auth === "public"
          ? {}
          : {
              "401": { description: "Not signed in, or an API key unknown, revoked or expired" },
              "403": { description: "Missing CSRF token, not permitted, or an API key without this route's scope" },
            }),
        ...(r.body ? { "415": { description: "The body is not sent as application/json" } } : {}),
        ...(r.rateLimit || r.scope || r.path === "/api/session" ? { "429": { description: "Too many attempts: wait the seconds in Retry-After" } } : {}),
      },
    };
    if (r.body) op.requestBody = { required: true, content: { "application/json": { schema: schema(r.body, "input") } } };
    (paths[r.path] ??= {})[r.method.toLowerCase()] = op;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "CRM Mail Sync API",
      version: "0.1.0",
      description:
        "Sign in with POST /api/session; send the returned csrfToken as the x-csrf-token header on every other non-GET request. " +
        "Or call with an API key an admin created (Authorization: Bearer cms_...): no CSRF token; each route names the one scope a key needs (security apiKey, x-api-key-scope); routes without one are for console sessions only. " +
        'Webhooks (/api/webhooks) POST events signed in X-Webhook-Signature: t=<unix seconds>,v1=hex HMAC-SHA256(secret, "<t>.<raw body>"); X-Webhook-Id is the event id to deduplicate on.',
    },
    servers: [{ url: "/" }],
    components: {
      securitySchemes: {
        session: { type: "apiKey", in: "cookie", name: "sid", description: "Named __Host-sid over https" },
        apiKey: {
          type: "http",
          scheme: "bearer",
          description: `An API key (cms_<id>_<secret>) acting as its integration user under the sharing rules; rate limited per key (${API_KEY_LIMIT.limit} requests a minute). Scopes: ${API_SCOPES.join(", ")}.`,
        },
      },
    },
    paths,
  };
}
