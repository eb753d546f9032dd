import { z } from "zod";
import * as contacts from "../../contacts/index";
import { bulkUpsert } from "../../contacts/index";
import { planImport, previewImport, rejectedRowsCsv, runImport, templateCsv } from "../../contacts/index";
import { contactHistory, messagePage } from "../../messages/index";
import { backfillStatus, queueBackfillJobs } from "../../sync/index";
import { trackRun } from "../../monitoring/index";
import { fieldError, type FieldProblem } from "../../shared/errors";
import { nowIso } from "../../shared/ids";
import { translate, type Lang } from "../../shared/i18n";
import type { Route, RouteContext } from "../types";

/** Row-level problems as the API answers them everywhere: code and text in the user's language. */
const answer = (problems: FieldProblem[], lang: Lang) => problems.map((p) => ({ field: p.field, code: p.key, message: translate(p.key, lang, p.params) }));

/**
 * The CSV file of an import request. The console may send a FileReader data: URL as is.
 * The JSON body is limited by core/api/handle.ts (MAX_BODY, 256 KB today, so about 190 KB of
 * CSV); the import itself accepts CSV_MAX_BYTES (5 MB) once that limit is raised.
 */
function csvBytes(contentBase64: string): Uint8Array {
  const b64 = contentBase64.replace(/^data:[^,]*;base64,/, "").replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 === 1) throw fieldError("contentBase64", "invalid_base64");
  const bytes = Buffer.from(b64, "base64");
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}
/**
 * Runs a contact write; when it gave a contact a new address, every mailbox gets a sync job at
 * once (through the queue and the lease), so the address's past mail arrives within a minute
 * instead of at the next scheduled sync. The contacts are saved by then: a failure to queue is
 * logged and left to the schedule, which takes the same requests.
 */
export async function queuingPastMail<T>(ctx: RouteContext, write: () => Promise<T>): Promise<T> {
  const since = nowIso();
  const result = await write();
  if (ctx.deps.syncOnContactChange === false) return result;
  try {
    if (await contacts.backfillRequestedSince(ctx.deps.db, since)) await queueBackfillJobs(ctx.deps.db, ctx.deps.queue);
  } catch (err) {
    ctx.deps.log.warn("backfill.queue_failed", { cause: err });
  }
  return result;
}

const pastMailOutput = z.object({
  pending: z.boolean(),
  requestedAt: z.string().nullable(),
  expectedAt: z.string().nullable(),
});

const historyQuery = z.object({
  cursor: z.string().max(2000).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  owner: z.string().max(64).optional(),
});

