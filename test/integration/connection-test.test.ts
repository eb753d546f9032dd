import { ImapFlow } from "imapflow";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { testConnection, type ConnectionReport, type ConnectionSettings } from "../../core/accounts/connection-test";
import { connectionRoutes } from "../../core/api/routes/connection";
import { routes } from "../../core/api/routes/index";
import { startLocalStack, type LocalStack } from "../../core/local/stack";
import { FileSecretStore } from "../../core/secrets/index";
import { updateCredentials } from "../../core/accounts/index";
import { createLogger, logSink } from "../../core/shared/log";
import { createFolder, resetUser } from "../harness/mail-servers";
import { ApiClient, eventually } from "../support/api-client";

/**
 * The connection test, the test mail and "save only what works", against the real Dovecot and
 * Postfix of the harness: through the API (local stack: gateway -> the Lambda's handler) where
 * a user meets it, and through core/accounts/connection-test.ts directly where a setting of the
 * test itself (no extra CA, short waits) is what is being shown.
 */

// Until core/api/routes/index.ts spreads connectionRoutes (the lead wires it), register them
// here; this runs before the stack imports the API handler, which compiles the route table.
if (!routes.some((r) => r.path === "/api/accounts/test")) routes.push(...connectionRoutes);

const mail = inject("mail");
const ADMIN = { email: "admin@example.test", password: "admin-password-123" };
const WRONG = "wrong-password-4711";
const bob = () => mail.users.bob;
const logLines: string[] = [];
const originalWrite = logSink.write;
let stack: LocalStack;
let api: ApiClient;
let ja: ApiClient;

beforeAll(async () => {
  logSink.write = (line) => void logLines.push(line);
  await resetUser(mail, bob().email);
  // a fresh user's folders, plus a nested Japanese one; Dovecot also has 送信済みメール without
  // SPECIAL-USE (test/harness/mail-servers.ts): createFolder succeeds on an existing folder
  await createFolder(mail, bob().email, "送信済みメール");
  await createFolder(mail, bob().email, "お客様/見積もり");
  stack = await startLocalStack({ schedule: false, admin: ADMIN, imapCaPem: mail.caPem });
  api = new ApiClient(stack.url, "en");
  expect((await api.signIn(ADMIN.email, ADMIN.password)).status).toBe(200);
  ja = new ApiClient(stack.url, "ja");
  ja.cookie = api.cookie;
  ja.csrf = api.csrf;
});

afterAll(async () => {
  logSink.write = originalWrite;
  await stack?.stop();
});

type Security = "tls" | "starttls" | "none";
const imapAt = (security: Security, port = security === "tls" ? mail.imapsPort : mail.imapPort) => ({ host: mail.host, port, security, user: bob().email });
const smtpAt = (security: Security, port = security === "tls" ? mail.smtpsPort : mail.smtpPort) => ({ host: mail.host, port, security, user: bob().email });
const settingsFor = (security: Security): ConnectionSettings => ({ email: bob().email, imap: imapAt(security), smtp: smtpAt(security) });

const stepsOf = (report: { steps: { protocol: string; step: string; ok: boolean; skipped?: boolean }[] }) =>
  report.steps.map((s) => `${s.protocol}:${s.step}:${s.skipped ? "skipped" : s.ok ? "ok" : "failed"}`);
const failed = (report: { steps: any[] }, protocol: string) => report.steps.find((s) => s.protocol === protocol && s.ok === false && !s.skipped);

/** The core test as the API runs it, but with the given CA (null: only the system's) and short waits. */
const core = (settings: ConnectionSettings, password: string, ca: string | null = mail.caPem): Promise<ConnectionReport> =>
  testConnection(settings, { password }, { hostAllowance: "loopback", ca: ca ?? undefined, timeoutMs: 3_000, log: createLogger({ fn: "connection-test-test" }) });

async function openAsBob(): Promise<ImapFlow> {
  const client = new ImapFlow({ host: mail.host, port: mail.imapsPort, secure: true, auth: { user: bob().email, pass: bob().password }, logger: false, tls: { ca: mail.caPem } });
  client.on("error", () => undefined);
  await client.connect();
  return client;
}

