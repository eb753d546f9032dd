import { CsvError, parse } from "csv-parse/sync";
import type { Db } from "../store/db";
import { AppError, type FieldProblem } from "../shared/errors";
import { toFieldProblems } from "../shared/validation";
import type { MessageKey } from "../shared/i18n";
import { rowErrors } from "./bulk";
import { mapPool } from "../shared/pool";
import { addressProblems, predictUpsert, readExternal, upsertContact, type ContactState, type UpsertStatus } from "./index";
import { normaliseEmail } from "./email-address";
import { contactInput } from "./schema";
import { mapHeaders, type ImportColumn, type ImportField } from "./csv-headers";
export { mapHeaders, type ImportColumn, type ImportField } from "./csv-headers";

/**
 * CSV import of contacts, as Japanese users export them from Excel: UTF-8 (with or without
 * BOM) or Shift_JIS (Windows-31J, Excel's "CSV (comma delimited)" on Japanese Windows).
 * previewImport checks every row without writing; runImport writes the valid rows.
 */

/** Largest file accepted. The API's JSON body limit (core/api/handle.ts) is lower today. */
export const CSV_MAX_BYTES = 5 * 1024 * 1024;
/** Most data rows (not counting the header line) in one file. */
export const CSV_MAX_ROWS = 10_000;

export type CsvEncoding = "utf-8" | "shift_jis";

const fileError = (code: MessageKey, params?: Record<string, string | number>) => new AppError("validation", code, { params });

// ---------------------------------------------------------------------------------------------
// Decoding

/**
 * Bytes -> text. A UTF-8 BOM means UTF-8; bytes that are valid UTF-8 are UTF-8 (plain ASCII
 * included); anything else is decoded as Shift_JIS. Node's TextDecoder("shift_jis") is the
 * WHATWG Shift_JIS decoder, which is Windows-31J: it includes the NEC and IBM extensions
 * (①, Ⅰ, 髙, 﨑) that Excel writes and plain JIS X 0208 lacks. It needs Node's full ICU (the
 * default build, and AWS Lambda's).
 */
export function decodeCsv(bytes: Uint8Array): { text: string; encoding: CsvEncoding } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: decodeStrict("utf-8", bytes.subarray(3)) ?? fail("csv_encoding_unknown"), encoding: "utf-8" };
  }
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) fail("csv_utf16_unsupported");
  // An .xlsx is a ZIP archive: "PK\x03\x04".
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) fail("csv_is_workbook");
  const utf8 = decodeStrict("utf-8", bytes);
  if (utf8 !== undefined) return { text: utf8, encoding: "utf-8" };
  const sjis = decodeStrict("shift_jis", bytes);
  if (sjis !== undefined) return { text: sjis, encoding: "shift_jis" };
  return fail("csv_encoding_unknown");
}

function decodeStrict(encoding: "utf-8" | "shift_jis", bytes: Uint8Array): string | undefined {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(encoding, { fatal: true, ignoreBOM: true });
  } catch {
    return undefined; // a Node built without full ICU has no Shift_JIS
  }
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

function fail(code: MessageKey, params?: Record<string, string | number>): never {
  throw fileError(code, params);
}

// ---------------------------------------------------------------------------------------------
// RFC 4180 parsing

export interface CsvRecord {
  /** The physical line (from 1) where the record starts. */
  line: number;
  fields: string[];
}

export interface ParseOptions {
  /** Default ",". */
  delimiter?: string;
  /** Stop with csv_too_many_rows beyond this many records (header included). Default unlimited. */
  maxRecords?: number;
}

/**
 * RFC 4180, read by csv-parse: fields separated by the delimiter, records by CRLF, LF or a lone
 * CR (mixed in one file too); a field in double quotes may hold delimiters, line breaks and ""
 * for one quote. Lenient where Excel and hand-edited files are: a quote inside an unquoted
 * field, or text after a closing quote, is kept as written. Blank records (an empty line, or
 * only empty fields as Excel pads them: ",,,") are dropped, so a trailing empty line is no
 * record. An unclosed quote is an error naming the line where its record began.
 */
