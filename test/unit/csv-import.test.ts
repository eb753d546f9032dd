import { describe, expect, it } from "vitest";
// iconv-lite is the independent encoder here: the code under test decodes with Node's own
// TextDecoder, so a file made by iconv-lite proves the two agree on real Shift_JIS bytes.
import iconv from "iconv-lite";
import { CSV_MAX_BYTES, CSV_MAX_ROWS, decodeCsv, mapHeaders, parseCsv, previewImport } from "../../core/contacts/csv-import";
import { isAppError } from "../../core/shared/errors";

const utf8 = (text: string) => new TextEncoder().encode(text);
const sjis = (text: string) => new Uint8Array(iconv.encode(text, "cp932"));
const withBom = (bytes: Uint8Array) => new Uint8Array([0xef, 0xbb, 0xbf, ...bytes]);

/** The catalogue code and params of the AppError `fn` throws. */
function refusal(fn: () => unknown): { code: string; params: Record<string, unknown> } {
  try {
    fn();
  } catch (err) {
    if (isAppError(err)) return { code: err.code, params: err.params };
    throw err;
  }
  throw new Error("expected an AppError, nothing was thrown");
}

describe("decodeCsv", () => {
  it("reads UTF-8 with a BOM and drops the BOM", () => {
    // Prepare
    const bytes = withBom(utf8("氏名,メールアドレス\r\n山田 太郎,taro@example.jp\r\n"));
    // Act
    const { text, encoding } = decodeCsv(bytes);
    // Assess
    expect(encoding).toBe("utf-8");
    expect(text.startsWith("氏名")).toBe(true);
    expect(text.charCodeAt(0)).not.toBe(0xfeff);
  });

  it("reads UTF-8 without a BOM, plain ASCII included", () => {
    expect(decodeCsv(utf8("name,email\nA,a@example.com\n"))).toEqual({ text: "name,email\nA,a@example.com\n", encoding: "utf-8" });
    expect(decodeCsv(utf8("名前,メール\n")).encoding).toBe("utf-8");
  });

  it("reads Shift_JIS as Excel on Japanese Windows writes it", () => {
    const source = "氏名,会社名,メールアドレス\r\n山田 太郎,株式会社サンプル,taro@example.jp\r\nｶﾀｶﾅ 半角,（株）テスト,hankaku@example.jp\r\n";
    const bytes = sjis(source);
    expect(() => new TextDecoder("utf-8", { fatal: true }).decode(bytes)).toThrow(); // really not UTF-8
    expect(decodeCsv(bytes)).toEqual({ text: source, encoding: "shift_jis" });
  });

  it("decodes hand-written Shift_JIS bytes for 山田 (0x8E52 0x9363)", () => {
    expect(decodeCsv(new Uint8Array([0x8e, 0x52, 0x93, 0x63]))).toEqual({ text: "山田", encoding: "shift_jis" });
  });

  it("decodes Windows-31J extensions that plain JIS X 0208 lacks (① NEC, 髙 IBM)", () => {
    // ① = 0x8740 (NEC row 13), 髙 = 0xFBFC (IBM extension): common in Japanese names and addresses.
    expect(decodeCsv(new Uint8Array([0x87, 0x40, 0xfb, 0xfc])).text).toBe("①髙");
    expect(decodeCsv(sjis("髙橋,﨑")).text).toBe("髙橋,﨑");
  });

  it("refuses what is neither, and says what to do with UTF-16 and Excel workbooks", () => {
    expect(refusal(() => decodeCsv(new Uint8Array([0x41, 0xfd, 0x42]))).code).toBe("csv_encoding_unknown");
    expect(refusal(() => decodeCsv(new Uint8Array([0xff, 0xfe, 0x41, 0x00]))).code).toBe("csv_utf16_unsupported");
    expect(refusal(() => decodeCsv(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]))).code).toBe("csv_is_workbook");
  });
});

