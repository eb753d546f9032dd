import { describe, expect, it } from "vitest";
import { headerAddresses, participants, toMailRecord } from "../../core/sync/message-record";
import { encodeIso2022jp } from "../support/corpus";

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
  it("reads only address fields: a Message-ID or References is no participant", () => {
    const raw = Buffer.from("Message-ID: <m1@example.com>\r\nReferences: <r@x.test>\r\nFrom: a@b.test\r\n\r\n");
    expect(headerAddresses(raw)).toEqual(["a@b.test"]);
  });
  it("returns nothing for a message without address headers", () => {
    expect(headerAddresses(Buffer.from("\r\n"))).toEqual([]);
    expect(headerAddresses(undefined)).toEqual([]);
  });
});

describe("toMailRecord from raw header fields", () => {
  it("builds the same record as from ENVELOPE, decoding encoded words and folded lines", () => {
    const headers = Buffer.from(
      [
        'From: "=?UTF-8?B?5bGx55Sw?=" <Yamada@Example.test>',
        "To: Alice <alice@example.test>,",
        " Carol <carol@example.test>",
        "Cc: undisclosed-recipients:;",
        "Date: Fri, 1 May 2026 09:00:00 +0000",
        `Subject: =?ISO-2022-JP?B?${encodeIso2022jp("見積").toString("base64")}?= of`,
        "  order",
        "Message-ID: <abc@mail.example.com>",
        "In-Reply-To: <r1@x>",
        "References: <root@x> <r1@x>",
        "",
        "",
      ].join("\r\n"),
    );
    const r = toMailRecord({ uid: 1, internalDate: new Date("2026-05-02T00:00:00Z"), size: 1234, headers });
    expect(r).toMatchObject({
      date: "2026-05-01T09:00:00.000Z",
      subject: "見積 of order",
      messageId: "<abc@mail.example.com>",
      inReplyTo: "<r1@x>",
      from: { name: "山田", address: "yamada@example.test" },
      to: [
        { name: "Alice", address: "alice@example.test" },
        { name: "Carol", address: "carol@example.test" },
      ],
      cc: [],
      size: 1234,
    });
    expect(r.messageKey).toBe(toMailRecord(base).messageKey);
    expect(r.threadKey).toBe(toMailRecord({ ...base, envelope: { ...base.envelope, messageId: "<root@x>" } }).threadKey);
  });
  it("decodes a raw Shift_JIS subject sent without encoded words", async () => {
    const iconv = (await import("iconv-lite")).default;
    const headers = Buffer.concat([Buffer.from("From: a@b.test\r\nSubject: "), iconv.encode("納期について", "shift_jis"), Buffer.from("\r\n\r\n")]);
    expect(toMailRecord({ uid: 2, headers }).subject).toBe("納期について");
  });
});
