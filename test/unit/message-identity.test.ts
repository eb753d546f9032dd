import { describe, expect, it } from "vitest";
import { earliestReceived, messageIdentity } from "../../core/sync/message-identity";
import { toMailRecord } from "../../core/sync/message-record";
import { addressList } from "../../core/sync/header-record";
import { digest } from "../../core/shared/ids";

const raw = (text: string) => Buffer.from(text.replace(/\n/g, "\r\n"));
const noDate = "From: Bob <bob@example.test>\nTo: alice@example.test\nSubject: Undated\n";

describe("message identity", () => {
  it("keeps the key every stored message with a Message-ID already has", () => {
    // pinned: changing it would re-key every stored message and duplicate it after an upgrade
    const r = toMailRecord({ uid: 1, headers: raw("Message-ID: <Abc@Mail.Example.com>\nDate: Fri, 01 May 2026 09:00:00 +0000\nFrom: bob@example.test\n\n") });
    expect(r.messageKey).toBe(digest("id:<abc@mail.example.com>"));
  });

  it("keeps the header digest of a message without Message-ID but with a Date header", () => {
    const r = toMailRecord({ uid: 1, headers: raw(`${noDate}Date: Fri, 01 May 2026 09:00:00 +0000\n\n`) });
    expect(r.messageKey).toBe(digest("h:2026-05-01T09:00:00.000Z|bob@example.test|alice@example.test|Undated"));
  });

  it("gives a message without Date or Message-ID the same key whatever its INTERNALDATE", () => {
    const a = toMailRecord({ uid: 1, internalDate: new Date("2026-05-02T10:00:00Z"), headers: raw(`${noDate}\n`) });
    const b = toMailRecord({ uid: 9, internalDate: new Date("2026-06-20T08:00:00Z"), headers: raw(`${noDate}\n`) });
    expect(a.messageKey).toBe(b.messageKey);
    expect(a.undated).toBe(true);
  });

  it("dates a message without a Date header by its earliest Received header, the same in every copy", () => {
    const received =
      "Received: from mx.other.test by mx.example.test; Tue, 3 Nov 2026 10:00:05 +0000\nReceived: from laptop (laptop [10.0.0.2])\n\tby smtp.example.test with ESMTPSA; Tue, 3 Nov 2026 09:59:58 +0000 (UTC)\n";
    const a = toMailRecord({ uid: 1, internalDate: new Date("2026-11-03T10:01:00Z"), headers: raw(`${noDate}${received}\n`) });
    const b = toMailRecord({ uid: 2, internalDate: new Date("2026-11-09T00:00:00Z"), headers: raw(`${noDate}${received}\n`) });
    expect(a.date).toBe("2026-11-03T09:59:58.000Z");
    expect(a.undated).toBeUndefined();
    expect([b.date, b.messageKey]).toEqual([a.date, a.messageKey]);
  });

  it("finds no Received date in values without one", () => {
    expect(earliestReceived(["from x by y", "from a by b; not a date"])).toBeNull();
  });

  it("never builds the key from INTERNALDATE", () => {
    const base = { messageId: null, dateHeader: undefined, received: () => [], from: "a@b.test", to: ["c@d.test"], subject: "s" };
    expect(messageIdentity({ ...base, internalDate: new Date(1) }).messageKey).toBe(messageIdentity({ ...base, internalDate: new Date(2e12) }).messageKey);
  });
});

describe("mailto: addresses", () => {
  it("reads <mailto:...> in address headers as the address itself", () => {
    expect(addressList("<mailto:Bob@Example.test>, Carol <MAILTO:carol@example.test>")).toEqual([
      { name: null, address: "bob@example.test" },
      { name: "Carol", address: "carol@example.test" },
    ]);
    const r = toMailRecord({ uid: 1, headers: raw("From: <mailto:bob@example.test>\nTo: alice@example.test\n\n") });
    expect(r.from?.address).toBe("bob@example.test");
  });
});
