import { describe, expect, it } from "vitest";
import { isDue } from "../../core/sync/fanout";

const now = new Date("2026-11-22T10:00:00Z");
const account = (over: Record<string, unknown> = {}) => ({ id: "a", syncEnabled: true, state: "connected", lastError: null, ...over }) as any;

describe("isDue", () => {
  it("is due when never queued", () => expect(isDue(account(), now, 5)).toBe(true));
  it("is not due within the interval since it was last queued", () => {
    expect(isDue(account({ queuedAt: "2026-11-22T09:57:00Z" }), now, 5)).toBe(false);
    expect(isDue(account({ queuedAt: "2026-11-22T09:55:00Z" }), now, 5)).toBe(true);
  });
  it("tolerates a tick that fires a few seconds early", () => {
    expect(isDue(account({ queuedAt: "2026-11-22T09:55:10Z" }), now, 5)).toBe(true);
  });
  it("skips disabled accounts and accounts whose lease a running job holds", () => {
    expect(isDue(account({ syncEnabled: false }), now, 5)).toBe(false);
    expect(isDue(account({ leaseUntil: now.getTime() / 1000 + 60 }), now, 5)).toBe(false);
    expect(isDue(account({ leaseUntil: now.getTime() / 1000 - 60 }), now, 5)).toBe(true);
  });

  it("pauses a mailbox after repeated failed logins, so the provider does not lock it", () => {
    expect(isDue(account({ state: "authenticationError", authFailures: 2, lastError: { code: "imap_auth_failed" } }), now, 5)).toBe(true);
    expect(isDue(account({ state: "authenticationError", authFailures: 3, lastError: { code: "imap_auth_failed" } }), now, 5)).toBe(false);
    expect(isDue(account({ state: "connected", authFailures: 3 }), now, 5)).toBe(true);
  });
});

describe("backoffSeconds", () => {
  it("doubles from 30 s per receive, capped at 15 minutes", async () => {
    const { backoffSeconds } = await import("../../core/queue/index");
    const mid = () => 0.5; // no jitter
    expect([1, 2, 3, 4, 10].map((n) => backoffSeconds(n, mid))).toEqual([30, 60, 120, 240, 900]);
  });
  it("jitters by at most 20 % either way", async () => {
    const { backoffSeconds } = await import("../../core/queue/index");
    expect(backoffSeconds(2, () => 0)).toBe(48);
    expect(backoffSeconds(2, () => 1)).toBe(72);
  });
});
