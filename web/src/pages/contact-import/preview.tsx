// What the server read from the file, before anything is imported.
import { useId, useState } from "react";
import { ErrorBanner } from "../../components";
import { type MessageKey, formatNumber, useI18n } from "../../i18n";
import type { ImportPreview } from "../../api/types";
import { FIELDS, type PickedFile } from "./file";
import { PLANNED, RowsTable } from "./rows-table";

export function PreviewSection(props: { file: PickedFile; preview: ImportPreview; refreshing: boolean; importing: boolean; importError: string | null; onImport: () => void }) {
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
        <span className="muted" translate="no">
          {file.name}
        </span>
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

export function Count(props: { name: string; label: string; value: number; tone?: "ok" | "error" | "info" | undefined }) {
  const { lang } = useI18n();
  return (
    <div className={`counts__item${props.tone ? ` import-count--${props.tone}` : ""}`} data-count={props.name}>
      <dt>{props.label}</dt>
      <dd>{formatNumber(lang, props.value)}</dd>
    </div>
  );
}
