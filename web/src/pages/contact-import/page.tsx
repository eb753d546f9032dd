// CSV import of contacts (#/contacts/import): pick or drop a file, see what the server reads
// from it (encoding, columns, every row with its problems), then import the valid rows.
//
// The file is sent as bytes (base64) and never decoded here: the server tells UTF-8 from
// Shift_JIS, as Japanese Excel writes "CSV UTF-8" and "CSV". Everything from the file is
// rendered as text.
import { useEffect, useRef, useState } from "react";
import { api, ApiError } from "../../api";
import { ErrorBanner, IconBack, IconWarning, PageHeader, errorText } from "../../components";
import { formatBytes, formatNumber, useI18n } from "../../i18n";
import { href } from "../../router";
import type { ImportPreview, ImportResult } from "../../api/types";

import { FilePicker } from "./file-picker";
import { PreviewSection } from "./preview";
import { ResultSection } from "./result";
import { MAX_REQUEST_BYTES, base64Length, clipName, envelopeBytes, maxFileKb, requestOf, type PickedFile, type Refusal } from "./file";

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
