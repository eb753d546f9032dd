/**
 * Every message a user can read from the API, in English and Japanese. Keys are the error
 * codes of AppError and the field-problem keys; {name} placeholders take params.
 *
 * The keys are a type (MessageKey): an AppError code, a field-problem key or a translate() key
 * that is not here fails `npm run typecheck`, and an entry without both languages fails it too
 * (the `satisfies` below). One entry per key, `key: { en: "...", ja: "..." },` (Prettier wraps long ones). A message told
 * as a cause and a fix has only the two parts, "<key>.cause" and "<key>.fix": "<key>" is then a
 * MessageKey too, and translate() joins the parts (a space between them in English).
 *
 * Over 400 lines because it is the whole catalogue in one table: the one place where a key's
 * type, its two languages and its placeholders are checked together; each area adds a block.
 */
import { humanDuration } from "./durations";

export type Lang = "en" | "ja";

const catalogue = {
  // request-level errors
  validation_failed: { en: "Some fields need attention.", ja: "入力内容を確認してください。" },
  invalid_json: { en: "The request body is not valid JSON.", ja: "リクエスト本文が正しいJSONではありません。" },
  invalid_credentials: { en: "The email address or password is incorrect.", ja: "メールアドレスまたはパスワードが正しくありません。" },
  unauthenticated: { en: "Please sign in.", ja: "サインインしてください。" },
  session_expired: { en: "Your session has expired. Please sign in again.", ja: "セッションの有効期限が切れました。もう一度サインインしてください。" },
  csrf_failed: {
    en: "The request was refused because its security token is missing or wrong. Reload the page and try again.",
    ja: "セキュリティトークンがないか正しくないため、リクエストを拒否しました。ページを再読み込みしてもう一度お試しください。",
  },
  forbidden: { en: "You do not have permission to do this.", ja: "この操作を行う権限がありません。" },
  admin_only: { en: "Only administrators can do this.", ja: "この操作は管理者のみ行えます。" },
  route_not_found: { en: "There is no such API route: {method} {path}.", ja: "このAPIルートはありません: {method} {path}" },
  account_not_found: { en: "This mailbox account does not exist.", ja: "このメールボックスは存在しません。" },
  message_not_found: { en: "This message does not exist.", ja: "このメッセージは存在しません。" },
  message_body_unavailable: {
    en: "The message text could not be fetched from the mail server right now. Please try again shortly.",
    ja: "現在メールサーバーから本文を取得できません。しばらくしてからもう一度お試しください。",
  },
  contact_not_found: { en: "This contact does not exist.", ja: "この連絡先は存在しません。" },
  user_not_found: { en: "This user does not exist.", ja: "このユーザーは存在しません。" },
  user_email_taken: { en: "A user with this email address already exists.", ja: "このメールアドレスのユーザーは既に存在します。" },
  account_email_taken: {
    en: "This mailbox address is already connected in your organisation. One mailbox per address: ask an admin to change its owner instead.",
    ja: "このメールアドレスのメールボックスは組織内で既に接続されています。1つのアドレスにつき1つのメールボックスです。所有者の変更は管理者に依頼してください。",
  },
  sharing_owner_only: {
    en: "Only the mailbox's owner can share its mail more widely; an admin can only narrow the sharing.",
    ja: "共有範囲を広げられるのはメールボックスの所有者だけです。管理者は共有範囲を狭めることのみできます。",
  },
  contact_email_taken: { en: 'The contact "{name}" already has this primary address.', ja: "連絡先「{name}」が既にこのメインアドレスを使っています。" },
  primary_email_taken: { en: 'is already the primary address of the contact "{name}".', ja: "は既に連絡先「{name}」のメインアドレスです。" },
  internal_address: {
    en: "belongs to a user or a connected mailbox of your organisation: internal mail is never logged, so it cannot be a contact.",
    ja: "は組織内のユーザーまたは接続済みメールボックスのアドレスです。社内メールは記録されないため、連絡先にできません。",
  },
  cannot_remove_self: { en: "You cannot remove your own user.", ja: "自分自身のユーザーは削除できません。" },
  last_admin: { en: "At least one administrator must remain.", ja: "管理者が少なくとも1人必要です。" },
  rate_limited: { en: "Too many attempts. Please wait {seconds|duration} and try again.", ja: "試行回数が多すぎます。{seconds|duration}待ってからもう一度お試しください。" },
  current_password_wrong: { en: "is not your current password.", ja: "現在のパスワードと一致しません。" },
  body_too_large: { en: "The request body is too large.", ja: "リクエスト本文が大きすぎます。" },
  // hardening: request shape, destination-bound passwords, limits on mail server logins
  unsupported_media_type: {
    en: "The request body must be JSON, sent with Content-Type: application/json.",
    ja: "リクエスト本文はJSON（Content-Type: application/json）で送信してください。",
  },
  path_param_invalid: { en: "is not a valid identifier in the address.", ja: "アドレス内の識別子が正しくありません。" },
  path_param_too_long: { en: "is longer than {max} characters.", ja: "{max}文字を超えています。" },
  password_required_new_destination: {
    en: "must be entered again: a saved password is only sent to the server, port and security it was saved for, and {destination} is not one of them.",
    ja: "を再入力してください。保存済みのパスワードは保存時のサーバー・ポート・セキュリティ設定にしか送信しません。{destination} はそれに該当しません。",
  },
  account_paused: {
    en: "This mailbox is paused: its server refused the saved password several times in a row. Enter the new password to resume it.",
    ja: "このメールボックスは一時停止中です。保存済みのパスワードがサーバーに続けて拒否されました。再開するには新しいパスワードを入力してください。",
  },
  account_paused_password_required: {
    en: "must be entered again: the mailbox is paused because the server refused the saved password several times in a row.",
    ja: "を再入力してください。保存済みのパスワードがサーバーに続けて拒否されたため、メールボックスは一時停止中です。",
  },
  password_destination_changed: {
    en: "The mailbox's server settings changed after its password was saved. Enter the password again to use the new settings.",
    ja: "パスワードの保存後にメールボックスのサーバー設定が変更されました。新しい設定で使うにはパスワードを再入力してください。",
  },
  mailbox_login_limited: {
    en: "Too many failed logins to {target} recently. To keep the provider from locking the mailbox, wait {seconds|duration} before trying again.",
    ja: "{target} へのログイン失敗が続いています。プロバイダーによるメールボックスのロックを防ぐため、{seconds|duration}待ってからもう一度お試しください。",
  },
  request_too_large: {
    en: "The request is larger than {maximum} MB, the most this server accepts.",
    ja: "リクエストが{maximum}MBを超えています（このサーバーが受け付ける上限です）。",
  },
  internal_error: {
    en: "Something went wrong on our side. Please try again; if it keeps happening, tell your administrator (reference {ref}).",
    ja: "サーバー側で問題が発生しました。もう一度お試しください。繰り返し発生する場合は管理者にお知らせください（参照番号 {ref}）。",
  },
  service_unavailable: {
    en: "The service is temporarily unavailable. Please try again shortly.",
    ja: "サービスが一時的に利用できません。しばらくしてからもう一度お試しください。",
  },

  // mailbox connection problems (the accounts issue adds provider-specific advice)
  imap_host_not_found: { en: "The mail server's host name could not be found. Check the spelling.", ja: "メールサーバーのホスト名が見つかりません。綴りを確認してください。" },
  sync_unaccounted: {
    en: "The sync could not account for {count} message(s) in {folder}; it will try again.",
    ja: "{folder} の {count} 件のメッセージを同期で確認できませんでした。もう一度試します。",
  },
  // the sign-in of a sync job that ended before its password arrived (core/mail/imap-connection.ts)
  imap_login_withdrawn: {
    en: "The sign-in to the mail server was called off because the sync ended before it began. The next sync signs in again.",
    ja: "同期がサインインの前に終了したため、メールサーバーへのサインインを取りやめました。次回の同期で再度サインインします。",
  },
  password_missing: { en: "No password is saved for this mailbox. Enter it again.", ja: "このメールボックスのパスワードが保存されていません。もう一度入力してください。" },

  // field problems
  required: { en: "is required.", ja: "必須です。" },
  invalid_type: { en: "must be {expected}.", ja: "{expected}で指定してください。" },
  invalid_email: { en: "must be a valid email address.", ja: "有効なメールアドレスを入力してください。" },
  too_short: { en: "must be at least {minimum} characters.", ja: "{minimum}文字以上で入力してください。" },
  too_long: { en: "must be at most {maximum} characters.", ja: "{maximum}文字以内で入力してください。" },
  too_small_number: { en: "must be {minimum} or more.", ja: "{minimum}以上で指定してください。" },
  too_big_number: { en: "must be {maximum} or less.", ja: "{maximum}以下で指定してください。" },
  too_many_items: { en: "may have at most {maximum} entries.", ja: "{maximum}件までです。" },
  not_integer: { en: "must be a whole number.", ja: "整数で指定してください。" },
  one_of: { en: "must be one of: {values}.", ja: "次のいずれかを指定してください: {values}" },
  unknown_field: { en: "is not a known field.", ja: "不明な項目です。" },
  invalid_value: { en: "is not valid.", ja: "正しくありません。" },
  invalid_domain: { en: "must be a domain such as example.com.", ja: "example.com のようなドメインを入力してください。" },
  invalid_hostname: {
    en: "must be a host name such as imap.example.com (no spaces, no scheme, no path).",
    ja: "imap.example.com のようなホスト名を入力してください（スペース、スキーム、パスは不可）。",
  },
  password_required_new_host: {
    en: "must be entered again: a saved password is only ever sent to the server it was saved for, and {host} is a new one.",
    ja: "を再入力してください。保存済みのパスワードは保存時のサーバーにしか送信しません。{host} は新しいサーバーです。",
  },
  host_not_allowed: {
    en: "points to a private or internal network address ({address}), which is not allowed.",
    ja: "プライベートまたは内部ネットワークのアドレス（{address}）を指しているため使用できません。",
  },
  host_not_found: { en: "could not be found in DNS. Check the spelling.", ja: "DNSで見つかりません。綴りを確認してください。" },
  duplicate_email: { en: "lists {address} more than once.", ja: "{address} が重複しています。" },
  changes_cursor_expired: {
    en: "This cursor is older than the {days} days changes are kept: resync the history (GET /api/contacts/{id}/messages), then poll again without since.",
    ja: "このカーソルは変更の保存期間（{days}日）より古くなっています。履歴を取り直し（GET /api/contacts/{id}/messages）、since を付けずにポーリングをやり直してください。",
  },
  invalid_cursor: { en: "is not a cursor this API gave out.", ja: "このAPIが返したカーソルではありません。" },

  // contacts import
  contact_external_id_taken: { en: "Another contact already has this external id.", ja: "この外部IDは既に別の連絡先で使われています。" },
  external_id_taken: { en: "is already used by another contact.", ja: "既に別の連絡先で使われています。" },
  duplicate_in_request: { en: "repeats item {index} of this request (counting from 0).", ja: "このリクエストの{index}番目（0から数えて）と重複しています。" },
  duplicate_in_file: { en: "repeats line {line} of the file.", ja: "ファイルの{line}行目と重複しています。" },
  invalid_base64: { en: "must be the file's content in base64.", ja: "ファイルの内容をbase64で指定してください。" },
  csv_empty: {
    en: "The file has no contacts: the first line must name the columns and each further line is one contact.",
    ja: "ファイルに連絡先がありません。1行目に列名、2行目以降に1行につき1件の連絡先を記載してください。",
  },
  csv_missing_name_column: {
    en: 'The file has no name column. Name it "name" or "氏名" in the first line.',
    ja: "氏名の列がありません。1行目の列名を「氏名」または「name」にしてください。",
  },
  csv_missing_email_column: {
    en: 'The file has no email column. Name it "email" or "メールアドレス" in the first line.',
    ja: "メールアドレスの列がありません。1行目の列名を「メールアドレス」または「email」にしてください。",
  },
  csv_too_large: { en: "The file is larger than {maximum} MB. Split it into several files.", ja: "ファイルが{maximum}MBを超えています。複数のファイルに分けてください。" },
  csv_too_many_rows: { en: "The file has more than {maximum} contacts. Split it into several files.", ja: "連絡先が{maximum}件を超えています。複数のファイルに分けてください。" },
  csv_unterminated_quote: {
    en: 'A quoted value that starts on line {line} is never closed: check for a missing double quote (").',
    ja: '{line}行目で始まる引用符付きの値が閉じられていません。ダブルクォート（"）の閉じ忘れを確認してください。',
  },
  csv_encoding_unknown: {
    en: 'The file is neither UTF-8 nor Shift_JIS text. Save it from your spreadsheet as "CSV UTF-8" or "CSV".',
    ja: "ファイルがUTF-8でもShift_JISでもありません。表計算ソフトで「CSV UTF-8」または「CSV」形式で保存してください。",
  },
  csv_utf16_unsupported: {
    en: 'The file is UTF-16 ("Unicode text"). Save it as "CSV UTF-8" or "CSV" instead.',
    ja: "ファイルがUTF-16（「Unicode テキスト」）です。「CSV UTF-8」または「CSV」形式で保存し直してください。",
  },
  csv_is_workbook: {
    en: 'This is an Excel workbook, not a CSV file. In Excel choose Save As and the "CSV UTF-8" format.',
    ja: "これはExcelブックで、CSVファイルではありません。Excelの「名前を付けて保存」で「CSV UTF-8」形式を選んでください。",
  },

  // autodiscovery
  domain_settings_not_found: { en: "No mail settings are pinned for the domain {domain}.", ja: "ドメイン {domain} に固定されたメール設定はありません。" },

  // diagnosis: mail connection problems (core/mail/diagnosis.ts). diag.<code> is the one-line
  // message, composed from its .cause and .fix; the provider steps are in core/mail/provider-steps.ts.
  connection_failed: {
    en: "The connection test failed, so nothing was saved. See the fields for what to change.",
    ja: "接続テストに失敗したため、保存していません。各項目のメッセージを確認してください。",
  },
  "diag.auth_failed.cause": { en: "The mail server refused the user name or password.", ja: "メールサーバーがユーザー名またはパスワードを拒否しました。" },
  "diag.auth_failed.fix": {
    en: "Check the user name (usually the full email address) and enter the password again. If the account uses 2-step verification, create an app password and use it here. If the password was changed, enter the new one here and in every other mail app that uses this mailbox. After several failed attempts some providers block sign-in for about 15 minutes: wait, then try once more.",
    ja: "ユーザー名（通常はメールアドレス全体）を確認し、パスワードをもう一度入力してください。2段階認証を有効にしている場合は、アプリパスワードを作成してここに入力してください。パスワードを変更した場合は、ここと、このメールボックスを使っている他のすべてのメールソフトで新しいパスワードに更新してください。何度か失敗するとサインインを約15分間ブロックするメールサービスもあります。しばらく待ってからもう一度お試しください。",
  },
  "diag.app_password_required.cause": {
    en: "The provider requires an app password for mail apps: the normal account password is not accepted here.",
    ja: "このメールサービスでは、メールソフトからの接続にアプリパスワードが必要です。通常のアカウントのパスワードは使えません。",
  },
  "diag.app_password_required.fix": {
    en: "Create an app password in the provider's security settings (this needs 2-step verification) and enter it as the password.",
    ja: "メールサービスのセキュリティ設定でアプリパスワードを作成し（2段階認証の有効化が必要です）、パスワード欄に入力してください。",
  },
  "diag.web_login_required.cause": {
    en: 'Google blocked this sign-in and asks you to sign in with a web browser first ("Please log in via your web browser").',
    ja: "Google がこのサインインをブロックし、先にウェブブラウザでサインインするよう求めています（「Please log in via your web browser」）。",
  },
  "diag.web_login_required.fix": {
    en: "Sign in to your Google Account in a browser, open Security and confirm the recent security event as yours. Then use an app password (Google does not accept the normal password from mail apps) and test again.",
    ja: "ブラウザで Google アカウントにサインインし、「セキュリティ」で最近のセキュリティ イベントを自分のものとして確認してください。そのうえでアプリパスワードを使って、もう一度テストしてください（Google はメールソフトからの通常のパスワードを受け付けません）。",
  },
  "diag.imap_disabled.cause": {
    en: "IMAP access is switched off for this mailbox at the provider.",
    ja: "このメールボックスでは、メールサービス側で IMAP アクセスが無効になっています。",
  },
  "diag.imap_disabled.fix": {
    en: "Switch IMAP access on in the mailbox's settings at the provider (Gmail: Settings, Forwarding and POP/IMAP, Enable IMAP), or ask the administrator of your organisation to allow it, then test again.",
    ja: "メールサービスの設定で IMAP アクセスを有効にしてください（Gmail の場合: 設定 →「メール転送と POP/IMAP」→「IMAP を有効にする」）。組織のアカウントでは管理者に許可を依頼してから、もう一度テストしてください。",
  },
  "diag.basic_auth_disabled.cause": {
    en: "Microsoft has switched off password sign-in (basic authentication) for this mailbox, so a password cannot be used.",
    ja: "Microsoft がこのメールボックスのパスワードによるサインイン（基本認証）を無効にしているため、パスワードでは接続できません。",
  },
  "diag.basic_auth_disabled.fix": {
    en: "Connect the mailbox with Microsoft sign-in (OAuth) instead of a password. For sending only, a Microsoft 365 administrator can turn Authenticated SMTP on for this mailbox while the tenant still allows it.",
    ja: "パスワードではなく Microsoft のサインイン（OAuth）でメールボックスを接続してください。送信（SMTP）だけであれば、テナントで許可されている間は Microsoft 365 の管理者がこのメールボックスの「認証済み SMTP」を有効にできます。",
  },
  "diag.oauth_failed.cause": { en: "The mail server did not accept the sign-in token.", ja: "メールサーバーがサインイン用のトークンを受け付けませんでした。" },
  "diag.oauth_failed.fix": { en: "Sign in with the provider again to renew the connection.", ja: "メールサービスにもう一度サインインして、接続を更新してください。" },
  "diag.too_many_attempts.cause": {
    en: "The provider has temporarily blocked sign-in after too many failed attempts.",
    ja: "サインインの失敗が続いたため、メールサービスが一時的にサインインをブロックしています。",
  },
  "diag.too_many_attempts.fix": {
    en: "Update the password in every mail app that uses this mailbox (one app still using an old password keeps failing), wait about 15 minutes, then test again.",
    ja: "このメールボックスを使っているすべてのメールソフトでパスワードを更新してください（古いパスワードのままのソフトが1つでもあると失敗が続きます）。約15分待ってから、もう一度テストしてください。",
  },
  "diag.tls_untrusted.cause": {
    en: "The server's security certificate is not trusted (it is self-signed or issued by an unknown authority), so the connection could be intercepted.",
    ja: "サーバーのセキュリティ証明書が信頼されていません（自己署名、または不明な発行元の証明書です）。このままでは通信が傍受されるおそれがあります。",
  },
  "diag.tls_untrusted.fix": {
    en: 'Ask the server\'s administrator to install a certificate from a public certificate authority. Only if you control this server and its network, turn on "Allow insecure certificates", knowing that the connection is then not protected against interception.',
    ja: "サーバー管理者に、公的な認証局が発行した証明書を導入するよう依頼してください。自社で管理しているサーバーとネットワークの場合に限り、通信が傍受から保護されなくなることを理解したうえで「安全でない証明書を許可」を有効にしてください。",
  },
  "diag.tls_expired.cause": {
    en: "The server's security certificate has expired or is not valid yet.",
    ja: "サーバーのセキュリティ証明書の有効期限が切れているか、まだ有効期間に入っていません。",
  },
  "diag.tls_expired.fix": {
    en: "Ask the server's administrator to renew the certificate (and to check the server's clock). \"Allow insecure certificates\" would only hide the problem: use it only for a server you control.",
    ja: "サーバー管理者に証明書の更新（とサーバーの時刻の確認）を依頼してください。「安全でない証明書を許可」は問題を隠すだけなので、自社で管理しているサーバー以外では使わないでください。",
  },
  "diag.tls_name_mismatch.cause": {
    en: "The server's certificate is for a different name ({names}) than the host name entered ({host}).",
    ja: "サーバーの証明書の名前（{names}）が、入力したホスト名（{host}）と一致しません。",
  },
  "diag.tls_name_mismatch.fix": {
    en: "Enter the host name the provider documents for mail apps (usually the name on the certificate), not an alias in your own domain.",
    ja: "独自ドメインの別名ではなく、メールサービスがメールソフト用に案内しているホスト名（通常は証明書に記載された名前）を入力してください。",
  },
  "diag.tls_mismatch.cause": {
    en: "The security setting does not match the port: the server on port {port} expects {expected}.",
    ja: "セキュリティ設定がポートと一致しません。ポート {port} のサーバーは {expected} を使います。",
  },
  "diag.tls_mismatch.fix": {
    en: "Choose {expected} for port {port}. As a rule, ports 993 (IMAP) and 465 (SMTP) use TLS; ports 143 (IMAP) and 587 (SMTP) use STARTTLS.",
    ja: "ポート {port} には {expected} を選んでください。原則として、ポート 993（IMAP）と 465（SMTP）は TLS、ポート 143（IMAP）と 587（SMTP）は STARTTLS を使います。",
  },
  "diag.tls_outdated.cause": {
    en: "The server offers only an outdated encryption version (older than TLS 1.2), which is not accepted.",
    ja: "サーバーが古い暗号化方式（TLS 1.2 より前）にしか対応していないため、接続できません。",
  },
  "diag.tls_outdated.fix": { en: "Ask the server's administrator to enable TLS 1.2 or later.", ja: "サーバー管理者に TLS 1.2 以降を有効にするよう依頼してください。" },
  "diag.starttls_unavailable.cause": {
    en: "The server on port {port} does not offer STARTTLS, so the connection cannot be encrypted.",
    ja: "ポート {port} のサーバーが STARTTLS に対応していないため、通信を暗号化できません。",
  },
  "diag.starttls_unavailable.fix": {
    en: 'Check the port and security setting: most providers use port 993 with TLS for IMAP, and 465 (TLS) or 587 (STARTTLS) for SMTP. Choose "None" only for a server on a network you trust.',
    ja: "ポートとセキュリティ設定を確認してください。多くのメールサービスでは、IMAP はポート 993（TLS）、SMTP は 465（TLS）または 587（STARTTLS）です。「なし」は信頼できるネットワーク上のサーバーの場合にのみ選んでください。",
  },
  "diag.tls_handshake_failed.cause": {
    en: "The server on port {port} ended the encryption handshake: it and this service have no TLS version or cipher in common, or the server's certificate setup is broken.",
    ja: "ポート {port} のサーバーが暗号化の開始（TLS ハンドシェイク）を打ち切りました。このサービスと共通の TLS バージョンや暗号方式がないか、サーバーの証明書の設定に問題があります。",
  },
  "diag.tls_handshake_failed.fix": {
    en: "Ask the server's administrator to check its TLS configuration (certificate and key, TLS 1.2 or later with current ciphers), and check that the port and security setting are the ones your provider gives.",
    ja: "サーバー管理者に TLS の設定（証明書と鍵、TLS 1.2 以降と現在の暗号方式）を確認するよう依頼し、ポートとセキュリティ設定がメールサービスの案内どおりか確認してください。",
  },
  "diag.smtp_auth_unavailable.cause": {
    en: "The SMTP server on port {port} offers no sign-in, so it cannot be used to send as this mailbox (it is probably a port for receiving mail from other servers).",
    ja: "ポート {port} の SMTP サーバーはログイン（認証）に対応していないため、このメールボックスとして送信できません（他のサーバーからメールを受け取るためのポートと考えられます）。",
  },
  "diag.smtp_auth_unavailable.fix": { en: "Use the submission port 587 with STARTTLS or 465 with TLS.", ja: "送信用のポート 587（STARTTLS）または 465（TLS）を使ってください。" },
  "diag.host_not_found.cause": { en: "The host name {host} could not be found.", ja: "ホスト名 {host} が見つかりません。" },
  "diag.host_not_found.fix": {
    en: "Check the spelling of the server name (for example imap.example.com, without http:// or a path).",
    ja: "サーバー名の綴りを確認してください（例: imap.example.com。http:// やパスは付けません）。",
  },
  "diag.host_not_allowed.cause": {
    en: "The host name {host} points to a private or internal network address, which this service may not connect to.",
    ja: "ホスト名 {host} がプライベートまたは内部ネットワークのアドレスを指しているため、接続できません。",
  },
  "diag.host_not_allowed.fix": {
    en: "Use the server's public host name. For a server inside your company network, ask the administrator of this service to allow private networks.",
    ja: "サーバーの公開ホスト名を入力してください。社内ネットワークのサーバーの場合は、このサービスの管理者にプライベートネットワークへの接続の許可を依頼してください。",
  },
  "diag.connection_refused.cause": { en: "Nothing accepted the connection at {host} port {port}.", ja: "{host} のポート {port} で接続を受け付けていません。" },
  "diag.connection_refused.fix": {
    en: "Check the port number (IMAP: 993 or 143; SMTP: 465 or 587) and the host name. If both are right, the server may be down.",
    ja: "ポート番号（IMAP: 993 または 143、SMTP: 465 または 587）とホスト名を確認してください。どちらも正しい場合は、サーバーが停止している可能性があります。",
  },
  "diag.timeout.cause": { en: "The mail server did not answer in time.", ja: "メールサーバーが時間内に応答しませんでした。" },
  "diag.timeout.fix": {
    en: "Check the host name and port. A firewall may block the connection: ask your network administrator to allow outgoing connections to this port. If the settings are right, try again later.",
    ja: "ホスト名とポート番号を確認してください。ファイアウォールが接続を遮断している可能性があります。ネットワーク管理者に、このポートへの外向きの接続を許可するよう依頼してください。設定が正しい場合は、時間をおいてもう一度お試しください。",
  },
  "diag.connection_closed.cause": { en: "The server closed the connection unexpectedly.", ja: "サーバーが予期せず接続を切断しました。" },
  "diag.connection_closed.fix": {
    en: "Check that port and security setting belong together (993/465: TLS, 143/587: STARTTLS). If they do, the server may be limiting connections: try again in a few minutes.",
    ja: "ポートとセキュリティ設定の組み合わせ（993/465: TLS、143/587: STARTTLS）を確認してください。正しい場合は、サーバーが接続を制限している可能性があります。数分後にもう一度お試しください。",
  },
  "diag.throttled.cause": {
    en: "The provider is limiting connections or requests for this mailbox right now (for example too many simultaneous connections).",
    ja: "メールサービスが現在、このメールボックスへの接続や要求を制限しています（同時接続数の超過など）。",
  },
  "diag.throttled.fix": {
    en: "Wait a few minutes before trying again, and close other mail apps or devices that keep many connections open (Gmail allows 15 per account). The sync backs off by itself.",
    ja: "数分待ってからもう一度お試しください。多くの接続を開いたままの他のメールソフトや端末があれば閉じてください（Gmail は1アカウントあたり15接続まで）。同期は自動的に間隔をあけて再試行します。",
  },
  "diag.server_unavailable.cause": { en: "The mail server reported a temporary problem.", ja: "メールサーバーが一時的な問題を報告しました。" },
  "diag.server_unavailable.fix": {
    en: "Try again in a few minutes. If it persists, check the provider's status page.",
    ja: "数分後にもう一度お試しください。続く場合は、メールサービスの障害情報を確認してください。",
  },
  "diag.smtp_rejected.cause": { en: "The outgoing mail server refused the message: {response}", ja: "送信メールサーバーがメッセージを拒否しました: {response}" },
  "diag.smtp_rejected.fix": {
    en: "Read the server's reply. Check the sender and recipient addresses; if the server reports a policy or spam block, contact the provider.",
    ja: "サーバーの応答を確認してください。差出人と宛先のアドレスを確認し、ポリシーや迷惑メール対策による拒否の場合はメールサービスに問い合わせてください。",
  },
  "diag.sender_not_allowed.cause": {
    en: "The outgoing mail server does not allow this mailbox to send with this From address.",
    ja: "送信メールサーバーが、このメールボックスにこの差出人アドレスでの送信を許可していません。",
  },
  "diag.sender_not_allowed.fix": {
    en: "Send from the mailbox's own address, or first register the address as an alias (send as) at the provider.",
    ja: "メールボックス自身のアドレスから送信するか、先にメールサービス側でそのアドレスを別名（代理送信）として登録してください。",
  },
  "diag.smtp_not_configured.cause": { en: "No outgoing (SMTP) server is set for this mailbox.", ja: "このメールボックスには送信（SMTP）サーバーが設定されていません。" },
  "diag.smtp_not_configured.fix": {
    en: "Enter the outgoing server's host name, port and security, then test again.",
    ja: "送信サーバーのホスト名、ポート、セキュリティを入力してから、もう一度テストしてください。",
  },
  "diag.folder_not_found.cause": { en: "The folder {folder} does not exist on the mail server.", ja: "フォルダー {folder} がメールサーバー上にありません。" },
  "diag.folder_not_found.fix": { en: "Pick the Sent folder again from the folder list.", ja: "フォルダー一覧から送信済みフォルダーを選び直してください。" },
  "diag.unknown.cause": { en: "The mail server reported an unexpected error: {detail}", ja: "メールサーバーが予期しないエラーを返しました: {detail}" },
  "diag.unknown.fix": {
    en: "Check the settings and try again. If it keeps happening, pass this message on to your administrator.",
    ja: "設定を確認して、もう一度お試しください。繰り返し発生する場合は、このメッセージを管理者に伝えてください。",
  },

  // sending from the CRM (core/sending)
  sending_off: {
    en: "Sending mail from the CRM is turned off for your organisation. An administrator can turn it on under Settings.",
    ja: "組織の設定で CRM からのメール送信がオフになっています。管理者が設定画面でオンにできます。",
  },
  send_limit_hour: {
    en: "You have sent {limit} messages in the last hour, the most allowed per user. Try again in {seconds|duration} (an administrator sets this limit).",
    ja: "直近1時間に{limit}通を送信しました。1ユーザーあたりの上限です。{seconds|duration}後にもう一度お試しください（上限は管理者が設定します）。",
  },
  send_limit_day: {
    en: "You have sent {limit} messages in the last 24 hours, the most allowed per user (kept below your provider's own daily limit so the mailbox is not suspended). Try again in {seconds|duration}.",
    ja: "直近24時間に{limit}通を送信しました。1ユーザーあたりの上限です（メールボックスが停止されないよう、メールサービス自身の1日の上限より低くしています）。{seconds|duration}後にもう一度お試しください。",
  },
  send_from_not_own: {
    en: "must be the address of one of your own mailboxes or one of its aliases.",
    ja: "自分のメールボックスのアドレスか、その別名のいずれかを指定してください。",
  },
  send_no_recipient: { en: "needs at least one recipient (To, Cc or Bcc).", ja: "宛先（To、Cc、Bcc）を1件以上指定してください。" },
  send_too_large: {
    en: "make the message {size} MB, more than the {max} MB allowed. Remove an attachment or share a link instead.",
    ja: "によりメッセージが{size}MBになり、上限の{max}MBを超えます。添付ファイルを外すか、リンクで共有してください。",
  },
  send_too_many_recipients: { en: "may have at most {maximum} recipients in all.", ja: "宛先は合計{maximum}件までです。" },
  send_original_not_found: { en: "is not a message you can see.", ja: "は閲覧できるメッセージではありません。" },
  send_upload_not_found: {
    en: "is not a finished upload of yours (uploads are kept for a day).",
    ja: "はあなたのアップロード済みファイルではありません（アップロードは1日間保持されます）。",
  },
  send_mailbox_no_smtp: {
    en: "has no outgoing (SMTP) server set: add one in the mailbox settings first.",
    ja: "には送信（SMTP）サーバーが設定されていません。先にメールボックスの設定で追加してください。",
  },
  send_mailbox_paused: {
    en: "is paused: its server refused the saved password several times. Save its new password in the mailbox settings, then send.",
    ja: "は一時停止中です。保存済みのパスワードがサーバーに続けて拒否されました。メールボックスの設定で新しいパスワードを保存してから送信してください。",
  },
  send_not_found: { en: "This outgoing message does not exist.", ja: "この送信メッセージは存在しません。" },
  send_uncertain: {
    en: "It is not known whether the mail server accepted this message: the attempt stopped while the server was answering. It was not sent again, so that no one gets it twice. Look in your Sent folder; send it again only if it is not there.",
    ja: "送信処理がサーバーの応答中に止まったため、メールサーバーがこのメッセージを受け付けたかどうか分かりません。二重に届かないよう再送はしていません。送信済みフォルダーを確認し、見つからない場合のみもう一度送信してください。",
  },
  upload_too_large: { en: "is larger than the {max} MB a message may carry.", ja: "がメッセージの上限 {max}MB を超えています。" },
  // diagnosis codes sending adds (core/mail/diagnosis.ts)
  "diag.recipient_refused.cause": { en: "The outgoing mail server refused a recipient: {response}", ja: "送信メールサーバーが宛先を拒否しました: {response}" },
  "diag.recipient_refused.fix": {
    en: "Check the address for typos; if it is right, the recipient's mailbox may no longer exist.",
    ja: "アドレスの綴りを確認してください。正しい場合は、相手のメールボックスが既に存在しない可能性があります。",
  },
  "diag.message_too_large.cause": {
    en: "The outgoing mail server refused the message as too large: {response}",
    ja: "送信メールサーバーがメッセージを大きすぎるとして拒否しました: {response}",
  },
  "diag.message_too_large.fix": {
    en: "Remove or shrink attachments (most providers accept 25 MB at most, attachments grow by a third when sent) or share a link instead.",
    ja: "添付ファイルを外すか小さくしてください（多くのメールサービスの上限は25MBで、添付ファイルは送信時に約3分の1大きくなります）。またはリンクで共有してください。",
  },
  "diag.sending_disabled.cause": {
    en: "The provider has stopped this mailbox from sending: {response}",
    ja: "メールサービスがこのメールボックスからの送信を停止しています: {response}",
  },
  "diag.sending_disabled.fix": {
    en: "Sign in to the mailbox on the provider's website to see why (a daily sending limit reached, or the account suspended for suspected spam); sending resumes when the provider lifts the block.",
    ja: "メールサービスのWebサイトにサインインして理由を確認してください（1日の送信上限に達した、迷惑メールの疑いでアカウントが停止されたなど）。制限が解除されると送信できるようになります。",
  },
  // OAuth2 sign-in with Google and Microsoft 365 (core/oauth, the diagnosis codes oauth_*)
  "diag.oauth_reconnect_needed.cause": {
    en: "The mailbox's sign-in with {provider} is no longer valid (consent withdrawn, password changed or the sign-in expired).",
    ja: "{provider} へのサインインが無効になりました（許可の取り消し、パスワード変更、または有効期限切れ）。",
  },
  "diag.oauth_reconnect_needed.fix": {
    en: 'Its owner must reconnect it with "Connect with {provider}"; synced mail is kept.',
    ja: "メールボックスの所有者が「{provider} で接続」からもう一度接続してください。同期済みのメールはそのまま残ります。",
  },
  "diag.oauth_admin_consent.cause": {
    en: "Your organisation must approve CRM Mail Sync before you can connect (admin consent required).",
    ja: "接続する前に、組織が CRM Mail Sync を承認する必要があります（管理者の同意が必要）。",
  },
  "diag.oauth_admin_consent.fix": {
    en: "Ask your Microsoft 365 administrator to grant consent, then connect again.",
    ja: "Microsoft 365 の管理者に同意を依頼してから、もう一度接続してください。",
  },
  "diag.oauth_wrong_tenant.cause": {
    en: "This account does not belong to the Microsoft 365 organisation CRM Mail Sync is set up for.",
    ja: "このアカウントは、CRM Mail Sync が設定されている Microsoft 365 の組織に属していません。",
  },
  "diag.oauth_wrong_tenant.fix": {
    en: "Sign in with your work account of that organisation, or ask the administrator to allow accounts of yours.",
    ja: "その組織の職場アカウントでサインインするか、管理者にあなたの組織のアカウントを許可するよう依頼してください。",
  },
  "diag.oauth_scope_missing.cause": { en: "The sign-in did not grant access to mail ({scopes}).", ja: "サインインでメールへのアクセス（{scopes}）が許可されませんでした。" },
  "diag.oauth_scope_missing.fix": { en: "Connect again and leave the mail permission ticked.", ja: "もう一度接続し、メールへのアクセス許可のチェックを外さないでください。" },
  oauth_not_configured: {
    en: "Sign-in with {provider} is not set up on this server (no client id and secret).",
    ja: "このサーバーでは {provider} でのサインインが設定されていません（クライアント ID とシークレットがありません）。",
  },
  oauth_origin_required: {
    en: "must come from the console's own page (the Origin header is missing).",
    ja: "コンソールのページから送信してください（Origin ヘッダーがありません）。",
  },
  oauth_state_invalid: {
    en: "is not a sign-in this session started, or it was already used or is older than 10 minutes. Start again with the Connect button.",
    ja: "このセッションで開始したサインインではないか、すでに使用済みか、10分以上経過しています。「接続」ボタンからやり直してください。",
  },
  oauth_code_invalid: {
    en: "was refused by {provider} (already used or expired). Start again with the Connect button.",
    ja: "{provider} に拒否されました（使用済みまたは期限切れ）。「接続」ボタンからやり直してください。",
  },
  oauth_denied: { en: "The sign-in with {provider} was cancelled, so nothing was connected.", ja: "{provider} でのサインインがキャンセルされたため、何も接続されていません。" },
  oauth_no_address: {
    en: "{provider} did not tell which address signed in. Connect again and allow access to your email address.",
    ja: "{provider} からサインインしたアドレスが返されませんでした。もう一度接続し、メールアドレスへのアクセスを許可してください。",
  },
  oauth_address_mismatch: {
    en: "You signed in as {signedIn}, but this mailbox is {expected}. Sign in with {expected}.",
    ja: "{signedIn} としてサインインしましたが、このメールボックスは {expected} です。{expected} でサインインしてください。",
  },
  oauth_provider_failed: {
    en: "{provider} could not be reached or answered with an error; try again in a moment.",
    ja: "{provider} に接続できないか、エラーが返されました。しばらくしてからもう一度お試しください。",
  },
  oauth_servers_fixed: {
    en: "cannot be changed for a mailbox connected with {provider}: its servers are the provider's. Connect with a password to use other servers.",
    ja: "{provider} で接続したメールボックスでは変更できません（サーバーはプロバイダーのものです）。別のサーバーを使うにはパスワードで接続してください。",
  },

  // integrations: API keys for a CRM (core/integrations)
  api_key_invalid: { en: "This API key is not valid: it is unknown, revoked or expired.", ja: "このAPIキーは無効です（不明、失効済み、または有効期限切れ）。" },
  api_key_scope_missing: { en: "This API key does not have the scope this route needs ({scope}).", ja: "このAPIキーには、このルートに必要なスコープ（{scope}）がありません。" },
  api_key_not_found: { en: "This API key does not exist.", ja: "このAPIキーは存在しません。" },
  api_key_user_unknown: {
    en: "must be an existing user: the key reads mail as this user would.",
    ja: "既存のユーザーを指定してください。キーはこのユーザーと同じ範囲でメールを読み取ります。",
  },
  api_key_expiry_past: { en: "must be in the future.", ja: "未来の日時を指定してください。" },
  webhook_url_invalid: {
    en: "must be an https URL such as https://crm.example.com/hooks/mail (no user name or password in it).",
    ja: "https://crm.example.com/hooks/mail のような https のURLを指定してください（ユーザー名やパスワードは含めないでください）。",
  },
  webhook_https_required: {
    en: "must use https: plain http is only allowed to a local test receiver.",
    ja: "https を使ってください。http はローカルのテスト用受信先にのみ使えます。",
  },
  webhook_not_found: { en: "This webhook endpoint does not exist.", ja: "このWebhookエンドポイントは存在しません。" },
  webhook_delivery_not_found: {
    en: "This webhook delivery does not exist (deliveries are kept for 30 days).",
    ja: "このウェブフック配信は存在しません（配信記録の保存期間は30日です）。",
  },
  // operations: notification mail, sign-in lockout, paused mailboxes
  recipient_invalid: { en: '"{address}" is not a valid email address.', ja: "「{address}」は有効なメールアドレスではありません。" },
  time_zone_unknown: { en: '"{zone}" is not a known time zone (e.g. Asia/Tokyo).', ja: "「{zone}」は不明なタイムゾーンです（例: Asia/Tokyo）。" },
  notification_server_required: {
    en: "must be chosen to switch sending on: the system's SMTP server or a connected mailbox.",
    ja: "送信を有効にするには選択してください（システムのSMTPサーバーまたは接続済みメールボックス）。",
  },
  account_not_found_field: { en: "is not a connected mailbox.", ja: "接続済みのメールボックスではありません。" },
  notification_not_configured: {
    en: "Notification mail has no server to send through yet: choose the SMTP server or a mailbox and save first.",
    ja: "通知メールの送信サーバーが未設定です。SMTPサーバーまたはメールボックスを選んで保存してください。",
  },
  notification_no_recipients: {
    en: "There is no one to send to: add extra addresses or switch on mails to admins.",
    ja: "送信先がありません。追加の送信先を入力するか、管理者への送信を有効にしてください。",
  },
  notification_mailbox_no_smtp: { en: "The chosen mailbox has no outgoing (SMTP) server.", ja: "選択したメールボックスに送信（SMTP）サーバーが設定されていません。" },
  notification_password_unbound: {
    en: "The saved SMTP password was saved for another server: enter it again.",
    ja: "保存済みのSMTPパスワードは別のサーバー用です。もう一度入力してください。",
  },
  signin_locked: {
    en: "This user is locked after too many failed sign-ins. Try again in {seconds|duration}, or ask an administrator to unlock it.",
    ja: "サインインの失敗が続いたため、このユーザーはロックされています。{seconds|duration}後にもう一度お試しいただくか、管理者にロック解除を依頼してください。",
  },
  user_not_locked: { en: "This user is not locked.", ja: "このユーザーはロックされていません。" },
  replay_range_invalid: { en: "must not be before from.", ja: "from より前の日時は指定できません。" },

  // operations: the job monitor, dead letters, the overview (core/monitoring)
  step_of: { en: "must be a multiple of {step}.", ja: "{step} の倍数を指定してください。" },
  dead_letter_not_found: {
    en: "This job is no longer in the dead-letter queue (it was sent back or has expired).",
    ja: "このジョブはデッドレターキューにもうありません（再投入済みか、保存期間を過ぎています）。",
  },
  webhook_delivery_failed: {
    en: "Our side failed 5 times while delivering this event (the database or the secret store): see the webhooks function's log.",
    ja: "このイベントの配信中に、こちら側（データベースまたはシークレットストア）の処理が5回失敗しました。webhooks 関数のログを確認してください。",
  },
  internal: { en: "An unexpected error stopped the job: see the function's log.", ja: "予期しないエラーでジョブが停止しました。関数のログを確認してください。" },

  // users: edit, deactivate, password reset and invitations (core/users/manage.ts, password-link.ts)
  last_admin_demote: {
    en: "This is the last active administrator: make another user an administrator first.",
    ja: "有効な管理者はこのユーザーだけです。先に別のユーザーを管理者にしてください。",
  },
  last_admin_deactivate: { en: "This is the last active administrator and cannot be deactivated.", ja: "有効な管理者はこのユーザーだけのため、無効にできません。" },
  cannot_deactivate_self: { en: "You cannot deactivate your own user.", ja: "自分自身のユーザーは無効にできません。" },
  user_deactivated: {
    en: "This user has been deactivated. Ask your administrator to reactivate it.",
    ja: "このユーザーは無効になっています。管理者に再有効化を依頼してください。",
  },
  user_is_deactivated: { en: "This user is deactivated: reactivate it first.", ja: "このユーザーは無効になっています。先に有効にしてください。" },
  password_link_invalid: {
    en: "This link is invalid, already used or expired. Ask your administrator for a new one.",
    ja: "このリンクは無効か、使用済みか、期限切れです。管理者に新しいリンクを依頼してください。",
  },
  password_with_invite: { en: "must be left empty when an invitation is sent (the user sets it).", ja: "招待を送る場合は空にしてください（ユーザー本人が設定します）。" },
  invite_needs_mail: {
    en: "Invitations need notification mail: switch it on in Settings, or set a password.",
    ja: "招待には通知メールが必要です。設定で有効にするか、パスワードを設定してください。",
  },
  password_mail_refused: { en: "The mail server refused the mail to {address}.", ja: "メールサーバーが {address} 宛てのメールを拒否しました。" },
  password_change_required: { en: "Change your temporary password first.", ja: "先に仮パスワードを変更してください。" },
  // held sync: a deactivated owner's mailboxes (core/accounts/owner-hold.ts)
  sync_held_owner_deactivated: {
    en: "Sync is held: the mailbox's owner is deactivated. It resumes when the user is reactivated.",
    ja: "所有者が無効化されているため、同期を保留しています。ユーザーを有効に戻すと同期を再開します。",
  },
  // contacts: フリガナ (core/contacts/reading.ts), the import's template and rejected rows (core/contacts/csv-files.ts)
  reading_not_kana: { en: "must be kana only (hiragana or katakana, ー and spaces).", ja: "ひらがな・カタカナ（長音「ー」、空白を含む）のみで入力してください。" },
  csv_column_name: { en: "Name", ja: "氏名" },
  csv_column_reading: { en: "Reading (furigana)", ja: "フリガナ" },
  csv_column_company: { en: "Company", ja: "会社名" },
  csv_column_email: { en: "Email", ja: "メールアドレス" },
  csv_column_secondary_emails: { en: "Secondary emails", ja: "サブメールアドレス" },
  csv_column_external_id: { en: "External ID", ja: "外部ID" },
  csv_column_reason: { en: "Reason not imported", ja: "取り込めなかった理由" },
} satisfies Record<string, Record<Lang, string>>;

