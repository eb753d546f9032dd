import { describe, expect, it } from "vitest";
import { looksLikeEmail, normaliseEmail } from "../../core/contacts/email-address";

describe("normaliseEmail", () => {
  it("trims, lower-cases and keeps dots and tags in the local part", () => {
    expect(normaliseEmail("  J.Smith+crm@Example.COM ")).toBe("j.smith+crm@example.com");
  });
  it("turns an internationalised domain into its ASCII form", () => {
    expect(normaliseEmail("Taro@例え.テスト")).toBe("taro@xn--r8jz45g.xn--zckzah");
  });
  it("never folds dots: j.smith and jsmith stay two addresses", () => {
    expect(normaliseEmail("J.Smith@example.com")).not.toBe(normaliseEmail("JSmith@example.com"));
  });
  it("drops the trailing dot of a fully qualified domain", () => {
    expect(normaliseEmail("taro@Example.JP.")).toBe("taro@example.jp");
  });
  it("composes Unicode so the same address typed two ways is one key", () => {
    const decomposed = "jose\u0301@example.com";
    expect(normaliseEmail(decomposed)).toBe(normaliseEmail("jos\u00e9@example.com"));
  });
});

describe("looksLikeEmail", () => {
  it.each(["a@b.co", "taro.yamada@example.co.jp", "x+y@sub.example.org"])("accepts %s", (v) => expect(looksLikeEmail(v)).toBe(true));
  it.each(["", "plain", "a@b", "a b@c.com", "@example.com", "a@@b.com", `${"x".repeat(65)}@example.com`])("refuses %j", (v) => expect(looksLikeEmail(v)).toBe(false));
});
