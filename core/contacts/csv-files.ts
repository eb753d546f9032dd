/**
 * The CSV files the import hands back: a template to fill in, and the rows an import did not
 * take, with the reason, to fix and import again. Both are what Excel in Japan opens cleanly:
 * UTF-8 with a BOM (without it Excel reads UTF-8 as Shift_JIS and shows mojibake) and CRLF.
 */
import { translate, type Lang, type MessageKey } from "../shared/i18n";
import type { FieldProblem } from "../shared/errors";
import type { ImportField } from "./csv-headers";
import type { ImportPreview, ImportRowOutcome } from "./csv-import";

const BOM = "\uFEFF";

/** One CSV field: quoted when it holds a delimiter, a quote, a line break or edge spaces. */
const field = (value: string): string => (/[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/** Rows to CSV text with a BOM and CRLF line ends (what Excel writes as "CSV UTF-8"). */
export const toCsv = (rows: string[][]): string => BOM + rows.map((r) => r.map(field).join(",")).join("\r\n") + "\r\n";

/** The template's columns, in the order a person fills them in. */
const TEMPLATE_FIELDS: ImportField[] = ["name", "reading", "company", "primaryEmail", "secondaryEmails", "externalId"];

const COLUMN_KEYS: Record<ImportField, MessageKey> = {
  name: "csv_column_name",
  reading: "csv_column_reading",
  company: "csv_column_company",
  primaryEmail: "csv_column_email",
  secondaryEmails: "csv_column_secondary_emails",
  externalId: "csv_column_external_id",
};

/** One example contact, so the file shows how each cell is written (a kana reading, two addresses). */
const EXAMPLE: Record<Lang, Record<ImportField, string>> = {
  en: { name: "Taro Yamada", reading: "ヤマダ タロウ", company: "Example Ltd.", primaryEmail: "taro.yamada@example.com", secondaryEmails: "t.yamada@example.net", externalId: "" },
  ja: {
    name: "山田 太郎",
    reading: "ヤマダ タロウ",
    company: "株式会社サンプル",
    primaryEmail: "taro.yamada@example.co.jp",
    secondaryEmails: "t.yamada@example.net",
    externalId: "",
  },
};

/** The import template: the header line in the user's language (which the import maps back) and one example row. */
export function templateCsv(lang: Lang): string {
  return toCsv([TEMPLATE_FIELDS.map((f) => translate(COLUMN_KEYS[f], lang)), TEMPLATE_FIELDS.map((f) => EXAMPLE[lang][f])]);
}

/** "primaryEmail" or "secondaryEmails.2" -> the header the file gives that field (else the template's name for it). */
function columnLabel(preview: ImportPreview, fieldPath: string, lang: Lang): string {
  const f = fieldPath.split(".")[0] as ImportField;
  const column = preview.columns.find((c) => c.field === f);
  if (column?.header) return column.header;
  return f in COLUMN_KEYS ? translate(COLUMN_KEYS[f], lang) : fieldPath;
}

/** A row's problems as one sentence per field: "メールアドレス: 有効なメールアドレスを入力してください。" */
export const reasonText = (preview: ImportPreview, problems: FieldProblem[], lang: Lang): string =>
  problems.map((p) => `${columnLabel(preview, p.field, lang)}: ${translate(p.key, lang, p.params)}`).join(" / ");

/**
 * The rows an import did not take (skipped as invalid, or refused when written), exactly as the
 * file had them, under the file's own header, with a reason column added at the end. The import
 * ignores a column it does not know, so the file can be fixed and imported again as it is.
 * Null when every row was taken.
 */
export function rejectedRowsCsv(preview: ImportPreview, outcomes: ImportRowOutcome[], lang: Lang): string | null {
  const rejected = outcomes.filter((o) => o.status === "skipped" || o.status === "error");
  if (!rejected.length) return null;
  const byLine = new Map(preview.rows.map((r) => [r.line, r]));
  const width = Math.max(preview.header.length, ...rejected.map((o) => byLine.get(o.line)?.cells.length ?? 0));
  const pad = (cells: string[]) => [...cells, ...Array<string>(width - cells.length).fill("")];
  return toCsv([
    [...pad(preview.header), translate("csv_column_reason", lang)],
    ...rejected.map((o) => [...pad(byLine.get(o.line)?.cells ?? []), reasonText(preview, o.errors, lang)]),
  ]);
}
