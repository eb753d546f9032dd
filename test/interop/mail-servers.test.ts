/**
 * The product end to end against every mail server it is tested with: Dovecot, Cyrus IMAP and
 * Courier-IMAP for IMAP, Postfix, Exim and Sendmail for SMTP submission (test/harness/interop-*.ts),
 * all driven through the HTTP API as an admin would. One corpus, loaded once per IMAP server into
 * its own mailbox; each server's mail is about its own contacts, so no history mixes servers.
 * - connection test, wrong password and security mismatch diagnoses, in English and Japanese;
 * - folders and Sent detection with non-English Sent folders: Cyrus marks "Gesendet" with a
 *   lower-case \sent, Courier (no SPECIAL-USE) has "INBOX.送信済みアイテム", known by name;
 * - the first sync with no folders chosen finds and syncs INBOX and that Sent folder itself;
 * - sync of INBOX, Sent and a Japanese folder: Japanese subjects, secondary addresses, bodies;
 * - an incremental sync fetching only what is new;
 * - the test mail through every IMAP x SMTP pair, sent and saved to the Sent folder.
 */
import { ImapFlow } from "imapflow";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startLocalStack, type LocalStack } from "../../core/local/stack";
import { ApiClient, eventually } from "../support/api-client";
import * as corpus from "../support/corpus";

const mail = inject("mail");
const interop = inject("interop");
const ADMIN = { email: "admin@example.test", password: "admin-password-123" };

type Security = "tls" | "starttls" | "none";
interface ImapServer {
  name: "dovecot" | "cyrus" | "courier";
  starttlsPort: number;
  tlsPort: number;
  /** LOGIN refused before TLS (LOGINDISABLED); Dovecot allows it on loopback. */
  loginDisabledInPlain: boolean;
  sentFolder: string;
  specialUse: boolean;
  user: { email: string; password: string };
}
const imapServers: ImapServer[] = [
  { name: "dovecot", starttlsPort: mail.imapPort, tlsPort: mail.imapsPort, loginDisabledInPlain: false, sentFolder: "Sent", specialUse: true, user: mail.users.alice },
  {
    name: "cyrus",
    starttlsPort: interop.cyrus.imapPort,
    tlsPort: interop.cyrus.imapsPort,
    loginDisabledInPlain: true,
    sentFolder: interop.cyrus.sentFolder,
    specialUse: true,
    user: mail.users.bob,
  },
  {
    name: "courier",
    starttlsPort: interop.courier.imapPort,
    tlsPort: interop.courier.imapsPort,
    loginDisabledInPlain: true,
    sentFolder: interop.courier.sentFolder,
    specialUse: false,
    user: mail.users.carol,
  },
];
const smtpServers = [
  { name: mail.smtpPeer, starttlsPort: mail.smtpPort, tlsPort: mail.smtpsPort },
  { name: "exim", starttlsPort: interop.exim.smtpPort, tlsPort: interop.exim.smtpsPort },
  { name: "sendmail", starttlsPort: interop.sendmail.smtpPort, tlsPort: interop.sendmail.smtpsPort },
];

let stack: LocalStack;
/** One salesperson per IMAP server, each with their own limits on connection tests (PROBE_LIMIT). */
const clients: Record<string, { en: ApiClient; ja: ApiClient }> = {};

const imapFlow = (s: ImapServer) =>
  new ImapFlow({ host: mail.host, port: s.tlsPort, secure: true, auth: { user: s.user.email, pass: s.user.password }, tls: { ca: mail.caPem }, logger: false });

/** Per server: its contacts' addresses, so each history is exactly this server's corpus. */
const people = (s: ImapServer) => ({
  tanaka: `tanaka@${s.name}.client.example.jp`,
  john: `john.smith@${s.name}.customer.example.com`,
  johnOther: `john@${s.name}.customer-mail.example.com`,
});
/** UTF-8 subjects as mailers send them, as an encoded word (Cyrus turns raw 8-bit header bytes into "X"). */
const utf8Subject = (text: string) => `=?UTF-8?B?${Buffer.from(text).toString("base64")}?=`;
const day = (n: number) => new Date(Date.now() - n * 86_400_000);

