import { describe, expect, it } from "vitest";
import type { Account, AutodiscoverResult, ProviderView } from "../../web/src/api/types";
import {
  blankForm,
  fieldKey,
  formReducer,
  fromAccount,
  labelListErrors,
  parseDomains,
  sameConnection,
  settingsOf,
  testBlocker,
  type FormState,
} from "../../web/src/pages/account-form/model";

const untouched = { user: false, saveSent: false };

const gmail: ProviderView = {
  id: "gmail",
  label: "Gmail",
  imap: { host: "imap.gmail.com", port: 993, security: "tls" },
  smtp: { host: "smtp.gmail.com", port: 465, security: "tls" },
  username: "email",
  saveSentCopy: false,
  auth: "app_password",
  domains: ["gmail.com"],
  sentFolder: null,
  appPasswordSteps: [],
} as unknown as ProviderView;

function savedAccount(over: Partial<Account> = {}): Account {
  return {
    id: "acc1",
    ownerId: "u1",
    email: "sales@example.co.jp",
    displayName: null,
    provider: "other",
    imap: { host: "mail.example.co.jp", port: 993, security: "tls", user: "sales@example.co.jp" },
    smtp: { host: "mail.example.co.jp", port: 465, security: "tls", user: "sales@example.co.jp", sameCredentials: true },
    allowInsecureCerts: false,
    aliases: ["info@example.co.jp"],
    bccSelf: false,
    saveSentCopy: true,
    sentFolder: null,
    syncFolders: null,
    sharing: { mode: "private", excludedDomains: [], contactIds: [] },
    syncEnabled: true,
    initialSyncDays: 30,
    hasPassword: true,
    hasSmtpPassword: false,
    state: "connected",
    lastSyncAt: null,
    lastError: null,
    syncProgress: null,
    lastJob: null,
    createdAt: "2026-11-01T00:00:00.000Z",
    updatedAt: "2026-11-01T00:00:00.000Z",
    ...over,
  } as Account;
}

