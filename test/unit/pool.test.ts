import { describe, expect, it } from "vitest";
import { mapPool } from "../../core/shared/pool";

describe("mapPool", () => {
  it("keeps at most `limit` calls in flight and returns results in the items' order", async () => {
    // Prepare
    let inFlight = 0;
    let most = 0;
    const items = Array.from({ length: 20 }, (_, i) => i);
    // Act
    const out = await mapPool(items, 3, async (n) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((ok) => setTimeout(ok, (n * 7) % 5));
      inFlight--;
      return n * 2;
    });
    // Assess
    expect(most).toBe(3);
    expect(out).toEqual(items.map((n) => n * 2));
  });

  it("rejects when one call rejects", async () => {
    await expect(mapPool([1, 2, 3], 2, async (n) => (n === 2 ? Promise.reject(new Error("two")) : n))).rejects.toThrow("two");
  });
});
