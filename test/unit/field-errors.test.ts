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

  it("still says each line's problem when a list's lines share one input", () => {
    const fields = [
      { field: "domains.0", message: "a: is not a domain name." },
      { field: "domains.0", message: "a: is too short." },
      { field: "domains.2", message: "c: is not a domain name." },
    ];
    const shown = splitFieldErrors(fields, (f) => (f.startsWith("domains.") ? "domains" : null));
    expect(shown.byField).toEqual({ domains: "a: is not a domain name. c: is not a domain name." });
  });
});
