/**
 * The one codec of the API's page cursors: the DynamoDB position to resume from, as opaque
 * base64url JSON. A cursor that does not decode, or decodes to a position the caller does not
 * accept, is the client's mistake: a 400 on the `cursor` field, never a 500.
 */
import { AppError } from "./errors";

export const encodePageCursor = (position: Record<string, unknown>): string => Buffer.from(JSON.stringify(position), "utf8").toString("base64url");

/** The position in `cursor`, if `accept` says it is one this listing can resume from. */
export function decodePageCursor<T>(cursor: string, accept: (position: unknown) => position is T): T {
  try {
    const position = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (accept(position)) return position;
  } catch {
    /* not JSON: refused below */
  }
  throw new AppError("validation", "validation_failed", { fields: [{ field: "cursor", key: "invalid_cursor" }] });
}