describe("parseCsv", () => {
  it("keeps commas, doubled quotes and line breaks inside quoted fields", () => {
    const records = parseCsv('name,company,note\r\n"Smith, John","Acme ""Tools""","line one\r\nline two"\r\nB,,x\r\n');
    expect(records).toEqual([
      { line: 1, fields: ["name", "company", "note"] },
      { line: 2, fields: ["Smith, John", 'Acme "Tools"', "line one\r\nline two"] },
      { line: 4, fields: ["B", "", "x"] },
    ]);
  });

  it("accepts LF and lone CR line ends, a missing final line end, and ignores a trailing empty line", () => {
    expect(parseCsv("a,b\nc,d").map((r) => r.fields)).toEqual([
      ["a", "b"],
      ["c", "d"],
    ]);
    expect(parseCsv("a,b\rc,d\r").map((r) => r.fields)).toEqual([
      ["a", "b"],
      ["c", "d"],
    ]);
    expect(parseCsv("a,b\r\nc,d\r\n\r\n")).toHaveLength(2);
  });

  it("drops blank lines and Excel's all-empty padding rows but counts their lines", () => {
    const records = parseCsv("a,b\n\n,,\nc,d\n");
    expect(records).toEqual([
      { line: 1, fields: ["a", "b"] },
      { line: 4, fields: ["c", "d"] },
    ]);
  });

  it("keeps an empty quoted field and a quote inside an unquoted field", () => {
    expect(parseCsv('"",5" disk,x\n')[0]!.fields).toEqual(["", '5" disk', "x"]);
  });

  it("numbers records by physical line across mixed line ends, blank lines and line breaks inside quotes", () => {
    // Prepare: CRLF, LF and lone CR in one file; a quoted CRLF and a quoted LF; blank and padding lines
    const text = 'a,b\r\n\r\n"x\r\ny",z\n,,\r山田,"太\n郎"\rlast,1';
    // Act + Assess
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ["a", "b"] },
      { line: 3, fields: ["x\r\ny", "z"] },
      { line: 6, fields: ["山田", "太\n郎"] },
      { line: 8, fields: ["last", "1"] },
    ]);
    expect(refusal(() => parseCsv(text + '\r\n\n"open,2\n'))).toEqual({ code: "csv_unterminated_quote", params: { line: 10 } });
  });

  it("names the line where an unclosed quote starts", () => {
    expect(refusal(() => parseCsv('name,email\nA,a@example.com\n"B,b@example.com\nC,c@example.com\n'))).toEqual({ code: "csv_unterminated_quote", params: { line: 3 } });
  });
});

describe("mapHeaders", () => {
  it("maps Japanese and English headers, full-width and marked ones included", () => {
    const cols = mapHeaders(["氏名", "会社名", "メールアドレス（必須）", "その他のメールアドレス", "外部ＩＤ", "備考"]);
    expect(cols.map((c) => c.field)).toEqual(["name", "company", "primaryEmail", "secondaryEmails", "externalId", null]);
    const en = mapHeaders(["Name", "Company", "E-mail", "Secondary Emails", "External ID"]);
    expect(en.map((c) => c.field)).toEqual(["name", "company", "primaryEmail", "secondaryEmails", "externalId"]);
    expect(mapHeaders(["名前", "会社", "メール", "サブメールアドレス", "ID"]).map((c) => c.field)).toEqual(["name", "company", "primaryEmail", "secondaryEmails", "externalId"]);
  });

  it("maps a フリガナ column in the spellings Japanese address books use", () => {
    for (const header of ["フリガナ", "ふりがな", "ﾌﾘｶﾞﾅ", "reading", "Furigana", "よみがな", "氏名フリガナ"])
      expect(mapHeaders(["氏名", header])[1]!.field, header).toBe("reading");
  });

  it("gives each field its first column, but merges every secondary address column", () => {
    const cols = mapHeaders(["name", "email", "メールアドレス2", "メールアドレス3", "氏名"]);
    expect(cols.map((c) => c.field)).toEqual(["name", "primaryEmail", "secondaryEmails", "secondaryEmails", null]);
  });
});