export function parseCsv(text: string, options: ParseOptions = {}): CsvRecord[] {
  const records: CsvRecord[] = [];
  // csv-parse counts a CRLF inside quotes as two lines, so lines are counted here from each
  // record's raw text, which starts with the line breaks of the empty lines it skipped.
  let line = 1; // where the text after the last record begins
  const startOf = (raw: string) => line + lineBreaks(/^[\r\n]*/.exec(raw)![0]);
  try {
    parse(text, {
      delimiter: options.delimiter ?? ",",
      record_delimiter: ["\r\n", "\n", "\r"],
      bom: true,
      relax_quotes: true,
      relax_column_count: true,
      skip_empty_lines: true,
      raw: true,
      // with `raw`, each record comes as { record, raw }
      on_record: (entry) => {
        const { record: fields, raw } = entry as unknown as { record: string[]; raw: string };
        const start = startOf(raw);
        line += lineBreaks(raw);
        if (fields.some((f) => f.trim() !== "")) {
          if (options.maxRecords !== undefined && records.length >= options.maxRecords) fail("csv_too_many_rows", { maximum: CSV_MAX_ROWS });
          records.push({ line: start, fields });
        }
        return null; // kept here, not also by the parser
      },
    });
  } catch (err) {
    if (err instanceof CsvError && err.code === "CSV_QUOTE_NOT_CLOSED") fail("csv_unterminated_quote", { line: startOf(String((err as { raw?: unknown }).raw ?? "")) });
    throw err;
  }
  return records;
}

const lineBreaks = (text: string) => text.match(/\r\n|\r|\n/g)?.length ?? 0;

/** Comma, unless the header line has tabs and no comma (Excel's "Unicode text" pasted as TSV). */
function detectDelimiter(text: string): string {
  const end = text.search(/[\r\n]/);
  const header = end < 0 ? text : text.slice(0, end);
  return !header.includes(",") && header.includes("\t") ? "\t" : ",";
}

// ---------------------------------------------------------------------------------------------
// Rows

export interface ImportValues {
  externalId: string | null;
  name: string;
  reading: string | null;
  company: string | null;
  primaryEmail: string;
  secondaryEmails: string[];
}

export interface PreviewRow {
  line: number;
  /** The row's cells as the file has them (for the rejected rows' CSV). */
  cells: string[];
  values: ImportValues;
  /** Empty when the row will be imported. */
  errors: FieldProblem[];
}

export interface ImportPreview {
  encoding: CsvEncoding;
  /** The header line's cells as the file has them. */
  header: string[];
  columns: ImportColumn[];
  rows: PreviewRow[];
  counts: { rows: number; valid: number; invalid: number };
}

/** Full-width ASCII (ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ, as typed with the IME on) and the ideographic space, to ASCII. */
const foldWidth = (text: string): string => text.replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, " ");

/** Several addresses in one cell: separated by ";", ",", "、" or white space. */
const splitAddresses = (cell: string): string[] =>
  foldWidth(cell)
    .split(/[\s;,、]+/)
    .filter(Boolean);

/**
 * Reads and checks a file without writing anything: encoding, column mapping, and every row
 * with its problems (catalogue keys; the API translates them). Whole-file problems (too
 * large, no name or email column, an unclosed quote, more than 10,000 rows) throw a
 * validation AppError whose code says which.
 */
export function previewImport(bytes: Uint8Array): ImportPreview {
  if (bytes.length > CSV_MAX_BYTES) fail("csv_too_large", { maximum: CSV_MAX_BYTES / (1024 * 1024) });
  const { text, encoding } = decodeCsv(bytes);
  const records = parseCsv(text, { delimiter: detectDelimiter(text), maxRecords: CSV_MAX_ROWS + 1 });
  const [header, ...data] = records;
  if (!header) fail("csv_empty");
  const columns = mapHeaders(header.fields);
  const has = (f: ImportField) => columns.some((c) => c.field === f);
  if (!has("name")) fail("csv_missing_name_column");
  if (!has("primaryEmail")) fail("csv_missing_email_column");
  if (!data.length) fail("csv_empty");

  const cell = (fields: string[], f: ImportField) => {
    const col = columns.find((c) => c.field === f);
    return col ? (fields[col.index] ?? "").trim() : "";
  };
  const firstByExternalId = new Map<string, number>();
  const firstByEmail = new Map<string, number>();

  const rows = data.map(({ line, fields }): PreviewRow => {
    const values: ImportValues = {
      externalId: cell(fields, "externalId") || null,
      name: cell(fields, "name"),
      reading: cell(fields, "reading") || null,
      company: cell(fields, "company") || null,
      primaryEmail: foldWidth(cell(fields, "primaryEmail")).trim(),
      secondaryEmails: columns.filter((c) => c.field === "secondaryEmails").flatMap((c) => splitAddresses(fields[c.index] ?? "")),
    };
    const parsed = contactInput.safeParse({
      name: values.name,
      reading: values.reading ?? undefined,
      company: values.company ?? undefined,
      primaryEmail: values.primaryEmail,
      secondaryEmails: values.secondaryEmails,
      externalId: values.externalId ?? undefined,
    });
    const errors = parsed.success ? addressProblems(values.primaryEmail, values.secondaryEmails) : toFieldProblems(parsed.error);
    if (values.externalId) {
      const first = firstByExternalId.get(values.externalId);
      if (first !== undefined) errors.push({ field: "externalId", key: "duplicate_in_file", params: { line: first } });
      else firstByExternalId.set(values.externalId, line);
    }
    if (values.primaryEmail && !errors.some((e) => e.field === "primaryEmail")) {
      const address = normaliseEmail(values.primaryEmail);
      const first = firstByEmail.get(address);
      if (first !== undefined) errors.push({ field: "primaryEmail", key: "duplicate_in_file", params: { line: first } });
      else firstByEmail.set(address, line);
    }
    return { line, cells: fields, values, errors };
  });
  const valid = rows.filter((r) => !r.errors.length).length;
  return { encoding, header: header.fields, columns, rows, counts: { rows: rows.length, valid, invalid: rows.length - valid } };
}