type CatalogueKey = keyof typeof catalogue;
/** "<key>" for each "<key>.cause" that has its "<key>.fix": a message composed from its parts. */
type ComposedKey<K> = K extends `${infer Base}.cause` ? (`${Base}.fix` extends CatalogueKey ? Base : never) : never;
export type MessageKey = CatalogueKey | ComposedKey<CatalogueKey>;

type Params = Record<string, string | number>;
const entries: Partial<Record<string, Record<Lang, string>>> = catalogue;

function textOf(key: string, lang: Lang): string | undefined {
  const whole = entries[key]?.[lang];
  if (whole !== undefined) return whole;
  const cause = entries[`${key}.cause`]?.[lang];
  const fix = entries[`${key}.fix`]?.[lang];
  if (cause === undefined || fix === undefined) return undefined;
  // Japanese sentences end in "。" and run on without a space
  return lang === "ja" ? cause + fix : `${cause} ${fix}`;
}

/**
 * The message in the user's language with its {placeholders} filled. The type admits only
 * catalogue keys; should a key from outside the code (a stored code) get here unchecked, the
 * key itself is returned rather than an error thrown.
 */
export function translate(key: MessageKey, lang: Lang, params: Params = {}): string {
  const text = textOf(key, lang) ?? key;
  // `{name}` takes a param as is; `{name|duration}` reads a number of seconds as people say it
  // ("about 7 minutes" / "約7分", never "439秒": core/shared/durations.ts)
  return text.replace(/\{(\w+)(?:\|(duration))?\}/g, (whole, name: string, format?: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return format === "duration" && Number.isFinite(Number(value)) ? humanDuration(Number(value), lang) : String(value);
  });
}

/** Whether a code read from outside the code (a stored error, a job record) is a catalogue key. */
export const hasMessage = (key: string): key is MessageKey => textOf(key, "en") !== undefined;

/** Picks the user's language from an Accept-Language header (or ?lang=); English otherwise. */
export function pickLanguage(header: string | undefined | null): Lang {
  if (!header) return "en";
  const ranked = header
    .split(",")
    .map((part, i) => {
      const [tag = "", ...params] = part.trim().toLowerCase().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      return { tag, q: q ? Number(q.slice(2)) || 0 : 1, i };
    })
    .filter((x) => x.tag && x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const { tag } of ranked) {
    if (tag.startsWith("ja")) return "ja";
    if (tag.startsWith("en")) return "en";
  }
  return "en";
}
