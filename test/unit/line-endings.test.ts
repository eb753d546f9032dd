import { describe, expect, it } from "vitest";
import { withCrlf } from "../../core/sending/line-endings";
import { buildTestMessage } from "../../core/sending/test-mail";

const bareLineBreak = (raw: Buffer) => /(^|[^\r])\n|\r(?!\n)/.test(raw.toString("latin1"));

describe("withCrlf", () => {
  it("turns bare LF and bare CR into CRLF and leaves CRLF alone", () => {
    expect(withCrlf(Buffer.from("a\nb\r\nc\rd\r\n")).toString()).toBe("a\r\nb\r\nc\r\nd\r\n");
  });

  it("returns a clean message unchanged, without copying it", () => {
    const clean = Buffer.from("Subject: x\r\n\r\nbody\r\n");
    expect(withCrlf(clean)).toBe(clean);
  });

  it("keeps 8-bit bytes as they are", () => {
    const raw = Buffer.concat([Buffer.from("Subject: x\n\n"), Buffer.from("日本語\n", "utf8")]);
    expect(withCrlf(raw).toString("utf8")).toBe("Subject: x\r\n\r\n日本語\r\n");
  });
});

describe("the test mail", () => {
  it("has CRLF line endings only, so a server that refuses bare newlines (Cyrus) accepts the Sent copy", async () => {
    const { raw } = await buildTestMessage({ email: "alice@example.com", displayName: "Alice" }, new Date("2026-11-29T00:00:00Z"));
    expect(bareLineBreak(raw)).toBe(false);
    expect(raw.toString("latin1")).toContain("\r\n\r\n");
  });
});
