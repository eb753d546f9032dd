import { describe, expect, it } from "vitest";
import { backfillMarks } from "../../core/sync/backfill-requests";

const now = Date.parse("2026-11-29T12:00:00.000Z");
const SETTLE = 60_000;

describe("backfillMarks", () => {
  it("moves the mark past requests older than the settle time: they have surely all landed", () => {
    const marks = backfillMarks("2026-11-29T11:58:00.000Z#a@x.test", "", now, SETTLE);
    expect(marks).toEqual({ seen: "2026-11-29T11:58:00.000Z#a@x.test", taken: "2026-11-29T11:58:00.000Z#a@x.test" });
  });

  it("keeps the mark a settle time behind the job when it took a request younger than that", () => {
    // taken now, and again by the next job: a request stamped a moment earlier may still land
    const marks = backfillMarks("2026-11-29T11:59:50.000Z#a@x.test", "", now, SETTLE);
    expect(marks.seen).toBe("2026-11-29T11:59:00.000Z");
    expect(marks.taken).toBe("2026-11-29T11:59:50.000Z#a@x.test");
    // a request stamped between the two is above the mark: the next job takes it
    expect("2026-11-29T11:59:30.000Z#late@x.test" > marks.seen).toBe(true);
  });

  it("never moves the mark back", () => {
    const after = "2026-11-29T11:59:30.000Z#a@x.test";
    expect(backfillMarks("2026-11-29T11:59:50.000Z#b@x.test", after, now, SETTLE).seen).toBe(after);
  });

  it("takes every request at once without a settle time (tests)", () => {
    expect(backfillMarks("2026-11-29T11:59:59.999Z#a@x.test", "", now, 0).seen).toBe("2026-11-29T11:59:59.999Z#a@x.test");
  });
});
