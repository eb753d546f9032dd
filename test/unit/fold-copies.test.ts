import { describe, expect, it } from "vitest";
import { foldCopies, messageSortKey } from "../../core/messages/index";

describe("foldCopies", () => {
  it("folds the side-by-side copies of one message into one, naming every owner", () => {
    const copy = (sk: string, ownerId: string) => ({ pk: "bob@example.test", sk, ownerId, subject: sk.split("#")[1] });
    const folded = foldCopies([copy("2026-05-02#k2#acc2", "u2"), copy("2026-05-02#k2#acc1", "u1"), copy("2026-05-01#k1#acc1", "u1")]);
    expect(folded.map((m) => [m.sk, m.owners.map((o: { ownerId: string }) => o.ownerId)])).toEqual([
      ["2026-05-02#k2", ["u2", "u1"]],
      ["2026-05-01#k1", ["u1"]],
    ]);
  });
  it("reads the message's key from a copy's key, whatever the account id", () => {
    expect(messageSortKey("2026-05-01T09:00:00.000Z#abc#acc-1")).toBe("2026-05-01T09:00:00.000Z#abc");
  });
});
