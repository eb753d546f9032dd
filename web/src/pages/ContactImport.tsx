// CSV import of contacts (#/contacts/import): pick or drop a file, see what the server reads
// from it (encoding, columns, every row with its problems), then import the valid rows.
//
// The file is sent as bytes (base64) and never decoded here: the server tells UTF-8 from
// Shift_JIS, as Japanese Excel writes "CSV UTF-8" and "CSV". Everything from the file is
// rendered as text.
import { useEffect, useId, useMemo, useRef, useState, type DragEvent, type RefObject } from "react";
import { api, ApiError } from "../api";
import { ErrorBanner, IconBack, IconUpload, IconWarning, PageHeader, errorText } from "../components";
import { type MessageKey, type Translate, formatBytes, formatNumber, useI18n } from "../i18n";
import { href } from "../router";
import type { FieldError, ImportField, ImportPreview, ImportPreviewRow, ImportRequest, ImportResult, ImportStatus } from "../api/types";

/**
 * The API's limit on a request body: core/api/handle.ts MAX_BODY (256 KB), answered with 400
 * body_too_large. The API does not publish it, so it is mirrored here to refuse a file before
 * uploading it, with a message that says the limit and what to do.
 */
export const MAX_REQUEST_BYTES = 256 * 1024;
/** importRequest's limit on `filename` (core/contacts/schema.ts). */
const MAX_FILENAME = 255;

/** The contact fields, in the order the tables show them. */
const FIELDS: ImportField[] = ["name", "company", "primaryEmail", "secondaryEmails", "externalId"];

const utf8Length = (text: string) => new TextEncoder().encode(text).length;
/** The JSON body without the file: what every request carries besides the base64. */
const envelopeBytes = (filename: string) => utf8Length(JSON.stringify({ filename, contentBase64: "" }));
/** Base64 makes 4 characters of every 3 bytes (padded); JSON adds no escapes to them. */
const base64Length = (bytes: number) => 4 * Math.ceil(bytes / 3);
/** The largest file, in bytes, whose request fits the limit. */
const maxFileBytes = (filename: string) => Math.floor((MAX_REQUEST_BYTES - envelopeBytes(filename)) / 4) * 3;
/** In whole KB, rounded down so that a file of the size we name always fits. */
const maxFileKb = (filename: string) => Math.floor(maxFileBytes(filename) / 1024);

