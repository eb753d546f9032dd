import { describe, expect, it } from "vitest";
import { formatInZone, humanDuration } from "../../core/shared/durations";
import { translate } from "../../core/shared/i18n";
import { formatDuration } from "../../web/src/i18n/index";

describe("waits as people say them", () => {
  it("says seconds under a minute and about N minutes past it, never hundreds of seconds", () => {
    expect(humanDuration(30, "ja")).toBe("30秒");
    expect(humanDuration(439, "ja")).toBe("約7分");
    expect(humanDuration(439, "en")).toBe("about 7 minutes");
    expect(humanDuration(60, "en")).toBe("about 1 minute");
    expect(humanDuration(3 * 3600 + 5 * 60, "ja")).toBe("約3時間5分");
    expect(humanDuration(2 * 3600, "en")).toBe("about 2 hours");
    expect(humanDuration(3 * 86400, "en")).toBe("about 3 days");
  });

  it("says a wait under the floor as 'less than N seconds', never '0秒' or milliseconds", () => {
    expect(humanDuration(0.12, "ja")).toBe("1秒未満");
    expect(humanDuration(0.12, "en")).toBe("less than 1 second");
    expect(humanDuration(3, "ja", { under: 5 })).toBe("5秒未満");
    expect(humanDuration(3, "en", { under: 5 })).toBe("less than 5 seconds");
    expect(humanDuration(5, "en", { under: 5 })).toBe("5 seconds");
    expect(humanDuration(1, "en")).toBe("1 second");
    expect(humanDuration(2 * 3600 + 15 * 60, "ja")).toBe("約2時間15分");
  });

  it("gives the console the same words from milliseconds (web/src/i18n formatDuration)", () => {
    expect(formatDuration("ja", 439_000)).toBe("約7分");
    expect(formatDuration("ja", 120)).toBe("1秒未満");
    expect(formatDuration("en", 12_400)).toBe("12 seconds");
    expect(formatDuration("en", 2_000, 5)).toBe("less than 5 seconds");
  });

  it("says a sending limit's wait as a duration too", () => {
    expect(translate("send_limit_hour", "ja", { limit: 50, seconds: 2400 })).toContain("約40分後に");
    expect(translate("send_limit_day", "en", { limit: 500, seconds: 7200 })).toContain("Try again in about 2 hours.");
  });

  it("renders a rate limit's seconds param as a duration in the reader's language", () => {
    expect(translate("rate_limited", "ja", { seconds: 439 })).toBe("試行回数が多すぎます。約7分待ってからもう一度お試しください。");
    expect(translate("rate_limited", "en", { seconds: 12 })).toBe("Too many attempts. Please wait 12 seconds and try again.");
    // a plain placeholder still takes the param as it is
    expect(translate("recipient_invalid", "en", { address: "x@" })).toBe('"x@" is not a valid email address.');
  });

  it("gives a moment in the organisation's time zone, naming the zone", () => {
    expect(formatInZone("2026-11-30T01:03:04.000Z", "ja", "Asia/Tokyo")).toBe("2026/11/30 10:03 (Asia/Tokyo)");
    expect(formatInZone("2026-11-30T01:03:04.000Z", "en", "Europe/London")).toBe("30 Nov 2026, 01:03 (Europe/London)");
  });
});
