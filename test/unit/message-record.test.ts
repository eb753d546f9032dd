import { describe, expect, it } from "vitest";
import { headerAddresses, participants, toMailRecord } from "../../core/sync/message-record";

const base = {
  uid: 7,
  internalDate: new Date("2026-05-02T10:00:00Z"),
  envelope: {
    date: new Date("2026-05-01T09:00:00Z"),
    subject: "見積もりの件",
    messageId: "<abc@mail.example.com>",
    from: [{ name: "Bob", address: "Bob@Example.test" }],
    to: [{ name: "Alice", address: "alice@example.test" }],
    cc: [{ address: "carol@example.test" }],
  },
};

describe("toMailRecord", () => {
  it("uses the Date header, not INTERNALDATE, so copies in two mailboxes share one key", () => {
    const a = toMailRecord(base);
    const b = toMailRecord({ ...base, uid: 99, internalDate: new Date("2026-06-01T00:00:00Z") });
    expect(a.date).toBe("2026-05-01T09:00:00.000Z");
    expect(a.messageKey).toBe(b.messageKey);
  });
  it("threads by the first References id, then In-Reply-To, then the Message-ID", () => {
    const root = toMailRecord(base);
    const reply = toMailRecord({
      ...base,
      envelope: { ...base.envelope, messageId: "<r2@x>", inReplyTo: "<r1@x>" },
      headers: Buffer.from("References: <abc@mail.example.com>\r\n <r1@x>\r\n\r\n"),
    });
    const inReplyOnly = toMailRecord({ ...base, envelope: { ...base.envelope, messageId: "<r3@x>", inReplyTo: "<abc@mail.example.com>" } });
    expect(reply.threadKey).toBe(root.threadKey);
    expect(inReplyOnly.threadKey).toBe(root.threadKey);
  });
  it("normalises participant addresses and lists each once", () => {
    const r = toMailRecord({ ...base, envelope: { ...base.envelope, bcc: [{ address: "BOB@example.test" }] } });
    expect(participants(r)).toEqual(["bob@example.test", "alice@example.test", "carol@example.test"]);
  });
  it("falls back to INTERNALDATE and a header digest when Date and Message-ID are missing", () => {
    const r = toMailRecord({ ...base, envelope: { ...base.envelope, date: "not a date", messageId: undefined } });
    expect(r.date).toBe("2026-05-02T10:00:00.000Z");
    expect(r.messageId).toBeNull();
    expect(r.messageKey).toHaveLength(22);
  });
});

describe("headerAddresses", () => {
  it("finds every address in folded headers, ignoring quoted names, comments and groups", () => {
    const raw = Buffer.from(
      'From: "Sales, Tokyo" <Sales@Example.com>\r\nTo: a@b.test, "x@y" <c@d.test> (old e@f.test),\r\n  =?UTF-8?B?5bGx55Sw?= <yamada@ex.jp>\r\nCc: undisclosed-recipients:;\r\nBcc: <mailto:z@z.test>\r\n\r\n',
    );
    expect(headerAddresses(raw)).toEqual(["sales@example.com", "a@b.test", "c@d.test", "yamada@ex.jp", "z@z.test"]);
  });
  it("returns nothing for a message without address headers", () => {
    expect(headerAddresses(Buffer.from("\r\n"))).toEqual([]);
    expect(headerAddresses(undefined)).toEqual([]);
  });
});
