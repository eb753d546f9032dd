import { describe, expect, it } from "vitest";
import { rejectedRowsCsv, templateCsv } from "../../core/contacts/csv-files";
import { mapHeaders, parseCsv, previewImport, type ImportRowOutcome } from "../../core/contacts/csv-import";

const utf8 = (text: string) => new TextEncoder().encode(text);
/** The CSV as the browser saves it: the text encoded as UTF-8 (the BOM included). */
const bytesOf = (csv: string) => utf8(csv);

describe("templateCsv", () => {
  it("starts with a UTF-8 BOM and ends its lines with CRLF, as Excel's CSV UTF-8", () => {
    const csv = templateCsv("ja");
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.slice(1).split("\r\n")).toHaveLength(3); // header, example, and the empty rest after the last CRLF
    expect([...bytesOf(csv).slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  });

  it("names the columns in the user's language, and the import maps every one back", () => {
    for (const lang of ["en", "ja"] as const) {
      // Act
      const header = parseCsv(templateCsv(lang))[0]!.fields;
      // Assess
      expect(mapHeaders(header).map((c) => c.field)).toEqual(["name", "reading", "company", "primaryEmail", "secondaryEmails", "externalId"]);
    }
    expect(parseCsv(templateCsv("ja"))[0]!.fields).toContain("フリガナ");
    expect(parseCsv(templateCsv("en"))[0]!.fields).toContain("Email");
  });

  it("holds one example row that the import accepts as it is", () => {
    for (const lang of ["en", "ja"] as const) {
      const preview = previewImport(bytesOf(templateCsv(lang)));
      expect(preview.counts).toEqual({ rows: 1, valid: 1, invalid: 0 });
      expect(preview.rows[0]!.values.reading).toBe("ヤマダ タロウ");
    }
  });
});

describe("rejectedRowsCsv", () => {
  const file =
    "氏名,フリガナ,メールアドレス,備考\r\n" + // 備考 is a column the import ignores: kept as is
    "山田 太郎,ヤマダ タロウ,taro@example.jp,VIP\r\n" +
    '"佐藤, 花子",サトウ,not-an-address,"複数行\n の備考"\r\n' +
    "鈴木 一郎,鈴木,ichiro@example.jp\r\n";

  it("gives exactly the rejected rows, cells as the file had them, with the reason in the user's language", () => {
    // Prepare
    const preview = previewImport(utf8(file));
    const outcomes: ImportRowOutcome[] = preview.rows.map((r) => ({ line: r.line, status: r.errors.length ? "skipped" : "created", id: null, errors: r.errors }));
    // Act
    const csv = rejectedRowsCsv(preview, outcomes, "ja")!;
    // Assess
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const records = parseCsv(csv);
    expect(records.map((r) => r.fields.slice(0, 4))).toEqual([
      ["氏名", "フリガナ", "メールアドレス", "備考"],
      ["佐藤, 花子", "サトウ", "not-an-address", "複数行\n の備考"],
      ["鈴木 一郎", "鈴木", "ichiro@example.jp", ""],
    ]);
    expect(records[0]!.fields[4]).toBe("取り込めなかった理由");
    expect(records[1]!.fields[4]).toBe("メールアドレス: 有効なメールアドレスを入力してください。");
    expect(records[2]!.fields[4]).toMatch(/^フリガナ: ひらがな・カタカナ/);
  });

  it("reads in English with English reasons, and is re-importable once fixed (the reason column ignored)", () => {
    // Prepare
    const preview = previewImport(utf8(file));
    const outcomes: ImportRowOutcome[] = preview.rows.map((r) => ({ line: r.line, status: r.errors.length ? "skipped" : "created", id: null, errors: r.errors }));
    const csv = rejectedRowsCsv(preview, outcomes, "en")!;
    expect(parseCsv(csv)[0]!.fields[4]).toBe("Reason not imported");
    expect(parseCsv(csv)[1]!.fields[4]).toBe("メールアドレス: must be a valid email address.");
    // Act: fix the two rows as a person would in Excel
    const fixed = csv.replace("not-an-address", "hanako@example.jp").replace(",鈴木,", ",スズキ イチロウ,");
    const again = previewImport(utf8(fixed));
    // Assess
    expect(again.counts).toEqual({ rows: 2, valid: 2, invalid: 0 });
    expect(again.columns.at(-1)).toMatchObject({ header: "Reason not imported", field: null });
    expect(again.rows.map((r) => r.values.name)).toEqual(["佐藤, 花子", "鈴木 一郎"]);
  });

  it("lists rows refused when written, and is null when every row was taken", () => {
    const preview = previewImport(utf8(file));
    const taken: ImportRowOutcome[] = preview.rows.map((r) => ({ line: r.line, status: "created", id: "x", errors: [] }));
    expect(rejectedRowsCsv(preview, taken, "ja")).toBeNull();
    const refused: ImportRowOutcome[] = [{ line: 2, status: "error", id: null, errors: [{ field: "primaryEmail", key: "primary_email_taken", params: { name: "山田 次郎" } }] }];
    const records = parseCsv(rejectedRowsCsv(preview, refused, "ja")!);
    expect(records).toHaveLength(2);
    expect(records[1]!.fields[0]).toBe("山田 太郎");
    expect(records[1]!.fields[4]).toContain("山田 次郎");
  });
});