/** The server refuses a longer name; a cut name is only an echo in the answer. */
function clipName(name: string): string {
  if (name.length <= MAX_FILENAME) return name;
  const cut = name.slice(0, MAX_FILENAME);
  return /[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut;
}

interface PickedFile {
  name: string;
  size: number;
  contentBase64: string;
}

/** Why a file was not even sent: kept as data, so it follows a change of language. */
type Refusal = { kind: "tooLarge"; name: string; size: number; max: number } | { kind: "empty"; name: string } | { kind: "readFailed"; name: string };

const requestOf = (file: PickedFile): ImportRequest => ({ filename: file.name, contentBase64: file.contentBase64 });

export function ContactImportPage() {
  const { t, lang } = useI18n();
  const [file, setFile] = useState<PickedFile | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const [previewError, setPreviewError] = useState<unknown>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [importing, setImporting] = useState(false);
  const [importError, setImportError] = useState<unknown>(null);
  const readCount = useRef(0);
  const resultHeading = useRef<HTMLHeadingElement>(null);

  // Preview every new file, and again when the language changes: the server writes the row
  // problems in the request's language. Not once the file is imported.
  useEffect(() => {
    if (!file || result) return;
    const controller = new AbortController();
    setPreviewing(true);
    setPreviewError(null);
    api
      .previewImport(requestOf(file), controller.signal)
      .then((p) => {
        setPreview(p);
        setPreviewing(false);
      })
      .catch((err) => {
        if (controller.signal.aborted) return;
        setPreview(null);
        setPreviewError(err);
        setPreviewing(false);
      });
    return () => controller.abort();
  }, [file, result, lang]);

  useEffect(() => {
    if (result) resultHeading.current?.focus();
  }, [result]);

  function pick(picked: File | undefined) {
    if (!picked) return;
    const token = ++readCount.current;
    const name = clipName(picked.name);
    setFile(null);
    setPreview(null);
    setPreviewError(null);
    setResult(null);
    setImportError(null);
    setRefusal(null);
    if (picked.size === 0) return setRefusal({ kind: "empty", name });
    // Checked before reading: the size alone says how long the base64 will be.
    if (envelopeBytes(name) + base64Length(picked.size) > MAX_REQUEST_BYTES) {
      return setRefusal({ kind: "tooLarge", name, size: picked.size, max: maxFileKb(name) });
    }
    const reader = new FileReader();
    reader.onload = () => {
      if (token !== readCount.current) return; // another file was picked meanwhile
      const url = typeof reader.result === "string" ? reader.result : "";
      // "data:text/csv;base64,<bytes>": the bytes as they are, no text decoding
      setFile({ name, size: picked.size, contentBase64: url.slice(url.indexOf(",") + 1) });
    };
    reader.onerror = () => {
      if (token === readCount.current) setRefusal({ kind: "readFailed", name });
    };
    reader.readAsDataURL(picked);
  }

  async function runImport() {
    if (!file || !preview || importing) return;
    setImporting(true);
    setImportError(null);
    try {
      setResult(await api.runImport(requestOf(file)));
    } catch (err) {
      setImportError(err);
    } finally {
      setImporting(false);
    }
  }

  function reset() {
    readCount.current++;
    setFile(null);
    setPreview(null);
    setPreviewError(null);
    setResult(null);
    setImportError(null);
    setRefusal(null);
  }

  const tooLargeText = (name: string, size: number, max: number) => t("import.tooLarge", { name, size: formatBytes(lang, size, t), max: formatNumber(lang, max) });
  const refusalText = !refusal
    ? null
    : refusal.kind === "tooLarge"
      ? tooLargeText(refusal.name, refusal.size, refusal.max)
      : refusal.kind === "empty"
        ? t("import.emptyFile", { name: refusal.name })
        : t("import.readFailed", { name: refusal.name });
  /** The server's answer for a body over its limit gets the same advice as our own check. */
  const failureText = (err: unknown) =>
    err instanceof ApiError && err.code === "body_too_large" && file ? tooLargeText(file.name, file.size, maxFileKb(file.name)) : errorText(err, t);

  return (
    <div className="import-page">
      <PageHeader
        title={t("import.title")}
        subtitle={t("import.subtitle")}
        back={
          <a className="back-link" href={href("/contacts")}>
            <IconBack />
            {t("contact.back")}
          </a>
        }
      />
      {result ? null : <FilePicker onPick={pick} file={file} />}
      {refusalText ? (
        <div className="banner banner--error" role="alert" data-testid="import-size-error">
          <IconWarning />
          <div className="banner__body">
            <p>{refusalText}</p>
          </div>
        </div>
      ) : null}
      {file && previewing && !preview ? (
        <div className="import-checking" role="status">
          <span className="spinner" aria-hidden="true" />
          {t("import.checking", { name: file.name })}
        </div>
      ) : null}
      {previewError ? <ErrorBanner messages={[failureText(previewError)]} testId="import-error" /> : null}
      {preview && file && !result ? (
        <PreviewSection
          file={file}
          preview={preview}
          refreshing={previewing}
          importing={importing}
          importError={importError ? failureText(importError) : null}
          onImport={() => void runImport()}
        />
      ) : null}
      {result && file ? <ResultSection file={file} preview={preview} result={result} headingRef={resultHeading} onAgain={reset} /> : null}
    </div>
  );
}

// ---- File picker (input and drop zone) -----------------------------------------------------

function FilePicker(props: { file: PickedFile | null; onPick: (file: File | undefined) => void }) {
  const { t, lang } = useI18n();
  const [dragging, setDragging] = useState(false);
  const hintId = useId();
  const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer.types).includes("Files");

  // A file dropped next to the zone would make the browser open it and leave the console.
  useEffect(() => {
    const keep = (e: globalThis.DragEvent) => {
      if (e.dataTransfer?.types.includes("Files")) e.preventDefault();
    };
    window.addEventListener("dragover", keep);
    window.addEventListener("drop", keep);
    return () => {
      window.removeEventListener("dragover", keep);
      window.removeEventListener("drop", keep);
    };
  }, []);

  return (
    <section className="card import-file" aria-label={t("import.fileTitle")}>
      <div
        className={`dropzone${dragging ? " dropzone--active" : ""}${props.file ? " dropzone--compact" : ""}`}
        data-testid="import-dropzone"
        onDragEnter={(e) => {
          if (!hasFiles(e)) return;
          e.preventDefault();
          setDragging(true);
        }}
        onDragOver={(e) => {
          if (!hasFiles(e)) return;
          e.preventDefault();
          e.dataTransfer.dropEffect = "copy";
          setDragging(true);
        }}
        onDragLeave={(e) => {
          if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
        }}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          props.onPick(e.dataTransfer.files[0]);
        }}
      >
        <span className="dropzone__icon" aria-hidden="true">
          <IconUpload size={22} />
        </span>
        <div className="dropzone__text">
          {props.file ? (
            <p className="dropzone__file" data-testid="import-selected">
              {t("import.selected", { name: props.file.name, size: formatBytes(lang, props.file.size, t) })}
            </p>
          ) : (
            <p className="dropzone__title">{t("import.dropHere")}</p>
          )}
          <p className="dropzone__hint" id={hintId}>
            {t("import.formats", { max: formatNumber(lang, maxFileKb("")) })}
          </p>
        </div>
        <label className="btn dropzone__button">
          {props.file ? t("import.chooseAnother") : t("import.choose")}
          <input
            type="file"
            className="visually-hidden"
            accept=".csv,.tsv,.txt,text/csv,text/plain,text/tab-separated-values"
            aria-describedby={hintId}
            data-testid="import-file"
            onChange={(e) => {
              props.onPick(e.target.files?.[0]);
              // the same file chosen again (after fixing it, or to import it twice) is a new pick
              e.target.value = "";
            }}
          />
        </label>
      </div>
    </section>
  );
}

