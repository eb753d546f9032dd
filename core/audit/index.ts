/**
 * The audit log: who changed what through the API, for admins to read (issue: users, roles,
 * mailboxes, sharing, settings, keys). One entry per non-GET request a signed-in user or an
 * API key made (or was refused the right to make), written by the API's one request handler after the answer (core/api/handle.ts),
 * so no route can forget it and no route repeats it. Probes that change nothing (the connection
 * test, autodiscovery, an import preview) are left out.
 *
 * An entry names the route pattern and its area (the OpenAPI tag), the target ids from the
 * path, the outcome, and what was sent: top-level fields only, secrets replaced (the log's
 * redaction: password, token, secret...), long text cut, lists given by their length. A bulk
 * upsert of 10,000 contacts is one entry saying "items: 10000 items", not the contacts.
 *
 * Keys: AUDIT#<yyyy-mm> / <at>#<requestId> (core/store/keys.ts), kept AUDIT_DAYS; a reader
 * walks months newest first.
 */
import { z } from "zod";
import type { Db, Item } from "../store/db";
import { keys } from "../store/keys";
import { redact } from "../shared/log";
import { decodePageCursor, encodePageCursor } from "../shared/page-cursor";

/** How long an entry is kept: a little over a year, for a yearly review. */
export const AUDIT_DAYS = 400;
/** Routes that send a body but change nothing: not audited. */
const NOT_AUDITED = new Set([
  "POST /api/autodiscover",
  "POST /api/accounts/test",
  "POST /api/accounts/{id}/test",
  "POST /api/contacts/import/preview",
  "POST /api/session",
  "DELETE /api/session",
]);
const MAX_TEXT = 120;
const MAX_FIELDS = 30;

export interface AuditInput {
  at: string;
  requestId: string;
  actor: { userId: string; email: string; apiKeyId?: string };
  method: string;
  route: string;
  area: string;
  params: Record<string, string>;
  body: unknown;
  status: number;
}

export const auditEntryOutput = z.object({
  at: z.string(),
  actorId: z.string(),
  actorEmail: z.string(),
  apiKeyId: z.string().nullable(),
  action: z.string().describe("METHOD and route pattern, e.g. PATCH /api/users/{id}"),
  area: z.string(),
  target: z.record(z.string(), z.string()).describe("The ids in the path"),
  changes: z.record(z.string(), z.string()).describe("What was sent: top-level fields, secrets replaced"),
  status: z.number(),
  ok: z.boolean(),
});
export type AuditEntry = z.infer<typeof auditEntryOutput>;

export const auditQuery = z.object({
  area: z.string().trim().max(40).optional(),
  actorId: z.string().trim().max(64).optional(),
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type AuditQuery = z.infer<typeof auditQuery>;

/**
 * Changes, and changes refused for want of a right (401, 403): a request refused as malformed
 * (400, 404, 409...) changed nothing and says nothing about who may do what, so it is not kept
 * (a fuzzer or a broken client would otherwise fill the log).
 */
export const isAudited = (method: string, route: string, status: number): boolean =>
  method !== "GET" && !NOT_AUDITED.has(`${method} ${route}`) && (status < 400 || status === 401 || status === 403);

/** One entry: written after the answer; a failure to write is the caller's to log. */
export async function recordAudit(db: Db, input: AuditInput): Promise<void> {
  await db.put("main", {
    ...keys.auditEntry(input.at, input.requestId),
    at: input.at,
    actorId: input.actor.userId,
    actorEmail: input.actor.email,
    apiKeyId: input.actor.apiKeyId ?? null,
    action: `${input.method} ${input.route}`,
    area: input.area,
    target: input.params,
    changes: summarise(input.body),
    status: input.status,
    expiresAt: Math.floor(Date.parse(input.at) / 1000) + AUDIT_DAYS * 86_400,
  });
}

/** What a body said, as short text per top-level field, with secrets replaced. */
export function summarise(body: unknown): Record<string, string> {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return body === undefined ? {} : { body: text(body) };
  const safe = redact(body) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(safe).slice(0, MAX_FIELDS)) out[k] = text(v);
  return out;
}

function text(value: unknown): string {
  if (Array.isArray(value)) return value.length > 5 || value.some((v) => typeof v === "object" && v !== null) ? `${value.length} items` : cut(value.map(String).join(", "));
  if (value !== null && typeof value === "object") return cut(JSON.stringify(value));
  return cut(String(value));
}
const cut = (s: string) => (s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT)}…` : s);

const isPosition = (p: unknown): p is { month: string; sk: string } => {
  const q = p as { month?: unknown; sk?: unknown } | null;
  return typeof q?.month === "string" && /^\d{4}-\d\d$/.test(q.month) && typeof q.sk === "string";
};

/**
 * Entries newest first, filtered by area and actor, between `from` and `to` (default: the
 * last AUDIT_DAYS). Walks month partitions backwards until a page is full.
 */
export async function listAudit(db: Db, query: AuditQuery, now = new Date()): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
  const to = query.to ?? now.toISOString();
  const from = query.from ?? new Date(now.getTime() - AUDIT_DAYS * 86_400_000).toISOString();
  let position = query.cursor ? decodePageCursor(query.cursor, isPosition) : { month: to.slice(0, 7), sk: `${to}~` };
  const items: AuditEntry[] = [];
  while (position.month >= from.slice(0, 7)) {
    const page = await db.query("main", {
      KeyConditionExpression: "pk = :p AND sk BETWEEN :lo AND :hi",
      ExpressionAttributeValues: { ":p": keys.auditMonth(position.month), ":lo": from, ":hi": position.sk },
      ScanIndexForward: false,
      Limit: 200,
    });
    for (const entry of page.items) {
      position = { month: position.month, sk: lowerThan(entry.sk as string) };
      if (query.area && entry.area !== query.area) continue;
      if (query.actorId && entry.actorId !== query.actorId) continue;
      items.push(view(entry));
      if (items.length >= query.limit) return { items, nextCursor: encodePageCursor(position) };
    }
    if (page.lastKey) continue; // more of this month
    position = { month: previousMonth(position.month), sk: "~" };
  }
  return { items, nextCursor: null };
}

/** A bound just below `sk` and above every earlier entry's key: its last character stepped down, then "~" (above every id character). */
const lowerThan = (sk: string) => sk.slice(0, -1) + String.fromCharCode(sk.charCodeAt(sk.length - 1) - 1) + "~";

function previousMonth(month: string): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, "0")}`;
}

const view = (e: Item): AuditEntry => ({
  at: e.at,
  actorId: e.actorId,
  actorEmail: e.actorEmail,
  apiKeyId: e.apiKeyId ?? null,
  action: e.action,
  area: e.area,
  target: e.target ?? {},
  changes: e.changes ?? {},
  status: e.status,
  ok: e.status < 400,
});