/** UIDs of the messages with this Message-ID in a folder. */
async function findByMessageId(folder: string, messageId: string): Promise<{ uid: number; seen: boolean }[]> {
  const client = await openAsBob();
  try {
    const lock = await client.getMailboxLock(folder, { readOnly: true });
    try {
      const uids = (await client.search({ header: { "message-id": messageId } }, { uid: true })) || [];
      if (!uids.length) return [];
      const found = await client.fetchAll(uids.join(","), { uid: true, flags: true }, { uid: true });
      return found.map((m) => ({ uid: m.uid, seen: !!m.flags?.has("\\Seen") }));
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
}

const account = (over: Record<string, unknown> = {}) => ({
  email: bob().email,
  displayName: "ボブ",
  imap: imapAt("tls"),
  smtp: smtpAt("starttls"),
  password: bob().password,
  ...over,
});

describe("connection test through the API", () => {
  it("signs in over TLS (993/465) and over STARTTLS (143/587), every step passing", async () => {
    for (const security of ["tls", "starttls"] as const) {
      const reply = await api.post("/api/accounts/test", { ...settingsFor(security), password: bob().password });
      expect(reply.status, reply.text).toBe(200);
      expect(reply.body.ok).toBe(true);
      expect(stepsOf(reply.body)).toEqual([
        "imap:dns:ok",
        "imap:tcp:ok",
        "imap:tls:ok",
        "imap:imap_login:ok",
        "imap:folders:ok",
        "smtp:dns:ok",
        "smtp:tcp:ok",
        "smtp:tls:ok",
        "smtp:smtp_login:ok",
      ]);
      const tls = reply.body.steps.find((s: any) => s.protocol === "imap" && s.step === "tls");
      expect(tls.detail).toMatch(/^TLSv1\.[23] /);
      expect(tls.detail).not.toMatch(/NOT verified/);
      if (security === "starttls") {
        // the plain-text start shows the servers' own greetings
        expect(reply.body.steps.find((s: any) => s.protocol === "imap" && s.step === "tcp").detail).toMatch(/^\* OK .*Dovecot/);
        expect(reply.body.steps.find((s: any) => s.protocol === "smtp" && s.step === "tcp").detail).toMatch(/^220 /);
      }
    }
  });

  it("lists the folders with their decoded Japanese names and finds the Sent folder", async () => {
    const reply = await api.post("/api/accounts/test", { ...settingsFor("tls"), password: bob().password });
    expect(reply.body.sentFolder).toBe("Sent");
    const byPath = Object.fromEntries(reply.body.folders.map((f: any) => [f.path, f]));
    expect(byPath.Sent).toEqual({ path: "Sent", name: "Sent", specialUse: "\\Sent", delimiter: "/" });
    // no SPECIAL-USE on it: imapflow's name guess is not passed off as the server's word
    expect(byPath["送信済みメール"]).toEqual({ path: "送信済みメール", name: "送信済みメール", specialUse: null, delimiter: "/" });
    expect(byPath["お客様/見積もり"]).toEqual({ path: "お客様/見積もり", name: "見積もり", specialUse: null, delimiter: "/" });
    expect(byPath.INBOX).toBeDefined();
  });

  it("says a wrong password plainly, in English and in Japanese, and skips what cannot run", async () => {
    const body = { ...settingsFor("tls"), password: WRONG };
    const en = await api.post("/api/accounts/test", body);
    expect(en.status).toBe(200);
    expect(en.body.ok).toBe(false);
    expect(stepsOf(en.body)).toEqual([
      "imap:dns:ok",
      "imap:tcp:ok",
      "imap:tls:ok",
      "imap:imap_login:failed",
      "imap:folders:skipped",
      "smtp:dns:ok",
      "smtp:tcp:ok",
      "smtp:tls:ok",
      "smtp:smtp_login:failed",
    ]);
    const imap = failed(en.body, "imap").diagnosis;
    expect(imap).toMatchObject({ code: "auth_failed", kind: "permanent", step: "imap_login", cause: "The mail server refused the user name or password." });
    expect(imap.fix).toMatch(/app password/);
    expect(imap.detail).toMatch(/AUTHENTICATIONFAILED/);
    expect(failed(en.body, "smtp").diagnosis).toMatchObject({ code: "auth_failed", step: "smtp_login" });
    expect(failed(en.body, "smtp").diagnosis.detail).toMatch(/^535 /);

    const jaReply = await ja.post("/api/accounts/test", body);
    expect(failed(jaReply.body, "imap").diagnosis.cause).toBe("メールサーバーがユーザー名またはパスワードを拒否しました。");
    expect(failed(jaReply.body, "imap").diagnosis.fix).toMatch(/アプリパスワード/);
    expect(failed(jaReply.body, "smtp").diagnosis.message).toMatch(/^メールサーバーがユーザー名またはパスワードを拒否しました。/);
  });

  it("diagnoses TLS chosen for the STARTTLS ports from the plain-text greeting, in Japanese too", async () => {
    const reply = await ja.post("/api/accounts/test", { email: bob().email, imap: imapAt("tls", mail.imapPort), smtp: smtpAt("tls", mail.smtpPort), password: bob().password });
    for (const protocol of ["imap", "smtp"]) {
      const step = failed(reply.body, protocol);
      expect(step.step).toBe("tls");
      expect(step.diagnosis.code).toBe("tls_mismatch");
      expect(step.diagnosis.detail).toMatch(protocol === "imap" ? /plain-text greeting: \* OK/ : /plain-text greeting: 220 /);
      expect(step.diagnosis.fix).toMatch(/STARTTLS を選んでください/);
    }
  });

  it("refuses a metadata address before connecting anywhere", async () => {
    const reply = await api.post("/api/accounts/test", { imap: { ...imapAt("tls"), host: "169.254.169.254" }, password: bob().password });
    expect(stepsOf(reply.body)).toEqual(["imap:dns:failed", "imap:tcp:skipped", "imap:tls:skipped", "imap:imap_login:skipped", "imap:folders:skipped"]);
    expect(failed(reply.body, "imap").diagnosis.code).toBe("host_not_allowed");
  });
});

describe("connection test: certificates and port/security mismatches", () => {
  it("refuses the self-signed certificate when no CA is given, on TLS and on STARTTLS", async () => {
    for (const security of ["tls", "starttls"] as const) {
      const report = await core(settingsFor(security), bob().password, null);
      expect(report.ok).toBe(false);
      for (const protocol of ["imap", "smtp"]) {
        const step = failed(report, protocol)!;
        expect(step.step).toBe("tls");
        expect(step.diagnosis!.code).toBe("tls_untrusted");
        expect(step.detail).toMatch(/self-signed certificate/);
      }
      expect(stepsOf(report)).toContain("imap:imap_login:skipped");
      expect(stepsOf(report)).toContain("smtp:smtp_login:skipped");
    }
  });

  it("accepts the self-signed certificate with allowInsecureCerts, and says it was not verified", async () => {
    const report = await core({ ...settingsFor("tls"), allowInsecureCerts: true }, bob().password, null);
    expect(report.ok).toBe(true);
    const tls = report.steps.find((s) => s.protocol === "imap" && s.step === "tls")!;
    expect(tls.detail).toMatch(/NOT verified \(DEPTH_ZERO_SELF_SIGNED_CERT\), accepted because insecure certificates are allowed/);
  });

  it("says what each passing step saw as a message key, the server's own words kept apart in the detail", async () => {
    // verified (our CA) over STARTTLS: the greeting is a note without the server's words
    const verified = await core(settingsFor("starttls"), bob().password);
    expect(verified.ok).toBe(true);
    const note = (report: ConnectionReport, protocol: string, step: string) => report.steps.find((s) => s.protocol === protocol && s.step === step)!;
    expect(note(verified, "imap", "tcp").note).toEqual({ key: "greeted", params: {} });
    expect(note(verified, "imap", "tcp").detail).toMatch(/^\* OK/);
    expect(note(verified, "imap", "tls").note).toEqual({ key: "encrypted", params: { version: expect.stringMatching(/^TLS 1\.[23]$/) } });
    expect(note(verified, "imap", "imap_login").note).toEqual({ key: "signed_in", params: { user: bob().email } });
    expect(note(verified, "imap", "folders").note).toEqual({ key: "folders", params: { count: verified.folders!.length } });
    expect(note(verified, "smtp", "smtp_login").note).toEqual({ key: "signed_in", params: { user: bob().email } });
    // unverified but allowed: said as such, the certificate's words only in the detail
    const unverified = await core({ ...settingsFor("tls"), allowInsecureCerts: true }, bob().password, null);
    expect(note(unverified, "imap", "tls").note?.key).toBe("encrypted_unverified");
    expect(note(unverified, "imap", "tcp").note).toEqual({ key: "connected", params: { address: expect.any(String), port: mail.imapsPort } });
  });

  it("diagnoses TLS on the STARTTLS ports: the server greets in plain text", async () => {
    const report = await core({ imap: imapAt("tls", mail.imapPort), smtp: smtpAt("tls", mail.smtpPort) }, bob().password);
    for (const protocol of ["imap", "smtp"]) {
      const step = failed(report, protocol)!;
      expect(step.step).toBe("tls");
      expect(step.diagnosis).toMatchObject({ code: "tls_mismatch", params: { expected: "STARTTLS" } });
    }
  });

  it("diagnoses STARTTLS on the TLS ports: the server waits for a TLS handshake", async () => {
    const report = await core({ imap: imapAt("starttls", mail.imapsPort), smtp: smtpAt("starttls", mail.smtpsPort) }, bob().password);
    for (const protocol of ["imap", "smtp"]) {
      const step = failed(report, protocol)!;
      expect(step.step).toBe("tcp");
      expect(step.diagnosis).toMatchObject({ code: "tls_mismatch", params: { expected: "TLS" } });
      expect(step.diagnosis!.cause.en).toMatch(/expects TLS\.$/);
    }
  });

  it("diagnoses no encryption where the SMTP server insists on STARTTLS before sign-in", async () => {
    const report = await core({ imap: imapAt("tls"), smtp: smtpAt("none") }, bob().password);
    const step = failed(report, "smtp")!;
    expect(step.step).toBe("smtp_login");
    expect(step.diagnosis).toMatchObject({ code: "tls_mismatch", params: { expected: "STARTTLS" } });
    expect(step.detail).toMatch(/Must issue a STARTTLS command first/);
  });

  it("diagnoses a port where nothing listens", async () => {
    const report = await core({ imap: imapAt("tls", mail.portBase + 1) }, bob().password);
    expect(failed(report, "imap")).toMatchObject({ step: "tcp", diagnosis: { code: "connection_refused" } });
  });
});

describe("saving runs the connection test first", () => {
  it("refuses an account whose password is wrong, on the password field, in the user's language, and saves nothing", async () => {
    const en = await api.post("/api/accounts", account({ password: WRONG }));
    expect(en.status, en.text).toBe(400);
    expect(en.body.error.code).toBe("connection_failed");
    expect(en.body.error.fields).toEqual([
      { field: "password", code: "diag.auth_failed", message: expect.stringMatching(/^The mail server refused the user name or password\. .*app password/) },
    ]);
    const jaReply = await ja.post("/api/accounts", account({ password: WRONG }));
    expect(jaReply.body.error.message).toBe("接続テストに失敗したため、保存していません。各項目のメッセージを確認してください。");
    expect(jaReply.body.error.fields[0].message).toMatch(/^メールサーバーがユーザー名またはパスワードを拒否しました。/);
    // nothing was kept, not even the claim on the address: the right password saves at once
    expect((await api.get("/api/accounts")).body.items.filter((a: any) => a.email === bob().email)).toEqual([]);
  });

  it("puts a port/security mismatch on the security field", async () => {
    const reply = await api.post("/api/accounts", account({ imap: imapAt("tls", mail.imapPort) }));
    expect(reply.status).toBe(400);
    expect(reply.body.error.fields).toEqual([{ field: "imap.security", code: "diag.tls_mismatch", message: expect.stringMatching(/expects STARTTLS/) }]);
  });

  it("saves a working account, and leaves it unchanged when an update with a wrong password is refused", async () => {
    const created = await api.post("/api/accounts", account());
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ state: "init", syncEnabled: true, lastError: null });
    const id = created.body.id;
    const before = (await api.get(`/api/accounts/${id}`)).body;

    const rejected = await api.patch(`/api/accounts/${id}`, { password: WRONG, displayName: "Changed" });
    expect(rejected.status).toBe(400);
    expect(rejected.body.error.fields[0]).toMatchObject({ field: "password", code: "diag.auth_failed" });
    // the whole test comes with it: what passed, and the step that failed with its diagnosis
    const steps = rejected.body.error.steps.map((s: any) => `${s.protocol}:${s.step}:${s.skipped ? "skipped" : s.ok ? "ok" : "failed"}`);
    expect(steps.slice(0, 4)).toEqual(["imap:dns:ok", "imap:tcp:ok", "imap:tls:ok", "imap:imap_login:failed"]);
    expect(rejected.body.error.steps[3].diagnosis).toMatchObject({ code: "auth_failed", message: expect.any(String) });
    // (a new security mode needs the password typed again: the saved one is bound to the old one)
    const wrongPort = await api.patch(`/api/accounts/${id}`, { imap: { security: "starttls" }, password: bob().password });
    expect(wrongPort.status).toBe(400);
    expect(wrongPort.body.error.fields[0]).toMatchObject({ field: "imap.security", code: "diag.tls_mismatch" });
    expect((await api.get(`/api/accounts/${id}`)).body).toEqual(before);
    // the saved password was not replaced: the saved account still passes
    const retest = await api.post(`/api/accounts/${id}/test`, {});
    expect(retest.body.ok).toBe(true);

    // a change that does not touch the servers is not tested (and goes through)
    const renamed = await api.patch(`/api/accounts/${id}`, { displayName: "Bob Tanaka" });
    expect(renamed.status).toBe(200);
    await api.del(`/api/accounts/${id}`);
  });

  it("sends a saved password only to the servers it was saved for: a new host needs it typed again", async () => {
    const created = await api.post("/api/accounts", account());
    expect(created.status, created.text).toBe(201);
    const id = created.body.id;
    const before = (await api.get(`/api/accounts/${id}`)).body;
    // same server, another port and security: the saved password is bound to the old ones, so
    // it must be typed again (refused on the password field, nothing saved)
    const movedPort = await api.patch(`/api/accounts/${id}`, { imap: { port: mail.imapPort, security: "starttls" } });
    expect(movedPort.status).toBe(400);
    expect(movedPort.body.error.fields).toEqual([
      { field: "password", code: "password_required_new_destination", message: expect.stringContaining(`${mail.host}:${mail.imapPort} (starttls)`) },
    ]);
    expect((await api.get(`/api/accounts/${id}`)).body).toEqual(before);
    expect((await api.patch(`/api/accounts/${id}`, { imap: { port: mail.imapPort, security: "starttls" }, password: bob().password })).status).toBe(200);
    // a new IMAP host (the same Dovecot by another name) without the password: refused on the
    // password field, in the user's language, and nothing was sent or saved
    const movedImap = await ja.patch(`/api/accounts/${id}`, { imap: { host: "localhost" } });
    expect(movedImap.status).toBe(400);
    expect(movedImap.body.error.fields).toEqual([{ field: "password", code: "password_required_new_host", message: expect.stringContaining("localhost") }]);
    expect(movedImap.body.error.fields[0].message).toMatch(/再入力/);
    // the SMTP server moved and shares the IMAP password: the same
    const movedSmtp = await api.patch(`/api/accounts/${id}`, { smtp: { ...smtpAt("starttls"), host: "localhost" } });
    expect(movedSmtp.status).toBe(400);
    expect(movedSmtp.body.error.fields[0]).toMatchObject({ field: "password", code: "password_required_new_host" });
    expect((await api.get(`/api/accounts/${id}`)).body.imap).toEqual({ ...before.imap, port: mail.imapPort, security: "starttls" });
    // with the password typed again, the move is tested and saved
    const typed = await api.patch(`/api/accounts/${id}`, { imap: { host: "localhost" }, password: bob().password });
    expect(typed.status, typed.text).toBe(200);
    expect(typed.body.imap.host).toBe("localhost");
    await api.del(`/api/accounts/${id}`);
  });

  it("saves with sync off and the diagnosis when asked to save despite the failure", async () => {
    const reply = await ja.post("/api/accounts", account({ password: WRONG, saveDisabledOnFailure: true }));
    expect(reply.status, reply.text).toBe(201);
    expect(reply.body).toMatchObject({ syncEnabled: false, state: "disabled", lastError: { code: "diag.auth_failed" } });
    expect(reply.body.lastError.message).toMatch(/^メールサーバーがユーザー名またはパスワードを拒否しました。/);
    await api.del(`/api/accounts/${reply.body.id}`);
  });
});

