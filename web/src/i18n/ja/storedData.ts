// Japanese text: what the sync stores from mail (#/stored-data). Typed against en/storedData.ts: a missing or extra key fails the type-check.
import type { storedData as en } from "../en/storedData";

export const storedData: Record<keyof typeof en, string> = {
  "storedData.title": "メールから保存するデータ",
  "storedData.subtitle": "接続したメールボックスから CRM のデータベースに何をコピーし、何をメールサーバーに残すのかを正確に説明します。",
  "storedData.link": "メールから保存するデータ",
  "storedData.formLink": "このメールボックスから保存されるデータ（新しいタブで開きます）",

  "storedData.which.title": "対象となるメール",
  "storedData.which.contacts":
    "同期するフォルダーのメールのうち、`From`・`To`・`Cc`・`Bcc`・`Reply-To` のいずれかに連絡先が含まれるものだけです。連絡先を含まないメールは読み取るだけで、何も保存しません。",
  "storedData.which.excluded":
    "除外ドメイン（組織の一覧またはメールボックスごとの設定）のアドレスや、ユーザー・接続済みメールボックスのアドレスの下には、連絡先として登録されていても何も保存しません。社内同士のメールは記録されません。",
  "storedData.which.window": "初回の同期はメールボックスに設定した日数（既定は90日）までさかのぼります。それより古いメールは読み取りません。",

  "storedData.stored.title": "対象のメールごとに保存する項目",
  "storedData.stored.headers": "ヘッダー項目: `Message-ID`、日時、件名、`From`・`To`・`Cc` の名前とアドレス。",
  "storedData.stored.thread": "`In-Reply-To` と、`References` に含まれる `Message-ID` のダイジェスト（ハッシュ値）。会話をまとめるために使います。",
  "storedData.stored.preview": "プレビュー: 本文の先頭最大280文字（プレーンテキスト）。",
  "storedData.stored.attachments": "添付ファイルの名前・種類・サイズ（内容は保存しません）。",
  "storedData.stored.size": "メールのサイズ（バイト数）。",
  "storedData.stored.place":
    "メールの場所: どのメールボックスか、その所有者、フォルダーとフォルダー内の番号、メールボックス側が送ったのか、連絡先が送ったのか、それ以外の人が送ったのか。これを連絡先のアドレスごと、メールを持つメールボックスごとに1件ずつ保存します。",

  "storedData.notStored.title": "保存しないもの",
  "storedData.notStored.body": "メールの本文。CRM でメールを開いたときに、その場でメールサーバーから取得して表示し、保存はしません。",
  "storedData.notStored.attachments": "添付ファイルの内容。",
  "storedData.notStored.bcc": "`Bcc` と `Reply-To` のアドレス。メールに関係する連絡先を見つけるためにだけ使います。",
  "storedData.notStored.otherHeaders": "その他のヘッダー（`Received`、配送経路、認証、メールソフトのヘッダーなど）。",
  "storedData.notStored.passwords":
    "メールボックスのパスワードやサインイン用のトークン。シークレットストア（`AWS Secrets Manager`、ローカル実行時は暗号化したファイル）にだけ保管し、データベース・ログ・コンソールへの応答には含めません。",

  "storedData.removal.title": "保存したコピーを削除するとき",
  "storedData.removal.text":
    "メールボックスの接続を解除すると、そのメールボックスが保存したコピーを削除します。除外ドメインにドメインを追加すると、そのドメインのアドレスの下に保存したコピーを削除します。連絡先を削除すると、ほかの連絡先が持たないアドレスの下のコピーを削除します。",

  "storedData.sent.title": "CRM から書いたメール",
  "storedData.sent.text": "CRM で作成して送信したメールは例外です。メールサーバーが「送信済み」にコピーを残すのと同様に、本文と添付ファイルを一緒に保存します。",
} as const;
