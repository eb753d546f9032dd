// Picking or dropping the CSV file.
import { useEffect, useId, useState, type DragEvent } from "react";
import { api } from "../../api";
import { IconUpload, errorText } from "../../components";
import { formatBytes, formatNumber, useI18n } from "../../i18n";
import { maxFileKb, type PickedFile } from "./file";
import { downloadText } from "./download";

export function FilePicker(props: { file: PickedFile | null; onPick: (file: File | undefined) => void }) {
  const { t, lang } = useI18n();
  const [dragging, setDragging] = useState(false);
  const [templateBusy, setTemplateBusy] = useState(false);
  const [templateError, setTemplateError] = useState<unknown>(null);
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

  // The template is built by the server in the console's language (headers the import maps back).
  async function downloadTemplate() {
    setTemplateBusy(true);
    setTemplateError(null);
    try {
      const template = await api.importTemplate();
      downloadText(template.filename, template.csv);
    } catch (err) {
      setTemplateError(err);
    } finally {
      setTemplateBusy(false);
    }
  }

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
      <p className="import-template">
        {t("import.templateHint")}{" "}
        <button type="button" className="btn-link" onClick={() => void downloadTemplate()} disabled={templateBusy} data-testid="import-template">
          {t("import.template")}
        </button>
      </p>
      {templateError ? (
        <p className="field__error" role="alert">
          {errorText(templateError, t)}
        </p>
      ) : null}
    </section>
  );
}
