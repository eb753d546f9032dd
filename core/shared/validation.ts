import type { z } from "zod";
import { AppError, type FieldProblem } from "./errors";

/**
 * Turns zod issues into field problems with catalogue keys, so they read well in any language.
 * One problem per field, the first zod found: an empty email is "is required.", not also "must be
 * a valid email address." (two reasons run together read as one confusing sentence).
 */
export function toFieldProblems(error: z.ZodError, prefix = ""): FieldProblem[] {
  const seen = new Set<string>();
  return allFieldProblems(error, prefix).filter((p) => !seen.has(p.field) && !!seen.add(p.field));
}

function allFieldProblems(error: z.ZodError, prefix: string): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const issue of error.issues) {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join(".");
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each case below reads the fields of its own issue kind.
    const i = issue as any;
    switch (issue.code) {
      case "invalid_type":
        out.push(i.input === undefined ? { field: path, key: "required" } : { field: path, key: "invalid_type", params: { expected: i.expected } });
        break;
      case "too_small":
        if (i.origin === "string") out.push({ field: path, key: Number(i.minimum) <= 1 ? "required" : "too_short", params: { minimum: Number(i.minimum) } });
        else if (i.origin === "array") out.push({ field: path, key: "required" });
        else out.push({ field: path, key: "too_small_number", params: { minimum: Number(i.minimum) } });
        break;
      case "too_big":
        if (i.origin === "string") out.push({ field: path, key: "too_long", params: { maximum: Number(i.maximum) } });
        else if (i.origin === "array") out.push({ field: path, key: "too_many_items", params: { maximum: Number(i.maximum) } });
        else out.push({ field: path, key: "too_big_number", params: { maximum: Number(i.maximum) } });
        break;
      case "invalid_format":
        out.push({ field: path, key: i.format === "email" ? "invalid_email" : "invalid_value" });
        break;
      case "invalid_value":
        out.push({ field: path, key: "one_of", params: { values: (i.values ?? []).join(", ") } });
        break;
      case "unrecognized_keys":
        for (const key of i.keys ?? []) out.push({ field: [path, key].filter(Boolean).join("."), key: "unknown_field" });
        break;
      case "custom":
        out.push({ field: path, key: i.params?.key ?? "invalid_value", params: i.params?.values });
        break;
      default:
        if (i.expected === "int" || /integer/i.test(issue.message)) out.push({ field: path, key: "not_integer" });
        else out.push({ field: path, key: "invalid_value" });
    }
  }
  return out;
}

export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, prefix = ""): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new AppError("validation", "validation_failed", { fields: toFieldProblems(result.error, prefix) });
}