// ---- Preview ------------------------------------------------------------------------------

function PreviewSection(props: {
  file: PickedFile;
  preview: ImportPreview;
  refreshing: boolean;
  importing: boolean;
  importError: string | null;
  onImport: () => void;
}) {
  const { t, lang } = useI18n();
  const { preview, file } = props;
  const [errorsOnly, setErrorsOnly] = useState(false);
  const headingId = useId();
  const fields = FIELDS.filter((f) => preview.columns.some((c) => c.field === f));
  const rows = errorsOnly ? preview.rows.filter((r) => r.errors.length) : preview.rows;
  const valid = preview.counts.valid;

  return (
    <section className={`card import-preview${props.refreshing ? " is-refreshing" : ""}`} aria-labelledby={headingId}>
      <div className="import-preview__head">
        <h2 className="card__title" id={headingId}>
          {t("import.preview")}
        </h2>
        <span className="muted">{file.name}</span>
      </div>

      <div className="import-summary">
        <div className="import-summary__item">
          <span className="status-strip__label">{t("import.encoding")}</span>
          <span className="import-encoding" data-testid="import-encoding" data-encoding={preview.encoding}>
            {t(`import.encoding.${preview.encoding}` as MessageKey)}
          </span>
          <span className="cell-sub">{t(`import.encodingHint.${preview.encoding}` as MessageKey)}</span>
        </div>
        <div className="import-summary__item import-summary__item--wide">
          <span className="status-strip__label" id={`${headingId}-columns`}>
            {t("import.columns")}
          </span>
          <ul className="import-columns" data-testid="import-columns" aria-labelledby={`${headingId}-columns`} title={t("import.columnsLabel")}>
            {preview.columns.map((c) => (
              <li key={c.index} className={`import-column${c.field ? "" : " import-column--ignored"}`} data-testid="import-column" data-field={c.field ?? ""}>
                <span className="import-column__header">{c.header || t("import.emptyCell")}</span>
                <span className="import-column__arrow" aria-hidden="true">
                  →
                </span>
                <span className="visually-hidden">: </span>
                <span className="import-column__field">{c.field ? t(`import.field.${c.field}`) : t("import.columnIgnored")}</span>
              </li>
            ))}
          </ul>
        </div>
        <dl className="counts import-counts" data-testid="import-counts">
          <Count name="rows" label={t("import.counts.rows")} value={preview.counts.rows} />
          <Count name="valid" label={t("import.counts.valid")} value={preview.counts.valid} tone={preview.counts.valid ? "ok" : undefined} />
          <Count name="invalid" label={t("import.counts.invalid")} value={preview.counts.invalid} tone={preview.counts.invalid ? "error" : undefined} />
          <Count name="create" label={t("import.counts.create")} value={preview.plan.create} tone={preview.plan.create ? "ok" : undefined} />
          <Count name="update" label={t("import.counts.update")} value={preview.plan.update} tone={preview.plan.update ? "info" : undefined} />
          <Count name="unchanged" label={t("import.counts.unchanged")} value={preview.plan.unchanged} />
        </dl>
      </div>

      <div className="import-actions">
        <button type="button" className="btn btn--primary" disabled={valid === 0 || props.importing || props.refreshing} onClick={props.onImport} data-testid="import-run">
          {props.importing ? t("import.running") : valid === 1 ? t("import.runOne") : t("import.run", { count: formatNumber(lang, valid) })}
        </button>
        {valid === 0 ? (
          <p className="import-actions__note text-error">{t("import.nothingValid")}</p>
        ) : preview.counts.invalid ? (
          <p className="import-actions__note">{t("import.skipNote", { count: formatNumber(lang, preview.counts.invalid) })}</p>
        ) : null}
      </div>
      {props.importError ? <ErrorBanner messages={[props.importError]} testId="import-error" /> : null}

      {preview.counts.invalid ? (
        <label className="import-filter">
          <input type="checkbox" checked={errorsOnly} onChange={(e) => setErrorsOnly(e.target.checked)} data-testid="import-errors-only" />
          <span>{t("import.errorsOnly")}</span>
        </label>
      ) : null}
      <RowsTable
        label={t("import.tableLabel", { name: file.name })}
        fields={fields}
        rows={rows.map((r) => ({ line: r.line, values: r.values, errors: r.errors, state: r.errors.length ? "invalid" : PLANNED[r.action ?? "create"], id: null }))}
        tableTestId="import-preview-table"
        rowTestId="import-row"
        statusHeader={t("import.col.check")}
      />
    </section>
  );
}

