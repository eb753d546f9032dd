import type { Db, Item } from "../store/db";
import { keys } from "../store/keys";
import { newId, nowIso } from "../shared/ids";
import type { RunType } from "./job-types";

/**
 * Runs: the record of a job that belongs to no mailbox (a fan-out tick, a contact import, a
 * webhook delivery batch). Same item shape as a sync job's (JOB#<id>: status, startedAt,
 * heartbeatAt, endedAt, counts, error), indexed per type (gsi1pk JOBTYPE#<type>, gsi1sk its
 * start), so the monitor and the console read a type's latest runs with one Query.
 */
export interface Run {
  jobId: string;
  jobType: RunType;
  subject: string;
  startedAt: string;
}

export type RunCounts = Record<string, number>;

export async function startRun(db: Db, jobType: RunType, subject: string, at = nowIso()): Promise<Run> {
  const run: Run = { jobId: newId(), jobType, subject, startedAt: at };
  await db.put("main", { ...keys.job(run.jobId), gsi1pk: keys.jobsOfType(jobType), gsi1sk: at, ...run, status: "running", heartbeatAt: at });
  return run;
}

/** A sign of life with the counts so far (a long run calls it as it goes). */
export async function beatRun(db: Db, run: Run, counts: RunCounts): Promise<void> {
  await db.update("main", keys.job(run.jobId), { expression: "SET heartbeatAt = :h, counts = :c", values: { ":h": nowIso(), ":c": counts }, returnValues: "NONE" });
}

/**
 * Ends a run: "done", or "failed" with the error's code (its diagnosis). Only a run still
 * running changes: one the monitor already gave up on (abandoned) keeps that end.
 */
export async function endRun(db: Db, run: Run, status: "done" | "failed", fields: { counts?: RunCounts; error?: string } = {}): Promise<string> {
  const endedAt = nowIso();
  await db.update("main", keys.job(run.jobId), {
    expression: "SET #s = :s, endedAt = :e, heartbeatAt = :e, counts = :c, #err = :err",
    names: { "#s": "status", "#err": "error" },
    values: { ":s": status, ":e": endedAt, ":c": fields.counts ?? null, ":err": fields.error ?? null, ":r": "running" },
    condition: "#s = :r",
    returnValues: "NONE",
  });
  return endedAt;
}

/** A type's latest runs, newest first; `since`: only those started at or after it. */
export async function recentRuns(db: Db, jobType: RunType, options: { limit: number; since?: string }): Promise<Item[]> {
  const page = await db.query("main", {
    IndexName: "gsi1",
    KeyConditionExpression: options.since ? "gsi1pk = :p AND gsi1sk >= :s" : "gsi1pk = :p",
    ExpressionAttributeValues: { ":p": keys.jobsOfType(jobType), ...(options.since ? { ":s": options.since } : {}) },
    ScanIndexForward: false,
    Limit: options.limit,
  });
  return page.items;
}
