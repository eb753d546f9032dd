import { describe, expect, it } from "vitest";
import { leaseUntil } from "../../core/jobs/lease";
import { jobStatusNow } from "../../core/jobs/jobs";

const now = Date.parse("2026-11-29T12:00:00.000Z");
const sec = now / 1000;

describe("lease length", () => {
  it("lasts its length when the function has more time left", () => {
    expect(leaseUntil(60, 300_000, now)).toBe(sec + 60);
  });
  it("never outlasts the function: a Lambda about to time out holds the mailbox only until its deadline", () => {
    expect(leaseUntil(60, 12_500, now)).toBe(sec + 13);
    expect(leaseUntil(60, 0, now)).toBe(sec);
  });
});

describe("a job's status as the console shows it", () => {
  const beat = (msAgo: number) => new Date(now - msAgo).toISOString();
  it("is running while the job holds the lease, whatever its record says yet", () => {
    expect(jobStatusNow({ jobId: "a", status: "queued" }, { leaseJobId: "a", leaseUntil: sec + 30 }, now)).toBe("running");
  });
  it("is running between heartbeats once the lease is released and the end not yet written", () => {
    expect(jobStatusNow({ jobId: "a", status: "running", heartbeatAt: beat(2_000) }, {}, now)).toBe("running");
  });
  it("is abandoned when the record says running, its lease ran out and its heartbeat stopped", () => {
    expect(jobStatusNow({ jobId: "a", status: "running", heartbeatAt: beat(15_000) }, { leaseJobId: "a", leaseUntil: sec - 1 }, now)).toBe("abandoned");
    expect(jobStatusNow({ jobId: "a", status: "running" }, {}, now)).toBe("abandoned");
  });
  it("is what the record says once the job ended", () => {
    expect(jobStatusNow({ jobId: "a", status: "done", heartbeatAt: beat(90_000) }, {}, now)).toBe("done");
    expect(jobStatusNow({ jobId: "a", status: "abandoned" }, {}, now)).toBe("abandoned");
  });
});
