import { describe, expect, it } from "vitest";
import { isKanaReading, kanaFold, kanaSortKey, normaliseReading, toHiragana } from "../../core/contacts/reading";
import { contactInput } from "../../core/contacts/schema";
import { toFieldProblems } from "../../core/shared/validation";
import { translate } from "../../core/shared/i18n";

describe("normaliseReading", () => {
  it("folds half-width katakana and the ideographic space, and squeezes spaces", () => {
    expect(normaliseReading("ﾔﾏﾀﾞ\u3000\u3000ﾀﾛｳ ")).toBe("ヤマダ タロウ");
    expect(normaliseReading("  さとう   はなこ")).toBe("さとう はなこ");
  });
});

describe("isKanaReading", () => {
  it("takes hiragana, katakana, the long vowel mark, the middle dot and spaces", () => {
    for (const ok of ["ヤマダ タロウ", "やまだ たろう", "ローラ", "ジョン・スミス", "ヴァイオリン", "ゞゝヽヾ"]) expect(isKanaReading(ok), ok).toBe(true);
  });

  it("refuses kanji, Latin letters, digits and punctuation", () => {
    for (const bad of ["山田", "Yamada", "ヤマダ1", "ヤマダ、タロウ", "ヤマダ（タロウ）", ""]) expect(isKanaReading(bad), bad).toBe(false);
  });
});

describe("kanaSortKey", () => {
  it("compares katakana, hiragana and half-width katakana as one", () => {
    expect(kanaSortKey("ヤマダ タロウ", "山田 太郎")).toBe(kanaSortKey("やまだ たろう", "x"));
    expect(kanaSortKey("ﾔﾏﾀﾞ ﾀﾛｳ", "x")).toBe("やまだ たろう");
    expect(toHiragana("ヴァ")).toBe("ゔぁ");
    expect(kanaFold("ヤマダ")).toBe("やまだ");
  });

  it("sorts the long vowel mark as the vowel it lengthens: ローラ before ロン, after ロア", () => {
    expect(kanaFold("ローラ")).toBe("ろおら");
    expect(kanaFold("スーパー")).toBe("すうぱあ");
    const keys = ["ロン", "ローラ", "ロア"].map((r) => kanaSortKey(r, "x")).sort();
    expect(keys).toEqual(["ろあ", "ろおら", "ろん"]);
  });

  it("falls back to the name when there is no reading", () => {
    expect(kanaSortKey(null, "Bob Smith")).toBe("bob smith");
    expect(kanaSortKey("", "あべ")).toBe("あべ");
  });

  it("orders readings in 50音 order: あ行 before か行, a voiced kana right after its plain one", () => {
    // Prepare: 佐藤 (さとう), 阿部 (あべ), 後藤 (ごとう), 加藤 (かとう), 渡辺 (わたなべ)
    const people = [
      { reading: "サトウ", name: "佐藤" },
      { reading: "わたなべ", name: "渡辺" },
      { reading: "ゴトウ", name: "後藤" },
      { reading: "アベ", name: "阿部" },
      { reading: "かとう", name: "加藤" },
    ];
    // Act
    const sorted = people.map((p) => ({ ...p, key: kanaSortKey(p.reading, p.name) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    // Assess
    expect(sorted.map((p) => p.name)).toEqual(["阿部", "加藤", "後藤", "佐藤", "渡辺"]);
  });
});

describe("the reading field of a contact", () => {
  it("accepts kana and an empty reading", () => {
    expect(contactInput.safeParse({ name: "山田 太郎", reading: "ﾔﾏﾀﾞ ﾀﾛｳ", primaryEmail: "taro@example.jp" }).success).toBe(true);
    expect(contactInput.safeParse({ name: "山田 太郎", reading: "", primaryEmail: "taro@example.jp" }).success).toBe(true);
    expect(contactInput.safeParse({ name: "山田 太郎", reading: null, primaryEmail: "taro@example.jp" }).success).toBe(true);
  });

  it("refuses a reading that is not kana, naming the field and the reason in both languages", () => {
    // Act
    const parsed = contactInput.safeParse({ name: "山田 太郎", reading: "山田", primaryEmail: "taro@example.jp" });
    // Assess
    expect(parsed.success).toBe(false);
    const problems = toFieldProblems(parsed.error!);
    expect(problems).toEqual([{ field: "reading", key: "reading_not_kana", params: undefined }]);
    expect(translate("reading_not_kana", "en")).toMatch(/kana/);
    expect(translate("reading_not_kana", "ja")).toMatch(/カタカナ/);
  });
});
