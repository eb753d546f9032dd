/**
 * One error class for the whole product, with a stable code catalogue (the model is
 * nodemailer's lib/errors.js). Library errors are translated once, at the adapter edge,
 * into an AppError; every edge then decides policy from `kind` alone:
 * the API maps kind -> HTTP status, the queue worker retries `transient` and records the rest.
 */
export type ErrorKind =
  | "validation" // 400: the request is wrong; `fields` says where
  | "unauthenticated" // 401
  | "forbidden" // 403
  | "notFound" // 404
  | "conflict" // 409
  | "gone" // 410: what the request points at is no longer kept (an expired changes cursor)
  | "unsupportedMediaType" // 415: a body that is not the JSON the route takes
  | "rateLimited" // 429
  | "transient" // a retry later may succeed (network, throttling, emulator hiccup)
  | "permanent"; // retrying will not help until a person changes something

import type { MessageKey } from "./i18n";

export interface FieldProblem {
  /** Dotted path of the field, e.g. "imap.port". */
  field: string;
  /** Message key in the catalogue (core/shared/i18n.ts): an unknown key fails the type-check. */
  key: MessageKey;
  params?: Record<string, string | number>;
}

export interface AppErrorOptions {
  params?: Record<string, string | number>;
  fields?: FieldProblem[];
  cause?: unknown;
}

export class AppError extends Error {
  readonly kind: ErrorKind;
  /** Stable machine code, e.g. "invalid_credentials"; also the message key. */
  readonly code: MessageKey;
  readonly params: Record<string, string | number>;
  readonly fields: FieldProblem[];
  /**
   * More of the answer, in the reader's language, added to the error body next to `fields`
   * (a refused save adds the connection test's steps). Never holds secrets.
   */
  details?(lang: "en" | "ja"): Record<string, unknown>;

  constructor(kind: ErrorKind, code: MessageKey, options: AppErrorOptions = {}) {
    super(code, { cause: options.cause });
    this.name = "AppError";
    this.kind = kind;
    this.code = code;
    this.params = options.params ?? {};
    this.fields = options.fields ?? [];
  }
}

export const isAppError = (err: unknown): err is AppError => err instanceof AppError;

export function fieldError(field: string, key: MessageKey, params?: Record<string, string | number>): AppError {
  return new AppError("validation", "validation_failed", { fields: [{ field, key, params }] });
}

export const httpStatusOf: Record<ErrorKind, number> = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  notFound: 404,
  conflict: 409,
  gone: 410,
  unsupportedMediaType: 415,
  rateLimited: 429,
  transient: 503,
  permanent: 422,
};
