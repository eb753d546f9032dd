import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ensureTables, localDynamo, startDynalite, type Emulator } from "../../core/local/emulators";
import { Db } from "../../core/store/db";
import { consume, ensureUnder, release, reserve, type RateLimit } from "../../core/store/rate-limit";
import { AppError } from "../../core/shared/errors";

/** The sliding-window limiter on a real DynamoDB wire protocol (dynalite). */
let dynamo: Emulator;
let db: Db;
beforeAll(async () => {
  dynamo = await startDynalite();
  await ensureTables(dynamo.endpoint, ["rl-main", "rl-mail"]);
  db = new Db({ main: "rl-main", mail: "rl-mail" }, localDynamo(dynamo.endpoint));
});
afterAll(async () => dynamo?.close());

describe("rate limits", () => {
  it("allows exactly the limit within a window, even when the calls race", async () => {
    const rule = { bucket: "race", limit: 5, windowSeconds: 3600 };
    const outcomes = await Promise.allSettled(Array.from({ length: 12 }, () => consume(db, rule, "u1")));
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(5);
    const refused = outcomes.find((o) => o.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(AppError);
    expect(refused.reason).toMatchObject({ kind: "rateLimited", code: "rate_limited" });
    expect(refused.reason.params.seconds).toBeGreaterThan(0);
    // another subject has its own count
    await expect(consume(db, rule, "u2")).resolves.toBeUndefined();
  });

  it("checks without counting", async () => {
    const rule = { bucket: "peek", limit: 2, windowSeconds: 3600 };
    await ensureUnder(db, rule, "s");
    await ensureUnder(db, rule, "s");
    await ensureUnder(db, rule, "s");
    await consume(db, rule, "s");
    await consume(db, rule, "s");
    await expect(ensureUnder(db, rule, "s")).rejects.toMatchObject({ code: "rate_limited" });
  });

  describe("sliding window", () => {
    afterEach(() => vi.useRealTimers());
    const at = (seconds: number) => vi.setSystemTime(new Date(seconds * 1000));
    const HOUR0 = 1_800_000_000 - (1_800_000_000 % 3600);

    it("still counts the previous window by how much of it overlaps, so a burst across the boundary cannot double the limit", async () => {
      vi.useFakeTimers({ toFake: ["Date"] });
      const rule = { bucket: "slide", limit: 10, windowSeconds: 3600 };
      at(HOUR0 + 3000);
      for (let i = 0; i < 10; i++) await consume(db, rule, "s");
      // a quarter into the next window, three quarters of the last one still weigh: 7 of 10
      at(HOUR0 + 3600 + 900);
      for (let i = 0; i < 3; i++) await consume(db, rule, "s");
      await expect(consume(db, rule, "s")).rejects.toMatchObject({ code: "rate_limited" });
      // and once the old window has slid out, the whole limit is there again
      at(HOUR0 + 7200 + 3599);
      await expect(consume(db, rule, "s")).resolves.toBeUndefined();
    });

    it("gives back a reserved use, never below zero, with the 429 naming the rule's own message", async () => {
      const rule: RateLimit = { bucket: "give-back", limit: 2, windowSeconds: 3600, code: "mailbox_login_limited" };
      const first = await reserve(db, rule, "t", { target: "bob@imap.example" });
      await reserve(db, rule, "t");
      await expect(reserve(db, rule, "t", { target: "bob@imap.example" })).rejects.toMatchObject({ code: "mailbox_login_limited", params: { target: "bob@imap.example" } });
      await release(db, first);
      await reserve(db, rule, "t");
      const other = await reserve(db, rule, "u");
      await release(db, other);
      await expect(release(db, other)).resolves.toBeUndefined();
      await reserve(db, rule, "u");
      await reserve(db, rule, "u");
      await expect(reserve(db, rule, "u")).rejects.toMatchObject({ kind: "rateLimited" });
    });
  });
});
