import { describe, expect, it } from "vitest";
import { formatInZone, humanDuration } from "../../core/shared/durations";
import { translate } from "../../core/shared/i18n";

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
