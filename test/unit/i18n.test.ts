import { describe, expect, it } from "vitest";
import { hasMessage, pickLanguage, translate } from "../../core/shared/i18n";

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
  it("refuses an unknown key at the type-check, and still returns the key itself at run time, never throwing", () => {
    // @ts-expect-error an unknown key fails `npm run typecheck`: this line proves it does
    expect(translate("no_such_key", "ja")).toBe("no_such_key");
  });

  it("composes a message told as cause and fix from its two parts: a space between them in English, none in Japanese", () => {
    // Prepare
    const params = { port: 993, expected: "TLS" };
    // Act
    const en = translate("diag.tls_mismatch", "en", params);
    const ja = translate("diag.tls_mismatch", "ja", params);
    // Assess
    expect(en).toBe(`${translate("diag.tls_mismatch.cause", "en", params)} ${translate("diag.tls_mismatch.fix", "en", params)}`);
    expect(en).toMatch(/^The security setting does not match the port: the server on port 993 expects TLS\. Choose TLS for port 993\./);
    expect(ja).toBe(translate("diag.tls_mismatch.cause", "ja", params) + translate("diag.tls_mismatch.fix", "ja", params));
    expect(hasMessage("diag.tls_mismatch")).toBe(true);
    expect(hasMessage("diag")).toBe(false);
    expect(hasMessage("diag.no_such_code")).toBe(false);
  });
});
