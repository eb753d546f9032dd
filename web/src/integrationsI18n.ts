// The Integrations page's text (API keys for a CRM), in both languages. Kept apart from i18n.ts
// so the page can move without touching the main catalogue.
import { useI18n, type Lang, type Params } from "./i18n";

const en = {
  "nav.integrations": "Integrations",
  "title": "Integrations",
  "subtitle": "API keys let a CRM call this API without a console session: each key acts as the integration user you choose, sees mail as that user would, and reaches only the routes of its scopes.",
  "keys.title": "API keys",
  "keys.empty": "No API keys yet.",
  "col.name": "Name",
  "col.scopes": "Scopes",
  "col.user": "Acts as",
  "col.expires": "Expires",
  "col.lastUsed": "Last used",
  "col.status": "Status",
  "never": "Never",
  "noExpiry": "No expiry",
  "active": "Active",
  "revoked": "Revoked",
  "expired": "Expired",
  "revoke": "Revoke",
  "revokeTitle": "Revoke this key?",
  "revokeBody": "\"{name}\" will answer 401 from now on. A CRM using it stops working until it gets a new key.",
  "revokedNotice": "Key \"{name}\" revoked.",
  "new.title": "New API key",
  "new.name": "Name",
  "new.user": "Integration user",
  "new.userHint": "The key reads mail exactly as this user would under the sharing rules.",
  "new.scopes": "Scopes",
  "new.expiresAt": "Expires on",
  "new.expiresHint": "Leave empty for a key that does not expire.",
  "new.create": "Create key",
  "new.creating": "Creating…",
  "shown.title": "Copy the key now",
  "shown.body": "This is the only time the key is shown: only its hash is kept. Send it as Authorization: Bearer <key>.",
  "shown.done": "I have copied it",
  "scope.contacts:read": "Contacts: read",
  "scope.contacts:write": "Contacts: write",
  "scope.messages:read": "Messages: read",
  "scope.mailboxes:read": "Mailboxes: read",
  "scope.webhooks:manage": "Webhooks: manage",
};
type Key = keyof typeof en;

const ja: Record<Key, string> = {
  "nav.integrations": "連携",
  "title": "連携",
  "subtitle": "APIキーを使うと、CRMはコンソールのセッションなしでこのAPIを呼び出せます。各キーは指定した連携ユーザーとして動作し、そのユーザーと同じ範囲のメールだけを参照し、スコープで許可されたルートだけを呼び出せます。",
  "keys.title": "APIキー",
  "keys.empty": "APIキーはまだありません。",
  "col.name": "名前",
  "col.scopes": "スコープ",
  "col.user": "動作ユーザー",
  "col.expires": "有効期限",
  "col.lastUsed": "最終使用",
  "col.status": "状態",
  "never": "未使用",
  "noExpiry": "期限なし",
  "active": "有効",
  "revoked": "失効済み",
  "expired": "期限切れ",
  "revoke": "失効させる",
  "revokeTitle": "このキーを失効させますか？",
  "revokeBody": "「{name}」は今後401を返します。このキーを使っているCRMは、新しいキーを設定するまで動作しなくなります。",
  "revokedNotice": "キー「{name}」を失効させました。",
  "new.title": "新しいAPIキー",
  "new.name": "名前",
  "new.user": "連携ユーザー",
  "new.userHint": "キーは共有ルール上、このユーザーと同じ範囲のメールを読み取ります。",
  "new.scopes": "スコープ",
  "new.expiresAt": "有効期限",
  "new.expiresHint": "空欄にすると期限のないキーになります。",
  "new.create": "キーを作成",
  "new.creating": "作成中…",
  "shown.title": "今すぐキーをコピーしてください",
  "shown.body": "キーが表示されるのはこの一度だけです（保存されるのはハッシュのみ）。Authorization: Bearer <キー> として送信してください。",
  "shown.done": "コピーしました",
  "scope.contacts:read": "連絡先: 読み取り",
  "scope.contacts:write": "連絡先: 書き込み",
  "scope.messages:read": "メッセージ: 読み取り",
  "scope.mailboxes:read": "メールボックス: 読み取り",
  "scope.webhooks:manage": "Webhook: 管理",
};

const dictionaries: Record<Lang, Record<Key, string>> = { en, ja };

export type IntegrationsText = (key: Key, params?: Params) => string;

/** The page's translate function, in the console's current language. */
export function useIntegrationsText(): IntegrationsText {
  const { lang } = useI18n();
  return (key, params = {}) => dictionaries[lang][key].replace(/\{(\w+)\}/g, (_, n: string) => (params[n] !== undefined ? String(params[n]) : `{${n}}`));
}