/** The corpus: Japanese (ISO-2022-JP and UTF-8), a secondary address, newsletters, sent mail, a Japanese folder. */
function corpusFor(s: ImapServer, owner: string) {
  const p = people(s);
  const id = (n: string) => `<${n}.${s.name}@interop.test>`;
  const inbox = [
    ...[1, 2, 3].map((i) =>
      corpus.iso2022jp(
        { from: `田中 太郎 <${p.tanaka}>`, to: owner, subject: `お見積もりの件 その${i}`, date: day(20 - i), messageId: id(`jis${i}`) },
        `いつもお世話になっております。\n田中です。見積書${i}をお送りします。\nよろしくお願いいたします。`,
      ),
    ),
    ...[1, 2].map((i) =>
      corpus.plain(
        { from: `田中 太郎 <${p.tanaka}>`, to: owner, subject: utf8Subject(`【重要】見積もり依頼 第${i}版`), date: day(15 - i), messageId: id(`utf${i}`) },
        `見積もり依頼の第${i}版です。`,
      ),
    ),
    ...[1, 2].map((i) =>
      corpus.plain({ from: `John Smith <${p.john}>`, to: owner, subject: `Order ${i}`, date: day(12 - i), messageId: id(`john${i}`) }, `Please confirm order ${i}.`),
    ),
    corpus.plain({ from: `John Smith <${p.johnOther}>`, to: owner, subject: "From my other address", date: day(9), messageId: id("johnother") }, "Same John, other address."),
    ...[1, 2, 3].map((i) =>
      corpus.plain({ from: "news@newsletter.example.org", to: owner, subject: `Newsletter ${i}`, date: day(8 - i), messageId: id(`news${i}`) }, "Not about a contact."),
    ),
  ];
  const sent = [
    corpus.iso2022jp({ from: owner, to: `田中 太郎 <${p.tanaka}>`, subject: "見積書送付のご連絡 1", date: day(5), messageId: id("sentjis") }, "田中様\n見積書をお送りします。"),
    corpus.plain({ from: owner, to: p.john, subject: "Re: Order 1", date: day(4), messageId: id("sentjohn") }, "Confirmed."),
  ];
  const folder = [corpus.iso2022jp({ from: `田中 太郎 <${p.tanaka}>`, to: owner, subject: "2026年度のご提案", date: day(3), messageId: id("folder1") }, "ご提案です。")];
  return { inbox, sent, folder };
}

async function loadCorpus(s: ImapServer): Promise<string> {
  const client = imapFlow(s);
  client.on("error", () => undefined);
  await client.connect();
  try {
    const created = await client.mailboxCreate(["見積もり", "2026年"]).catch(() => undefined);
    const list = await client.list();
    const japanese = created?.path ?? list.find((f) => f.name === "2026年")?.path;
    if (!japanese) throw new Error(`${s.name}: the Japanese folder was not created`);
    const c = corpusFor(s, s.user.email);
    for (const [folder, messages] of [
      ["INBOX", c.inbox],
      [s.sentFolder, c.sent],
      [japanese, c.folder],
    ] as const)
      for (const m of messages) await client.append(folder, m, ["\\Seen"]);
    return japanese;
  } finally {
    await client.logout().catch(() => client.close());
  }
}

const imapAt = (s: ImapServer, security: Security) => ({ host: mail.host, port: security === "tls" ? s.tlsPort : s.starttlsPort, security, user: s.user.email });
const smtpAt = (m: (typeof smtpServers)[number], security: Security, user: string) => ({ host: mail.host, port: security === "tls" ? m.tlsPort : m.starttlsPort, security, user });
const failedStep = (
  body: { steps: { protocol: string; ok: boolean; skipped?: boolean; step: string; diagnosis?: { code: string; cause: string; fix: string } }[] },
  protocol: string,
) => body.steps.find((st) => st.protocol === protocol && !st.ok && !st.skipped);

