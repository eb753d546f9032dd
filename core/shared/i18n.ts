/**
 * Every message a user can read from the API, in English and Japanese. Keys are the error
 * codes of AppError and the field-problem keys; {name} placeholders take params.
 */
export type Lang = "en" | "ja";

const catalogue: Record<string, Record<Lang, string>> = {
  // request-level errors
  validation_failed: { en: "Some fields need attention.", ja: "入力内容を確認してください。" },
  invalid_json: { en: "The request body is not valid JSON.", ja: "リクエスト本文が正しいJSONではありません。" },
  invalid_credentials: { en: "The email address or password is incorrect.", ja: "メールアドレスまたはパスワードが正しくありません。" },
  unauthenticated: { en: "Please sign in.", ja: "サインインしてください。" },
  session_expired: { en: "Your session has expired. Please sign in again.", ja: "セッションの有効期限が切れました。もう一度サインインしてください。" },
  csrf_failed: { en: "The request was refused because its security token is missing or wrong. Reload the page and try again.", ja: "セキュリティトークンがないか正しくないため、リクエストを拒否しました。ページを再読み込みしてもう一度お試しください。" },
  forbidden: { en: "You do not have permission to do this.", ja: "この操作を行う権限がありません。" },
  admin_only: { en: "Only administrators can do this.", ja: "この操作は管理者のみ行えます。" },
  not_found: { en: "Not found.", ja: "見つかりません。" },
  route_not_found: { en: "There is no such API route: {method} {path}.", ja: "このAPIルートはありません: {method} {path}" },
  account_not_found: { en: "This mailbox account does not exist.", ja: "このメールボックスは存在しません。" },
  message_not_found: { en: "This message does not exist.", ja: "このメッセージは存在しません。" },
  message_body_unavailable: { en: "The message text could not be fetched from the mail server right now. Please try again shortly.", ja: "現在メールサーバーから本文を取得できません。しばらくしてからもう一度お試しください。" },
  contact_not_found: { en: "This contact does not exist.", ja: "この連絡先は存在しません。" },
  user_not_found: { en: "This user does not exist.", ja: "このユーザーは存在しません。" },
  user_email_taken: { en: "A user with this email address already exists.", ja: "このメールアドレスのユーザーは既に存在します。" },
  account_email_taken: { en: "This mailbox address is already connected in your organisation. One mailbox per address: ask an admin to change its owner instead.", ja: "このメールアドレスのメールボックスは組織内で既に接続されています。1つのアドレスにつき1つのメールボックスです。所有者の変更は管理者に依頼してください。" },
  sharing_owner_only: { en: "Only the mailbox's owner can share its mail more widely; an admin can only narrow the sharing.", ja: "共有範囲を広げられるのはメールボックスの所有者だけです。管理者は共有範囲を狭めることのみできます。" },
  contact_email_taken: { en: "The contact \"{name}\" already has this primary address.", ja: "連絡先「{name}」が既にこのメインアドレスを使っています。" },
  primary_email_taken: { en: "is already the primary address of the contact \"{name}\".", ja: "は既に連絡先「{name}」のメインアドレスです。" },
  internal_address: { en: "belongs to a user or a connected mailbox of your organisation: internal mail is never logged, so it cannot be a contact.", ja: "は組織内のユーザーまたは接続済みメールボックスのアドレスです。社内メールは記録されないため、連絡先にできません。" },
  cannot_remove_self: { en: "You cannot remove your own user.", ja: "自分自身のユーザーは削除できません。" },
  last_admin: { en: "At least one administrator must remain.", ja: "管理者が少なくとも1人必要です。" },
  rate_limited: { en: "Too many attempts. Please wait {seconds} seconds and try again.", ja: "試行回数が多すぎます。{seconds}秒待ってからもう一度お試しください。" },
  current_password_wrong: { en: "is not your current password.", ja: "現在のパスワードと一致しません。" },
  body_too_large: { en: "The request body is too large.", ja: "リクエスト本文が大きすぎます。" },
  // hardening: request shape, destination-bound passwords, limits on mail server logins
  unsupported_media_type: { en: "The request body must be JSON, sent with Content-Type: application/json.", ja: "リクエスト本文はJSON（Content-Type: application/json）で送信してください。" },
  path_param_invalid: { en: "is not a valid identifier in the address.", ja: "アドレス内の識別子が正しくありません。" },
  path_param_too_long: { en: "is longer than {max} characters.", ja: "{max}文字を超えています。" },
  password_required_new_destination: { en: "must be entered again: a saved password is only sent to the server, port and security it was saved for, and {destination} is not one of them.", ja: "を再入力してください。保存済みのパスワードは保存時のサーバー・ポート・セキュリティ設定にしか送信しません。{destination} はそれに該当しません。" },
  account_paused: { en: "This mailbox is paused: its server refused the saved password several times in a row. Enter the new password to resume it.", ja: "このメールボックスは一時停止中です。保存済みのパスワードがサーバーに続けて拒否されました。再開するには新しいパスワードを入力してください。" },
  account_paused_password_required: { en: "must be entered again: the mailbox is paused because the server refused the saved password several times in a row.", ja: "を再入力してください。保存済みのパスワードがサーバーに続けて拒否されたため、メールボックスは一時停止中です。" },
  password_destination_changed: { en: "The mailbox's server settings changed after its password was saved. Enter the password again to use the new settings.", ja: "パスワードの保存後にメールボックスのサーバー設定が変更されました。新しい設定で使うにはパスワードを再入力してください。" },
  mailbox_login_limited: { en: "Too many failed logins to {target} recently. To keep the provider from locking the mailbox, wait {seconds} seconds before trying again.", ja: "{target} へのログイン失敗が続いています。プロバイダーによるメールボックスのロックを防ぐため、{seconds}秒待ってからもう一度お試しください。" },
  request_too_large: { en: "The request is larger than {maximum} MB, the most this server accepts.", ja: "リクエストが{maximum}MBを超えています（このサーバーが受け付ける上限です）。" },
  internal_error: { en: "Something went wrong on our side. Please try again; if it keeps happening, tell your administrator (reference {ref}).", ja: "サーバー側で問題が発生しました。もう一度お試しください。繰り返し発生する場合は管理者にお知らせください（参照番号 {ref}）。" },
  service_unavailable: { en: "The service is temporarily unavailable. Please try again shortly.", ja: "サービスが一時的に利用できません。しばらくしてからもう一度お試しください。" },

  // mailbox connection problems (the accounts issue adds provider-specific advice)
  imap_host_not_found: { en: "The mail server's host name could not be found. Check the spelling.", ja: "メールサーバーのホスト名が見つかりません。綴りを確認してください。" },
  sync_unaccounted: { en: "The sync could not account for {count} message(s) in {folder}; it will try again.", ja: "{folder} の {count} 件のメッセージを同期で確認できませんでした。もう一度試します。" },
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
  invalid_hostname: { en: "must be a host name such as imap.example.com (no spaces, no scheme, no path).", ja: "imap.example.com のようなホスト名を入力してください（スペース、スキーム、パスは不可）。" },
  password_required_new_host: { en: "must be entered again: a saved password is only ever sent to the server it was saved for, and {host} is a new one.", ja: "を再入力してください。保存済みのパスワードは保存時のサーバーにしか送信しません。{host} は新しいサーバーです。" },
  host_not_allowed: { en: "points to a private or internal network address ({address}), which is not allowed.", ja: "プライベートまたは内部ネットワークのアドレス（{address}）を指しているため使用できません。" },
  host_not_found: { en: "could not be found in DNS. Check the spelling.", ja: "DNSで見つかりません。綴りを確認してください。" },
  duplicate_email: { en: "lists {address} more than once.", ja: "{address} が重複しています。" },
  password_weak: { en: "must be at least {minimum} characters.", ja: "{minimum}文字以上にしてください。" },
  changes_cursor_expired: { en: "This cursor is older than the {days} days changes are kept: resync the history (GET /api/contacts/{id}/messages), then poll again without since.", ja: "このカーソルは変更の保存期間（{days}日）より古くなっています。履歴を取り直し（GET /api/contacts/{id}/messages）、since を付けずにポーリングをやり直してください。" },
  invalid_cursor: { en: "is not a cursor this API gave out.", ja: "このAPIが返したカーソルではありません。" },
  invalid_role: { en: "must be admin or member.", ja: "admin または member を指定してください。" },

  // contacts import
  contact_external_id_taken: { en: "Another contact already has this external id.", ja: "この外部IDは既に別の連絡先で使われています。" },
  external_id_taken: { en: "is already used by another contact.", ja: "既に別の連絡先で使われています。" },
  duplicate_in_request: { en: "repeats item {index} of this request (counting from 0).", ja: "このリクエストの{index}番目（0から数えて）と重複しています。" },
  duplicate_in_file: { en: "repeats line {line} of the file.", ja: "ファイルの{line}行目と重複しています。" },
  invalid_base64: { en: "must be the file's content in base64.", ja: "ファイルの内容をbase64で指定してください。" },
  csv_empty: { en: "The file has no contacts: the first line must name the columns and each further line is one contact.", ja: "ファイルに連絡先がありません。1行目に列名、2行目以降に1行につき1件の連絡先を記載してください。" },
  csv_missing_name_column: { en: "The file has no name column. Name it \"name\" or \"氏名\" in the first line.", ja: "氏名の列がありません。1行目の列名を「氏名」または「name」にしてください。" },
  csv_missing_email_column: { en: "The file has no email column. Name it \"email\" or \"メールアドレス\" in the first line.", ja: "メールアドレスの列がありません。1行目の列名を「メールアドレス」または「email」にしてください。" },
  csv_too_large: { en: "The file is larger than {maximum} MB. Split it into several files.", ja: "ファイルが{maximum}MBを超えています。複数のファイルに分けてください。" },
  csv_too_many_rows: { en: "The file has more than {maximum} contacts. Split it into several files.", ja: "連絡先が{maximum}件を超えています。複数のファイルに分けてください。" },
  csv_unterminated_quote: { en: "A quoted value that starts on line {line} is never closed: check for a missing double quote (\").", ja: "{line}行目で始まる引用符付きの値が閉じられていません。ダブルクォート（\"）の閉じ忘れを確認してください。" },
  csv_encoding_unknown: { en: "The file is neither UTF-8 nor Shift_JIS text. Save it from your spreadsheet as \"CSV UTF-8\" or \"CSV\".", ja: "ファイルがUTF-8でもShift_JISでもありません。表計算ソフトで「CSV UTF-8」または「CSV」形式で保存してください。" },
  csv_utf16_unsupported: { en: "The file is UTF-16 (\"Unicode text\"). Save it as \"CSV UTF-8\" or \"CSV\" instead.", ja: "ファイルがUTF-16（「Unicode テキスト」）です。「CSV UTF-8」または「CSV」形式で保存し直してください。" },
  csv_is_workbook: { en: "This is an Excel workbook, not a CSV file. In Excel choose Save As and the \"CSV UTF-8\" format.", ja: "これはExcelブックで、CSVファイルではありません。Excelの「名前を付けて保存」で「CSV UTF-8」形式を選んでください。" },

  // autodiscovery
  domain_settings_not_found: { en: "No mail settings are pinned for the domain {domain}.", ja: "ドメイン {domain} に固定されたメール設定はありません。" },

  // diagnosis: mail connection problems (core/mail/diagnosis.ts). diag.<code> is the one-line
  // message (cause then fix); .cause and .fix are its parts; diag.steps.* are provider steps, one per line.
  connection_failed: { en: "The connection test failed, so nothing was saved. See the fields for what to change.", ja: "接続テストに失敗したため、保存していません。各項目のメッセージを確認してください。" },
  "diag.auth_failed": { en: "The mail server refused the user name or password. Check the user name (usually the full email address) and enter the password again. If the account uses 2-step verification, create an app password and use it here. If the password was changed, enter the new one here and in every other mail app that uses this mailbox. After several failed attempts some providers block sign-in for about 15 minutes: wait, then try once more.", ja: "メールサーバーがユーザー名またはパスワードを拒否しました。ユーザー名（通常はメールアドレス全体）を確認し、パスワードをもう一度入力してください。2段階認証を有効にしている場合は、アプリパスワードを作成してここに入力してください。パスワードを変更した場合は、ここと、このメールボックスを使っている他のすべてのメールソフトで新しいパスワードに更新してください。何度か失敗するとサインインを約15分間ブロックするメールサービスもあります。しばらく待ってからもう一度お試しください。" },
  "diag.auth_failed.cause": { en: "The mail server refused the user name or password.", ja: "メールサーバーがユーザー名またはパスワードを拒否しました。" },
  "diag.auth_failed.fix": { en: "Check the user name (usually the full email address) and enter the password again. If the account uses 2-step verification, create an app password and use it here. If the password was changed, enter the new one here and in every other mail app that uses this mailbox. After several failed attempts some providers block sign-in for about 15 minutes: wait, then try once more.", ja: "ユーザー名（通常はメールアドレス全体）を確認し、パスワードをもう一度入力してください。2段階認証を有効にしている場合は、アプリパスワードを作成してここに入力してください。パスワードを変更した場合は、ここと、このメールボックスを使っている他のすべてのメールソフトで新しいパスワードに更新してください。何度か失敗するとサインインを約15分間ブロックするメールサービスもあります。しばらく待ってからもう一度お試しください。" },
  "diag.app_password_required": { en: "The provider requires an app password for mail apps: the normal account password is not accepted here. Create an app password in the provider's security settings (this needs 2-step verification) and enter it as the password.", ja: "このメールサービスでは、メールソフトからの接続にアプリパスワードが必要です。通常のアカウントのパスワードは使えません。メールサービスのセキュリティ設定でアプリパスワードを作成し（2段階認証の有効化が必要です）、パスワード欄に入力してください。" },
  "diag.app_password_required.cause": { en: "The provider requires an app password for mail apps: the normal account password is not accepted here.", ja: "このメールサービスでは、メールソフトからの接続にアプリパスワードが必要です。通常のアカウントのパスワードは使えません。" },
  "diag.app_password_required.fix": { en: "Create an app password in the provider's security settings (this needs 2-step verification) and enter it as the password.", ja: "メールサービスのセキュリティ設定でアプリパスワードを作成し（2段階認証の有効化が必要です）、パスワード欄に入力してください。" },
  "diag.web_login_required": { en: "Google blocked this sign-in and asks you to sign in with a web browser first (\"Please log in via your web browser\"). Sign in to your Google Account in a browser, open Security and confirm the recent security event as yours. Then use an app password (Google does not accept the normal password from mail apps) and test again.", ja: "Google がこのサインインをブロックし、先にウェブブラウザでサインインするよう求めています（「Please log in via your web browser」）。ブラウザで Google アカウントにサインインし、「セキュリティ」で最近のセキュリティ イベントを自分のものとして確認してください。そのうえでアプリパスワードを使って、もう一度テストしてください（Google はメールソフトからの通常のパスワードを受け付けません）。" },
  "diag.web_login_required.cause": { en: "Google blocked this sign-in and asks you to sign in with a web browser first (\"Please log in via your web browser\").", ja: "Google がこのサインインをブロックし、先にウェブブラウザでサインインするよう求めています（「Please log in via your web browser」）。" },
  "diag.web_login_required.fix": { en: "Sign in to your Google Account in a browser, open Security and confirm the recent security event as yours. Then use an app password (Google does not accept the normal password from mail apps) and test again.", ja: "ブラウザで Google アカウントにサインインし、「セキュリティ」で最近のセキュリティ イベントを自分のものとして確認してください。そのうえでアプリパスワードを使って、もう一度テストしてください（Google はメールソフトからの通常のパスワードを受け付けません）。" },
  "diag.imap_disabled": { en: "IMAP access is switched off for this mailbox at the provider. Switch IMAP access on in the mailbox's settings at the provider (Gmail: Settings, Forwarding and POP/IMAP, Enable IMAP), or ask the administrator of your organisation to allow it, then test again.", ja: "このメールボックスでは、メールサービス側で IMAP アクセスが無効になっています。メールサービスの設定で IMAP アクセスを有効にしてください（Gmail の場合: 設定 →「メール転送と POP/IMAP」→「IMAP を有効にする」）。組織のアカウントでは管理者に許可を依頼してから、もう一度テストしてください。" },
  "diag.imap_disabled.cause": { en: "IMAP access is switched off for this mailbox at the provider.", ja: "このメールボックスでは、メールサービス側で IMAP アクセスが無効になっています。" },
  "diag.imap_disabled.fix": { en: "Switch IMAP access on in the mailbox's settings at the provider (Gmail: Settings, Forwarding and POP/IMAP, Enable IMAP), or ask the administrator of your organisation to allow it, then test again.", ja: "メールサービスの設定で IMAP アクセスを有効にしてください（Gmail の場合: 設定 →「メール転送と POP/IMAP」→「IMAP を有効にする」）。組織のアカウントでは管理者に許可を依頼してから、もう一度テストしてください。" },
  "diag.basic_auth_disabled": { en: "Microsoft has switched off password sign-in (basic authentication) for this mailbox, so a password cannot be used. Connect the mailbox with Microsoft sign-in (OAuth) instead of a password. For sending only, a Microsoft 365 administrator can turn Authenticated SMTP on for this mailbox while the tenant still allows it.", ja: "Microsoft がこのメールボックスのパスワードによるサインイン（基本認証）を無効にしているため、パスワードでは接続できません。パスワードではなく Microsoft のサインイン（OAuth）でメールボックスを接続してください。送信（SMTP）だけであれば、テナントで許可されている間は Microsoft 365 の管理者がこのメールボックスの「認証済み SMTP」を有効にできます。" },
  "diag.basic_auth_disabled.cause": { en: "Microsoft has switched off password sign-in (basic authentication) for this mailbox, so a password cannot be used.", ja: "Microsoft がこのメールボックスのパスワードによるサインイン（基本認証）を無効にしているため、パスワードでは接続できません。" },
  "diag.basic_auth_disabled.fix": { en: "Connect the mailbox with Microsoft sign-in (OAuth) instead of a password. For sending only, a Microsoft 365 administrator can turn Authenticated SMTP on for this mailbox while the tenant still allows it.", ja: "パスワードではなく Microsoft のサインイン（OAuth）でメールボックスを接続してください。送信（SMTP）だけであれば、テナントで許可されている間は Microsoft 365 の管理者がこのメールボックスの「認証済み SMTP」を有効にできます。" },
  "diag.oauth_failed": { en: "The mail server did not accept the sign-in token. Sign in with the provider again to renew the connection.", ja: "メールサーバーがサインイン用のトークンを受け付けませんでした。メールサービスにもう一度サインインして、接続を更新してください。" },
  "diag.oauth_failed.cause": { en: "The mail server did not accept the sign-in token.", ja: "メールサーバーがサインイン用のトークンを受け付けませんでした。" },
  "diag.oauth_failed.fix": { en: "Sign in with the provider again to renew the connection.", ja: "メールサービスにもう一度サインインして、接続を更新してください。" },
  "diag.too_many_attempts": { en: "The provider has temporarily blocked sign-in after too many failed attempts. Update the password in every mail app that uses this mailbox (one app still using an old password keeps failing), wait about 15 minutes, then test again.", ja: "サインインの失敗が続いたため、メールサービスが一時的にサインインをブロックしています。このメールボックスを使っているすべてのメールソフトでパスワードを更新してください（古いパスワードのままのソフトが1つでもあると失敗が続きます）。約15分待ってから、もう一度テストしてください。" },
  "diag.too_many_attempts.cause": { en: "The provider has temporarily blocked sign-in after too many failed attempts.", ja: "サインインの失敗が続いたため、メールサービスが一時的にサインインをブロックしています。" },
  "diag.too_many_attempts.fix": { en: "Update the password in every mail app that uses this mailbox (one app still using an old password keeps failing), wait about 15 minutes, then test again.", ja: "このメールボックスを使っているすべてのメールソフトでパスワードを更新してください（古いパスワードのままのソフトが1つでもあると失敗が続きます）。約15分待ってから、もう一度テストしてください。" },
  "diag.tls_untrusted": { en: "The server's security certificate is not trusted (it is self-signed or issued by an unknown authority), so the connection could be intercepted. Ask the server's administrator to install a certificate from a public certificate authority. Only if you control this server and its network, turn on \"Allow insecure certificates\", knowing that the connection is then not protected against interception.", ja: "サーバーのセキュリティ証明書が信頼されていません（自己署名、または不明な発行元の証明書です）。このままでは通信が傍受されるおそれがあります。サーバー管理者に、公的な認証局が発行した証明書を導入するよう依頼してください。自社で管理しているサーバーとネットワークの場合に限り、通信が傍受から保護されなくなることを理解したうえで「安全でない証明書を許可」を有効にしてください。" },
  "diag.tls_untrusted.cause": { en: "The server's security certificate is not trusted (it is self-signed or issued by an unknown authority), so the connection could be intercepted.", ja: "サーバーのセキュリティ証明書が信頼されていません（自己署名、または不明な発行元の証明書です）。このままでは通信が傍受されるおそれがあります。" },
  "diag.tls_untrusted.fix": { en: "Ask the server's administrator to install a certificate from a public certificate authority. Only if you control this server and its network, turn on \"Allow insecure certificates\", knowing that the connection is then not protected against interception.", ja: "サーバー管理者に、公的な認証局が発行した証明書を導入するよう依頼してください。自社で管理しているサーバーとネットワークの場合に限り、通信が傍受から保護されなくなることを理解したうえで「安全でない証明書を許可」を有効にしてください。" },
  "diag.tls_expired": { en: "The server's security certificate has expired or is not valid yet. Ask the server's administrator to renew the certificate (and to check the server's clock). \"Allow insecure certificates\" would only hide the problem: use it only for a server you control.", ja: "サーバーのセキュリティ証明書の有効期限が切れているか、まだ有効期間に入っていません。サーバー管理者に証明書の更新（とサーバーの時刻の確認）を依頼してください。「安全でない証明書を許可」は問題を隠すだけなので、自社で管理しているサーバー以外では使わないでください。" },
  "diag.tls_expired.cause": { en: "The server's security certificate has expired or is not valid yet.", ja: "サーバーのセキュリティ証明書の有効期限が切れているか、まだ有効期間に入っていません。" },
  "diag.tls_expired.fix": { en: "Ask the server's administrator to renew the certificate (and to check the server's clock). \"Allow insecure certificates\" would only hide the problem: use it only for a server you control.", ja: "サーバー管理者に証明書の更新（とサーバーの時刻の確認）を依頼してください。「安全でない証明書を許可」は問題を隠すだけなので、自社で管理しているサーバー以外では使わないでください。" },
  "diag.tls_name_mismatch": { en: "The server's certificate is for a different name ({names}) than the host name entered ({host}). Enter the host name the provider documents for mail apps (usually the name on the certificate), not an alias in your own domain.", ja: "サーバーの証明書の名前（{names}）が、入力したホスト名（{host}）と一致しません。独自ドメインの別名ではなく、メールサービスがメールソフト用に案内しているホスト名（通常は証明書に記載された名前）を入力してください。" },
  "diag.tls_name_mismatch.cause": { en: "The server's certificate is for a different name ({names}) than the host name entered ({host}).", ja: "サーバーの証明書の名前（{names}）が、入力したホスト名（{host}）と一致しません。" },
  "diag.tls_name_mismatch.fix": { en: "Enter the host name the provider documents for mail apps (usually the name on the certificate), not an alias in your own domain.", ja: "独自ドメインの別名ではなく、メールサービスがメールソフト用に案内しているホスト名（通常は証明書に記載された名前）を入力してください。" },
  "diag.tls_mismatch": { en: "The security setting does not match the port: the server on port {port} expects {expected}. Choose {expected} for port {port}. As a rule, ports 993 (IMAP) and 465 (SMTP) use TLS; ports 143 (IMAP) and 587 (SMTP) use STARTTLS.", ja: "セキュリティ設定がポートと一致しません。ポート {port} のサーバーは {expected} を使います。ポート {port} には {expected} を選んでください。原則として、ポート 993（IMAP）と 465（SMTP）は TLS、ポート 143（IMAP）と 587（SMTP）は STARTTLS を使います。" },
  "diag.tls_mismatch.cause": { en: "The security setting does not match the port: the server on port {port} expects {expected}.", ja: "セキュリティ設定がポートと一致しません。ポート {port} のサーバーは {expected} を使います。" },
  "diag.tls_mismatch.fix": { en: "Choose {expected} for port {port}. As a rule, ports 993 (IMAP) and 465 (SMTP) use TLS; ports 143 (IMAP) and 587 (SMTP) use STARTTLS.", ja: "ポート {port} には {expected} を選んでください。原則として、ポート 993（IMAP）と 465（SMTP）は TLS、ポート 143（IMAP）と 587（SMTP）は STARTTLS を使います。" },
  "diag.tls_outdated": { en: "The server offers only an outdated encryption version (older than TLS 1.2), which is not accepted. Ask the server's administrator to enable TLS 1.2 or later.", ja: "サーバーが古い暗号化方式（TLS 1.2 より前）にしか対応していないため、接続できません。サーバー管理者に TLS 1.2 以降を有効にするよう依頼してください。" },
  "diag.tls_outdated.cause": { en: "The server offers only an outdated encryption version (older than TLS 1.2), which is not accepted.", ja: "サーバーが古い暗号化方式（TLS 1.2 より前）にしか対応していないため、接続できません。" },
  "diag.tls_outdated.fix": { en: "Ask the server's administrator to enable TLS 1.2 or later.", ja: "サーバー管理者に TLS 1.2 以降を有効にするよう依頼してください。" },
  "diag.starttls_unavailable": { en: "The server on port {port} does not offer STARTTLS, so the connection cannot be encrypted. Check the port and security setting: most providers use port 993 with TLS for IMAP, and 465 (TLS) or 587 (STARTTLS) for SMTP. Choose \"None\" only for a server on a network you trust.", ja: "ポート {port} のサーバーが STARTTLS に対応していないため、通信を暗号化できません。ポートとセキュリティ設定を確認してください。多くのメールサービスでは、IMAP はポート 993（TLS）、SMTP は 465（TLS）または 587（STARTTLS）です。「なし」は信頼できるネットワーク上のサーバーの場合にのみ選んでください。" },
  "diag.starttls_unavailable.cause": { en: "The server on port {port} does not offer STARTTLS, so the connection cannot be encrypted.", ja: "ポート {port} のサーバーが STARTTLS に対応していないため、通信を暗号化できません。" },
  "diag.starttls_unavailable.fix": { en: "Check the port and security setting: most providers use port 993 with TLS for IMAP, and 465 (TLS) or 587 (STARTTLS) for SMTP. Choose \"None\" only for a server on a network you trust.", ja: "ポートとセキュリティ設定を確認してください。多くのメールサービスでは、IMAP はポート 993（TLS）、SMTP は 465（TLS）または 587（STARTTLS）です。「なし」は信頼できるネットワーク上のサーバーの場合にのみ選んでください。" },
  "diag.tls_handshake_failed": { en: "The server on port {port} ended the encryption handshake: it and this service have no TLS version or cipher in common, or the server's certificate setup is broken. Ask the server's administrator to check its TLS configuration (certificate and key, TLS 1.2 or later with current ciphers), and check that the port and security setting are the ones your provider gives.", ja: "ポート {port} のサーバーが暗号化の開始（TLS ハンドシェイク）を打ち切りました。このサービスと共通の TLS バージョンや暗号方式がないか、サーバーの証明書の設定に問題があります。サーバー管理者に TLS の設定（証明書と鍵、TLS 1.2 以降と現在の暗号方式）を確認するよう依頼し、ポートとセキュリティ設定がメールサービスの案内どおりか確認してください。" },
  "diag.tls_handshake_failed.cause": { en: "The server on port {port} ended the encryption handshake: it and this service have no TLS version or cipher in common, or the server's certificate setup is broken.", ja: "ポート {port} のサーバーが暗号化の開始（TLS ハンドシェイク）を打ち切りました。このサービスと共通の TLS バージョンや暗号方式がないか、サーバーの証明書の設定に問題があります。" },
  "diag.tls_handshake_failed.fix": { en: "Ask the server's administrator to check its TLS configuration (certificate and key, TLS 1.2 or later with current ciphers), and check that the port and security setting are the ones your provider gives.", ja: "サーバー管理者に TLS の設定（証明書と鍵、TLS 1.2 以降と現在の暗号方式）を確認するよう依頼し、ポートとセキュリティ設定がメールサービスの案内どおりか確認してください。" },
  "diag.smtp_auth_unavailable": { en: "The SMTP server on port {port} offers no sign-in, so it cannot be used to send as this mailbox (it is probably a port for receiving mail from other servers). Use the submission port 587 with STARTTLS or 465 with TLS.", ja: "ポート {port} の SMTP サーバーはログイン（認証）に対応していないため、このメールボックスとして送信できません（他のサーバーからメールを受け取るためのポートと考えられます）。送信用のポート 587（STARTTLS）または 465（TLS）を使ってください。" },
  "diag.smtp_auth_unavailable.cause": { en: "The SMTP server on port {port} offers no sign-in, so it cannot be used to send as this mailbox (it is probably a port for receiving mail from other servers).", ja: "ポート {port} の SMTP サーバーはログイン（認証）に対応していないため、このメールボックスとして送信できません（他のサーバーからメールを受け取るためのポートと考えられます）。" },
  "diag.smtp_auth_unavailable.fix": { en: "Use the submission port 587 with STARTTLS or 465 with TLS.", ja: "送信用のポート 587（STARTTLS）または 465（TLS）を使ってください。" },
  "diag.host_not_found": { en: "The host name {host} could not be found. Check the spelling of the server name (for example imap.example.com, without http:// or a path).", ja: "ホスト名 {host} が見つかりません。サーバー名の綴りを確認してください（例: imap.example.com。http:// やパスは付けません）。" },
  "diag.host_not_found.cause": { en: "The host name {host} could not be found.", ja: "ホスト名 {host} が見つかりません。" },
  "diag.host_not_found.fix": { en: "Check the spelling of the server name (for example imap.example.com, without http:// or a path).", ja: "サーバー名の綴りを確認してください（例: imap.example.com。http:// やパスは付けません）。" },
  "diag.host_not_allowed": { en: "The host name {host} points to a private or internal network address, which this service may not connect to. Use the server's public host name. For a server inside your company network, ask the administrator of this service to allow private networks.", ja: "ホスト名 {host} がプライベートまたは内部ネットワークのアドレスを指しているため、接続できません。サーバーの公開ホスト名を入力してください。社内ネットワークのサーバーの場合は、このサービスの管理者にプライベートネットワークへの接続の許可を依頼してください。" },
  "diag.host_not_allowed.cause": { en: "The host name {host} points to a private or internal network address, which this service may not connect to.", ja: "ホスト名 {host} がプライベートまたは内部ネットワークのアドレスを指しているため、接続できません。" },
  "diag.host_not_allowed.fix": { en: "Use the server's public host name. For a server inside your company network, ask the administrator of this service to allow private networks.", ja: "サーバーの公開ホスト名を入力してください。社内ネットワークのサーバーの場合は、このサービスの管理者にプライベートネットワークへの接続の許可を依頼してください。" },
  "diag.connection_refused": { en: "Nothing accepted the connection at {host} port {port}. Check the port number (IMAP: 993 or 143; SMTP: 465 or 587) and the host name. If both are right, the server may be down.", ja: "{host} のポート {port} で接続を受け付けていません。ポート番号（IMAP: 993 または 143、SMTP: 465 または 587）とホスト名を確認してください。どちらも正しい場合は、サーバーが停止している可能性があります。" },
  "diag.connection_refused.cause": { en: "Nothing accepted the connection at {host} port {port}.", ja: "{host} のポート {port} で接続を受け付けていません。" },
  "diag.connection_refused.fix": { en: "Check the port number (IMAP: 993 or 143; SMTP: 465 or 587) and the host name. If both are right, the server may be down.", ja: "ポート番号（IMAP: 993 または 143、SMTP: 465 または 587）とホスト名を確認してください。どちらも正しい場合は、サーバーが停止している可能性があります。" },
  "diag.timeout": { en: "The mail server did not answer in time. Check the host name and port. A firewall may block the connection: ask your network administrator to allow outgoing connections to this port. If the settings are right, try again later.", ja: "メールサーバーが時間内に応答しませんでした。ホスト名とポート番号を確認してください。ファイアウォールが接続を遮断している可能性があります。ネットワーク管理者に、このポートへの外向きの接続を許可するよう依頼してください。設定が正しい場合は、時間をおいてもう一度お試しください。" },
  "diag.timeout.cause": { en: "The mail server did not answer in time.", ja: "メールサーバーが時間内に応答しませんでした。" },
  "diag.timeout.fix": { en: "Check the host name and port. A firewall may block the connection: ask your network administrator to allow outgoing connections to this port. If the settings are right, try again later.", ja: "ホスト名とポート番号を確認してください。ファイアウォールが接続を遮断している可能性があります。ネットワーク管理者に、このポートへの外向きの接続を許可するよう依頼してください。設定が正しい場合は、時間をおいてもう一度お試しください。" },
  "diag.connection_closed": { en: "The server closed the connection unexpectedly. Check that port and security setting belong together (993/465: TLS, 143/587: STARTTLS). If they do, the server may be limiting connections: try again in a few minutes.", ja: "サーバーが予期せず接続を切断しました。ポートとセキュリティ設定の組み合わせ（993/465: TLS、143/587: STARTTLS）を確認してください。正しい場合は、サーバーが接続を制限している可能性があります。数分後にもう一度お試しください。" },
  "diag.connection_closed.cause": { en: "The server closed the connection unexpectedly.", ja: "サーバーが予期せず接続を切断しました。" },
  "diag.connection_closed.fix": { en: "Check that port and security setting belong together (993/465: TLS, 143/587: STARTTLS). If they do, the server may be limiting connections: try again in a few minutes.", ja: "ポートとセキュリティ設定の組み合わせ（993/465: TLS、143/587: STARTTLS）を確認してください。正しい場合は、サーバーが接続を制限している可能性があります。数分後にもう一度お試しください。" },
  "diag.throttled": { en: "The provider is limiting connections or requests for this mailbox right now (for example too many simultaneous connections). Wait a few minutes before trying again, and close other mail apps or devices that keep many connections open (Gmail allows 15 per account). The sync backs off by itself.", ja: "メールサービスが現在、このメールボックスへの接続や要求を制限しています（同時接続数の超過など）。数分待ってからもう一度お試しください。多くの接続を開いたままの他のメールソフトや端末があれば閉じてください（Gmail は1アカウントあたり15接続まで）。同期は自動的に間隔をあけて再試行します。" },
  "diag.throttled.cause": { en: "The provider is limiting connections or requests for this mailbox right now (for example too many simultaneous connections).", ja: "メールサービスが現在、このメールボックスへの接続や要求を制限しています（同時接続数の超過など）。" },
  "diag.throttled.fix": { en: "Wait a few minutes before trying again, and close other mail apps or devices that keep many connections open (Gmail allows 15 per account). The sync backs off by itself.", ja: "数分待ってからもう一度お試しください。多くの接続を開いたままの他のメールソフトや端末があれば閉じてください（Gmail は1アカウントあたり15接続まで）。同期は自動的に間隔をあけて再試行します。" },
  "diag.server_unavailable": { en: "The mail server reported a temporary problem. Try again in a few minutes. If it persists, check the provider's status page.", ja: "メールサーバーが一時的な問題を報告しました。数分後にもう一度お試しください。続く場合は、メールサービスの障害情報を確認してください。" },
  "diag.server_unavailable.cause": { en: "The mail server reported a temporary problem.", ja: "メールサーバーが一時的な問題を報告しました。" },
  "diag.server_unavailable.fix": { en: "Try again in a few minutes. If it persists, check the provider's status page.", ja: "数分後にもう一度お試しください。続く場合は、メールサービスの障害情報を確認してください。" },
  "diag.smtp_rejected": { en: "The outgoing mail server refused the message: {response} Read the server's reply. Check the sender and recipient addresses; if the server reports a policy or spam block, contact the provider.", ja: "送信メールサーバーがメッセージを拒否しました: {response}サーバーの応答を確認してください。差出人と宛先のアドレスを確認し、ポリシーや迷惑メール対策による拒否の場合はメールサービスに問い合わせてください。" },
  "diag.smtp_rejected.cause": { en: "The outgoing mail server refused the message: {response}", ja: "送信メールサーバーがメッセージを拒否しました: {response}" },
  "diag.smtp_rejected.fix": { en: "Read the server's reply. Check the sender and recipient addresses; if the server reports a policy or spam block, contact the provider.", ja: "サーバーの応答を確認してください。差出人と宛先のアドレスを確認し、ポリシーや迷惑メール対策による拒否の場合はメールサービスに問い合わせてください。" },
  "diag.sender_not_allowed": { en: "The outgoing mail server does not allow this mailbox to send with this From address. Send from the mailbox's own address, or first register the address as an alias (send as) at the provider.", ja: "送信メールサーバーが、このメールボックスにこの差出人アドレスでの送信を許可していません。メールボックス自身のアドレスから送信するか、先にメールサービス側でそのアドレスを別名（代理送信）として登録してください。" },
  "diag.sender_not_allowed.cause": { en: "The outgoing mail server does not allow this mailbox to send with this From address.", ja: "送信メールサーバーが、このメールボックスにこの差出人アドレスでの送信を許可していません。" },
  "diag.sender_not_allowed.fix": { en: "Send from the mailbox's own address, or first register the address as an alias (send as) at the provider.", ja: "メールボックス自身のアドレスから送信するか、先にメールサービス側でそのアドレスを別名（代理送信）として登録してください。" },
  "diag.smtp_not_configured": { en: "No outgoing (SMTP) server is set for this mailbox. Enter the outgoing server's host name, port and security, then test again.", ja: "このメールボックスには送信（SMTP）サーバーが設定されていません。送信サーバーのホスト名、ポート、セキュリティを入力してから、もう一度テストしてください。" },
  "diag.smtp_not_configured.cause": { en: "No outgoing (SMTP) server is set for this mailbox.", ja: "このメールボックスには送信（SMTP）サーバーが設定されていません。" },
  "diag.smtp_not_configured.fix": { en: "Enter the outgoing server's host name, port and security, then test again.", ja: "送信サーバーのホスト名、ポート、セキュリティを入力してから、もう一度テストしてください。" },
  "diag.folder_not_found": { en: "The folder {folder} does not exist on the mail server. Pick the Sent folder again from the folder list.", ja: "フォルダー {folder} がメールサーバー上にありません。フォルダー一覧から送信済みフォルダーを選び直してください。" },
  "diag.folder_not_found.cause": { en: "The folder {folder} does not exist on the mail server.", ja: "フォルダー {folder} がメールサーバー上にありません。" },
  "diag.folder_not_found.fix": { en: "Pick the Sent folder again from the folder list.", ja: "フォルダー一覧から送信済みフォルダーを選び直してください。" },
  "diag.unknown": { en: "The mail server reported an unexpected error: {detail} Check the settings and try again. If it keeps happening, pass this message on to your administrator.", ja: "メールサーバーが予期しないエラーを返しました: {detail}設定を確認して、もう一度お試しください。繰り返し発生する場合は、このメッセージを管理者に伝えてください。" },
  "diag.unknown.cause": { en: "The mail server reported an unexpected error: {detail}", ja: "メールサーバーが予期しないエラーを返しました: {detail}" },
  "diag.unknown.fix": { en: "Check the settings and try again. If it keeps happening, pass this message on to your administrator.", ja: "設定を確認して、もう一度お試しください。繰り返し発生する場合は、このメッセージを管理者に伝えてください。" },
  "diag.steps.app_password.gmail": { en: "Sign in to your Google Account and open Security.\nTurn on 2-Step Verification if it is off (app passwords need it).\nOpen https://myaccount.google.com/apppasswords.\nEnter a name such as \"CRM Mail Sync\" and click Create.\nCopy the 16-character password and paste it into the password field here.", ja: "Google アカウントにサインインし、「セキュリティ」を開きます。\n2段階認証プロセスが無効なら有効にします（アプリパスワードに必要です）。\nhttps://myaccount.google.com/apppasswords を開きます。\n「CRM Mail Sync」などの名前を入力し、「作成」をクリックします。\n表示された16文字のパスワードをコピーし、ここのパスワード欄に貼り付けます。" },
  "diag.steps.app_password.yahoo": { en: "Sign in to Yahoo Mail and open Account Info, then Account Security.\nTurn on 2-step verification if it is off.\nClick \"Generate app password\".\nEnter a name such as \"CRM Mail Sync\" and click Generate.\nCopy the password and paste it into the password field here.", ja: "Yahoo メールにサインインし、「アカウント情報」→「アカウントのセキュリティ」を開きます。\n2段階認証が無効なら有効にします。\n「アプリパスワードを生成」をクリックします。\n「CRM Mail Sync」などの名前を入力して生成します。\nパスワードをコピーし、ここのパスワード欄に貼り付けます。" },
  "diag.steps.app_password.zoho": { en: "Sign in at https://accounts.zoho.com.\nOpen Two-factor authentication (Multi-Factor Authentication), then \"Manage application-specific passwords\".\nEnter a device or app name such as \"CRM Mail Sync\" and your current Zoho password, then click Generate.\nCopy the password (it is shown only once) and paste it into the password field here.\nIn Zoho Mail, check that Settings, Mail Accounts, IMAP Access is switched on.", ja: "https://accounts.zoho.com にサインインします。\n「2段階認証」を開き、「アプリケーション固有のパスワードの管理」をクリックします。\n端末/アプリ名（例: CRM Mail Sync）と現在の Zoho アカウントのパスワードを入力し、「作成」をクリックします。\n表示されたパスワード（一度だけ表示されます）をコピーし、ここのパスワード欄に貼り付けます。\nZoho メールの「設定」→「メールアカウント」で、IMAP アクセスが有効になっていることを確認します。" },
  "diag.steps.app_password.icloud": { en: "Sign in to your Apple Account at https://account.apple.com.\nOpen Sign-In and Security, then App-Specific Passwords.\nClick Generate an app-specific password and enter a name such as \"CRM Mail Sync\".\nCopy the password and paste it into the password field here; use your full iCloud email address as the user name.", ja: "https://account.apple.com で Apple アカウントにサインインします。\n「サインインとセキュリティ」→「App 用パスワード」を開きます。\n「App 用パスワードを生成」をクリックし、「CRM Mail Sync」などの名前を入力します。\n表示されたパスワードをコピーしてここのパスワード欄に貼り付けます。ユーザー名には iCloud のメールアドレス全体を入力します。" },
  "diag.steps.app_password.aol": { en: "Sign in to AOL and open Account Info, then Account Security.\nClick \"Generate app password\".\nEnter a name such as \"CRM Mail Sync\" and click Generate.\nCopy the password and paste it into the password field here.", ja: "AOL にサインインし、「アカウント情報」→「アカウントのセキュリティ」を開きます。\n「アプリパスワードを生成」をクリックします。\n「CRM Mail Sync」などの名前を入力して生成します。\nパスワードをコピーし、ここのパスワード欄に貼り付けます。" },
  "diag.steps.yahoo_japan": { en: "Sign in to Yahoo! JAPAN Mail in a browser and open the mail settings (メールの設定).\nUnder \"IMAP/POP/SMTP access and mail forwarding\", allow access from services other than Yahoo! JAPAN's own, and save.\nEnter your Yahoo! JAPAN ID (the part before @) as the user name, not the full address.\nIf your Yahoo! JAPAN ID has no password (passwordless sign-in), set one first: mail apps cannot sign in without it.", ja: "ブラウザで Yahoo!メールにサインインし、「メールの設定」を開きます。\n「IMAP/POP/SMTPアクセスとメール転送」で、Yahoo! JAPAN公式サービス以外からのアクセスを有効にして保存します。\nユーザー名には、メールアドレス全体ではなく Yahoo! JAPAN ID（@より前の部分）を入力します。\nYahoo! JAPAN ID にパスワードを設定していない（パスワードレスの）場合は、先にパスワードを設定してください。パスワードがないとメールソフトからサインインできません。" },
  "diag.steps.web_login.gmail": { en: "In a web browser on a device you normally use, sign in to your Google Account.\nOpen Security and look at recent security activity; if Google asks whether the blocked sign-in was you, answer Yes.\nCreate an app password (Security, 2-Step Verification, App passwords) and enter it here.\nTest again within a few minutes.", ja: "普段使っている端末のブラウザで Google アカウントにサインインします。\n「セキュリティ」で最近のセキュリティ アクティビティを開き、ブロックされたログインについて確認を求められたら「はい」と答えます。\nアプリパスワードを作成し（「セキュリティ」→「2段階認証プロセス」→「アプリ パスワード」）、ここに入力します。\n数分以内にもう一度テストします。" },
  "diag.steps.imap.gmail": { en: "Open Gmail in a browser and click Settings (the gear), then See all settings.\nOpen the Forwarding and POP/IMAP tab.\nSelect Enable IMAP and click Save Changes.\nGoogle Workspace: an administrator may also have to allow IMAP for your organisation.", ja: "ブラウザで Gmail を開き、設定（歯車）→「すべての設定を表示」をクリックします。\n「メール転送と POP/IMAP」タブを開きます。\n「IMAP を有効にする」を選び、「変更を保存」をクリックします。\nGoogle Workspace の場合は、管理者が組織で IMAP を許可する必要があることもあります。" },
  "diag.steps.imap.zoho": { en: "Sign in to Zoho Mail and open Settings, then Mail Accounts.\nSelect the address, open IMAP and switch IMAP Access on.\nOrganisation accounts: the administrator may have to allow IMAP in the Zoho Mail Admin Console.", ja: "Zoho メールにサインインし、「設定」→「メールアカウント」を開きます。\nアドレスを選び、「IMAP」で「IMAP アクセス」を有効にします。\n組織のアカウントの場合は、管理者が Zoho Mail 管理コンソールで IMAP を許可する必要があることもあります。" },
  "diag.steps.oauth.microsoft365": { en: "Microsoft 365 no longer accepts passwords for IMAP.\nConnect this mailbox with \"Sign in with Microsoft\" (OAuth) instead; an administrator may have to approve the app for your organisation.", ja: "Microsoft 365 では、IMAP でのパスワードによる接続はできなくなりました。\n代わりに「Microsoft でサインイン」（OAuth）でこのメールボックスを接続してください。組織の管理者によるアプリの承認が必要な場合があります。" },
  "diag.steps.oauth.outlook": { en: "Outlook.com has not accepted passwords or app passwords from mail apps since September 2024.\nConnect this mailbox with \"Sign in with Microsoft\" (OAuth) instead.", ja: "Outlook.com では、2024年9月以降、メールソフトからのパスワードやアプリパスワードによる接続はできません。\n代わりに「Microsoft でサインイン」（OAuth）でこのメールボックスを接続してください。" },
  "diag.steps.smtp_auth.microsoft365": { en: "In the Microsoft 365 admin center, open Users, Active users, and select the user.\nOpen the Mail tab, then Manage email apps; tick Authenticated SMTP and save.\nIf the server says \"SmtpClientAuthentication is disabled for the Tenant\", an Exchange administrator must allow SMTP AUTH for the organisation, or connect with \"Sign in with Microsoft\" (OAuth).", ja: "Microsoft 365 管理センターで「ユーザー」→「アクティブなユーザー」を開き、対象のユーザーを選びます。\n「メール」タブの「メール アプリの管理」で「認証済み SMTP」にチェックを入れて保存します。\n「SmtpClientAuthentication is disabled for the Tenant」と表示される場合は、Exchange 管理者が組織の SMTP AUTH を許可するか、「Microsoft でサインイン」（OAuth）で接続してください。" },

  // OAuth2 sign-in with Google and Microsoft 365 (core/oauth, the diagnosis codes oauth_*)
  "diag.oauth_reconnect_needed": { en: "The mailbox's sign-in with {provider} is no longer valid (consent withdrawn, password changed or the sign-in expired). Its owner must reconnect it with \"Connect with {provider}\"; synced mail is kept.", ja: "{provider} へのサインインが無効になりました（許可の取り消し、パスワード変更、または有効期限切れ）。メールボックスの所有者が「{provider} で接続」からもう一度接続してください。同期済みのメールはそのまま残ります。" },
  "diag.oauth_reconnect_needed.cause": { en: "The mailbox's sign-in with {provider} is no longer valid (consent withdrawn, password changed or the sign-in expired).", ja: "{provider} へのサインインが無効になりました（許可の取り消し、パスワード変更、または有効期限切れ）。" },
  "diag.oauth_reconnect_needed.fix": { en: "Its owner must reconnect it with \"Connect with {provider}\"; synced mail is kept.", ja: "メールボックスの所有者が「{provider} で接続」からもう一度接続してください。同期済みのメールはそのまま残ります。" },
  "diag.oauth_admin_consent": { en: "Your organisation must approve CRM Mail Sync before you can connect (admin consent required). Ask your Microsoft 365 administrator to grant consent, then connect again.", ja: "接続する前に、組織が CRM Mail Sync を承認する必要があります（管理者の同意が必要）。Microsoft 365 の管理者に同意を依頼してから、もう一度接続してください。" },
  "diag.oauth_admin_consent.cause": { en: "Your organisation must approve CRM Mail Sync before you can connect (admin consent required).", ja: "接続する前に、組織が CRM Mail Sync を承認する必要があります（管理者の同意が必要）。" },
  "diag.oauth_admin_consent.fix": { en: "Ask your Microsoft 365 administrator to grant consent, then connect again.", ja: "Microsoft 365 の管理者に同意を依頼してから、もう一度接続してください。" },
  "diag.oauth_wrong_tenant": { en: "This account does not belong to the Microsoft 365 organisation CRM Mail Sync is set up for. Sign in with your work account of that organisation, or ask the administrator to allow accounts of yours.", ja: "このアカウントは、CRM Mail Sync が設定されている Microsoft 365 の組織に属していません。その組織の職場アカウントでサインインするか、管理者にあなたの組織のアカウントを許可するよう依頼してください。" },
  "diag.oauth_wrong_tenant.cause": { en: "This account does not belong to the Microsoft 365 organisation CRM Mail Sync is set up for.", ja: "このアカウントは、CRM Mail Sync が設定されている Microsoft 365 の組織に属していません。" },
  "diag.oauth_wrong_tenant.fix": { en: "Sign in with your work account of that organisation, or ask the administrator to allow accounts of yours.", ja: "その組織の職場アカウントでサインインするか、管理者にあなたの組織のアカウントを許可するよう依頼してください。" },
  "diag.oauth_scope_missing": { en: "The sign-in did not grant access to mail ({scopes}). Connect again and leave the mail permission ticked.", ja: "サインインでメールへのアクセス（{scopes}）が許可されませんでした。もう一度接続し、メールへのアクセス許可のチェックを外さないでください。" },
  "diag.oauth_scope_missing.cause": { en: "The sign-in did not grant access to mail ({scopes}).", ja: "サインインでメールへのアクセス（{scopes}）が許可されませんでした。" },
  "diag.oauth_scope_missing.fix": { en: "Connect again and leave the mail permission ticked.", ja: "もう一度接続し、メールへのアクセス許可のチェックを外さないでください。" },
  "diag.steps.oauth_mail.microsoft365": { en: "The sign-in worked, but the mail server refused it: IMAP or SMTP AUTH is probably switched off for this mailbox.\nIn the Microsoft 365 admin center, open Users, Active users, select the user, then Mail, Manage email apps.\nTick IMAP and Authenticated SMTP, save, wait a few minutes and test again.", ja: "サインインは成功しましたが、メールサーバーが接続を拒否しました。このメールボックスで IMAP または SMTP 認証が無効になっている可能性があります。\nMicrosoft 365 管理センターで「ユーザー」→「アクティブなユーザー」を開き、対象のユーザーを選んで「メール」→「メール アプリの管理」を開きます。\n「IMAP」と「認証済み SMTP」にチェックを入れて保存し、数分待ってからもう一度テストします。" },
  "diag.steps.admin_consent.microsoft365": { en: "A Microsoft Entra administrator opens Enterprise applications, finds CRM Mail Sync (or opens the consent link), and clicks \"Grant admin consent\".\nThe app asks for IMAP.AccessAsUser.All, SMTP.Send and offline_access (Office 365 Exchange Online).\nThen connect the mailbox again.", ja: "Microsoft Entra の管理者が「エンタープライズ アプリケーション」で CRM Mail Sync を開き（または同意用のリンクを開き）、「管理者の同意を与えます」をクリックします。\nアプリが求める権限は IMAP.AccessAsUser.All、SMTP.Send、offline_access（Office 365 Exchange Online）です。\nその後、もう一度メールボックスを接続します。" },
  oauth_not_configured: { en: "Sign-in with {provider} is not set up on this server (no client id and secret).", ja: "このサーバーでは {provider} でのサインインが設定されていません（クライアント ID とシークレットがありません）。" },
  oauth_origin_required: { en: "must come from the console's own page (the Origin header is missing).", ja: "コンソールのページから送信してください（Origin ヘッダーがありません）。" },
  oauth_state_invalid: { en: "is not a sign-in this session started, or it was already used or is older than 10 minutes. Start again with the Connect button.", ja: "このセッションで開始したサインインではないか、すでに使用済みか、10分以上経過しています。「接続」ボタンからやり直してください。" },
  oauth_code_invalid: { en: "was refused by {provider} (already used or expired). Start again with the Connect button.", ja: "{provider} に拒否されました（使用済みまたは期限切れ）。「接続」ボタンからやり直してください。" },
  oauth_denied: { en: "The sign-in with {provider} was cancelled, so nothing was connected.", ja: "{provider} でのサインインがキャンセルされたため、何も接続されていません。" },
  oauth_no_address: { en: "{provider} did not tell which address signed in. Connect again and allow access to your email address.", ja: "{provider} からサインインしたアドレスが返されませんでした。もう一度接続し、メールアドレスへのアクセスを許可してください。" },
  oauth_address_mismatch: { en: "You signed in as {signedIn}, but this mailbox is {expected}. Sign in with {expected}.", ja: "{signedIn} としてサインインしましたが、このメールボックスは {expected} です。{expected} でサインインしてください。" },
  oauth_provider_failed: { en: "{provider} could not be reached or answered with an error; try again in a moment.", ja: "{provider} に接続できないか、エラーが返されました。しばらくしてからもう一度お試しください。" },
  oauth_servers_fixed: { en: "cannot be changed for a mailbox connected with {provider}: its servers are the provider's. Connect with a password to use other servers.", ja: "{provider} で接続したメールボックスでは変更できません（サーバーはプロバイダーのものです）。別のサーバーを使うにはパスワードで接続してください。" },

  // integrations: API keys for a CRM (core/integrations)
  api_key_invalid: { en: "This API key is not valid: it is unknown, revoked or expired.", ja: "このAPIキーは無効です（不明、失効済み、または有効期限切れ）。" },
  api_key_scope_missing: { en: "This API key does not have the scope this route needs ({scope}).", ja: "このAPIキーには、このルートに必要なスコープ（{scope}）がありません。" },
  api_key_not_found: { en: "This API key does not exist.", ja: "このAPIキーは存在しません。" },
  api_key_user_unknown: { en: "must be an existing user: the key reads mail as this user would.", ja: "既存のユーザーを指定してください。キーはこのユーザーと同じ範囲でメールを読み取ります。" },
  api_key_expiry_past: { en: "must be in the future.", ja: "未来の日時を指定してください。" },
  webhook_url_invalid: { en: "must be an https URL such as https://crm.example.com/hooks/mail (no user name or password in it).", ja: "https://crm.example.com/hooks/mail のような https のURLを指定してください（ユーザー名やパスワードは含めないでください）。" },
  webhook_https_required: { en: "must use https: plain http is only allowed to a local test receiver.", ja: "https を使ってください。http はローカルのテスト用受信先にのみ使えます。" },
  webhook_not_found: { en: "This webhook endpoint does not exist.", ja: "このWebhookエンドポイントは存在しません。" },
  webhook_delivery_not_found: { en: "This webhook delivery does not exist (deliveries are kept for 30 days).", ja: "このWebhook配信は存在しません（配信記録の保存期間は30日です）。" },
  replay_range_invalid: { en: "must not be before from.", ja: "from より前の日時は指定できません。" },
};

export function translate(key: string, lang: Lang, params: Record<string, string | number> = {}): string {
  const entry = catalogue[key];
  const text = entry ? entry[lang] : key;
  return text.replace(/\{(\w+)\}/g, (_, name: string) => (params[name] !== undefined ? String(params[name]) : `{${name}}`));
}

export const hasMessage = (key: string): boolean => key in catalogue;

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