export const contactRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/contacts",
    auth: "user",
    tag: "contacts",
    scope: "contacts:read",
    summary:
      "List contacts in name order, or with order=kana in 50音 order of the reading (フリガナ, else the name) (a page of up to 500, then nextCursor), or search: q is an exact address (primary or secondary), or the start of a name, reading (hiragana or katakana) or company",
    query: contacts.contactSearchQuery,
    response: contacts.contactPageOutput,
    handle: async (ctx) => ({ body: await contacts.searchContacts(ctx.deps.db, ctx.query) }),
  },
  {
    method: "POST",
    path: "/api/contacts/bulk",
    auth: "user",
    tag: "contacts",
    scope: "contacts:write",
    summary: "Create or update up to 500 contacts by external id; each row is the contact's full state and is answered on its own (created, updated, unchanged or error)",
    body: contacts.bulkRequest,
    response: contacts.bulkResponse,
    async handle(ctx) {
      const result = await queuingPastMail(ctx, () => bulkUpsert(ctx.deps.db, ctx.body.contacts));
      return { body: { counts: result.counts, results: result.results.map((r) => ({ ...r, errors: answer(r.errors, ctx.lang) })) } };
    },
  },
  {
    method: "POST",
    path: "/api/contacts/import/preview",
    auth: "user",
    tag: "contacts",
    summary:
      "Check a CSV file of contacts (UTF-8 or Shift_JIS) without importing: column mapping, every row's problems, and whether it would create, update or leave unchanged a contact",
    body: contacts.importRequest,
    response: contacts.importPreviewResponse,
    async handle(ctx) {
      const preview = previewImport(csvBytes(ctx.body.contentBase64));
      const plan = await planImport(ctx.deps.db, preview);
      return {
        body: {
          filename: ctx.body.filename ?? null,
          encoding: preview.encoding,
          columns: preview.columns,
          counts: preview.counts,
          plan: plan.counts,
          rows: preview.rows.map((r, i) => ({ line: r.line, values: r.values, errors: answer(r.errors, ctx.lang), action: plan.actions[i] ?? null })),
        },
      };
    },
  },
  {
    method: "GET",
    path: "/api/contacts/import/template",
    auth: "user",
    tag: "contacts",
    summary: "A CSV template for the import in the user's language: the header line and one example contact (UTF-8 with BOM, for Excel)",
    response: contacts.importTemplateResponse,
    handle: async (ctx) => ({ body: { filename: ctx.lang === "ja" ? "contacts-template-ja.csv" : "contacts-template.csv", csv: templateCsv(ctx.lang) } }),
  },
  {
    method: "POST",
    path: "/api/contacts/import",
    auth: "user",
    tag: "contacts",
    summary: "Import a CSV file of contacts: valid rows are created or updated (by external id, else primary address), invalid rows skipped with their problems",
    body: contacts.importRequest,
    response: contacts.importResponse,
    async handle(ctx) {
      const bytes = csvBytes(ctx.body.contentBase64);
      // a recorded run of the job monitor's "import" type: its start, end, counts and any failure
      const result = await trackRun({ db: ctx.deps.db, jobEnded: ctx.deps.jobEnded }, "import", ctx.body.filename || "CSV", async () => {
        const done = await queuingPastMail(ctx, () => runImport(ctx.deps.db, bytes));
        return { result: done, counts: { ...done.counts } };
      });
      return {
        body: {
          filename: ctx.body.filename ?? null,
          encoding: result.encoding,
          counts: result.counts,
          rows: result.rows.map((r) => ({ ...r, errors: answer(r.errors, ctx.lang) })),
          rejectedCsv: rejectedRowsCsv(result.preview, result.rows, ctx.lang),
        },
      };
    },
  },
  {
    method: "POST",
    path: "/api/contacts",
    auth: "user",
    tag: "contacts",
    scope: "contacts:write",
    summary: "Add a contact",
    status: 201,
    body: contacts.contactInput,
    response: contacts.contactOutput,
    handle: async (ctx) => ({ status: 201, body: await queuingPastMail(ctx, () => contacts.createContact(ctx.deps.db, ctx.body)) }),
  },
  {
    method: "GET",
    path: "/api/contacts/{id}",
    auth: "user",
    tag: "contacts",
    scope: "contacts:read",
    summary: "One contact",
    response: contacts.contactOutput,
    handle: async (ctx) => ({ body: await contacts.getContact(ctx.deps.db, ctx.params.id!) }),
  },
  {
    method: "PATCH",
    path: "/api/contacts/{id}",
    auth: "user",
    tag: "contacts",
    scope: "contacts:write",
    summary: "Change a contact",
    body: contacts.contactPatch,
    response: contacts.contactOutput,
    handle: async (ctx) => ({ body: await queuingPastMail(ctx, () => contacts.updateContact(ctx.deps.db, ctx.params.id!, ctx.body)) }),
  },
  {
    method: "DELETE",
    path: "/api/contacts/{id}",
    auth: "user",
    tag: "contacts",
    scope: "contacts:write",
    summary: "Delete a contact",
    status: 204,
    async handle(ctx) {
      await contacts.deleteContact(ctx.deps.db, ctx.params.id!);
      return { status: 204 };
    },
  },
  {
    method: "GET",
    path: "/api/contacts/{id}/past-mail",
    auth: "user",
    tag: "contacts",
    scope: "contacts:read",
    summary:
      "Whether the contact's past mail is still being fetched from the mailboxes (after it gained an address), since when, and when the last mailbox's job is planned to start",
    response: pastMailOutput,
    async handle(ctx) {
      const contact = await contacts.getContact(ctx.deps.db, ctx.params.id!);
      return { body: await backfillStatus(ctx.deps.db, contact) };
    },
  },
  {
    method: "GET",
    path: "/api/contacts/{id}/messages",
    auth: "user",
    tag: "contacts",
    scope: "messages:read",
    summary: "A contact's email history, newest first",
    query: historyQuery,
    response: messagePage,
    async handle(ctx) {
      const contact = await contacts.getContact(ctx.deps.db, ctx.params.id!);
      return { body: await contactHistory(ctx.deps.db, contact, ctx.session.user, { cursor: ctx.query.cursor, limit: ctx.query.limit, ownerId: ctx.query.owner, lang: ctx.lang }) };
    },
  },
];
