import { describe, expect, it } from "vitest";
import { ConnectionFailedError, fieldFor, judgeForSave, type ConnectionReport } from "../../core/accounts/connection-test";
import { detectSentFolder, toFolderInfo } from "../../core/mail/folders";
import { diagnosisOf, type DiagnosisCode, type DiagnosisContext } from "../../core/mail/diagnosis";

const folder = (path: string, specialUse: string | null = null) => ({ path, name: path.split("/").pop()!, specialUse });

describe("detectSentFolder", () => {
  it("prefers the folder the server marks \\Sent over any name", () => {
    expect(detectSentFolder([folder("INBOX"), folder("送信済みメール"), folder("Sent", "\\Sent")])).toBe("Sent");
  });

  it("falls back to a Japanese name when the server marks nothing (as some Japanese providers do)", () => {
    expect(detectSentFolder([folder("INBOX"), folder("下書き"), folder("送信済みメール"), folder("ごみ箱")])).toBe("送信済みメール");
    expect(detectSentFolder([folder("INBOX"), folder("送信済みアイテム")])).toBe("送信済みアイテム");
  });

  it("knows the English names, Gmail's and nested ones", () => {
    expect(detectSentFolder([folder("INBOX"), folder("Sent Items")])).toBe("Sent Items");
    expect(detectSentFolder([folder("INBOX"), folder("Sent Messages")])).toBe("Sent Messages");
    expect(detectSentFolder([folder("[Gmail]"), folder("[Gmail]/Sent Mail"), folder("[Gmail]/All Mail")])).toBe("[Gmail]/Sent Mail");
    expect(detectSentFolder([folder("[Gmail]"), folder("[Gmail]/送信済みメール")])).toBe("[Gmail]/送信済みメール");
    expect(detectSentFolder([{ path: "INBOX.Sent", name: "Sent", specialUse: null }])).toBe("INBOX.Sent");
    expect(detectSentFolder([folder("inbox"), folder("sent")])).toBe("sent");
  });

  it("finds nothing rather than guessing from an unrelated name", () => {
    expect(detectSentFolder([folder("INBOX"), folder("Drafts", "\\Drafts"), folder("Sentinel reports")])).toBeUndefined();
  });
});

describe("toFolderInfo", () => {
  it("reports only the special use the server declares, not imapflow's guess from the name", () => {
    const declared = toFolderInfo({
      path: "Sent",
      name: "Sent",
      delimiter: "/",
      flags: new Set(["\\HasNoChildren", "\\Sent"]),
      specialUse: "\\Sent",
      specialUseSource: "extension",
    });
    const guessed = toFolderInfo({
      path: "送信済みメール",
      name: "送信済みメール",
      delimiter: "/",
      flags: new Set(["\\HasNoChildren"]),
      specialUse: "\\Sent",
      specialUseSource: "name",
    });
    expect(declared).toEqual({ path: "Sent", name: "Sent", specialUse: "\\Sent", delimiter: "/" });
    expect(guessed).toEqual({ path: "送信済みメール", name: "送信済みメール", specialUse: null, delimiter: "/" });
  });

  it("recognises special-use flags in any case, as Cyrus announces them (\\sent, \\drafts)", () => {
    // imapflow 2.1.2 matches the flags case-sensitively, so it sets no specialUse for these
    const cyrusSent = toFolderInfo({ path: "送信済み", name: "送信済み", delimiter: ".", flags: new Set(["\\HasNoChildren", "\\sent"]) });
    const cyrusDrafts = toFolderInfo({ path: "Drafts", name: "Drafts", delimiter: ".", flags: new Set(["\\drafts"]), specialUse: "\\drafts", specialUseSource: "extension" });
    expect(cyrusSent.specialUse).toBe("\\Sent");
    expect(cyrusDrafts.specialUse).toBe("\\Drafts");
    expect(detectSentFolder([folder("INBOX"), cyrusSent, folder("Sent Items")])).toBe("送信済み");
  });
});

