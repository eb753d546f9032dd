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
  contact_not_found: { en: "This contact does not exist.", ja: "この連絡先は存在しません。" },
  user_not_found: { en: "This user does not exist.", ja: "このユーザーは存在しません。" },
  user_email_taken: { en: "A user with this email address already exists.", ja: "このメールアドレスのユーザーは既に存在します。" },
  account_email_taken: { en: "This mailbox is already connected for this user.", ja: "このメールボックスは既にこのユーザーに接続されています。" },
  cannot_remove_self: { en: "You cannot remove your own user.", ja: "自分自身のユーザーは削除できません。" },
  last_admin: { en: "At least one administrator must remain.", ja: "管理者が少なくとも1人必要です。" },
  body_too_large: { en: "The request body is too large.", ja: "リクエスト本文が大きすぎます。" },
  internal_error: { en: "Something went wrong on our side. Please try again; if it keeps happening, tell your administrator (reference {ref}).", ja: "サーバー側で問題が発生しました。もう一度お試しください。繰り返し発生する場合は管理者にお知らせください（参照番号 {ref}）。" },
  service_unavailable: { en: "The service is temporarily unavailable. Please try again shortly.", ja: "サービスが一時的に利用できません。しばらくしてからもう一度お試しください。" },

  // mailbox connection problems (the accounts issue adds provider-specific advice)
  imap_auth_failed: { en: "The mail server refused the user name or password. If the account uses 2-step verification, create an app password; if the password was changed, enter the new one.", ja: "メールサーバーがユーザー名またはパスワードを拒否しました。2段階認証を使っている場合はアプリパスワードを作成してください。パスワードを変更した場合は新しいパスワードを入力してください。" },
  imap_tls_untrusted: { en: "The server's certificate is not trusted. Fix the server's certificate, or allow insecure certificates if you control this server.", ja: "サーバーの証明書が信頼されていません。サーバーの証明書を修正するか、自社管理のサーバーであれば「安全でない証明書を許可」を有効にしてください。" },
  imap_tls_mismatch: { en: "The security setting does not match the port: port 993 uses TLS, port 143 uses STARTTLS.", ja: "セキュリティ設定がポートと一致しません。ポート993はTLS、ポート143はSTARTTLSを使います。" },
  imap_host_not_found: { en: "The mail server's host name could not be found. Check the spelling.", ja: "メールサーバーのホスト名が見つかりません。綴りを確認してください。" },
  imap_connection_refused: { en: "Nothing accepted the connection at this host and port. Check the port, or whether a firewall blocks it.", ja: "このホストとポートで接続を受け付けていません。ポート番号、またはファイアウォールを確認してください。" },
  imap_timeout: { en: "The mail server did not answer in time. It may be down or blocked by a firewall; we will retry.", ja: "メールサーバーが時間内に応答しませんでした。停止しているかファイアウォールで遮断されている可能性があります。再試行します。" },
  imap_throttled: { en: "The mail provider is limiting connections right now; we will retry later.", ja: "メールプロバイダーが現在接続を制限しています。後で再試行します。" },
  imap_failed: { en: "The mail server reported an error; we will retry.", ja: "メールサーバーがエラーを返しました。再試行します。" },
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
  host_not_allowed: { en: "points to a private or internal network address ({address}), which is not allowed.", ja: "プライベートまたは内部ネットワークのアドレス（{address}）を指しているため使用できません。" },
  host_not_found: { en: "could not be found in DNS. Check the spelling.", ja: "DNSで見つかりません。綴りを確認してください。" },
  duplicate_email: { en: "lists {address} more than once.", ja: "{address} が重複しています。" },
  password_weak: { en: "must be at least {minimum} characters.", ja: "{minimum}文字以上にしてください。" },
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
