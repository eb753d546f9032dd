import { describe, expect, it } from "vitest";
import { ConfigError, readConfig } from "../../core/shared/config";

describe("the environment's settings", () => {
  it("take their defaults when unset or blank", () => {
    // Act
    const config = readConfig({ SYNC_INTERVAL_MINUTES: "  " });
    // Assess
    expect(config).toEqual({
      SYNC_INTERVAL_MINUTES: 5,
      SYNC_QUEUE_AGE_ALARM_SECONDS: 1800,
      ALERT_EMAILS: [],
      PORT: 3000,
      SCHEDULE_EVERY_SECONDS: undefined,
      OAUTH_MICROSOFT_TENANT: "common",
    });
  });

  it("read integers, and addresses trimmed, lower-cased and deduplicated", () => {
    const config = readConfig({ SYNC_INTERVAL_MINUTES: " 15 ", ALERT_EMAILS: "Ops@Example.com; ops@example.com, oncall@example.com", PORT: "0", SCHEDULE_EVERY_SECONDS: "30" });
    expect(config.SYNC_INTERVAL_MINUTES).toBe(15);
    expect(config.ALERT_EMAILS).toEqual(["ops@example.com", "oncall@example.com"]);
    expect(config.PORT).toBe(0);
    expect(config.SCHEDULE_EVERY_SECONDS).toBe(30);
  });

  it.each(["0", "61", "2.5", "five", "-3"])("refuse SYNC_INTERVAL_MINUTES=%s with one message naming the variable, the range and the value", (value) => {
    expect(() => readConfig({ SYNC_INTERVAL_MINUTES: value })).toThrow(new ConfigError(`SYNC_INTERVAL_MINUTES must be an integer from 1 to 60, got "${value}"`));
  });

  it("names every bad variable at once", () => {
    expect(() => readConfig({ SYNC_INTERVAL_MINUTES: "x", ALERT_EMAILS: "not-an-address" })).toThrow(
      'SYNC_INTERVAL_MINUTES must be an integer from 1 to 60, got "x"; ALERT_EMAILS "not-an-address" is not an email address',
    );
  });
});