describe("previewImport", () => {
  it("reads a Shift_JIS file with Japanese headers into contact values", () => {
    // Prepare
    const file = sjis(
      "外部ID,氏名,会社名,メールアドレス,サブメールアドレス\r\n" +
        "C-1,山田 太郎,株式会社サンプル,Taro.Yamada@Example.co.jp,yamada@gmail.com; t.yamada@example.jp\r\n" +
        'C-2,佐藤 花子,"サンプル, 大阪支店",ｈａｎａｋｏ＠ｅｘａｍｐｌｅ．ｊｐ,\r\n',
    );
    // Act
    const preview = previewImport(file);
    // Assess
    expect(preview.encoding).toBe("shift_jis");
    expect(preview.counts).toEqual({ rows: 2, valid: 2, invalid: 0 });
    expect(preview.rows[0]).toEqual({
      line: 2,
      cells: ["C-1", "山田 太郎", "株式会社サンプル", "Taro.Yamada@Example.co.jp", "yamada@gmail.com; t.yamada@example.jp"],
      values: {
        externalId: "C-1",
        name: "山田 太郎",
        reading: null,
        company: "株式会社サンプル",
        primaryEmail: "Taro.Yamada@Example.co.jp",
        secondaryEmails: ["yamada@gmail.com", "t.yamada@example.jp"],
      },
      errors: [],
    });
    // a quoted comma stays in the company; full-width letters typed with the IME on become ASCII
    expect(preview.rows[1]!.values).toMatchObject({ company: "サンプル, 大阪支店", primaryEmail: "hanako@example.jp", secondaryEmails: [] });
  });

  it("reads the reading column and refuses a reading that is not kana, naming the field", () => {
    const preview = previewImport(utf8("氏名,フリガナ,メールアドレス\n山田 太郎,ﾔﾏﾀﾞ ﾀﾛｳ,taro@example.jp\n鈴木 一郎,鈴木,ichiro@example.jp\n"));
    expect(preview.rows[0]!.values.reading).toBe("ﾔﾏﾀﾞ ﾀﾛｳ");
    expect(preview.rows[0]!.errors).toEqual([]);
    expect(preview.rows[1]!.errors).toEqual([{ field: "reading", key: "reading_not_kana", params: undefined }]);
  });

  it("splits several secondary addresses on ; , 、 and spaces", () => {
    const preview = previewImport(utf8('name,email,secondary emails\nA,a@example.com,"b@example.com, c@example.com;d@example.com e@example.com、f@example.com"\n'));
    expect(preview.rows[0]!.values.secondaryEmails).toEqual(["b@example.com", "c@example.com", "d@example.com", "e@example.com", "f@example.com"]);
  });

  it("names each bad field of each row: a bad email, a missing name, a bad secondary address", () => {
    const preview = previewImport(
      withBom(
        utf8("氏名,メールアドレス,その他のメールアドレス\n山田 太郎,not-an-email,\n,sato@example.jp,\n鈴木 一郎,suzuki@example.jp,ok@example.jp;bad@@x\n田中,tanaka@example.jp,\n"),
      ),
    );
    expect(preview.counts).toEqual({ rows: 4, valid: 1, invalid: 3 });
    expect(preview.rows.map((r) => [r.line, r.errors.map((e) => `${e.field}:${e.key}`)])).toEqual([
      [2, ["primaryEmail:invalid_email"]],
      [3, ["name:required"]],
      [4, ["secondaryEmails.1:invalid_email"]],
      [5, []],
    ]);
  });

  it("refuses an address listed twice in a row, and a primary address or external id repeated in the file", () => {
    const preview = previewImport(
      utf8(
        "external id,name,email,secondary emails\n" +
          "X1,A,a@example.com,A@Example.com \n" + // same address after normalisation
          "X2,B,b@example.com,\n" +
          "X3,B again,B@EXAMPLE.COM,\n" + // primary repeats line 3
          "X2,C,c@example.com,\n" + // external id repeats line 3
          "X5,D,d@example.com,b@example.com\n", // a shared secondary address is fine
      ),
    );
    expect(preview.rows.map((r) => r.errors)).toEqual([
      [{ field: "secondaryEmails.0", key: "duplicate_email", params: { address: "A@Example.com" } }],
      [],
      [{ field: "primaryEmail", key: "duplicate_in_file", params: { line: 3 } }],
      [{ field: "externalId", key: "duplicate_in_file", params: { line: 3 } }],
      [],
    ]);
  });

  it("refuses a file without a name or email column, or without rows", () => {
    expect(refusal(() => previewImport(utf8("会社名,メールアドレス\nX,a@example.com\n"))).code).toBe("csv_missing_name_column");
    expect(refusal(() => previewImport(utf8("氏名,会社名\n山田,X\n"))).code).toBe("csv_missing_email_column");
    expect(refusal(() => previewImport(utf8("氏名,メールアドレス\r\n"))).code).toBe("csv_empty");
    expect(refusal(() => previewImport(new Uint8Array())).code).toBe("csv_empty");
  });

  it("accepts exactly 10,000 rows and refuses 10,001; refuses more than 5 MB", () => {
    const rows = (n: number) => "name,email\n" + Array.from({ length: n }, (_, i) => `P${i},p${i}@example.com\n`).join("");
    expect(previewImport(utf8(rows(CSV_MAX_ROWS))).counts.rows).toBe(10_000);
    expect(refusal(() => previewImport(utf8(rows(CSV_MAX_ROWS + 1))))).toEqual({ code: "csv_too_many_rows", params: { maximum: 10_000 } });
    const big = new Uint8Array(CSV_MAX_BYTES + 1).fill(0x41);
    expect(refusal(() => previewImport(big))).toEqual({ code: "csv_too_large", params: { maximum: 5 } });
  });

  it("reads a tab-separated file when the header has tabs and no comma", () => {
    const preview = previewImport(utf8("氏名\tメールアドレス\n山田, 太郎\ttaro@example.jp\n"));
    expect(preview.rows[0]!.values).toMatchObject({ name: "山田, 太郎", primaryEmail: "taro@example.jp" });
  });
});
