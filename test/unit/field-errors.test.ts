import { describe, expect, it } from "vitest";
import { splitFieldErrors } from "../../web/src/components/fields";

describe("where a refused form's field problems are shown", () => {
  it("shows one reason per field, the first the server gives, and keeps the rest of the fields apart", () => {
    // Prepare: the API lists every failed check of a field, most basic first
    const fields = [
      { field: "primaryEmail", code: "required", message: "is required." },
      { field: "primaryEmail", code: "invalid_email", message: "must be a valid email address." },
      { field: "name", code: "too_long", message: "is too long." },
      { field: "owner", code: "unknown", message: "names no user." },
    ];
    // Act
    const shown = splitFieldErrors(fields, (f) => (f === "primaryEmail" || f === "name" ? f : null));
    // Assess
    expect(shown.byField).toEqual({ primaryEmail: "is required.", name: "is too long." });
    expect(shown.other).toEqual(["names no user."]);
  });
});
