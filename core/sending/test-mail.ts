import MailComposer from "nodemailer/lib/mail-composer";
import { checkHost, type HostAllowance, type Resolver } from "../mail/index";
import { defaultSaveSentCopy } from "../mail/index";
import { diagnose, diagnosisOf, type Diagnosis, type DiagnosisContext } from "../mail/index";
import { createLogger, type Logger } from "../shared/log";
import type { Mailer, OutgoingMessage } from "./index";
import { createSmtpMailer, type SmtpSettings } from "../mail/index";
import { withCrlf } from "./line-endings";
import { saveToSent } from "./save-to-sent";

/**
 * The "mail test" button (as CRM mail tools word it: "テストメールを送信しました。テストメールをメール
 * ボックスに保存しました。"): a short bilingual message from the mailbox to itself through its
 * SMTP server, and, when the account keeps a copy of sent mail, the very same bytes APPENDed
 * to its Sent folder over IMAP. Both outcomes are reported separately.
 */

/** The account fields the test mail needs (an AccountRecord has them all). */
export interface TestMailAccount {
  email: string;
  displayName?: string | null;
  provider?: string | null;
  imap: { host: string; port: number; security: "tls" | "starttls" | "none"; user: string };
  smtp?: { host: string; port: number; security: "tls" | "starttls" | "none"; user: string; sameCredentials?: boolean } | null;
  allowInsecureCerts?: boolean;
  /** APPEND a copy to Sent. Providers that file sent mail themselves (Gmail, Microsoft) have it off. */
  saveSentCopy?: boolean;
  /** The Sent folder; default: the one detected from the folder list. */
  sentFolder?: string | null;
}

export interface TestMailDeps {
  hostAllowance: HostAllowance;
  resolve?: Resolver;
  /** Extra trusted CA (PEM) for both servers. */
  ca?: string;
  log?: Logger;
  /** The Mailer for these SMTP settings; default the SMTP adapter. Tests and other transports plug in here. */
  mailer?: (settings: SmtpSettings) => Mailer;
  now?: () => Date;
}

export interface TestMailPart {
  ok: boolean;
  /** Not attempted: no copy is kept for this account, or sending failed first. */
  skipped?: boolean;
  ms: number;
  diagnosis?: Diagnosis;
}

export interface TestMailReport {
  messageId: string;
  subject: string;
  sent: TestMailPart & { accepted?: string[]; rejected?: string[]; response?: string };
  savedToSent: TestMailPart & { folder?: string; uid?: number };
}

/** Builds the test message once: the raw bytes go to SMTP and, unchanged, to the Sent folder. */
export async function buildTestMessage(account: Pick<TestMailAccount, "email" | "displayName">, now: Date): Promise<{ raw: Buffer; messageId: string; subject: string }> {
  const subject = "CRM Mail Sync テストメール / test message";
  const stamp = now.toISOString();
  const text = [
    "これは CRM Mail Sync の「メールテスト」で送信したテストメールです。",
    "このメールが受信トレイに届き、送信済みフォルダーにも保存されていれば、メールボックスの設定は正しく動作しています。",
    "",
    "This is a test message sent by the CRM Mail Sync mail test.",
    "If it arrived in the inbox (and, when a copy of sent mail is kept, in the Sent folder), the mailbox settings work.",
    "",
    `送信日時 / Sent at: ${stamp}`,
  ].join("\n");
  const node = new MailComposer({
    from: { name: account.displayName ?? "", address: account.email },
    to: account.email,
    subject,
    text,
    date: now,
    // RFC 3834: an automatic message, so that no auto-responder answers it
    headers: { "Auto-Submitted": "auto-generated", "X-CRM-Mail-Sync": "mail-test" },
  }).compile();
  const messageId = node.messageId();
  // the text above is joined with LF: the bytes sent and APPENDed must have CRLF only
  const raw = withCrlf(await node.build());
  return { raw, messageId, subject };
}

/**
 * Sends the test message and saves the copy. `passwords` are the IMAP password and, when the
 * SMTP server uses its own credentials, the SMTP one. Never throws for a server problem: each
 * part carries a diagnosis instead.
 */
export async function sendTestMail(
  account: TestMailAccount,
  passwords: { password: string; smtpPassword?: string; accessToken?: string },
  deps: TestMailDeps,
): Promise<TestMailReport> {
  const log = deps.log ?? createLogger({ fn: "test-mail" });
  const { raw, messageId, subject } = await buildTestMessage(account, deps.now?.() ?? new Date());
  const report: TestMailReport = { messageId, subject, sent: { ok: false, ms: 0 }, savedToSent: { ok: false, skipped: true, ms: 0 } };

  // 1. SMTP
  const smtp = account.smtp;
  const started = Date.now();
  if (!smtp) {
    report.sent.diagnosis = diagnosisOf("smtp_not_configured", "permanent", {
      protocol: "smtp",
      step: "smtp_send",
      host: account.imap.host,
      port: 0,
      security: "tls",
      provider: account.provider,
    });
  } else {
    const same = smtp.sameCredentials !== false;
    const ctx: DiagnosisContext = { protocol: "smtp", step: "smtp_send", host: smtp.host, port: smtp.port, security: smtp.security, provider: account.provider };
    let mailer: Mailer | undefined;
    try {
      const address = await checkHost(smtp.host, deps.hostAllowance, "smtp.host", deps.resolve);
      const password = same ? passwords.password : passwords.smtpPassword;
      if (!password && !passwords.accessToken) throw Object.assign(new Error("no SMTP password is saved"), { code: "EAUTH" });
      mailer = (deps.mailer ?? createSmtpMailer)({
        ...smtp,
        user: same ? account.imap.user : smtp.user,
        address,
        password: password ?? "",
        // an OAuth2 mailbox: XOAUTH2 with the access token (its SMTP always shares the IMAP sign-in)
        accessToken: passwords.accessToken,
        allowInsecureCerts: account.allowInsecureCerts,
        ca: deps.ca,
        provider: account.provider,
      });
      const message: OutgoingMessage = { envelope: { from: account.email, to: [account.email] }, raw, messageId };
      const result = await mailer.send(message);
      report.sent = { ok: result.accepted.length > 0, ms: Date.now() - started, accepted: result.accepted, rejected: result.rejected, response: result.response };
    } catch (err) {
      report.sent = { ok: false, ms: Date.now() - started, diagnosis: diagnose(err, ctx) };
    } finally {
      mailer?.close();
    }
  }

  // 2. The copy in Sent
  const keepCopy = account.saveSentCopy ?? defaultSaveSentCopy(account.provider);
  if (report.sent.ok && keepCopy) {
    const started = Date.now();
    const saved = await saveToSent({ ...deps, log }, account, passwords.password, raw, deps.now?.() ?? new Date(), passwords.accessToken);
    const ms = Date.now() - started;
    report.savedToSent = saved.ok
      ? { ok: true, ms, folder: saved.folder, ...(saved.uid ? { uid: saved.uid } : {}) }
      : { ok: false, ms, ...(saved.folder ? { folder: saved.folder } : {}), diagnosis: saved.diagnosis };
  }
  log.info("mail.test.sent", {
    sent: report.sent.ok,
    sentCode: report.sent.diagnosis?.code,
    saved: report.savedToSent.ok,
    savedCode: report.savedToSent.diagnosis?.code,
    skipped: !!report.savedToSent.skipped,
  });
  return report;
}