const ctx = (protocol: "imap" | "smtp"): DiagnosisContext => ({
  protocol,
  host: "mail.example.com",
  port: protocol === "imap" ? 993 : 587,
  security: "tls",
  step: protocol === "imap" ? "imap_login" : "smtp_login",
});
const failing = (protocol: "imap" | "smtp", code: DiagnosisCode): ConnectionReport["steps"][number] => ({
  protocol,
  step: protocol === "imap" ? "imap_login" : "smtp_login",
  ok: false,
  ms: 1,
  diagnosis: diagnosisOf(code, "permanent", ctx(protocol), code === "tls_mismatch" ? { expected: "STARTTLS" } : {}),
});
const report = (...steps: ConnectionReport["steps"]): ConnectionReport => ({ ok: steps.every((s) => s.ok), steps });

describe("saving after a test", () => {
  it("puts each diagnosis on the field to change", () => {
    expect(fieldFor(diagnosisOf("auth_failed", "permanent", ctx("imap")))).toBe("password");
    expect(fieldFor(diagnosisOf("auth_failed", "permanent", ctx("smtp")), false)).toBe("smtpPassword");
    expect(fieldFor(diagnosisOf("auth_failed", "permanent", ctx("smtp")), true)).toBe("password");
    expect(fieldFor(diagnosisOf("tls_mismatch", "permanent", ctx("imap")))).toBe("imap.security");
    expect(fieldFor(diagnosisOf("tls_mismatch", "permanent", ctx("smtp")))).toBe("smtp.security");
    expect(fieldFor(diagnosisOf("host_not_found", "permanent", ctx("imap")))).toBe("imap.host");
    expect(fieldFor(diagnosisOf("connection_refused", "permanent", ctx("smtp")))).toBe("smtp.port");
    expect(fieldFor(diagnosisOf("tls_untrusted", "permanent", ctx("imap")))).toBe("allowInsecureCerts");
  });

  it("lets a passing test through", () => {
    expect(judgeForSave(report({ protocol: "imap", step: "imap_login", ok: true, ms: 1 }), false)).toBeUndefined();
  });

  it("refuses with one field per failing protocol, the message key being the diagnosis", () => {
    let thrown: unknown;
    try {
      judgeForSave(report(failing("imap", "auth_failed"), failing("smtp", "tls_mismatch")), false);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConnectionFailedError);
    const err = thrown as ConnectionFailedError;
    expect(err.kind).toBe("validation");
    expect(err.code).toBe("connection_failed");
    expect(err.fields.map((f) => [f.field, f.key])).toEqual([
      ["password", "diag.auth_failed"],
      ["smtp.security", "diag.tls_mismatch"],
    ]);
    expect(err.report.steps).toHaveLength(2);
  });

  it("names a shared password once when it fails for IMAP and SMTP alike", () => {
    expect(() => judgeForSave(report(failing("imap", "auth_failed"), failing("smtp", "auth_failed")), false)).toThrow(
      expect.objectContaining({ fields: [{ field: "password", key: "diag.auth_failed", params: { host: "mail.example.com", port: 993 } }] }),
    );
  });

  it("saves disabled with the state of the first failure when asked to", () => {
    expect(judgeForSave(report(failing("imap", "auth_failed")), true)).toEqual({
      state: "authenticationError",
      lastError: { code: "diag.auth_failed", params: { host: "mail.example.com", port: 993 } },
    });
    expect(judgeForSave(report(failing("imap", "timeout")), true)?.state).toBe("connectError");
  });
});

describe("selectableFolders", () => {
  it("leaves out hierarchy-only folders such as Gmail's [Gmail]", async () => {
    const { selectableFolders } = await import("../../core/mail/folders");
    const entry = (path: string, flags: string[], specialUse?: string) => ({
      path,
      name: path.split("/").pop()!,
      delimiter: "/",
      flags: new Set(flags),
      specialUse,
      specialUseSource: specialUse ? ("extension" as const) : undefined,
    });
    const list = selectableFolders([
      entry("INBOX", []),
      entry("[Gmail]", ["\\Noselect", "\\HasChildren"]),
      entry("[Gmail]/送信済みメール", ["\\HasNoChildren", "\\Sent"], "\\Sent"),
      entry("Gone", ["\\NonExistent"]),
    ]);
    expect(list.map((f) => f.path)).toEqual(["INBOX", "[Gmail]/送信済みメール"]);
    expect(list[1]!.specialUse).toBe("\\Sent");
  });
});
