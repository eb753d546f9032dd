import { describe, expect, it } from "vitest";
import {
  afterJob,
  afterOwnerStatus,
  afterSave,
  duringFirstSync,
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

  it("holds the sync of a deactivated owner's mailbox and shows it disabled, then resumes it where it stood when the owner is reactivated", () => {
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
    // a refused login during the hold still counts as before: the hold changes no stored state
    expect(afterJob(held, "authenticationError")).toEqual({ state: "authenticationError", authFailures: 2 });
  });
});
