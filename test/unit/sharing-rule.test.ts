import { describe, expect, it } from "vitest";
import { copyVisible, inDomains, mayChangeSharing, widens, type MailboxSharing } from "../../core/sharing/index";

const owner = { id: "owner", role: "member" as const };
const member = { id: "member", role: "member" as const };
const admin = { id: "admin", role: "admin" as const };
const mailbox = (sharing: MailboxSharing["sharing"]): MailboxSharing => ({ id: "acc", ownerId: "owner", sharing });

describe("copyVisible", () => {
  it("shows a private mailbox's copy to its owner only, not to a member or an admin", () => {
    const m = mailbox({ mode: "private" });
    expect(copyVisible(owner, m, "yamada@client.test", ["c1"])).toBe(true);
    expect(copyVisible(member, m, "yamada@client.test", ["c1"])).toBe(false);
    expect(copyVisible(admin, m, "yamada@client.test", ["c1"])).toBe(false);
  });

  it("treats a mailbox without sharing settings as private", () => {
    expect(copyVisible(member, mailbox(undefined), "yamada@client.test", ["c1"])).toBe(false);
  });

  it("shows a public mailbox's copy to everyone", () => {
    expect(copyVisible(member, mailbox({ mode: "public" }), "yamada@client.test", [])).toBe(true);
  });

  it("shows a custom mailbox's copy only under a chosen contact", () => {
    const m = mailbox({ mode: "custom", contactIds: ["c1"] });
    expect(copyVisible(member, m, "yamada@client.test", ["c2", "c1"])).toBe(true);
    expect(copyVisible(member, m, "sato@client.test", ["c2"])).toBe(false);
  });

  it("keeps a copy under an excluded domain to the owner, whatever the mode", () => {
    const m = mailbox({ mode: "public", excludedDomains: ["client.test"] });
    expect(copyVisible(member, m, "yamada@mail.client.test", ["c1"])).toBe(false);
    expect(copyVisible(owner, m, "yamada@mail.client.test", ["c1"])).toBe(true);
    expect(copyVisible(member, m, "yamada@otherclient.test", ["c1"])).toBe(true);
  });

  it("never shows a copy whose mailbox is gone, not even to its former owner", () => {
    expect(copyVisible(owner, undefined, "yamada@client.test", ["c1"])).toBe(false);
  });
});

describe("inDomains", () => {
  it("matches the domain and its subdomains, not a longer name ending alike", () => {
    expect(inDomains("a@ourco.test", ["ourco.test"])).toBe(true);
    expect(inDomains("a@jp.ourco.test", ["ourco.test"])).toBe(true);
    expect(inDomains("a@notourco.test", ["ourco.test"])).toBe(false);
  });
});

describe("who may change sharing", () => {
  it("counts a wider mode, an added custom contact and a dropped excluded domain as widening", () => {
    expect(widens({ mode: "private" }, { mode: "custom", contactIds: ["c1"] })).toBe(true);
    expect(widens({ mode: "custom", contactIds: ["c1"] }, { mode: "custom", contactIds: ["c1", "c2"] })).toBe(true);
    expect(widens({ mode: "public", excludedDomains: ["a.test"] }, { mode: "public", excludedDomains: [] })).toBe(true);
    expect(widens({ mode: "public" }, { mode: "custom", contactIds: ["c1"] })).toBe(false);
    expect(widens({ mode: "custom", contactIds: ["c1", "c2"] }, { mode: "custom", contactIds: ["c2"] })).toBe(false);
  });

  it("lets the owner widen, an admin only narrow, and nobody else change it", () => {
    expect(mayChangeSharing(owner, "owner", { mode: "private" }, { mode: "public" })).toBe(true);
    expect(mayChangeSharing(admin, "owner", { mode: "private" }, { mode: "public" })).toBe(false);
    expect(mayChangeSharing(admin, "owner", { mode: "public" }, { mode: "private" })).toBe(true);
    expect(mayChangeSharing(member, "owner", { mode: "public" }, { mode: "private" })).toBe(false);
  });
});
