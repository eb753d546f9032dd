/**
 * フリガナ: the reading of a contact's name, and the 50音 (gojūon) order contacts are listed in
 * when the console is in Japanese. A kanji name cannot be sorted by its code points (山田 and
 * 佐藤 come out in Unicode order, meaningless to a reader), so the list is ordered by the
 * reading people give, falling back to the name itself.
 */

/**
 * The reading as stored: NFKC (half-width ｶﾀｶﾅ and the ideographic space fold to their usual
 * forms: "ﾔﾏﾀﾞ" becomes "ヤマダ"), one space between words, no space at either end.
 */
export const normaliseReading = (text: string): string => text.normalize("NFKC").replace(/\s+/g, " ").trim();

/**
 * Hiragana (ぁ..ゖ, ゝゞ), katakana (ァ..ヺ, ヽヾ), the long vowel mark ー, the middle dot ・
 * (between the parts of a foreign name: ジョン・スミス) and spaces. Anything else (kanji,
 * Latin letters, digits) is not a reading.
 */
const KANA_ONLY = /^[\u3041-\u3096\u309d\u309e\u30a1-\u30fa\u30fb\u30fc\u30fd\u30fe ]+$/;

/** Whether a (normalised) reading holds kana only. */
export const isKanaReading = (text: string): boolean => KANA_ONLY.test(text);

/** Katakana to hiragana (ァ..ヶ and ヽヾ are 0x60 above their hiragana), so ヤマダ and やまだ compare equal. */
export const toHiragana = (text: string): string => text.replace(/[\u30a1-\u30f6\u30fd\u30fe]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60));

/**
 * The key contacts are sorted by in 50音 order: the reading (else the name) in NFKC, lower
 * case, katakana folded to hiragana. Hiragana code points follow the 50音 table (あいうえお
 * かきくけこ..., a voiced kana right after its plain one: か が き ぎ), so a plain string
 * comparison of these keys is 50音 order. Names without a reading sort by their own text:
 * Latin names before the kana, kanji names after them.
 */
export const kanaSortKey = (reading: string | null | undefined, name: string): string => kanaFold(reading || name);

/** The vowel each hiragana ends in, for the long vowel mark. */
const VOWEL_OF = new Map<string, string>(
  (
    [
      ["あ", "あぁかがさざただなはばぱまやゃらわゎ"],
      ["い", "いぃきぎしじちぢにひびぴみりゐ"],
      ["う", "うぅくぐすずつづっぬふぶぷむゆゅるゔ"],
      ["え", "えぇけげせぜてでねへべぺめれゑ"],
      ["お", "おぉこごそぞとどのほぼぽもよょろを"],
    ] as const
  ).flatMap(([vowel, kana]) => [...kana].map((k) => [k, vowel] as const)),
);

/**
 * ー as the vowel it lengthens (ローラ sorts as ろおら, before ろん), as dictionaries order it:
 * its code point would put every long vowel after ん.
 */
const spellLongVowels = (text: string): string => {
  let out = "";
  for (const c of text) out += c === "ー" ? (VOWEL_OF.get(out.at(-1) ?? "") ?? c) : c;
  return out;
};

/** The form search compares kana in (the sort key's form): "ヤマダ", "やまだ" and "ﾔﾏﾀﾞ" are one. */
export const kanaFold = (text: string): string => spellLongVowels(toHiragana(normaliseReading(text).toLowerCase()));
