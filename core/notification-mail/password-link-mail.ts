import type { Db } from "../store/db";
import { AppError } from "../shared/errors";
import type { Lang } from "../shared/i18n";
import type { MailContact } from "../users/index";
import { formatInZone } from "../shared/durations";
import { getNotificationSettings } from "./settings";
import { sendEach, type NotificationMailDeps } from "./deliver";

/**
 * The mail carrying a one-time set-password link (core/users/password-link.ts): an admin's
 * password reset, or the invitation of a new user. It goes to that user only, through the
 * notification mail server, whatever the event switches say (it is no operations event).
 * The link is in the mail and nowhere else: never logged, never in the API's answer.
 */
export interface PasswordLinkMail {
  kind: "reset" | "invite";
  /** The console page that takes the token: <origin>/#/reset/<token>. */
  url: string;
  expiresAt: string;
  /** Who the user is and who asked, as the mail names them. */
  name: string;
  byName: string;
}

/** Whether a link can go by mail: notification mail is switched on and has a server to send through. */
export async function passwordMailReady(db: Db): Promise<boolean> {
  const s = await getNotificationSettings(db);
  return s.enabled && !!s.server;
}

export async function sendPasswordLinkMail(deps: NotificationMailDeps, to: MailContact, mail: PasswordLinkMail): Promise<void> {
  const s = await getNotificationSettings(deps.db);
  if (!s.enabled || !s.server) throw new AppError("permanent", "notification_not_configured");
  const until = (lang: Lang) => formatInZone(mail.expiresAt, lang, s.timeZone);
  const texts =
    mail.kind === "invite"
      ? {
          ja: {
            subject: "【CRM Mail Sync】アカウントへの招待",
            lines: [
              `${mail.name} 様`,
              "",
              `${mail.byName} さんが CRM Mail Sync のアカウント（${to.email}）を作成しました。`,
              "次のリンクを開いてパスワードを設定し、サインインしてください。",
              "",
              mail.url,
              "",
              `このリンクは一度だけ使えます。有効期限: ${until("ja")}`,
              "期限が切れた場合は、管理者にパスワードのリセットを依頼してください。",
            ],
          },
          en: {
            subject: "[CRM Mail Sync] You are invited",
            lines: [
              `Hello ${mail.name},`,
              "",
              `${mail.byName} created a CRM Mail Sync account for you (${to.email}).`,
              "Open this link to set your password, then sign in:",
              "",
              mail.url,
              "",
              `The link works once, until ${until("en")}.`,
              "If it has expired, ask your administrator to reset your password.",
            ],
          },
        }
      : {
          ja: {
            subject: "【CRM Mail Sync】パスワードの再設定",
            lines: [
              `${mail.name} 様`,
              "",
              `${mail.byName} さんが CRM Mail Sync のパスワード（${to.email}）をリセットしました。`,
              "次のリンクを開いて新しいパスワードを設定してください。",
              "",
              mail.url,
              "",
              `このリンクは一度だけ使えます。有効期限: ${until("ja")}`,
              "心当たりがない場合は、管理者に連絡してください。",
            ],
          },
          en: {
            subject: "[CRM Mail Sync] Set a new password",
            lines: [
              `Hello ${mail.name},`,
              "",
              `${mail.byName} reset your CRM Mail Sync password (${to.email}).`,
              "Open this link to choose a new one:",
              "",
              mail.url,
              "",
              `The link works once, until ${until("en")}.`,
              "If you did not expect this, tell your administrator.",
            ],
          },
        };
  const report = await sendEach(deps, s, [to], texts);
  if (!report.sent.length) throw new AppError("permanent", "password_mail_refused", { params: { address: to.email } });
}
