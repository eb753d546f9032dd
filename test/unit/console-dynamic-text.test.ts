import { describe, expect, it } from "vitest";
import { toFieldProblems } from "../../core/shared/validation";
import { stepNoteKeys, type StepNote } from "../../core/shared/step-notes";
import { z } from "zod";
import { splitFieldErrors } from "../../web/src/components/fields";
import { dictionaries, plural, translate, type Lang } from "../../web/src/i18n/index";
import { mimeKind, noteText } from "../../web/src/i18n/dynamic";
import { asciiWordsIn } from "../support/ascii-words";

const t = (lang: Lang) => (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) => translate(lang, key, params);

describe("plurals and counters", () => {
  it("says 1 contact and 2 contacts in English, and counts people with 人 and mail with 通 in Japanese", () => {
    expect(translate("en", "contacts.count", { count: 1 })).toBe("1 contact");
    expect(translate("en", "contacts.count", { count: 2 })).toBe("2 contacts");
    expect(translate("en", "contacts.count", { count: 0 })).toBe("0 contacts");
    expect(translate("en", "contact.threadCount", { count: 1 })).toBe("1 email");
    expect(translate("en", "webhooks.replayQueued", { count: 1 })).toBe("1 event queued again.");
    expect(translate("ja", "contacts.count", { count: 1 })).toBe("1人");
    expect(translate("ja", "contact.threadCount", { count: 3 })).toBe("3通");
  });

  it("picks the form by the language's rules and leaves a plain placeholder as it is", () => {
    expect(plural("en", 1, "one", "other")).toBe("one");
    expect(plural("en", 1.5, "one", "other")).toBe("other");
    expect(plural("ja", 1, "one", "other")).toBe("other");
    // a formatted number ("1,234") is many
    expect(translate("en", "contacts.count", { count: "1,234" })).toBe("1,234 contacts");
    expect(translate("en", "import.selected", { name: "a.csv", size: "2 KB" })).toBe("a.csv · 2 KB");
  });
});

describe("dynamic text from the server said from its key", () => {
  it("has every step note in both languages, and no Latin words in the Japanese ones beyond its params", () => {
    for (const key of stepNoteKeys) {
      expect(dictionaries.en[`note.${key}`], key).toBeTruthy();
      const ja = dictionaries.ja[`note.${key}`];
      expect(ja, key).toBeTruthy();
      expect(
        asciiWordsIn(ja.replace(/\{[^}]*\}/g, "")).filter((w) => w !== "DNS"),
        key,
      ).toEqual([]);
    }
  });

  it("says a connection step's note in the reader's language with its params", () => {
    const signedIn: StepNote = { key: "signed_in", params: { user: "taro@example.jp" } };
    expect(noteText(t("ja"), "ja", signedIn)).toBe("taro@example.jp としてサインインしました");
    expect(noteText(t("en"), "en", signedIn)).toBe("Signed in as taro@example.jp");
    expect(noteText(t("en"), "en", { key: "folders", params: { count: 1 } })).toBe("1 folder");
    expect(noteText(t("ja"), "ja", { key: "folders", params: { count: 7 } })).toBe("フォルダー7個");
    expect(noteText(t("ja"), "ja", { key: "no_dns_record", params: {} })).toBe("該当するDNSレコードがありません");
  });

  it("says a deadline's seconds as a duration, not as a count of seconds", () => {
    expect(noteText(t("ja"), "ja", { key: "deadline", params: { seconds: 4 } })).toBe("4秒以内に応答がありませんでした");
    expect(noteText(t("en"), "en", { key: "deadline", params: { seconds: 240 } })).toBe("No answer within about 4 minutes");
  });

  it("names a file's kind from its MIME type as people call it", () => {
    expect(mimeKind("application/pdf")).toBe("mime.pdf");
    expect(mimeKind("application/vnd.openxmlformats-officedocument.wordprocessingml.document")).toBe("mime.word");
    expect(mimeKind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet; name=x.xlsx")).toBe("mime.excel");
    expect(mimeKind("IMAGE/PNG")).toBe("mime.image");
    expect(mimeKind("text/calendar")).toBe("mime.calendar");
    expect(mimeKind("application/octet-stream")).toBe("mime.other");
    expect(mimeKind(undefined)).toBe("mime.other");
    expect(translate("ja", mimeKind("image/jpeg"))).toBe("画像");
  });
});

describe("one clear reason per field", () => {
  it("keeps only the first problem of a field the server found", () => {
    const schema = z.object({ email: z.string().min(1).email(), name: z.string().min(3) });
    const result = schema.safeParse({ email: "", name: "x" });
    expect(result.success).toBe(false);
    const problems = toFieldProblems(result.error!);
    expect(problems.map((p) => p.field)).toEqual(["email", "name"]);
    expect(problems[0]!.key).toBe("required");
  });

  it("shows one message under a field even when the answer holds two for it", () => {
    const split = splitFieldErrors(
      [
        { field: "email", message: "必須です。" },
        { field: "email", message: "有効なメールアドレスを入力してください。" },
        { field: "other", message: "x" },
      ],
      (f) => (f === "email" ? "email" : null),
    );
    expect(split.byField).toEqual({ email: "必須です。" });
    expect(split.other).toEqual(["x"]);
  });
});

describe("the Japanese page checker's reading of text", () => {
  it("leaves out addresses, URLs, host names and file extensions, and keeps other ASCII words", () => {
    expect(asciiWordsIn("taro@example.jp に imap.example.jp:993 で接続 https://x.example/a?b 見積書.pdf")).toEqual([]);
    expect(asciiWordsIn("Signed in as 佐藤（Shift_JIS, UTF-8）")).toEqual(["Signed", "in", "as", "Shift_JIS", "UTF-8"]);
  });
});