function Count(props: { name: string; label: string; value: number; tone?: "ok" | "error" | "info" | undefined }) {
  const { lang } = useI18n();
  return (
    <div className={`counts__item${props.tone ? ` import-count--${props.tone}` : ""}`} data-count={props.name}>
      <dt>{props.label}</dt>
      <dd>{formatNumber(lang, props.value)}</dd>
    </div>
  );
}

// ---- Rows table (preview and result) ----------------------------------------------------------

type RowState = "invalid" | "willCreate" | "willUpdate" | "willKeep" | ImportStatus;

/** A valid row in the preview says what importing it will do. */
const PLANNED: Record<NonNullable<ImportPreviewRow["action"]>, RowState> = { create: "willCreate", update: "willUpdate", unchanged: "willKeep" };

interface TableRow {
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
  if (value !== undefined && e.code !== "duplicate_email") return { column: field, text: t("import.itemError", { field: t("import.field.secondaryEmail"), value, message: e.message }) };
  return { column: field, text: t("import.fieldError", { field: t(`import.field.${field}`), message: e.message }) };
}

function RowsTable(props: { label: string; fields: ImportField[]; rows: TableRow[]; tableTestId: string; rowTestId: string; statusHeader: string; emptyText?: string }) {
  const { t } = useI18n();
  if (!props.rows.length) return <p className="muted import-empty">{props.emptyText ?? t("import.noRows")}</p>;
  return (
    <div className="table-wrap import-table-wrap">
      <table className="table import-table" data-testid={props.tableTestId} aria-label={props.label}>
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
              <tr key={row.line} className={bad ? "import-row--invalid" : undefined} data-testid={props.rowTestId} data-line={row.line} data-valid={String(!bad)} data-status={row.state}>
                <td className="import-table__line nowrap muted">{row.line}</td>
                {props.fields.map((f) => (
                  <td key={f} className={problems.some((p) => p.column === f) ? "import-cell--invalid" : undefined}>
                    <CellValue field={f} row={row} />
                    {problemsOf(f)}
                  </td>
                ))}
                <td className="import-table__status">
                  <span className={`badge badge--${STATE_TONE[row.state]}`}>{t(STATE_LABEL[row.state])}</span>
                  {problemsOf("status")}
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

// ---- Result -------------------------------------------------------------------------------

function ResultSection(props: { file: PickedFile; preview: ImportPreview | null; result: ImportResult; headingRef: RefObject<HTMLHeadingElement | null>; onAgain: () => void }) {
  const { t, lang } = useI18n();
  const { result } = props;
  const [skippedOnly, setSkippedOnly] = useState(false);
  const headingId = useId();
  // The result names rows by line; their values are the preview's (the same file).
  const byLine = useMemo(() => new Map((props.preview?.rows ?? []).map((r) => [r.line, r])), [props.preview]);
  const columns = props.preview?.columns ?? [];
  const fields = FIELDS.filter((f) => columns.some((c) => c.field === f));
  const failed = result.counts.skipped + result.counts.error;
  const rows = (skippedOnly ? result.rows.filter((r) => r.status === "skipped" || r.status === "error") : result.rows).map(
    (r): TableRow => ({ line: r.line, values: byLine.get(r.line)?.values ?? null, errors: r.errors, state: r.status, id: r.id }),
  );
  const statuses: ImportStatus[] = ["created", "updated", "unchanged", "skipped", ...(result.counts.error ? (["error"] as const) : [])];
  const tone: Record<ImportStatus, "ok" | "info" | "error" | undefined> = { created: "ok", updated: "info", unchanged: undefined, skipped: "error", error: "error" };

  return (
    <section className="card import-result" aria-labelledby={headingId} data-testid="import-result">
      <h2 className="card__title import-result__title" id={headingId} ref={props.headingRef} tabIndex={-1}>
        {t("import.result")}
      </h2>
      <p className="muted">{t("import.resultSummary", { name: props.file.name, rows: formatNumber(lang, result.counts.rows) })}</p>
      <dl className="counts import-counts" data-testid="import-result-counts">
        {statuses.map((s) => (
          <Count key={s} name={s} label={t(`import.status.${s}`)} value={result.counts[s]} tone={result.counts[s] ? tone[s] : undefined} />
        ))}
      </dl>
      {failed ? (
        <div className="callout callout--warn import-result__note">
          <IconWarning />
          <p>{t("import.skippedNote", { count: formatNumber(lang, failed) })}</p>
        </div>
      ) : null}
      <div className="import-actions">
        <a className="btn btn--primary" href={href("/contacts")} data-testid="import-back">
          {t("import.backToContacts")}
        </a>
        <button type="button" className="btn" onClick={props.onAgain} data-testid="import-again">
          {t("import.again")}
        </button>
      </div>
      {failed ? (
        <label className="import-filter">
          <input type="checkbox" checked={skippedOnly} onChange={(e) => setSkippedOnly(e.target.checked)} data-testid="import-skipped-only" />
          <span>{t("import.skippedOnly")}</span>
        </label>
      ) : null}
      <RowsTable
        label={t("import.tableLabel", { name: props.file.name })}
        fields={fields}
        rows={rows}
        tableTestId="import-result-table"
        rowTestId="import-result-row"
        statusHeader={t("import.col.outcome")}
      />
    </section>
  );
}
