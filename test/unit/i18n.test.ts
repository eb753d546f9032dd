import { describe, expect, it } from "vitest";
import { pickLanguage, translate } from "../../core/shared/i18n";

describe("pickLanguage", () => {
  it("chooses Japanese when the browser prefers it", () => {
    expect(pickLanguage("ja-JP,ja;q=0.9,en-US;q=0.8")).toBe("ja");
  });
  it("honours q-values rather than order", () => {
    expect(pickLanguage("en;q=0.4, ja;q=0.9")).toBe("ja");
    expect(pickLanguage("ja;q=0.1, en")).toBe("en");
  });
  it("falls back to English for unknown or missing languages", () => {
    expect(pickLanguage("fr-FR")).toBe("en");
    expect(pickLanguage(undefined)).toBe("en");
  });
});

describe("translate", () => {
  it("fills placeholders in both languages", () => {
    expect(translate("too_big_number", "en", { maximum: 65535 })).toBe("must be 65535 or less.");
    expect(translate("too_big_number", "ja", { maximum: 65535 })).toBe("65535以下で指定してください。");
  });
  it("returns the key itself for an unknown key, never throwing", () => {
    expect(translate("no_such_key", "ja")).toBe("no_such_key");
  });
});