export type ImportStatus = UpsertStatus | "skipped" | "error";

export interface ImportRowOutcome {
  line: number;
  status: ImportStatus;
  id: string | null;
  errors: FieldProblem[];
}

export interface ImportResult {
  encoding: CsvEncoding;
  /** What was read, for the rejected rows' CSV (csv-files.ts). */
  preview: ImportPreview;
  counts: Record<ImportStatus, number> & { rows: number };
  rows: ImportRowOutcome[];
}

/** How many rows are written at once. */
const CONCURRENCY = 8;

/**
 * Imports a file: invalid rows are skipped (with their problems), valid rows are written
 * (upsertContact): by external id when the row has one, else the contact whose primary
 * address it is, else a new contact. Columns the file lacks (company, secondary addresses) leave those
 * fields of an existing contact as they are; a present but empty cell clears them.
 * Running the same file again answers "unchanged" for every row.
 */
/** The state a valid row gives its contact: a column the file does not have keeps what is stored. */
function rowState(preview: ImportPreview, row: PreviewRow): ContactState {
  const v = row.values;
  return {
    name: v.name,
    reading: preview.columns.some((c) => c.field === "reading") ? v.reading : undefined,
    company: preview.columns.some((c) => c.field === "company") ? v.company : undefined,
    primaryEmail: v.primaryEmail,
    secondaryEmails: preview.columns.some((c) => c.field === "secondaryEmails") ? v.secondaryEmails : undefined,
    externalId: v.externalId ?? undefined,
  };
}

/** The claims and contacts of the external ids of the valid rows, read in batches. */
const knownExternals = (db: Db, preview: ImportPreview) =>
  readExternal(
    db,
    preview.rows.flatMap((r) => (!r.errors.length && r.values.externalId ? [r.values.externalId] : [])),
  );

export type PlannedAction = "create" | "update" | "unchanged";
export interface ImportPlan {
  /** Per row, in order: what importing it would do; null for a row with problems (skipped). */
  actions: (PlannedAction | null)[];
  counts: Record<PlannedAction, number>;
}

/** What importing the preview's valid rows would do to the contacts, read without writing. */
export async function planImport(db: Db, preview: ImportPreview): Promise<ImportPlan> {
  const known = await knownExternals(db, preview);
  const as: Record<UpsertStatus, PlannedAction> = { created: "create", updated: "update", unchanged: "unchanged" };
  const actions = await mapPool(preview.rows, CONCURRENCY, async (row): Promise<PlannedAction | null> => {
    if (row.errors.length) return null;
    const id = row.values.externalId;
    try {
      return as[await predictUpsert(db, rowState(preview, row), id ? known.get(id) : undefined)];
    } catch (err) {
      // a row the import would refuse (its primary address is another CRM record's): shown
      // with its problem now, as a row the import skips
      row.errors.push(...rowErrors(err));
      preview.counts.valid--;
      preview.counts.invalid++;
      return null;
    }
  });
  const counts = { create: 0, update: 0, unchanged: 0 };
  for (const a of actions) if (a) counts[a]++;
  return { actions, counts };
}

export async function runImport(db: Db, bytes: Uint8Array): Promise<ImportResult> {
  const preview = previewImport(bytes);
  const known = await knownExternals(db, preview);

  const outcomes = await mapPool(preview.rows, CONCURRENCY, async (row): Promise<ImportRowOutcome> => {
    if (row.errors.length) return { line: row.line, status: "skipped", id: null, errors: row.errors };
    const v = row.values;
    try {
      const result = await upsertContact(db, rowState(preview, row), v.externalId ? known.get(v.externalId) : undefined);
      return { line: row.line, status: result.status, id: result.contact.id, errors: [] };
    } catch (err) {
      return { line: row.line, status: "error", id: null, errors: rowErrors(err) };
    }
  });

  const counts = { rows: outcomes.length, created: 0, updated: 0, unchanged: 0, skipped: 0, error: 0 };
  for (const o of outcomes) counts[o.status]++;
  return { encoding: preview.encoding, preview, counts, rows: outcomes };
}
