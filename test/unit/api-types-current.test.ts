import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { apiTypesPath, renderApiTypes } from "../../web/scripts/api-types";

describe("the console's generated API types", () => {
  it("match the OpenAPI document the routes produce now (run `npm run gen:api` when this fails)", async () => {
    // Prepare
    const checkedIn = await readFile(apiTypesPath, "utf8");
    // Act
    const fresh = await renderApiTypes();
    // Assess
    expect(fresh).toContain('"/api/contacts"');
    expect(checkedIn).toBe(fresh);
  });
});
