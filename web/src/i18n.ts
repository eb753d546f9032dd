// Every string the console shows, in English and Japanese. Add a key to `en` first: `ja` is
// typed against it, so a missing translation fails the type-check.
import { createContext, useContext } from "react";
import type { Lang } from "./api";

export type { Lang };

const en = {
  "app.name": "CRM Mail Sync",
  "app.tagline": "Every contact's whole email history, from every salesperson's mailbox.",

  "nav.main": "Main navigation",
  "nav.contacts": "Contacts",
  "nav.accounts": "Mailboxes",
  "nav.users": "Users",
  "header.language": "Language",
  "header.signOut": "Sign out",
  "header.signedInAs": "Signed in as {name}",

  "role.admin": "Administrator",
  "role.member": "Member",

  "common.loading": "Loading…",
  "common.save": "Save",
  "common.saving": "Saving…",
  "common.cancel": "Cancel",
  "common.delete": "Delete",
  "common.deleting": "Deleting…",
  "common.edit": "Edit",
  "common.retry": "Retry",
  "common.close": "Close",
  "common.refresh": "Refresh",
  "common.optional": "optional",
  "common.none": "—",
  "common.dismiss": "Dismiss",

  "error.network": "The server cannot be reached. Check your connection and try again.",
  "error.unexpected": "Something went wrong (HTTP {status}). Please try again.",
  "error.sessionExpired": "Your session has expired. Please sign in again.",
  "error.forbidden": "You do not have permission to view this page.",
  "error.notFound": "Page not found.",
  "error.fixFields": "Please correct the highlighted fields.",

  "signin.title": "Sign in",
  "signin.subtitle": "Use the account your administrator created for you.",
  "signin.email": "Email address",
  "signin.password": "Password",
  "signin.submit": "Sign in",
  "signin.submitting": "Signing in…",
  "signin.signedOut": "You have signed out.",

  "accounts.title": "Mailboxes",
  "accounts.subtitle": "IMAP mailboxes whose email is synced to the CRM.",
  "accounts.add": "Add mailbox",
  "accounts.empty": "No mailboxes are connected yet.",
  "accounts.emptyHint": "Connect an IMAP mailbox to bring its email into each contact's history.",
  "accounts.col.owner": "Owner",
  "accounts.col.address": "Address",
  "accounts.col.state": "Status",
  "accounts.col.lastSync": "Last sync",
  "accounts.col.actions": "Actions",
  "accounts.syncNow": "Sync now",
  "accounts.syncStarted": "Sync started for {email}.",
  "accounts.neverSynced": "Not yet",
  "accounts.syncOff": "Sync off",
  "accounts.deleteTitle": "Delete this mailbox?",
  "accounts.deleteBody": "{email} will be disconnected and its saved password deleted. This cannot be undone.",
  "accounts.deleted": "Mailbox {email} deleted.",
  "accounts.unknownOwner": "Unknown user",

  "state.init": "Pending",
  "state.connected": "Connected",
  "state.syncing": "Syncing",
  "state.authenticationError": "Sign-in failed",
  "state.connectError": "Connection failed",
  "state.disabled": "Disabled",

  "accountForm.titleNew": "Add mailbox",
  "accountForm.titleEdit": "Edit mailbox",
  "accountForm.back": "Back to mailboxes",
  "accountForm.sectionMailbox": "Mailbox",
  "accountForm.sectionServer": "IMAP server",
  "accountForm.sectionOptions": "Options",
  "accountForm.owner": "Owner",
  "accountForm.email": "Email address",
  "accountForm.displayName": "Display name",
  "accountForm.displayNameHint": "Shown in the mailbox list, e.g. \"Sales – Tokyo\".",
  "accountForm.host": "IMAP host",
  "accountForm.hostPlaceholder": "imap.example.com",
  "accountForm.port": "Port",
  "accountForm.security": "Security",
  "accountForm.portSuggest": "The usual port for {security} is {port}.",
  "accountForm.usePort": "Use {port}",
  "accountForm.user": "User name",
  "accountForm.userHint": "Usually the same as the email address.",
  "accountForm.password": "Password",
  "accountForm.passwordSaved": "A password is saved; leave blank to keep it.",
  "accountForm.passwordHint": "Stored securely and never shown again.",
  "accountForm.insecure": "Allow insecure certificates",
  "accountForm.insecureWarning":
    "Only for servers with a self-signed or expired certificate. With this on, someone on the network could read the mailbox password and email without it being noticed.",
  "accountForm.noneWarning": "Without encryption the password and email travel over the network in plain text.",
  "accountForm.syncEnabled": "Sync enabled",
  "accountForm.syncEnabledHint": "New email is fetched automatically.",
  "accountForm.created": "Mailbox {email} added.",
  "accountForm.saved": "Mailbox {email} saved.",
  "accountForm.notFound": "This mailbox does not exist or was deleted.",
  "accountForm.status": "Status",
  "accountForm.lastError": "Last error",
  "accountForm.lastSync": "Last sync",

  "security.tls": "TLS (SSL)",
  "security.starttls": "STARTTLS",
  "security.none": "None (unencrypted)",

  "contacts.title": "Contacts",
  "contacts.subtitle": "Open a contact to see every email exchanged with them.",
  "contacts.searchLabel": "Search contacts",
  "contacts.searchPlaceholder": "Name, company or email address",
  "contacts.add": "Add contact",
  "contacts.empty": "No contacts yet.",
  "contacts.emptyHint": "Add a contact to see its email history.",
  "contacts.noMatch": "No contacts match “{q}”.",
  "contacts.count": "{count} contacts",
  "contacts.col.name": "Name",
  "contacts.col.company": "Company",
  "contacts.col.email": "Email",
  "contacts.col.otherEmails": "Other addresses",
  "contacts.col.created": "Added",

  "contactForm.name": "Name",
  "contactForm.company": "Company",
  "contactForm.primaryEmail": "Primary email",
  "contactForm.secondaryEmails": "Other email addresses",
  "contactForm.secondaryHint": "One per line, or separated by commas.",
  "contactForm.created": "Contact {name} added.",
  "contactForm.saved": "Contact {name} saved.",

  "contact.back": "All contacts",
  "contact.emails": "Email addresses",
  "contact.primary": "Primary",
  "contact.company": "Company",
  "contact.added": "Added {date}",
  "contact.editTitle": "Edit contact",
  "contact.deleteTitle": "Delete this contact?",
  "contact.deleteBody": "{name} will be removed from the CRM. This cannot be undone.",
  "contact.deleted": "Contact {name} deleted.",
  "contact.notFound": "This contact does not exist or was deleted.",
  "contact.messages": "Email history",
  "contact.messagesShown": "{count} shown",
  "contact.messagesAll": "{count} emails",
  "contact.noMessages": "No email with this contact yet.",
  "contact.noMessagesHint": "Emails appear here after the next sync of a connected mailbox.",
  "contact.loadMore": "Load more",
  "contact.loadingMore": "Loading…",
  "contact.noSubject": "(no subject)",
  "contact.col.date": "Date",
  "contact.col.direction": "Direction",
  "contact.col.subject": "Subject",
  "contact.col.counterpart": "Correspondent",
  "contact.col.owners": "Mailbox",

  "direction.received": "Received",
  "direction.sent": "Sent",

  "users.title": "Users",
  "users.subtitle": "People who can sign in to the console.",
  "users.add": "Add user",
  "users.empty": "No users.",
  "users.col.name": "Name",
  "users.col.email": "Email address",
  "users.col.role": "Role",
  "users.col.actions": "Actions",
  "users.name": "Name",
  "users.email": "Email address",
  "users.password": "Initial password",
  "users.passwordHint": "Share it privately; the user can sign in with it right away.",
  "users.role": "Role",
  "users.you": "You",
  "users.remove": "Remove",
  "users.removeTitle": "Remove this user?",
  "users.removeBody": "{name} ({email}) will no longer be able to sign in.",
  "users.created": "User {name} added.",
  "users.removed": "User {name} removed.",
} as const;

