// The file as the import sends it: size limits worked out from the request limit, and the request.
import type { ImportField, ImportRequest } from "../../api/types";

/**
 * The API's limit on a request body: core/api/handle.ts MAX_BODY (256 KB), answered with 400
 * body_too_large. The API does not publish it, so it is mirrored here to refuse a file before
 * uploading it, with a message that says the limit and what to do.
 */
export const MAX_REQUEST_BYTES = 256 * 1024;
/** importRequest's limit on `filename` (core/contacts/schema.ts). */
export const MAX_FILENAME = 255;

/** The contact fields, in the order the tables show them. */
export const FIELDS: ImportField[] = ["name", "reading", "company", "primaryEmail", "secondaryEmails", "externalId"];

export const utf8Length = (text: string) => new TextEncoder().encode(text).length;
/** The JSON body without the file: what every request carries besides the base64. */
export const envelopeBytes = (filename: string) => utf8Length(JSON.stringify({ filename, contentBase64: "" }));
/** Base64 makes 4 characters of every 3 bytes (padded); JSON adds no escapes to them. */
export const base64Length = (bytes: number) => 4 * Math.ceil(bytes / 3);
/** The largest file, in bytes, whose request fits the limit. */
export const maxFileBytes = (filename: string) => Math.floor((MAX_REQUEST_BYTES - envelopeBytes(filename)) / 4) * 3;
/** In whole KB, rounded down so that a file of the size we name always fits. */
export const maxFileKb = (filename: string) => Math.floor(maxFileBytes(filename) / 1024);

/** The server refuses a longer name; a cut name is only an echo in the answer. */
export function clipName(name: string): string {
  if (name.length <= MAX_FILENAME) return name;
  const cut = name.slice(0, MAX_FILENAME);
  return /[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut;
}

export interface PickedFile {
  name: string;
  size: number;
  contentBase64: string;
}

/** Why a file was not even sent: kept as data, so it follows a change of language. */
export type Refusal = { kind: "tooLarge"; name: string; size: number; max: number } | { kind: "empty"; name: string } | { kind: "readFailed"; name: string };

export const requestOf = (file: PickedFile): ImportRequest => ({ filename: file.name, contentBase64: file.contentBase64 });
