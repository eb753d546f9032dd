// What the import did, row by row.
import { useId, useMemo, useState, type RefObject } from "react";
import { IconWarning } from "../../components";
import { formatNumber, useI18n } from "../../i18n";
import { href } from "../../router";
import type { ImportPreview, ImportResult, ImportStatus } from "../../api/types";
import { FIELDS, type PickedFile } from "./file";
import { RowsTable, type TableRow } from "./rows-table";
import { downloadText, rejectedName } from "./download";
import { Count } from "./preview";

export function ResultSection(props: {
  file: PickedFile;
  preview: ImportPreview | null;
  result: ImportResult;
  headingRef: RefObject<HTMLHeadingElement | null>;
  onAgain: () => void;
}) {
  const { t, lang } = useI18n();
  const { result } = props;
  const [skippedOnly, setSkippedOnly] = useState(false);
  const headingId = useId();
  // The result names rows by line; their values are the preview's (the same file).
  const byLine = useMemo(() => new Map((props.preview?.rows ?? []).map((r) => [r.line, r])), [props.preview]);
  const columns = props.preview?.columns ?? [];
  const fields = FIELDS.filter((f) => columns.some((c) => c.field === f));
  const failed = result.counts.skipped + result.counts.error;
  const rows = (skippedOnly ? result.rows.filter((r) => r.status === "skipped" || r.status === "error") : result.rows).map((r): TableRow => ({
    line: r.line,
    values: byLine.get(r.line)?.values ?? null,
    errors: r.errors,
    state: r.status,
    id: r.id,
  }));
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
          <p>{t(result.rejectedCsv ? "import.skippedNoteDownload" : "import.skippedNote", { count: formatNumber(lang, failed) })}</p>
        </div>
      ) : null}
      <div className="import-actions">
        <a className="btn btn--primary" href={href("/contacts")} data-testid="import-back">
          {t("import.backToContacts")}
        </a>
        <button type="button" className="btn" onClick={props.onAgain} data-testid="import-again">
          {t("import.again")}
        </button>
        {result.rejectedCsv ? (
          <button type="button" className="btn" onClick={() => downloadText(rejectedName(props.file.name), result.rejectedCsv!)} data-testid="import-rejected-download">
            {t("import.rejectedDownload", { count: formatNumber(lang, failed) })}
          </button>
        ) : null}
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
