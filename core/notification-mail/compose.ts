import MailComposer from "nodemailer/lib/mail-composer";
import type { OpsEvent } from "../notifications/index";
import type { Lang } from "../shared/i18n";
import { formatInZone, humanDuration } from "../shared/durations";
import { withCrlf } from "../sending/index";

/**
 * The text of notification mails: plain text, in the recipient's language, or Japanese then
 * English when the language is unknown (an extra address such as the IT department's). Built
 * only from the event's ids, addresses, codes and times: events never carry a password, token
 * or message body, so neither can a mail.
 */
export interface MailText {
  subject: string;
  lines: string[];
}

export interface ComposeContext {
  timeZone: string;
  now: Date;
}

type Texts = Record<Lang, MailText>;

const when = (iso: string, lang: Lang, c: ComposeContext) => formatInZone(iso, lang, c.timeZone);

/** The event's mail in both languages. */
export function eventTexts(event: OpsEvent, c: ComposeContext): Texts {
  const t = (lang: Lang, iso: string) => when(iso, lang, c);
  switch (event.kind) {
    case "signin.locked": {
      const wait = Math.max(1, (Date.parse(event.unlockAt) - c.now.getTime()) / 1000);
      const n = event.failedSignIns;
      return {
        ja: {
          subject: `【CRM Mail Sync】アカウントを停止しました: ${event.email}`,
          lines: [
            `サインインの失敗が${n ? `${n}回` : ""}続いたため、CRM Mail Sync のユーザー ${event.email} を一時的に停止しました。`,
            "",
            `停止日時: ${t("ja", event.lockedAt)}`,
            `再開予定日時: ${t("ja", event.unlockAt)}（${humanDuration(wait, "ja")}後）`,
            "",
            "ご本人の操作でない場合は、パスワードが推測されている可能性があります。管理者に連絡してください。",
            "管理者は「ユーザー」画面から予定より早くロックを解除できます。",
          ],
        },
        en: {
          subject: `[CRM Mail Sync] Sign-in locked: ${event.email}`,
          lines: [
            `After ${n ? `${n} ` : ""}failed sign-ins in a row, the CRM Mail Sync user ${event.email} is locked for a while.`,
            "",
            `Locked at: ${t("en", event.lockedAt)}`,
            `Unlocks at: ${t("en", event.unlockAt)} (in ${humanDuration(wait, "en")})`,
            "",
            "If this was not you, someone may be guessing the password: tell your administrator.",
            "An administrator can unlock the user earlier on the Users page.",
          ],
        },
      };
    }
    case "signin.unlocked":
      return {
        ja: {
          subject: `【CRM Mail Sync】アカウントの停止を解除しました: ${event.email}`,
          lines: [
            event.byUserId ? `管理者が予定より早く、ユーザー ${event.email} の停止を解除しました。` : `ユーザー ${event.email} の停止を解除しました。`,
            "",
            `解除日時: ${t("ja", event.unlockedAt)}`,
            "もう一度サインインできます。",
          ],
        },
        en: {
          subject: `[CRM Mail Sync] Sign-in unlocked: ${event.email}`,
          lines: [
            event.byUserId ? `An administrator unlocked the user ${event.email} before the scheduled time.` : `The user ${event.email} is unlocked.`,
            "",
            `Unlocked at: ${t("en", event.unlockedAt)}`,
            "You can sign in again.",
          ],
        },
      };
    case "mailbox.paused":
      return {
        ja: {
          subject: `【CRM Mail Sync】メールボックスを一時停止しました: ${event.address}`,
          lines: [
            `メールサーバーが ${event.address} の保存済みパスワードを${event.failedLogins}回続けて拒否したため、同期を一時停止しました。`,
            "プロバイダーによるメールボックスのロックを防ぐため、新しいパスワードが保存されるまでログインしません。",
            "",
            `停止日時: ${t("ja", event.at)}`,
            `理由: ${event.code}`,
            "",
            "コンソールの「メールボックス」でこのメールボックスを開き、「パスワードを更新」から新しいパスワード（またはアプリパスワード）を保存してください。保存すると同期を再開します。",
          ],
        },
        en: {
          subject: `[CRM Mail Sync] Mailbox paused: ${event.address}`,
          lines: [
            `The mail server refused the saved password of ${event.address} ${event.failedLogins} times in a row, so its sync is paused.`,
            "To keep the provider from locking the mailbox, nothing logs in to it until a new password is saved.",
            "",
            `Paused at: ${t("en", event.at)}`,
            `Reason: ${event.code}`,
            "",
            'Open the mailbox under Mailboxes in the console and choose "Update password" to save the new password (or app password); the sync resumes when it is saved.',
          ],
        },
      };
    case "mailbox.resumed":
      return {
        ja: {
          subject: `【CRM Mail Sync】メールボックスの同期を再開しました: ${event.address}`,
          lines: [`${event.address} に新しいパスワードが保存されたため、同期を再開しました。`, "", `再開日時: ${t("ja", event.at)}`],
        },
        en: {
          subject: `[CRM Mail Sync] Mailbox resumed: ${event.address}`,
          lines: [`A new password was saved for ${event.address}: its sync has resumed.`, "", `Resumed at: ${t("en", event.at)}`],
        },
      };
    case "mailbox.failing":
      return {
        ja: {
          subject: `【CRM Mail Sync】メールボックスの同期が失敗し続けています: ${event.address}`,
          lines: [
            `${event.address} の同期が${event.failedRuns}回続けて失敗しています（パスワード以外の原因: サーバーに接続できない、サーバーのエラーなど）。`,
            "同期は予定どおり続けます。同期できた時点でもう一度お知らせします。",
            "",
            `失敗の始まり: ${t("ja", event.since)}`,
            `理由: ${event.code}`,
          ],
        },
        en: {
          subject: `[CRM Mail Sync] Mailbox keeps failing: ${event.address}`,
          lines: [
            `The sync of ${event.address} failed ${event.failedRuns} times in a row, not because of its password (the server could not be reached or answered with an error).`,
            "The sync keeps trying on its schedule; another mail follows when it syncs again.",
            "",
            `Failing since: ${t("en", event.since)}`,
            `Reason: ${event.code}`,
          ],
        },
      };
    case "mailbox.recovered":
      return {
        ja: {
          subject: `【CRM Mail Sync】メールボックスの同期が回復しました: ${event.address}`,
          lines: [`${event.address} の同期が再びできるようになりました。`, "", `失敗の始まり: ${t("ja", event.since)}`, `回復日時: ${t("ja", event.at)}`],
        },
        en: {
          subject: `[CRM Mail Sync] Mailbox syncs again: ${event.address}`,
          lines: [`${event.address} syncs again.`, "", `Failing since: ${t("en", event.since)}`, `Recovered at: ${t("en", event.at)}`],
        },
      };
    default:
      return genericTexts(event, c);
  }
}

