// The rows of the file (preview and result), each with its problems in the column they concern.
import { type MessageKey, type Translate, useI18n } from "../../i18n";
import { href } from "../../router";
import type { FieldError, ImportField, ImportPreviewRow, ImportStatus } from "../../api/types";

export type RowState = "invalid" | "willCreate" | "willUpdate" | "willKeep" | ImportStatus;

/** A valid row in the preview says what importing it will do. */
export const PLANNED: Record<NonNullable<ImportPreviewRow["action"]>, RowState> = { create: "willCreate", update: "willUpdate", unchanged: "willKeep" };

export interface TableRow {
  line: number;
  values: ImportPreviewRow["values"] | null;
  errors: FieldError[];
  state: RowState;
  id: string | null;
}

const STATE_LABEL: Record<RowState, MessageKey> = {
  invalid: "import.rowInvalid",
  willCreate: "import.rowCreate",
  willUpdate: "import.rowUpdate",
  willKeep: "import.rowUnchanged",
  created: "import.status.created",
  updated: "import.status.updated",
  unchanged: "import.status.unchanged",
  skipped: "import.status.skipped",
  error: "import.status.error",
};

const STATE_TONE: Record<RowState, string> = {
  invalid: "error",
  willCreate: "ok",
  willUpdate: "info",
  willKeep: "neutral",
  created: "ok",
  updated: "info",
  unchanged: "neutral",
  skipped: "warn",
  error: "error",
};

/**
 * Where a problem is shown and how it reads. The API's field messages are predicates ("is
 * required.", 「必須です。」): they get the field's name in front. A problem with one of several
 * other addresses ("secondaryEmails.1") names the address.
 */
function placeProblem(e: FieldError, row: TableRow, shown: ImportField[], t: Translate): { column: ImportField | "status"; text: string } {
  const [base = "", index] = e.field.split(".");
  const field = shown.find((f) => f === base);
  if (!field) return { column: "status", text: e.message };
  const value = field === "secondaryEmails" && index !== undefined ? row.values?.secondaryEmails[Number(index)] : undefined;
  // duplicate_email already names the address ("lists a@x more than once.")
  if (value !== undefined && e.code !== "duplicate_email")
    return { column: field, text: t("import.itemError", { field: t("import.field.secondaryEmail"), value, message: e.message }) };
  return { column: field, text: t("import.fieldError", { field: t(`import.field.${field}`), message: e.message }) };
}

export function RowsTable(props: { label: string; fields: ImportField[]; rows: TableRow[]; tableTestId: string; rowTestId: string; statusHeader: string; emptyText?: string }) {
  const { t } = useI18n();
  if (!props.rows.length) return <p className="muted import-empty">{props.emptyText ?? t("import.noRows")}</p>;
  return (
    <div className="table-wrap import-table-wrap">
      <table className="table table--cards import-table" data-testid={props.tableTestId} aria-label={props.label}>
        <thead>
          <tr>
            <th scope="col" className="import-table__line">
              {t("import.col.line")}
            </th>
            {props.fields.map((f) => (
              <th scope="col" key={f}>
                {t(`import.field.${f}`)}
              </th>
            ))}
            <th scope="col">{props.statusHeader}</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => {
            const problems = row.errors.map((e) => ({ ...placeProblem(e, row, props.fields, t), field: e.field }));
            const problemsOf = (column: ImportField | "status") =>
              problems
                .filter((p) => p.column === column)
                .map((p, i) => (
                  <p key={i} className="cell-sub cell-sub--error" data-testid="import-row-error" data-field={p.field}>
                    {p.text}
                  </p>
                ));
            const bad = row.state === "invalid" || row.state === "skipped" || row.state === "error";
            return (
              <tr
                key={row.line}
                className={bad ? "import-row--invalid" : undefined}
                data-testid={props.rowTestId}
                data-line={row.line}
                data-valid={String(!bad)}
                data-status={row.state}
              >
                <td className="import-table__line nowrap muted" data-label={t("import.col.line")}>
                  {row.line}
                </td>
                {props.fields.map((f) => (
                  <td key={f} className={problems.some((p) => p.column === f) ? "import-cell--invalid" : undefined} data-label={t(`import.field.${f}`)}>
                    <div className="table__value">
                      {/* the file's own values: data, not text to translate */}
                      <span translate="no">
                        <CellValue field={f} row={row} />
                      </span>
                      {problemsOf(f)}
                    </div>
                  </td>
                ))}
                <td className="import-table__status table__status" data-label={props.statusHeader}>
                  <div className="table__value">
                    <span className={`badge badge--${STATE_TONE[row.state]}`}>{t(STATE_LABEL[row.state])}</span>
                    {problemsOf("status")}
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function CellValue(props: { field: ImportField; row: TableRow }) {
  const { t } = useI18n();
  const { values, id } = props.row;
  const empty = <span className="muted">{t("import.emptyCell")}</span>;
  if (!values) return empty;
  switch (props.field) {
    case "secondaryEmails":
      return values.secondaryEmails.length ? (
        <>
          {values.secondaryEmails.map((a, i) => (
            <div key={i} className="import-address">
              {a}
            </div>
          ))}
        </>
      ) : (
        empty
      );
    case "name":
      if (!values.name) return empty;
      return id ? (
        <a className="link cell-main" href={href(`/contacts/${encodeURIComponent(id)}`)}>
          {values.name}
        </a>
      ) : (
        <span className="cell-main">{values.name}</span>
      );
    case "primaryEmail":
      return values.primaryEmail ? <span className="import-address">{values.primaryEmail}</span> : empty;
    default: {
      const value = values[props.field];
      return value ? <>{value}</> : empty;
    }
  }
}