const accounts: Record<string, { id: string; japaneseFolder: string; contacts: { tanaka: string; john: string } }> = {};
const history = async (api: ApiClient, contactId: string) =>
  (await api.get(`/api/contacts/${contactId}/messages`)).body.items as { id: string; subject: string; direction: string }[];

beforeAll(async () => {
  // every server uses the harness's self-signed certificate: trust it, as a company CA bundle would
  stack = await startLocalStack({ schedule: false, admin: ADMIN, imapCaPem: mail.caPem });
  const admin = new ApiClient(stack.url, "en");
  expect((await admin.signIn(ADMIN.email, ADMIN.password)).status).toBe(200);
  // the servers are independent (own member, mailbox and contacts): set them up at the same time
  await Promise.all(
    imapServers.map(async (s) => {
      const member = { email: `sales-${s.name}@crm.example.test`, password: `${s.name}-password-123` };
      const created = await admin.post("/api/users", { email: member.email, name: `Sales ${s.name}`, password: member.password, role: "member" });
      expect(created.status, created.text).toBe(201);
      const en = new ApiClient(stack.url, "en");
      expect((await en.signIn(member.email, member.password)).status).toBe(200);
      const ja = new ApiClient(stack.url, "ja");
      Object.assign(ja, { cookie: en.cookie, csrf: en.csrf });
      clients[s.name] = { en, ja };
      const japaneseFolder = await loadCorpus(s);
      const p = people(s);
      const tanaka = await en.post("/api/contacts", { name: `田中 太郎 (${s.name})`, primaryEmail: p.tanaka });
      const john = await en.post("/api/contacts", { name: `John Smith (${s.name})`, primaryEmail: p.john, secondaryEmails: [p.johnOther] });
      expect(tanaka.status, tanaka.text).toBe(201);
      expect(john.status, john.text).toBe(201);
      accounts[s.name] = { id: "", japaneseFolder, contacts: { tanaka: tanaka.body.id, john: john.body.id } };
    }),
  );
});
afterAll(async () => stack?.stop());

