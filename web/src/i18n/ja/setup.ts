// 日本語: 管理者向けの導入チェックリスト。キーは en/setup.ts と同じ。
import type { setup as en } from "../en/setup";

export const setup: Record<keyof typeof en, string> = {
  "setup.title": "チームで使い始めるには",
  "setup.progress": "{total} 件中 {done} 件完了",
  "setup.dismiss": "このリストを閉じる",
  "setup.step.password": "発行されたパスワードを変更する",
  "setup.step.password.hint": "最初の管理者のパスワードは自動生成または共有されたものです。自分だけが知るパスワードに変更してください。",
  "setup.step.domain": "会社のメールサーバーを設定する",
  "setup.step.domain.hint": "設定すると、全員がメールアドレスとパスワードだけでメールボックスを接続できます。",
  "setup.step.users": "チームのメンバーを追加する",
  "setup.step.users.hint": "営業担当者ごとに、仕事用のメールアドレスでユーザーを作成します。",
  "setup.step.mailboxes": "全員のメールボックスを接続する",
  "setup.step.mailboxes.hint": "各自が接続するか、管理者が代わりに接続します。メールボックスはそのアドレスの本人のものになります。",
  "setup.step.mailboxes.count": "ユーザー {total} 人中 {count} 人が接続済み",
  "setup.step.contacts": "連絡先を取り込む",
  "setup.step.contacts.hint": "CRMや表計算ソフトのCSVを取り込むと、メール履歴が自動で表示されます。",
  "setup.go": "開く",
  "setup.done": "完了",
};
