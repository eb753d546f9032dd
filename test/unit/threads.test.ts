import { describe, expect, it } from "vitest";
import { joinThreads, type ThreadNode } from "../../core/messages/threads";
import { THREAD_REFS_MAX, toMailRecord } from "../../core/sync/message-record";
import { copyDirection, copyItem } from "../../core/sync/store-messages";

/** A message as a mail client writes it: its id, and References as it chose to list them. */
function mail(id: string, date: string, references: string[] = [], inReplyTo?: string) {
  const headers = references.length ? Buffer.from(`References: ${references.join(" ")}\r\n\r\n`) : undefined;
  return toMailRecord({
    uid: 1,
    envelope: { date, subject: "見積もり", messageId: id, inReplyTo, from: [{ address: "bob@customer.test" }], to: [{ address: "alice@our.test" }] },
    headers,
  });
}

const own = new Set(["alice@our.test", "alice.sales@our.test"]);
const source = (accountId: string) => ({ accountId, ownerId: `u-${accountId}`, folder: "INBOX", uid: 1, uidValidity: "1", own });

/** Joins stored copy items the way the history does (core/messages/index.ts summarise). */
const joinItems = (items: Record<string, any>[]) => joinThreads(items.map((i) => ({ date: i.date, threadKey: i.threadKey, links: i.threadRefs })));

// A <- B <- C, where C (like many clients) lists only its parent B.
const a = mail("<a@customer.test>", "2026-05-01T09:00:00Z");
const b = mail("<b@our.test>", "2026-05-01T10:00:00Z", ["<a@customer.test>"], "<a@customer.test>");
const c = mail("<c@customer.test>", "2026-05-01T11:00:00Z", ["<b@our.test>"], "<b@our.test>");

describe("joinThreads", () => {
  it("joins a reply that lists only its parent to the whole chain", () => {
    // the stored key alone splits the chain: what the tester saw
    expect(c.threadKey).not.toBe(a.threadKey);
    const ids = joinItems([c, b, a].map((r) => copyItem(r, "bob@customer.test", source("acc1"))));
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toBe(a.threadKey);
  });

  it("gives the same conversation id whatever order the messages are shown or stored in", () => {
    const items = [a, b, c].map((r) => copyItem(r, "bob@customer.test", source("acc1")));
    const orders = [
      [0, 1, 2],
      [2, 1, 0],
      [1, 2, 0],
      [2, 0, 1],
    ];
    for (const order of orders) expect(joinItems(order.map((i) => items[i]!))).toEqual(order.map(() => a.threadKey));
  });

  it("joins a conversation whose messages sit in two mailboxes", () => {
    // A and C only in Alice's mailbox, B only in Carol's: B is the only link between them
    const ids = joinItems([
      copyItem(c, "bob@customer.test", source("alice")),
      copyItem(b, "bob@customer.test", source("carol")),
      copyItem(a, "bob@customer.test", source("alice")),
    ]);
    expect(new Set(ids)).toEqual(new Set([a.threadKey]));
  });

  it("joins two replies through a parent that is not shown", () => {
    // B is not on the page (another contact's mail); C and a full-chain reply D both name it
    const d = mail("<d@customer.test>", "2026-05-01T12:00:00Z", ["<a@customer.test>", "<b@our.test>"]);
    const ids = joinItems([copyItem(d, "bob@customer.test", source("acc1")), copyItem(c, "bob@customer.test", source("acc1"))]);
    expect(ids[0]).toBe(ids[1]);
  });

  it("keeps unrelated conversations apart", () => {
    const other = mail("<x@customer.test>", "2026-05-01T10:30:00Z");
    const ids = joinItems([c, other, b, a].map((r) => copyItem(r, "bob@customer.test", source("acc1"))));
    expect(ids[1]).not.toBe(ids[0]);
    expect([ids[0], ids[2], ids[3]]).toEqual([a.threadKey, a.threadKey, a.threadKey]);
  });

  it("groups items stored before threadRefs existed by their threadKey, as before", () => {
    const old: ThreadNode[] = [
      { date: "2026-05-01T10:00:00Z", threadKey: "root1" },
      { date: "2026-05-01T09:00:00Z", threadKey: "root1" },
      { date: "2026-05-01T08:00:00Z", threadKey: "root2" },
    ];
    expect(joinThreads(old)).toEqual(["root1", "root1", "root2"]);
  });

  it("joins pages the console loaded separately through their links", () => {
    // page 1 held only C (id = its own root guess B); page 2 held B and A
    const page1 = joinItems([copyItem(c, "bob@customer.test", source("acc1"))]);
    expect(page1[0]).not.toBe(a.threadKey);
    const summaries = [
      { date: c.date, threadKey: page1[0]!, links: c.threadRefs },
      { date: b.date, threadKey: a.threadKey, links: b.threadRefs },
      { date: a.date, threadKey: a.threadKey, links: a.threadRefs },
    ];
    expect(joinThreads(summaries)).toEqual([a.threadKey, a.threadKey, a.threadKey]);
  });
});

describe("threadRefs", () => {
  it("keeps the root and the nearest ancestors of a long References list", () => {
    const ids = Array.from({ length: 40 }, (_, i) => `<r${i}@x.test>`);
    const long = mail("<last@x.test>", "2026-05-02T00:00:00Z", ids);
    expect(long.threadRefs).toHaveLength(THREAD_REFS_MAX + 1);
    expect(long.threadRefs).toContain(mail("<r0@x.test>", "2026-05-01T00:00:00Z").messageKey);
    expect(long.threadRefs).toContain(mail("<r39@x.test>", "2026-05-01T00:00:00Z").messageKey);
    expect(long.threadRefs).not.toContain(mail("<r10@x.test>", "2026-05-01T00:00:00Z").messageKey);
  });
});

describe("copyDirection", () => {
  it("is sent when the mailbox's own address wrote", () => {
    expect(copyDirection("alice@our.test", "bob@customer.test", own)).toBe("sent");
  });
  it("is sent when one of the mailbox's aliases wrote", () => {
    expect(copyDirection("alice.sales@our.test", "bob@customer.test", own)).toBe("sent");
  });
  it("is received when the contact wrote", () => {
    expect(copyDirection("bob@customer.test", "bob@customer.test", own)).toBe("received");
  });
  it("is copy when someone else wrote and the contact was only in To or Cc", () => {
    // Bob writes to our colleague Alice with Dan (also a contact) in Cc: on Dan's page
    const r = toMailRecord({
      uid: 3,
      envelope: {
        date: "2026-05-03T00:00:00Z",
        messageId: "<cc@x.test>",
        from: [{ address: "bob@customer.test" }],
        to: [{ address: "alice@our.test" }],
        cc: [{ address: "dan@customer.test" }],
      },
    });
    expect(copyItem(r, "dan@customer.test", source("acc1")).direction).toBe("copy");
    expect(copyItem(r, "bob@customer.test", source("acc1")).direction).toBe("received");
  });
});
