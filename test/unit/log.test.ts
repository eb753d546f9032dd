import { describe, expect, it } from "vitest";
import { createLogger, logSink, redact } from "../../core/shared/log";

describe("logging", () => {
  it("redacts secret-looking keys at any depth", () => {
    const out = redact({ imap: { user: "u", password: "hunter2" }, list: [{ accessToken: "t" }], Authorization: "Bearer x" }) as any;
    expect(JSON.stringify(out)).not.toMatch(/hunter2|Bearer x|"t"/);
    expect(out.imap.user).toBe("u");
  });
  it("writes one JSON line per call with the child's fields", () => {
    const lines: string[] = [];
    const original = logSink.write;
    logSink.write = (l) => void lines.push(l);
    try {
      createLogger({ fn: "t" }).child({ jobId: "j" }).info("sync.completed", { pass: "x", n: 1 });
    } finally {
      logSink.write = original;
    }
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: "info", msg: "sync.completed", fn: "t", jobId: "j", pass: "[redacted]", n: 1 });
  });
});
