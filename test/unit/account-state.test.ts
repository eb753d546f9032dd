import { describe, expect, it } from "vitest";
import {
  afterJob,
  afterOwnerStatus,
  afterSave,
  duringFirstSync,
  failingAfterJob,
  FAILING_AFTER_MS,
  FAILING_AFTER_RUNS,
  heldBecause,
  isPaused,
  maySendSavedPassword,
  maySync,
  PAUSE_AFTER_FAILED_LOGINS,
  shownState,
} from "../../core/accounts/state-machine";

describe("the account state machine", () => {
  it("pauses a mailbox on the third refused login in a row, not before", () => {
    // Prepare / Act
    const first = afterJob({}, "authenticationError");
    const second = afterJob(first, "authenticationError");
    const third = afterJob(second, "authenticationError");
    // Assess
    expect(PAUSE_AFTER_FAILED_LOGINS).toBe(3);
    expect([first, second, third]).toEqual([
      { state: "authenticationError", authFailures: 1 },
      { state: "authenticationError", authFailures: 2 },
      { state: "paused", authFailures: 3 },
    ]);
  });

  it("counts refused logins afresh after a good one, and keeps the count through a network failure", () => {
    expect(afterJob({ authFailures: 2 }, "connected")).toEqual({ state: "connected", authFailures: 0 });
    expect(afterJob({ authFailures: 2 }, "connectError")).toEqual({ state: "connectError" });
    expect(afterJob(afterJob({ authFailures: 2 }, "connected"), "authenticationError")).toEqual({ state: "authenticationError", authFailures: 1 });
  });

  it("shows a mailbox in its first sync as syncing, unless sync is switched off", () => {
    expect(duringFirstSync()).toBe("syncing");
    expect(shownState({ state: duringFirstSync() })).toBe("syncing");
    expect(shownState({ state: duringFirstSync(), syncEnabled: false })).toBe("disabled");
  });

  it("resumes a paused mailbox when new credentials are saved, and keeps the pause on any other edit", () => {
    const paused = { state: "paused" as const, authFailures: 3 };
    expect(afterSave(paused, { serverChanged: true })).toEqual({ state: "init", authFailures: 0 });
    expect(afterSave(paused, { serverChanged: false })).toEqual(paused);
    expect(afterSave(paused, { serverChanged: true, failedState: "authenticationError" })).toEqual({ state: "authenticationError", authFailures: 0 });
  });

  it("sends no saved password and runs no sync for a paused mailbox", () => {
    const paused = { state: "paused" as const, authFailures: 3 };
    expect(isPaused(paused)).toBe(true);
    expect(maySendSavedPassword(paused)).toBe(false);
    expect(maySync(paused)).toBe(false);
    expect(maySync({ state: "authenticationError", authFailures: 2 })).toBe(true);
  });

  it("treats an item stored before the paused state existed (three refusals, authenticationError) as paused", () => {
    const old = { state: "authenticationError" as const, authFailures: 3 };
    expect(isPaused(old)).toBe(true);
    expect(shownState(old)).toBe("paused");
    expect(shownState({ state: "connected", authFailures: 3 })).toBe("connected");
  });

  it("shows disabled whatever was stored last, and does not sync it or a mailbox without a password", () => {
    expect(shownState({ state: "paused", syncEnabled: false })).toBe("disabled");
    expect(maySync({ state: "connected", syncEnabled: false })).toBe(false);
    expect(maySync({ state: "authenticationError", lastError: { code: "password_missing" } })).toBe(false);
    expect(maySync({ state: "init" })).toBe(true);
  });

  it("holds the sync of a deactivated owner's mailbox and shows it disabled with the reason, then resumes it where it stood when the owner is reactivated", () => {
    // Prepare: a connected mailbox with one refused login counted
    const before = { state: "connected" as const, authFailures: 1 };
    // Act
    const held = { ...before, ...afterOwnerStatus(false) };
    const released = { ...before, ...afterOwnerStatus(true) };
    // Assess
    expect(maySync(held)).toBe(false);
    expect(shownState(held)).toBe("disabled");
    expect(maySync(released)).toBe(true);
    expect(shownState(released)).toBe("connected");
    expect(heldBecause(held)).toBe("ownerDeactivated");
    expect(heldBecause(released)).toBeNull();
    // switched off by its own setting is not held from outside: the console says "Sync off" for that
    expect(heldBecause({ ...before, syncEnabled: false })).toBeNull();
    // a refused login during the hold still counts as before: the hold changes no stored state
    expect(afterJob(held, "authenticationError")).toEqual({ state: "authenticationError", authFailures: 2 });
  });
});

describe("a mailbox that keeps failing (not its password)", () => {
  const at = (minutes: number) => new Date(Date.UTC(2026, 10, 30, 9, minutes)).toISOString();

  it("is told failing on the third server failure in a row, once, and recovered when a job connects again", () => {
    // Prepare / Act
    const first = failingAfterJob({}, "connectError", at(0));
    const second = failingAfterJob(first.facts!, "connectError", at(5));
    const third = failingAfterJob(second.facts!, "connectError", at(10));
    const fourth = failingAfterJob(third.facts!, "connectError", at(15));
    const back = failingAfterJob(fourth.facts!, "connected", at(20));
    // Assess
    expect(FAILING_AFTER_RUNS).toBe(3);
    expect([first.tell, second.tell, third.tell, fourth.tell, back.tell]).toEqual([undefined, undefined, "failing", undefined, "recovered"]);
    expect(fourth.facts).toEqual({ connectFailures: 4, failingSince: at(0), failingToldAt: at(10) });
    expect(back.facts).toEqual({ connectFailures: 0, failingSince: null, failingToldAt: null });
  });

  it("is told failing after an hour of failures even with fewer runs, and a blip that was never told resolves silently", () => {
    const first = failingAfterJob({}, "connectError", at(0));
    expect(failingAfterJob(first.facts!, "connectError", at(59)).tell).toBeUndefined();
    expect(FAILING_AFTER_MS).toBe(60 * 60_000);
    expect(failingAfterJob(first.facts!, "connectError", at(60)).tell).toBe("failing");
    expect(failingAfterJob(first.facts!, "connected", at(5))).toEqual({ facts: { connectFailures: 0, failingSince: null, failingToldAt: null }, tell: undefined });
  });

  it("leaves the incident as it is on a refused login, and writes nothing for a mailbox that never failed", () => {
    const told = { connectFailures: 3, failingSince: at(0), failingToldAt: at(10) };
    expect(failingAfterJob(told, "authenticationError", at(20))).toEqual({});
    expect(failingAfterJob(told, "reconnectNeeded", at(20))).toEqual({});
    expect(failingAfterJob({}, "connected", at(20))).toEqual({});
  });
});