export type MessageKey = keyof typeof en;
type Dictionary = Record<MessageKey, string>;

const ja: Dictionary = {
  "app.name": "CRM Mail Sync",
  "app.tagline": "営業担当者全員のメールボックスから、連絡先ごとのメール履歴をまとめて表示します。",

  "nav.main": "メインメニュー",
  "nav.contacts": "連絡先",
  "nav.accounts": "メールボックス",
  "nav.users": "ユーザー",
  "header.language": "言語",
  "header.signOut": "サインアウト",
  "header.signedInAs": "{name} でサインイン中",

  "role.admin": "管理者",
  "role.member": "メンバー",

  "common.loading": "読み込み中…",
  "common.save": "保存",
  "common.saving": "保存中…",
  "common.cancel": "キャンセル",
  "common.delete": "削除",
  "common.deleting": "削除中…",
  "common.edit": "編集",
  "common.retry": "再試行",
  "common.close": "閉じる",
  "common.refresh": "最新の情報に更新",
  "common.optional": "任意",
  "common.none": "—",
  "common.dismiss": "閉じる",

  "error.network": "サーバーに接続できません。ネットワーク接続を確認して、もう一度お試しください。",
  "error.unexpected": "エラーが発生しました（HTTP {status}）。もう一度お試しください。",
  "error.sessionExpired": "セッションの有効期限が切れました。もう一度サインインしてください。",
  "error.forbidden": "このページを表示する権限がありません。",
  "error.notFound": "ページが見つかりません。",
  "error.fixFields": "入力内容に誤りがあります。赤字の項目をご確認ください。",

  "signin.title": "サインイン",
  "signin.subtitle": "管理者から発行されたアカウントでサインインしてください。",
  "signin.email": "メールアドレス",
  "signin.password": "パスワード",
  "signin.submit": "サインイン",
  "signin.submitting": "サインイン中…",
  "signin.signedOut": "サインアウトしました。",

  "accounts.title": "メールボックス",
  "accounts.subtitle": "メールを CRM に同期している IMAP メールボックスの一覧です。",
  "accounts.add": "メールボックスを追加",
  "accounts.empty": "接続済みのメールボックスはまだありません。",
  "accounts.emptyHint": "IMAP メールボックスを接続すると、そのメールが各連絡先の履歴に取り込まれます。",
  "accounts.col.owner": "担当者",
  "accounts.col.address": "メールアドレス",
  "accounts.col.state": "状態",
  "accounts.col.lastSync": "最終同期",
  "accounts.col.actions": "操作",
  "accounts.syncNow": "今すぐ同期",
  "accounts.syncStarted": "{email} の同期を開始しました。",
  "accounts.neverSynced": "未同期",
  "accounts.syncOff": "同期停止中",
  "accounts.deleteTitle": "このメールボックスを削除しますか？",
  "accounts.deleteBody": "{email} の接続を解除し、保存済みのパスワードを削除します。この操作は取り消せません。",
  "accounts.deleted": "メールボックス {email} を削除しました。",
  "accounts.unknownOwner": "不明なユーザー",

  "state.init": "接続待ち",
  "state.connected": "接続済み",
  "state.syncing": "同期中",
  "state.authenticationError": "認証エラー",
  "state.connectError": "接続エラー",
  "state.disabled": "無効",

  "accountForm.titleNew": "メールボックスを追加",
  "accountForm.titleEdit": "メールボックスを編集",
  "accountForm.back": "メールボックス一覧へ戻る",
  "accountForm.sectionMailbox": "メールボックス",
  "accountForm.sectionServer": "IMAP サーバー",
  "accountForm.sectionOptions": "オプション",
  "accountForm.owner": "担当者",
  "accountForm.email": "メールアドレス",
  "accountForm.displayName": "表示名",
  "accountForm.displayNameHint": "一覧に表示される名前です（例: 東京営業部）。",
  "accountForm.host": "IMAP ホスト",
  "accountForm.hostPlaceholder": "imap.example.co.jp",
  "accountForm.port": "ポート",
  "accountForm.security": "暗号化方式",
  "accountForm.portSuggest": "{security} の標準ポートは {port} です。",
  "accountForm.usePort": "{port} を使用",
  "accountForm.user": "ユーザー名",
  "accountForm.userHint": "通常はメールアドレスと同じです。",
  "accountForm.password": "パスワード",
  "accountForm.passwordSaved": "パスワードは保存済みです。変更しない場合は空欄のままにしてください。",
  "accountForm.passwordHint": "安全に保管され、今後表示されることはありません。",
  "accountForm.insecure": "安全でない証明書を許可する",
  "accountForm.insecureWarning":
    "自己署名証明書や期限切れの証明書を使用するサーバーの場合にのみ有効にしてください。有効にすると、同じネットワーク上の第三者にパスワードやメールを気付かれずに読み取られるおそれがあります。",
  "accountForm.noneWarning": "暗号化しない場合、パスワードとメールが平文のままネットワーク上を流れます。",
  "accountForm.syncEnabled": "同期を有効にする",
  "accountForm.syncEnabledHint": "新着メールを自動的に取り込みます。",
  "accountForm.created": "メールボックス {email} を追加しました。",
  "accountForm.saved": "メールボックス {email} を保存しました。",
  "accountForm.notFound": "このメールボックスは存在しないか、削除されています。",
  "accountForm.status": "状態",
  "accountForm.lastError": "直近のエラー",
  "accountForm.lastSync": "最終同期",

  "security.tls": "TLS（SSL）",
  "security.starttls": "STARTTLS",
  "security.none": "なし（暗号化しない）",

  "contacts.title": "連絡先",
  "contacts.subtitle": "連絡先を開くと、その相手とやり取りしたすべてのメールを確認できます。",
  "contacts.searchLabel": "連絡先を検索",
  "contacts.searchPlaceholder": "氏名・会社名・メールアドレス",
  "contacts.add": "連絡先を追加",
  "contacts.empty": "連絡先はまだありません。",
  "contacts.emptyHint": "連絡先を追加すると、その相手とのメール履歴を表示できます。",
  "contacts.noMatch": "「{q}」に一致する連絡先はありません。",
  "contacts.count": "{count} 件",
  "contacts.col.name": "氏名",
  "contacts.col.company": "会社名",
  "contacts.col.email": "メールアドレス",
  "contacts.col.otherEmails": "その他のアドレス",
  "contacts.col.created": "登録日",

  "contactForm.name": "氏名",
  "contactForm.company": "会社名",
  "contactForm.primaryEmail": "メインのメールアドレス",
  "contactForm.secondaryEmails": "その他のメールアドレス",
  "contactForm.secondaryHint": "1 行に 1 件、またはカンマ区切りで入力してください。",
  "contactForm.created": "連絡先「{name}」を追加しました。",
  "contactForm.saved": "連絡先「{name}」を保存しました。",

  "contact.back": "連絡先一覧",
  "contact.emails": "メールアドレス",
  "contact.primary": "メイン",
  "contact.company": "会社名",
  "contact.added": "{date} に登録",
  "contact.editTitle": "連絡先を編集",
  "contact.deleteTitle": "この連絡先を削除しますか？",
  "contact.deleteBody": "「{name}」を CRM から削除します。この操作は取り消せません。",
  "contact.deleted": "連絡先「{name}」を削除しました。",
  "contact.notFound": "この連絡先は存在しないか、削除されています。",
  "contact.messages": "メール履歴",
  "contact.messagesShown": "{count} 件を表示中",
  "contact.messagesAll": "全 {count} 件",
  "contact.noMessages": "この連絡先とのメールはまだありません。",
  "contact.noMessagesHint": "接続済みメールボックスの次回同期後に、ここに表示されます。",
  "contact.loadMore": "さらに読み込む",
  "contact.loadingMore": "読み込み中…",
  "contact.noSubject": "（件名なし）",
  "contact.col.date": "日時",
  "contact.col.direction": "送受信",
  "contact.col.subject": "件名",
  "contact.col.counterpart": "相手先",
  "contact.col.owners": "メールボックス",

  "direction.received": "受信",
  "direction.sent": "送信",

  "users.title": "ユーザー",
  "users.subtitle": "コンソールにサインインできるユーザーの一覧です。",
  "users.add": "ユーザーを追加",
  "users.empty": "ユーザーはいません。",
  "users.col.name": "氏名",
  "users.col.email": "メールアドレス",
  "users.col.role": "権限",
  "users.col.actions": "操作",
  "users.name": "氏名",
  "users.email": "メールアドレス",
  "users.password": "初期パスワード",
  "users.passwordHint": "ご本人に安全な方法でお伝えください。すぐにサインインできます。",
  "users.role": "権限",
  "users.you": "自分",
  "users.remove": "削除",
  "users.removeTitle": "このユーザーを削除しますか？",
  "users.removeBody": "{name}（{email}）はサインインできなくなります。",
  "users.created": "ユーザー「{name}」を追加しました。",
  "users.removed": "ユーザー「{name}」を削除しました。",
};

