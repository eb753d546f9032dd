import { describe, expect, it } from "vitest";
import { eventTexts } from "../../core/notification-mail/compose";
import { formatInZone } from "../../core/shared/durations";

const c = { timeZone: "Asia/Tokyo", now: new Date("2026-11-30T09:00:00Z") };
const base = { accountId: "a1", address: "sales@acme.example", ownerId: "u1" };

describe("the mails about a mailbox that keeps failing", () => {
  it("say how many runs failed, since when (in the organisation's zone) and why, in Japanese and English", () => {
    const texts = eventTexts({ kind: "mailbox.failing", ...base, code: "diag.connection_refused", failedRuns: 3, since: "2026-11-30T08:40:00Z", at: "2026-11-30T08:50:00Z" }, c);
    expect(texts.ja.subject).toContain("sales@acme.example");
    expect(texts.ja.lines.join("\n")).toContain("3回続けて失敗");
    expect(texts.ja.lines).toContain(`失敗の始まり: ${formatInZone("2026-11-30T08:40:00Z", "ja", "Asia/Tokyo")}`);
    expect(texts.en.subject).toBe("[CRM Mail Sync] Mailbox keeps failing: sales@acme.example");
    expect(texts.en.lines.join("\n")).toContain("failed 3 times in a row");
    expect(texts.en.lines).toContain("Reason: diag.connection_refused");
  });

  it("tell the recovery with the incident's start and its end", () => {
    const texts = eventTexts({ kind: "mailbox.recovered", ...base, since: "2026-11-30T08:40:00Z", at: "2026-11-30T09:10:00Z" }, c);
    expect(texts.en.subject).toBe("[CRM Mail Sync] Mailbox syncs again: sales@acme.example");
    expect(texts.en.lines).toContain(`Recovered at: ${formatInZone("2026-11-30T09:10:00Z", "en", "Asia/Tokyo")}`);
    expect(texts.ja.lines).toContain(`回復日時: ${formatInZone("2026-11-30T09:10:00Z", "ja", "Asia/Tokyo")}`);
  });
});

describe("a job event's own recipients", () => {
  it("are not written into the mail's text", () => {
    const texts = eventTexts(
      { kind: "job.failed", jobType: "send", jobId: "j1", subject: "s1", code: "auth_failed", at: "2026-11-30T09:00:00Z", recipients: ["ops@acme.example"] },
      c,
    );
    expect([...texts.en.lines, ...texts.ja.lines].join("\n")).not.toContain("ops@acme.example");
    expect(texts.en.lines.join("\n")).toContain("code: auth_failed");
  });
});
