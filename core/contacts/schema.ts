import { z } from "zod";
import { looksLikeEmail } from "./email-address";
import { isKanaReading, normaliseReading } from "./reading";

export const emailField = z
  .string()
  .trim()
  .min(1)
  .max(254)
  .refine(looksLikeEmail, { params: { key: "invalid_email" } });

/**
 * フリガナ of the name: kana and spaces (checked after NFKC, so half-width ｶﾀｶﾅ is fine);
 * empty or null clears it. Stored normalised (reading.ts).
 */
export const readingField = z
  .string()
  .max(200)
  .refine((v) => normaliseReading(v) === "" || isKanaReading(normaliseReading(v)), { params: { key: "reading_not_kana" } });

export const contactInput = z.strictObject({
  name: z.string().trim().min(1).max(200),
  reading: readingField.nullish(),
  company: z.string().trim().max(200).nullish(),
  primaryEmail: emailField,
  secondaryEmails: z.array(emailField).max(20).optional(),
  externalId: z.string().trim().min(1).max(200).nullish(),
});
export type ContactInput = z.infer<typeof contactInput>;

export const contactPatch = contactInput.partial();
export type ContactPatch = z.infer<typeof contactPatch>;

export const contactOutput = z.object({
  id: z.string(),
  name: z.string(),
  /** フリガナ (kana), or null. */
  reading: z.string().nullable(),
  company: z.string().nullable(),
  primaryEmail: z.string(),
  secondaryEmails: z.array(z.string()),
  externalId: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Contact = z.infer<typeof contactOutput>;

/** A field problem as the API answers it: the catalogue key and its text in the user's language. */
export const fieldProblemOutput = z.object({ field: z.string(), code: z.string(), message: z.string() });

/**
 * One row of a bulk upsert: the contact's FULL state in the CRM. A row without `company` or
 * `secondaryEmails` leaves the contact with none (unlike PATCH, which keeps what it omits).
 * `reading` (フリガナ) is the exception: a row without it keeps the stored one (typed in the
 * console; many CRMs hold none), and null or "" clears it.
 */
export const bulkRow = z.strictObject({
  externalId: z.string().trim().min(1).max(200),
  name: contactInput.shape.name,
  reading: contactInput.shape.reading,
  company: contactInput.shape.company,
  primaryEmail: emailField,
  secondaryEmails: contactInput.shape.secondaryEmails,
});
export type BulkRow = z.infer<typeof bulkRow>;

export const BULK_MAX_ROWS = 500;

/** The row's JSON schema, so the OpenAPI document shows rows that are checked one by one. */
const { $schema: _dialect, ...bulkRowJsonSchema } = z.toJSONSchema(bulkRow, { io: "input" });

/**
 * The body of POST /api/contacts/bulk. Rows are checked one by one (each answered in
 * `results`), so one bad row does not refuse the other 499.
 */
export const bulkRequest = z.strictObject({
  contacts: z
    .array(
      z.unknown().meta({
        ...bulkRowJsonSchema,
        description: "A contact's full state: { externalId, name, reading?, company?, primaryEmail, secondaryEmails? } (a row without reading keeps the stored one)",
      }),
    )
    .min(1)
    .max(BULK_MAX_ROWS),
});

export const rowStatus = z.enum(["created", "updated", "unchanged", "error"]);

export const bulkResponse = z.object({
  counts: z.object({ created: z.number(), updated: z.number(), unchanged: z.number(), error: z.number() }),
  results: z.array(
    z.object({
      /** Position of the row in the request, from 0. */
      index: z.number(),
      externalId: z.string().nullable(),
      status: rowStatus,
      id: z.string().nullable(),
      errors: z.array(fieldProblemOutput),
    }),
  ),
});

/** A CSV file as the console sends it: base64 (a data: URL prefix is accepted and dropped). */
export const importRequest = z.strictObject({
  filename: z.string().trim().max(255).optional(),
  contentBase64: z.string().min(1),
});

export const importField = z.enum(["name", "reading", "company", "primaryEmail", "secondaryEmails", "externalId"]);

const importColumns = z.array(z.object({ index: z.number(), header: z.string(), field: importField.nullable() }));
const importValues = z.object({
  externalId: z.string().nullable(),
  name: z.string(),
  reading: z.string().nullable(),
  company: z.string().nullable(),
  primaryEmail: z.string(),
  secondaryEmails: z.array(z.string()),
});

export const importPreviewResponse = z.object({
  filename: z.string().nullable(),
  encoding: z.enum(["utf-8", "shift_jis"]),
  columns: importColumns,
  counts: z.object({ rows: z.number(), valid: z.number(), invalid: z.number() }),
  /** What importing would do to the contacts (read now: a change before the import can alter it). */
  plan: z.object({ create: z.number(), update: z.number(), unchanged: z.number() }),
  rows: z.array(
    z.object({
      line: z.number(),
      values: importValues,
      errors: z.array(fieldProblemOutput),
      /** create, update or unchanged; null for a row with problems, which is skipped. */
      action: z.enum(["create", "update", "unchanged"]).nullable(),
    }),
  ),
});

export const importResponse = z.object({
  filename: z.string().nullable(),
  encoding: z.enum(["utf-8", "shift_jis"]),
  counts: z.object({ rows: z.number(), created: z.number(), updated: z.number(), unchanged: z.number(), skipped: z.number(), error: z.number() }),
  rows: z.array(
    z.object({
      line: z.number(),
      status: z.enum(["created", "updated", "unchanged", "skipped", "error"]),
      id: z.string().nullable(),
      errors: z.array(fieldProblemOutput),
    }),
  ),

  /**
   * The rows not imported (skipped or refused), as a CSV to fix and import again: the file's own
   * header and cells, plus a reason column in the user's language. UTF-8 with BOM. Null when
   * every row was imported.
   */
  rejectedCsv: z.string().nullable(),
});

export const contactSearchQuery = z.object({
  q: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  cursor: z.string().max(2000).optional(),
  /** name (default): by name; kana: 50音 order of the reading, else the name (the Japanese console). */
  order: z.enum(["name", "kana"]).optional(),
});

export const contactPageOutput = z.object({ items: z.array(contactOutput), nextCursor: z.string().nullable() });

export const importTemplateResponse = z.object({ filename: z.string(), csv: z.string() });