export const dictionaries: Record<Lang, Dictionary> = { en, ja };

/** Labels of the language switcher, each in its own language. */
export const LANGUAGES: { value: Lang; label: string }[] = [
  { value: "en", label: "English" },
  { value: "ja", label: "日本語" },
];

export type Params = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: Params) => string;

export function translate(lang: Lang, key: MessageKey, params?: Params): string {
  const template = dictionaries[lang][key] ?? en[key] ?? key;
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

const STORAGE_KEY = "crm-mail-sync.lang";

export function isLang(value: unknown): value is Lang {
  return value === "en" || value === "ja";
}

/** Saved choice first, then the browser's language (ja* -> Japanese), else English. */
export function initialLanguage(): Lang {
  try {
    const saved = window.localStorage.getItem(STORAGE_KEY);
    if (isLang(saved)) return saved;
  } catch {
    // storage blocked: fall through
  }
  const preferred = [...(navigator.languages ?? []), navigator.language].filter(Boolean);
  const first = preferred[0]?.toLowerCase() ?? "en";
  return first.startsWith("ja") ? "ja" : "en";
}

export function rememberLanguage(lang: Lang): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // storage blocked: the choice lasts for this page only
  }
}

const LOCALES: Record<Lang, string> = { en: "en-GB", ja: "ja-JP" };

