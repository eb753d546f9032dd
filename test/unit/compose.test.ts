import { describe, expect, it } from "vitest";
import { checkCompose, prefixedSubject, quoteOriginal, recipientsOf } from "../../core/sending/compose";
import { buildMessage, headerBlock, wholeSecond, withSignature } from "../../core/sending/build-message";
import { retryDelaySeconds } from "../../core/sending/deliver";
import { AppError } from "../../core/shared/errors";
import { translate } from "../../core/shared/i18n";

const mailbox = { id: "a1", ownerId: "u1", email: "me@acme.example", aliases: ["sales@acme.example"], smtp: { host: "smtp.acme.example" } };
const input = { accountId: "a1", subject: "Hi", text: "Hello" };

describe("compose checks", () => {
  it("takes the mailbox's address or an alias as From, whatever its case", () => {
    expect(checkCompose({ ...input, to: ["x@c.example"] }, mailbox).from).toBe("me@acme.example");
    expect(checkCompose({ ...input, from: "Sales@ACME.example", to: ["x@c.example"] }, mailbox).from).toBe("sales@acme.example");
  });

  it("refuses another From, no recipient and a mailbox without SMTP, each on its field", () => {
    let error: AppError | undefined;
    try {
      checkCompose({ ...input, from: "boss@acme.example" }, { ...mailbox, smtp: null });
    } catch (err) {
      error = err as AppError;
    }
    expect(error?.kind).toBe("validation");
    expect(error?.fields.map((f) => [f.field, f.key])).toEqual([
      ["from", "send_from_not_own"],
      ["to", "send_no_recipient"],
      ["accountId", "send_mailbox_no_smtp"],
    ]);
    for (const f of error!.fields) expect(translate(f.key, "ja")).not.toBe(f.key);
  });

  it("lists each recipient once, To before Cc before Bcc", () => {
    expect(recipientsOf({ to: ["A@x.example", "b@x.example"], cc: ["a@x.example", "c@x.example"], bcc: ["C@x.example", "d@x.example"] })).toEqual({
      to: ["a@x.example", "b@x.example"],
      cc: ["c@x.example"],
      bcc: ["d@x.example"],
    });
  });

  it("prefixes Re: and Fwd: once, also over Japanese clients' full-width prefixes", () => {
    expect(prefixedSubject("Re: RE: Quote", "reply")).toBe("Re: Quote");
    expect(prefixedSubject("Ｒｅ：見積もり", "replyAll")).toBe("Re: 見積もり");
    expect(prefixedSubject("Fwd: Quote", "forward")).toBe("Fwd: Quote");
    expect(prefixedSubject("Quote", "forward")).toBe("Fwd: Quote");
  });

  it("quotes every line of the original, deeper for lines already quoted", () => {
    const q = quoteOriginal({ date: "2026-11-30T01:00:00.000Z", from: { name: "Carol", address: "carol@c.example" } }, "Is it final?\r\n> earlier");
    expect(q).toBe("\n\nOn Mon, 30 Nov 2026 01:00:00 GMT, Carol <carol@c.example> wrote:\n> Is it final?\n>> earlier\n");
  });
});

describe("the message built for sending", () => {
  const parts = {
    from: { name: "Alice", address: "sales@acme.example" },
    to: ["carol@c.example"],
    cc: ["dave@c.example"],
    bcc: ["erin@c.example"],
    subject: "Quote",
    text: withSignature("Hello\nCarol", "Alice\nACME"),
    date: wholeSecond(new Date("2026-11-30T01:02:03.456Z")),
    messageId: "<fixed@acme.example>",
    inReplyTo: "<q@c.example>",
    references: ["<root@c.example>", "<q@c.example>"],
  };

  it("keeps Bcc out of the delivered bytes and in the Sent copy, with one Message-ID and Date in both", async () => {
    const { delivery, sentCopy } = await buildMessage(parts);
    const d = headerBlock(delivery).toString(),
      s = headerBlock(sentCopy).toString();
    expect(d).not.toMatch(/^Bcc:/im);
    expect(s).toMatch(/^Bcc: erin@c\.example\r$/im);
    for (const h of [d, s]) {
      expect(h).toMatch(/^Message-ID: <fixed@acme\.example>\r$/im);
      expect(h).toMatch(/^Date: Mon, 30 Nov 2026 01:02:03 \+0000\r$/im);
      expect(h).toMatch(/^In-Reply-To: <q@c\.example>\r$/im);
      expect(h).toMatch(/^References: <root@c\.example> <q@c\.example>\r$/im);
    }
  });

  it("ends every line in CRLF and puts the signature under the separator", async () => {
    const { delivery } = await buildMessage(parts);
    const text = delivery.toString("latin1");
    expect(text).not.toMatch(/[^\r]\n/);
    expect(text).toContain("Hello\r\nCarol\r\n\r\n-- \r\nAlice\r\nACME");
    expect(withSignature("Hi", "  ")).toBe("Hi");
  });

  it("waits 30 s, then twice as long each time, never more than SQS's 15 minutes", () => {
    expect([1, 2, 3, 4, 5, 10].map(retryDelaySeconds)).toEqual([30, 60, 120, 240, 480, 900]);
  });
});