describe("the mailbox form model", () => {
  it("fills the IMAP user from the address until the user types one", () => {
    // Prepare
    const form = blankForm("u1");
    // Act
    const following = formReducer(form, { type: "email", email: " a@example.com ", username: "email", touched: untouched });
    const kept = formReducer(
      { ...following, imap: { ...following.imap, user: "typed" } },
      { type: "email", email: "b@example.com", username: "email", touched: { user: true, saveSent: false } },
    );
    // Assess
    expect(following.imap.user).toBe("a@example.com");
    expect(kept.imap.user).toBe("typed");
    expect(kept.email).toBe("b@example.com");
  });

  it("makes the person whose address it is the owner of a new mailbox, until an admin picks the owner by hand", () => {
    const users = [
      { id: "admin-1", email: "admin@example.co.jp" },
      { id: "hanako", email: "Hanako@Example.co.jp" },
    ];
    let f = blankForm("admin-1");
    f = formReducer(f, { type: "email", email: "hanako@example.co.jp ", username: "email", touched: untouched, users });
    expect(f.ownerId).toBe("hanako");
    // an address nobody has leaves the owner as it was
    f = formReducer(f, { type: "email", email: "sales@example.co.jp", username: "email", touched: untouched, users });
    expect(f.ownerId).toBe("hanako");
    const chosen = formReducer(
      { ...blankForm("admin-1"), ownerId: "admin-1" },
      { type: "email", email: "hanako@example.co.jp", username: "email", touched: { ...untouched, owner: true }, users },
    );
    expect(chosen.ownerId).toBe("admin-1");
  });

  it("fills both servers from a provider card and takes its Sent-copy default unless set by hand", () => {
    const form = formReducer(blankForm("u1"), { type: "email", email: "me@gmail.com", username: "email", touched: untouched });
    const chosen = formReducer(form, { type: "provider", id: "gmail", preset: gmail, touched: untouched });
    const keptSent = formReducer(form, { type: "provider", id: "gmail", preset: gmail, touched: { user: false, saveSent: true } });
    expect(chosen.imap).toEqual({ host: "imap.gmail.com", port: "993", security: "tls", user: "me@gmail.com" });
    expect(chosen.smtp.host).toBe("smtp.gmail.com");
    expect(chosen.imapSource).toBe("preset");
    expect(chosen.saveSentCopy).toBe(false);
    expect(keptSent.saveSentCopy).toBe(true);
  });

  it("moves a standard port with the security but keeps one typed by hand", () => {
    const form = blankForm("u1");
    const standard = formReducer(form, { type: "security", which: "imap", security: "starttls" });
    const custom = formReducer({ ...form, imap: { ...form.imap, port: "10993" } }, { type: "security", which: "imap", security: "starttls" });
    expect(standard.imap.port).toBe("143");
    expect(standard.imapSource).toBe("manual");
    expect(custom.imap.port).toBe("10993");
  });

  it("uses one login for both servers only when discovery found the same user", () => {
    const result = {
      email: "me@example.jp",
      domain: "example.jp",
      provider: "other",
      imap: { host: "imap.example.jp", port: 993, security: "tls", user: "me@example.jp", source: "autoconfig" },
      smtp: { host: "smtp.example.jp", port: 587, security: "starttls", user: "me", source: "autoconfig" },
      sources: [],
    } as AutodiscoverResult;
    const next = formReducer(blankForm("u1"), { type: "discovered", result, preset: undefined, touched: untouched });
    expect(next.imapSource).toBe("autoconfig");
    expect(next.smtp.port).toBe("587");
    expect(next.sameCredentials).toBe(false);
  });

  it("sends trimmed settings, numbers parsed, and a port that is not a number as typed for the server to name", () => {
    const form: FormState = {
      ...blankForm("u1"),
      email: " me@example.jp ",
      imap: { host: " imap.example.jp ", port: "99x", security: "tls", user: "" },
      aliases: "a@example.jp, b@example.jp",
      excludedDomains: "@Rival.example\nrival.example",
      initialSyncDays: "45",
    };
    const body = settingsOf(form);
    expect(body.email).toBe("me@example.jp");
    expect(body.imap).toEqual({ host: "imap.example.jp", port: "99x", security: "tls", user: "me@example.jp" });
    expect(body.smtp).toBeNull();
    expect(body.aliases).toEqual(["a@example.jp", "b@example.jp"]);
    expect(body.sharing).toEqual({ mode: "private", excludedDomains: ["rival.example"], contactIds: [] });
    expect(body.initialSyncDays).toBe(45);
    expect(body).not.toHaveProperty("syncFolders");
  });

  it("round-trips a saved account into the same settings, so an untouched form tests with the saved password", () => {
    const account = savedAccount();
    const settings = settingsOf(fromAccount(account));
    expect(settings.smtp).toMatchObject({ host: "mail.example.co.jp", port: 465, sameCredentials: true });
    expect(sameConnection(settings, account)).toBe(true);
    expect(sameConnection({ ...settings, imap: { ...settings.imap, host: "other.example" } }, account)).toBe(false);
  });

  it("keeps the mailbox's signature as typed, and sends a blank one as none", () => {
    expect(settingsOf(fromAccount(savedAccount({ signature: "山田 太郎\nACME 営業部" }))).signature).toBe("山田 太郎\nACME 営業部");
    expect(settingsOf({ ...blankForm("u1"), signature: "  \n" }).signature).toBeNull();
  });

  it("says why a test cannot run: no server first, then no password for changed settings", () => {
    const settings = settingsOf(blankForm("u1"));
    expect(testBlocker(settings, { useSaved: false, password: "x", editing: false })).toBe("accountForm.testNeedsHost");
    const withHost = { ...settings, imap: { ...settings.imap, host: "imap.example.jp" } };
    expect(testBlocker(withHost, { useSaved: false, password: "", editing: true })).toBe("accountForm.testNeedsPasswordChanged");
    expect(testBlocker(withHost, { useSaved: false, password: "", editing: false })).toBe("accountForm.testNeedsPassword");
    expect(testBlocker(withHost, { useSaved: true, password: "", editing: true })).toBeNull();
  });

  it("shows list errors under their list with the value they are about", () => {
    const settings = settingsOf({ ...blankForm("u1"), aliases: "ok@example.jp\nbad@@example.jp" });
    const fields = labelListErrors(
      [
        { field: "aliases.1", code: "invalid", message: "not an address" },
        { field: "email", code: "x", message: "m" },
      ],
      settings,
    );
    expect(fields[0]!.message).toBe("bad@@example.jp: not an address");
    expect(fields[1]!.message).toBe("m");
    expect(fieldKey("aliases.1")).toBe("aliases");
    expect(fieldKey("sharing.excludedDomains.0")).toBe("excludedDomains");
    expect(fieldKey("imap")).toBe("imap.host");
    expect(fieldKey("somethingElse")).toBeNull();
  });

  it("reads excluded domains separated by spaces, commas or Japanese punctuation, once each", () => {
    expect(parseDomains("example.co.jp、@Other.test， other.test;x.jp")).toEqual(["example.co.jp", "other.test", "x.jp"]);
  });
});