function parse(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** e.g. "12 Mar 2025, 14:05" / "2025/03/12 14:05". */
export function formatDateTime(lang: Lang, iso: string | null | undefined): string {
  const d = parse(iso);
  if (!d) return "";
  return new Intl.DateTimeFormat(LOCALES[lang], {
    year: "numeric",
    month: lang === "ja" ? "2-digit" : "short",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
  }).format(d);
}

export function formatDate(lang: Lang, iso: string | null | undefined): string {
  const d = parse(iso);
  if (!d) return "";
  return new Intl.DateTimeFormat(LOCALES[lang], { year: "numeric", month: lang === "ja" ? "2-digit" : "short", day: "2-digit" }).format(d);
}

/** Full date and time with weekday and zone, for tooltips. */
export function formatDateTimeLong(lang: Lang, iso: string | null | undefined): string {
  const d = parse(iso);
  if (!d) return "";
  return new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: "full", timeStyle: "long" }).format(d);
}

/** "5 minutes ago" / "5 分前". */
export function formatRelative(lang: Lang, iso: string | null | undefined, now = Date.now()): string {
  const d = parse(iso);
  if (!d) return "";
  const seconds = Math.round((d.getTime() - now) / 1000);
  const rtf = new Intl.RelativeTimeFormat(LOCALES[lang], { numeric: "auto" });
  const abs = Math.abs(seconds);
  if (abs < 45) return rtf.format(0, "second");
  if (abs < 3600) return rtf.format(Math.round(seconds / 60), "minute");
  if (abs < 86400) return rtf.format(Math.round(seconds / 3600), "hour");
  if (abs < 86400 * 30) return rtf.format(Math.round(seconds / 86400), "day");
  return formatDate(lang, iso);
}

export interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: Translate;
}

export const I18nContext = createContext<I18n>({
  lang: "en",
  setLang: () => undefined,
  t: (key, params) => translate("en", key, params),
});

export function useI18n(): I18n {
  return useContext(I18nContext);
}