describe.each(imapServers)("IMAP server $name", (s) => {
  const api = () => clients[s.name]!.en;
  const ja = () => clients[s.name]!.ja;
  it("passes the connection test with STARTTLS and with TLS", async () => {
    for (const security of ["starttls", "tls"] as const) {
      const reply = await api().post("/api/accounts/test", { email: s.user.email, imap: imapAt(s, security), password: s.user.password });
      expect(reply.status, reply.text).toBe(200);
      expect(failedStep(reply.body, "imap"), `${security}: ${reply.text}`).toBeUndefined();
    }
  });

  it("says a wrong password was refused, in English and Japanese", async () => {
    const body = { email: s.user.email, imap: imapAt(s, "tls"), password: "wrong-password-4711" };
    // both at once: Cyrus and Courier answer a failed login only after a few seconds
    const [enReply, jaReply] = await Promise.all([api().post("/api/accounts/test", body), ja().post("/api/accounts/test", body)]);
    const en = failedStep(enReply.body, "imap");
    expect(en).toMatchObject({ step: "imap_login", diagnosis: { code: "auth_failed" } });
    expect(en!.diagnosis!.cause).toMatch(/refused the user name or password/);
    const jaStep = failedStep(jaReply.body, "imap");
    expect(jaStep!.diagnosis!.cause).toMatch(/^メールサーバーがユーザー名またはパスワードを拒否しました。/);
  });

  it.runIf(s.loginDisabledInPlain)("says to use STARTTLS when security is none and the server refuses sign-in before TLS", async () => {
    const reply = await api().post("/api/accounts/test", { email: s.user.email, imap: imapAt(s, "none"), password: s.user.password });
    expect(failedStep(reply.body, "imap")).toMatchObject({ step: "imap_login", diagnosis: { code: "tls_mismatch" } });
    expect(failedStep(reply.body, "imap")!.diagnosis!.cause).toMatch(/expects STARTTLS/);
  });

  it("lists the folders, with the Japanese folder decoded and the Sent folder found", async () => {
    // no syncFolders and no sentFolder: the sync must find the Sent folder itself (next test)
    const created = await api().post("/api/accounts", {
      email: s.user.email,
      imap: imapAt(s, "starttls"),
      smtp: smtpAt(smtpServers[0]!, "starttls", s.user.email),
      password: s.user.password,
    });
    expect(created.status, created.text).toBe(201);
    accounts[s.name]!.id = created.body.id;
    const reply = await api().get(`/api/accounts/${created.body.id}/folders`);
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.sentFolder).toBe(s.sentFolder);
    const folders = reply.body.items as { path: string; name: string; specialUse: string | null }[];
    expect(folders.find((f) => f.path === accounts[s.name]!.japaneseFolder)).toMatchObject({ name: "2026年" });
    // Cyrus writes "\sent" in lower case: flags compare case-insensitively
    if (s.specialUse) expect(folders.find((f) => f.path === s.sentFolder)?.specialUse).toBe("\\Sent");
  });

  it("finds the Sent folder itself when no folders are chosen, and syncs it with INBOX", async () => {
    const { id, contacts } = accounts[s.name]!;
    expect((await api().get(`/api/accounts/${id}`)).body).toMatchObject({ syncFolders: null, sentFolder: null });
    expect((await api().post(`/api/accounts/${id}/sync`)).status).toBe(202);
    const tanaka = await eventually(async () => ((await history(api(), contacts.tanaka)).length >= 6 ? history(api(), contacts.tanaka) : undefined), 30_000, 200);
    const john = await eventually(async () => ((await history(api(), contacts.john)).length >= 4 ? history(api(), contacts.john) : undefined), 30_000, 200);
    const account = (await api().get(`/api/accounts/${id}`)).body;
    expect(account).toMatchObject({ syncFolders: ["INBOX", s.sentFolder], sentFolder: s.sentFolder });
    // the mail filed in the Sent folder is there, as sent mail; the Japanese folder is not chosen yet
    expect(tanaka.map((m) => m.subject).sort()).toEqual(
      ["お見積もりの件 その1", "お見積もりの件 その2", "お見積もりの件 その3", "【重要】見積もり依頼 第1版", "【重要】見積もり依頼 第2版", "見積書送付のご連絡 1"].sort(),
    );
    expect(tanaka.find((m) => m.subject === "見積書送付のご連絡 1")?.direction).toBe("sent");
    expect(john.find((m) => m.subject === "Re: Order 1")?.direction).toBe("sent");
  });

  it("syncs INBOX, Sent and the Japanese folder into the contacts' histories, secondary address included", async () => {
    const { id, contacts, japaneseFolder } = accounts[s.name]!;
    const patched = await api().patch(`/api/accounts/${id}`, { syncFolders: ["INBOX", s.sentFolder, japaneseFolder] });
    expect(patched.status, patched.text).toBe(200);
    expect((await api().post(`/api/accounts/${id}/sync`)).status).toBe(202);
    const tanaka = await eventually(async () => ((await history(api(), contacts.tanaka)).length >= 7 ? history(api(), contacts.tanaka) : undefined), 30_000, 200);
    const john = await eventually(async () => ((await history(api(), contacts.john)).length >= 4 ? history(api(), contacts.john) : undefined), 30_000, 200);
    expect(tanaka.map((m) => m.subject).sort()).toEqual(
      [
        "お見積もりの件 その1",
        "お見積もりの件 その2",
        "お見積もりの件 その3",
        "【重要】見積もり依頼 第1版",
        "【重要】見積もり依頼 第2版",
        "見積書送付のご連絡 1",
        "2026年度のご提案",
      ].sort(),
    );
    expect(tanaka.find((m) => m.subject === "見積書送付のご連絡 1")?.direction).toBe("sent");
    expect(john.map((m) => m.subject).sort()).toEqual(["From my other address", "Order 1", "Order 2", "Re: Order 1"]);
  });

  it("opens a message's body from the server, decoding ISO-2022-JP", async () => {
    const item = (await history(api(), accounts[s.name]!.contacts.tanaka)).find((m) => m.subject === "お見積もりの件 その2")!;
    const body = await api().get(`/api/messages/${encodeURIComponent(item.id)}/body`);
    expect(body.status, body.text).toBe(200);
    expect(body.body.text).toBe("いつもお世話になっております。\n田中です。見積書2をお送りします。\nよろしくお願いいたします。");
  });

  it("fetches only the new mail on the next sync", async () => {
    const client = imapFlow(s);
    client.on("error", () => undefined);
    await client.connect();
    const p = people(s);
    await client.append(
      "INBOX",
      corpus.iso2022jp({ from: `田中 太郎 <${p.tanaka}>`, to: s.user.email, subject: "追加のご連絡", date: new Date(), messageId: `<new.${s.name}@interop.test>` }, "追加です。"),
    );
    await client.logout();
    const { id, contacts } = accounts[s.name]!;
    expect((await api().post(`/api/accounts/${id}/sync`)).status).toBe(202);
    const tanaka = await eventually(async () => ((await history(api(), contacts.tanaka)).length >= 8 ? history(api(), contacts.tanaka) : undefined), 30_000, 200);
    expect(tanaka).toHaveLength(8);
    expect(tanaka.filter((m) => m.subject === "追加のご連絡")).toHaveLength(1);
  });

  describe.each(smtpServers)("with SMTP server $name", (m) => {
    it("passes the connection test and sends the test mail, saved to the Sent folder, with STARTTLS and TLS", async () => {
      const { id } = accounts[s.name]!;
      for (const security of ["starttls", "tls"] as const) {
        const patched = await api().patch(`/api/accounts/${id}`, { smtp: smtpAt(m, security, s.user.email), password: s.user.password });
        expect(patched.status, patched.text).toBe(200);
        const test = await api().post(`/api/accounts/${id}/test`);
        expect(failedStep(test.body, "smtp"), `${security}: ${test.text}`).toBeUndefined();
        const reply = await api().post(`/api/accounts/${id}/test-mail`);
        expect(reply.status, reply.text).toBe(200);
        expect(reply.body.sent, reply.text).toMatchObject({ ok: true });
        expect(reply.body.savedToSent, reply.text).toMatchObject({ ok: true, folder: s.sentFolder });
      }
    });

    it("sends a mail written in the CRM to a contact through this pair, its copy saved to the Sent folder and shown once in the contact's history", async () => {
      const { id, contacts } = accounts[s.name]!;
      const subject = `Written in the CRM via ${m.name}`;
      const queued = await api().post("/api/sends", { accountId: id, to: [people(s).tanaka], subject, text: "田中様\nご確認ください。" });
      expect(queued.status, queued.text).toBe(202);
      const done = await eventually(async () => {
        const r = (await api().get(`/api/sends/${queued.body.id}`)).body;
        return r.status === "sent" || r.status === "failed" ? r : undefined;
      }, 60_000);
      expect(done, JSON.stringify(done)).toMatchObject({ status: "sent", savedCopy: { folder: s.sentFolder, failure: null } });
      const shown = (await history(api(), contacts.tanaka)).filter((h) => h.subject === subject);
      expect(shown).toHaveLength(1);
      expect(shown[0]!.direction).toBe("sent");
    });
  });
});

describe("SMTP security mismatch on Exim", () => {
  it("says to use STARTTLS when security is none on a port that offers sign-in only after STARTTLS", async () => {
    const s = imapServers[1]!;
    const reply = await clients[s.name]!.en.post("/api/accounts/test", {
      email: s.user.email,
      imap: imapAt(s, "tls"),
      smtp: smtpAt(smtpServers[1]!, "none", s.user.email),
      password: s.user.password,
    });
    expect(failedStep(reply.body, "smtp")).toMatchObject({ step: "smtp_login", diagnosis: { code: "tls_mismatch" } });
    expect(failedStep(reply.body, "smtp")!.diagnosis!.cause).toMatch(/expects STARTTLS/);
  });
});
