import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureTables, localDynamo, startDynalite, type Emulator } from "../../core/local/emulators";
import { Db } from "../../core/store/db";
import { consume, ensureUnder } from "../../core/shared/rate-limit";
import { AppError } from "../../core/shared/errors";

/** The fixed-window limiter on a real DynamoDB wire protocol (dynalite). */
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
});