/** Events other helpers produce (jobs, dead letters, webhooks): what happened and its fields, one per line. */
function genericTexts(event: OpsEvent, c: ComposeContext): Texts {
  // who it goes to is the envelope's business, not the text's
  const fields = Object.entries(event).filter(([k]) => k !== "kind" && k !== "recipients");
  const lines = (lang: Lang) => fields.map(([k, v]) => `${k}: ${typeof v === "string" && /^\d{4}-\d\d-\d\dT/.test(v) ? when(v, lang, c) : String(v)}`);
  const subject = "subject" in event ? ` ${event.subject}` : "address" in event ? ` ${event.address}` : "";
  return {
    ja: { subject: `【CRM Mail Sync】運用通知 ${event.kind}${subject}`, lines: [`運用上の出来事がありました（${event.kind}）。`, "", ...lines("ja")] },
    en: { subject: `[CRM Mail Sync] Operations: ${event.kind}${subject}`, lines: [`Something operations should know happened (${event.kind}).`, "", ...lines("en")] },
  };
}

/** The "send a test notification" button's mail. */
export function testTexts(c: ComposeContext): Texts {
  return {
    ja: {
      subject: "【CRM Mail Sync】テスト通知",
      lines: [
        "これは CRM Mail Sync の通知メール設定から送信したテスト通知です。",
        "このメールが届いていれば、通知メールの設定は正しく動作しています。",
        "",
        `送信日時: ${when(c.now.toISOString(), "ja", c)}`,
      ],
    },
    en: {
      subject: "[CRM Mail Sync] Test notification",
      lines: [
        "This is a test notification sent from CRM Mail Sync's notification mail settings.",
        "If it arrived, notification mail works.",
        "",
        `Sent at: ${when(c.now.toISOString(), "en", c)}`,
      ],
    },
  };
}

const FOOTER: Record<Lang, string> = {
  ja: "このメールは CRM Mail Sync の通知メール設定（設定 → 通知メール）により自動送信されています。",
  en: "This mail was sent automatically by CRM Mail Sync's notification mail settings (Settings → Notification mail).",
};

/** One language, or Japanese then English when the recipient's language is unknown. */
export function pickText(texts: Texts, lang: Lang | undefined): MailText {
  if (lang) return { subject: texts[lang].subject, lines: [...texts[lang].lines, "", "--", FOOTER[lang]] };
  return {
    subject: `${texts.ja.subject} / ${texts.en.subject.replace(/^\[CRM Mail Sync\] /, "")}`,
    lines: [...texts.ja.lines, "", "----------------------------------------", "", ...texts.en.lines, "", "--", FOOTER.ja, FOOTER.en],
  };
}

/** A plain text, UTF-8 message with CRLF line ends, marked automatic so no auto-responder answers. */
export async function buildMail(text: MailText, from: { name: string; address: string }, to: string, now: Date): Promise<{ raw: Buffer; messageId: string }> {
  const node = new MailComposer({
    from,
    to,
    subject: text.subject,
    text: text.lines.join("\r\n"),
    date: now,
    // RFC 3834: automatic mail; no replies from vacation responders
    headers: { "Auto-Submitted": "auto-generated", "X-CRM-Mail-Sync": "notification" },
  }).compile();
  const messageId = node.messageId();
  return { raw: withCrlf(await node.build()), messageId };
}
