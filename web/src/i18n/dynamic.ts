// Dynamic text from the server, said in the reader's language: a step's note (a message key and
// params from core/shared/step-notes.ts) and a file's MIME type as the kind of file people know.
import type { StepNote } from "../../../core/shared/step-notes";
import { type Lang, type MessageKey, type Translate, formatDuration } from "./index";

export type { StepNote };

/** A step's note in the reader's language; a `seconds` param is said as a duration ("約7分"). */
export function noteText(t: Translate, lang: Lang, note: StepNote): string {
  const params = { ...note.params };
  if (typeof params.seconds === "number") params.seconds = formatDuration(lang, params.seconds * 1000);
  return t(`note.${note.key}` as MessageKey, params);
}

const EXACT: Record<string, string> = {
  "application/pdf": "pdf",
  "application/msword": "word",
  "application/rtf": "word",
  "application/vnd.ms-excel": "excel",
  "application/vnd.ms-powerpoint": "powerpoint",
  "text/csv": "csv",
  "text/calendar": "calendar",
  "text/html": "html",
  "message/rfc822": "email",
  "application/zip": "archive",
  "application/x-zip-compressed": "archive",
  "application/gzip": "archive",
  "application/x-7z-compressed": "archive",
  "application/x-rar-compressed": "archive",
  "application/vnd.rar": "archive",
};

/**
 * The kind of file a MIME type is, as people call it ("PDF", "Word document", "Image"): the raw
 * type ("application/vnd.openxmlformats-officedocument.wordprocessingml.document") means nothing
 * to a salesperson and belongs in the details.
 */
export function mimeKind(contentType: string | null | undefined): MessageKey {
  const type = String(contentType ?? "")
    .split(";")[0]!
    .trim()
    .toLowerCase();
  const exact = EXACT[type];
  if (exact) return `mime.${exact}` as MessageKey;
  if (type.includes("wordprocessingml") || type.includes("opendocument.text")) return "mime.word";
  if (type.includes("spreadsheetml") || type.includes("opendocument.spreadsheet")) return "mime.excel";
  if (type.includes("presentationml") || type.includes("opendocument.presentation")) return "mime.powerpoint";
  const top = type.split("/")[0];
  if (top === "image" || top === "audio" || top === "video" || top === "text") return `mime.${top}` as MessageKey;
  return "mime.other";
}
