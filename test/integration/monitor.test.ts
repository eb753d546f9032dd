import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureTables, localDynamo, startDynalite, type Emulator } from "../../core/local/emulators";
import { Db } from "../../core/store/db";
import { keys } from "../../core/store/keys";
import { findStalledJobs } from "../../core/monitoring/index";
import { recordJob, recordQueued } from "../../core/jobs/jobs";

/** The background-job monitor finds jobs that stopped showing signs of life. */
let dynamo: Emulator;
let db: Db;
const now = new Date("2026-11-22T12:00:00Z");
const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000).toISOString();

beforeAll(async () => {
  dynamo = await startDynalite();
  await ensureTables(dynamo.endpoint, ["mon-main", "mon-mail"]);
  db = new Db({ main: "mon-main", mail: "mon-mail" }, localDynamo(dynamo.endpoint));
  for (const id of ["a1", "a2"]) await db.put("main", { ...keys.account(id), gsi1pk: keys.accountsIndex, gsi1sk: `u#${id}`, id, ownerId: "u" });
  // a1: a job queued 3 hours ago that never started, and one that finished
  await recordQueued(db, { jobId: "j-stuck", accountId: "a1", reason: "schedule", enqueuedAt: ago(180) });
  await recordQueued(db, { jobId: "j-done", accountId: "a1", reason: "schedule", enqueuedAt: ago(170) });
  await recordJob(db, "j-done", "done", { endedAt: ago(169) });
  // a2: a job whose last heartbeat was 90 minutes ago, and a healthy running one
  await recordQueued(db, { jobId: "j-silent", accountId: "a2", reason: "manual", enqueuedAt: ago(100) });
  await db.update("main", keys.job("j-silent"), { expression: "SET #s = :s, heartbeatAt = :h", names: { "#s": "status" }, values: { ":s": "running", ":h": ago(90) } });
  await recordQueued(db, { jobId: "j-live", accountId: "a2", reason: "manual", enqueuedAt: ago(5) });
});
afterAll(async () => dynamo?.close());

describe("findStalledJobs", () => {
  it("reports queued or running jobs silent for longer than the threshold, and only those", async () => {
    const stalled = await findStalledJobs(db, { olderThanMinutes: 60, now });
    expect(stalled.map((j) => j.jobId).sort()).toEqual(["j-silent", "j-stuck"]);
    expect(stalled.find((j) => j.jobId === "j-silent")).toMatchObject({ accountId: "a2", status: "running", since: ago(90) });
  });
  it("honours the threshold", async () => {
    expect((await findStalledJobs(db, { olderThanMinutes: 120, now })).map((j) => j.jobId)).toEqual(["j-stuck"]);
  });
});