describe("saved accounts: test, folders and the test mail", () => {
  let id = "";

  beforeAll(async () => {
    const created = await api.post("/api/accounts", account());
    expect(created.status, created.text).toBe(201);
    id = created.body.id;
  });

  it("tests a saved account with its saved password, or with one given for this test only", async () => {
    const saved = await api.post(`/api/accounts/${id}/test`, {});
    expect(saved.body.ok).toBe(true);
    const other = await api.post(`/api/accounts/${id}/test`, { password: WRONG });
    expect(failed(other.body, "imap").diagnosis.code).toBe("auth_failed");
    expect((await api.post(`/api/accounts/${id}/test`, {})).body.ok).toBe(true);
  });

  it("lists the folders for the Sent-folder picker", async () => {
    const reply = await api.get(`/api/accounts/${id}/folders`);
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.sentFolder).toBe("Sent");
    expect(reply.body.items.map((f: any) => f.path)).toEqual(expect.arrayContaining(["INBOX", "Sent", "送信済みメール", "お客様/見積もり"]));
  });

  it("sends a test mail to the mailbox itself, which arrives in INBOX, and saves the same message in Sent", async () => {
    const reply = await api.post(`/api/accounts/${id}/test-mail`);
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.sent).toMatchObject({ ok: true, accepted: [bob().email], rejected: [] });
    expect(reply.body.savedToSent).toMatchObject({ ok: true, folder: "Sent" });
    const messageId = reply.body.messageId as string;
    const inSent = await findByMessageId("Sent", messageId);
    expect(inSent).toEqual([{ uid: reply.body.savedToSent.uid, seen: true }]);
    // delivery goes Postfix -> LMTP -> Dovecot: wait for it
    const inInbox = await eventually(
      async () => {
        const found = await findByMessageId("INBOX", messageId);
        return found.length ? found : undefined;
      },
      20_000,
      200,
    );
    expect(inInbox).toHaveLength(1);
  });

  it("saves the copy in a Japanese-named Sent folder when that is the one chosen", async () => {
    expect((await api.patch(`/api/accounts/${id}`, { sentFolder: "送信済みメール" })).status).toBe(200);
    const reply = await ja.post(`/api/accounts/${id}/test-mail`);
    expect(reply.body.savedToSent).toMatchObject({ ok: true, folder: "送信済みメール" });
    expect(await findByMessageId("送信済みメール", reply.body.messageId)).toHaveLength(1);
    expect(await findByMessageId("Sent", reply.body.messageId)).toEqual([]);
  });

  it("reports a Sent folder that does not exist, after the message itself went out", async () => {
    expect((await api.patch(`/api/accounts/${id}`, { sentFolder: "Gesendete Objekte" })).status).toBe(200);
    const reply = await api.post(`/api/accounts/${id}/test-mail`);
    expect(reply.body.sent.ok).toBe(true);
    expect(reply.body.savedToSent).toMatchObject({ ok: false, diagnosis: { code: "folder_not_found", cause: "The folder Gesendete Objekte does not exist on the mail server." } });
  });

  it("answers the folder list with the diagnosis when the saved password stopped working", async () => {
    const store = new FileSecretStore(stack.secretDir);
    await updateCredentials({ secrets: store }, id, { imap: WRONG });
    try {
      const reply = await ja.get(`/api/accounts/${id}/folders`);
      expect(reply.status).toBe(422);
      expect(reply.body.error).toMatchObject({ code: "diag.auth_failed", message: expect.stringMatching(/^メールサーバーがユーザー名またはパスワードを拒否しました。/) });
    } finally {
      await updateCredentials({ secrets: store }, id, { imap: bob().password });
    }
  });

  it("does not keep a copy when the account does not save sent mail", async () => {
    expect((await api.patch(`/api/accounts/${id}`, { saveSentCopy: false, sentFolder: null })).status).toBe(200);
    const reply = await api.post(`/api/accounts/${id}/test-mail`);
    expect(reply.body.sent.ok).toBe(true);
    expect(reply.body.savedToSent).toMatchObject({ ok: false, skipped: true });
    expect(await findByMessageId("Sent", reply.body.messageId)).toEqual([]);
  });
});

describe("secrets", () => {
  it("keeps every password out of test results, API replies and log lines", () => {
    const secrets = [bob().password, WRONG];
    expect(logLines.length).toBeGreaterThan(10);
    expect(logLines.some((l) => l.includes("connection.tested"))).toBe(true);
    for (const secret of secrets) {
      expect(logLines.filter((l) => l.includes(secret))).toEqual([]);
      expect(api.transcript.filter((t) => t.includes(secret))).toEqual([]);
      expect(ja.transcript.filter((t) => t.includes(secret))).toEqual([]);
    }
    expect(api.transcript.length).toBeGreaterThan(10);
  });
});
