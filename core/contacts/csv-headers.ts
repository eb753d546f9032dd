/** Which contact field each column of an imported CSV fills, from its header cell. */

export type ImportField = "name" | "reading" | "company" | "primaryEmail" | "secondaryEmails" | "externalId";

/** Header spellings per field, in the folded form of foldHeader. */
const HEADER_ALIASES: Record<ImportField, string[]> = {
  name: ["name", "fullname", "contactname", "氏名", "名前", "お名前", "担当者名", "担当者"],
  // フリガナ: as Japanese address books and CRMs title it (Excel's PHONETIC column, Sansan, kintone)
  reading: ["reading", "furigana", "kana", "フリガナ", "ふりがな", "ヨミガナ", "よみがな", "カナ", "かな", "読み", "よみ", "氏名フリガナ", "氏名カナ", "フリガナ氏名"],
  company: ["company", "companyname", "organization", "organisation", "会社名", "会社", "企業名", "所属", "勤務先"],
  primaryEmail: [
    "email",
    "emailaddress",
    "primaryemail",
    "mail",
    "mailaddress",
    "email1",
    "メールアドレス",
    "メール",
    "eメール",
    "eメールアドレス",
    "電子メール",
    "メールアドレス1",
  ],
  secondaryEmails: [
    "secondaryemails",
    "secondaryemail",
    "otheremails",
    "otheremail",
    "additionalemails",
    "email2",
    "サブメールアドレス",
    "サブメール",
    "その他のメールアドレス",
    "その他メールアドレス",
    "メールアドレス2",
  ],
  externalId: ["externalid", "外部id", "id", "crmid"],
};

/** NFKC (全角 -> half width), lower case, no spaces/_/-/./・, no "(必須)" or "*" markers. */
const foldHeader = (header: string): string =>
  header
    .normalize("NFKC")
    .toLowerCase()
    .replace(/\(.*?\)|\[.*?\]|【.*?】|[*※]/g, "")
    .replace(/[\s_\-.・:]/g, "");

const ALIAS_TO_FIELD = new Map<string, ImportField>(
  (Object.entries(HEADER_ALIASES) as [ImportField, string[]][]).flatMap(([field, names]) => names.map((n) => [foldHeader(n), field] as const)),
);

export interface ImportColumn {
  index: number;
  header: string;
  /** The contact field this column fills; null: ignored (unknown, or a second column for the same field). */
  field: ImportField | null;
}

/**
 * Maps header cells to fields. Each field takes its first column, except secondary addresses,
 * which may come from several columns (メールアドレス2, メールアドレス3 ...).
 */
export function mapHeaders(header: string[]): ImportColumn[] {
  const taken = new Set<ImportField>();
  return header.map((cell, index) => {
    const folded = foldHeader(cell);
    let field = ALIAS_TO_FIELD.get(folded) ?? (/^(email|メールアドレス)[3-9]$/.test(folded) ? "secondaryEmails" : null);
    if (field && field !== "secondaryEmails" && taken.has(field)) field = null;
    if (field) taken.add(field);
    return { index, header: cell.trim(), field };
  });
}
