import type { Db } from "../store/db";
import { isAppError, type FieldProblem } from "../shared/errors";
import { toFieldProblems } from "../shared/validation";
import { addressProblems, readExternal, upsertContact, type UpsertStatus } from "./index";
import { bulkRow, type BulkRow } from "./schema";
import { mapPool } from "../shared/pool";

export interface BulkRowResult {
  /** Position of the row in the request, from 0. */
  index: number;
  externalId: string | null;
  status: UpsertStatus | "error";
  id: string | null;
  /** Why the row was refused: catalogue keys, translated by the API. */
  errors: FieldProblem[];
}

export interface BulkResult {
  counts: Record<UpsertStatus | "error", number>;
  results: BulkRowResult[];
}

/** How many rows are written at once: enough to finish 500 rows well inside API Gateway's 29 s. */
const CONCURRENCY = 8;

/** A row-level refusal (bad field, external id held elsewhere) as the row's errors; anything else is rethrown. */
export function rowErrors(err: unknown): FieldProblem[] {
  if (isAppError(err) && (err.kind === "validation" || err.kind === "conflict")) {
    return err.fields.length ? err.fields : [{ field: "", key: err.code, params: err.params }];
  }
  throw err;
}

/**
 * Bulk upsert by external id (POST /api/contacts/bulk). Every row is validated on its own and
 * answered in `results`: created, updated, unchanged or error with the field reasons.
 * Idempotent: the same payload twice answers "unchanged" for every row and writes nothing.
 * An external id given twice in one request is refused on its second row. A storage failure
 * fails the whole call (503): every row is idempotent, so the caller simply retries it.
 */
export async function bulkUpsert(db: Db, rows: unknown[]): Promise<BulkResult> {
  const results: BulkRowResult[] = [];
  const valid: { index: number; row: BulkRow }[] = [];
  const firstIndex = new Map<string, number>();
  rows.forEach((raw, index) => {
    const externalId = typeof (raw as { externalId?: unknown } | null)?.externalId === "string" ? (raw as { externalId: string }).externalId.trim() || null : null;
    const parsed = bulkRow.safeParse(raw);
    const errors = parsed.success ? addressProblems(parsed.data.primaryEmail, parsed.data.secondaryEmails ?? []) : toFieldProblems(parsed.error);
    if (externalId !== null) {
      const first = firstIndex.get(externalId);
      if (first !== undefined) errors.push({ field: "externalId", key: "duplicate_in_request", params: { index: first } });
      else firstIndex.set(externalId, index);
    }
    results.push({ index, externalId, status: "error", id: null, errors });
    if (parsed.success && !errors.length) valid.push({ index, row: parsed.data });
  });

  const known = await readExternal(
    db,
    valid.map((v) => v.row.externalId),
  );
  await mapPool(valid, CONCURRENCY, async ({ index, row }) => {
    const result = results[index]!;
    try {
      const upserted = await upsertContact(
        db,
        {
          externalId: row.externalId,
          name: row.name,
          reading: row.reading,
          company: row.company ?? null,
          primaryEmail: row.primaryEmail,
          secondaryEmails: row.secondaryEmails ?? [],
        },
        known.get(row.externalId),
      );
      result.status = upserted.status;
      result.id = upserted.contact.id;
    } catch (err) {
      result.errors = rowErrors(err);
    }
  });

  const counts = { created: 0, updated: 0, unchanged: 0, error: 0 };
  for (const r of results) counts[r.status]++;
  return { counts, results };
}
