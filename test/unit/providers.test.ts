import { describe, expect, it } from "vitest";
import {
  defaultSaveSentCopy,
  domainMatches,
  listPresets,
  presetFor,
  presetForAccount,
  presetForDomain,
  providerForHost,
  usernameFor,
  zohoRegions,
  type ServerPreset,
} from "../../core/mail/providers";
import { toProviderView } from "../../core/mail/provider-view";
import { providerIds } from "../../core/accounts/schema";

const server = (host: string, port: number, security: ServerPreset["security"]) => ({ host, port, security });

describe("provider presets", () => {
  // The servers of docs/product.md's "Providers in 2026" table: a wrong port or security here
  // is a connection failure for every user of that provider.
  const table: [id: (typeof providerIds)[number], imap: ServerPreset, smtp: ServerPreset][] = [
    ["gmail", server("imap.gmail.com", 993, "tls"), server("smtp.gmail.com", 465, "tls")],
    ["microsoft365", server("outlook.office365.com", 993, "tls"), server("smtp.office365.com", 587, "starttls")],
    ["outlook", server("outlook.office365.com", 993, "tls"), server("smtp-mail.outlook.com", 587, "starttls")],
    ["yahoo", server("imap.mail.yahoo.com", 993, "tls"), server("smtp.mail.yahoo.com", 465, "tls")],
    ["yahoo_japan", server("imap.mail.yahoo.co.jp", 993, "tls"), server("smtp.mail.yahoo.co.jp", 465, "tls")],
    ["icloud", server("imap.mail.me.com", 993, "tls"), server("smtp.mail.me.com", 587, "starttls")],
    ["zoho", server("imap.zoho.com", 993, "tls"), server("smtp.zoho.com", 465, "tls")],
    ["zoho_pro", server("imappro.zoho.com", 993, "tls"), server("smtppro.zoho.com", 465, "tls")],
    ["aol", server("imap.aol.com", 993, "tls"), server("smtp.aol.com", 465, "tls")],
  ];

  it.each(table)("%s has the servers of the provider table", (id, imap, smtp) => {
    const preset = presetFor(id);
    expect(preset.imap).toEqual(imap);
    expect(preset.smtp).toEqual(smtp);
  });

  it("has a preset for every provider id, and 'other' has no servers", () => {
    expect(listPresets().map((p) => p.id)).toEqual([...providerIds]);
    expect(presetFor("other")).toMatchObject({ imap: null, smtp: null, auth: "password" });
  });

  it("says how each provider signs in: app passwords, OAuth only, or the password", () => {
    expect(presetFor("gmail").auth).toBe("app_password");
    expect(presetFor("yahoo").auth).toBe("app_password");
    expect(presetFor("icloud").auth).toBe("app_password");
    expect(presetFor("microsoft365").auth).toBe("oauth2_only");
    expect(presetFor("outlook").auth).toBe("oauth2_only");
    expect(presetFor("microsoft365").oauthScopes).toContain("https://outlook.office.com/IMAP.AccessAsUser.All");
    expect(presetFor("gmail").oauthScopes).toEqual(["https://mail.google.com/"]);
  });

  it("turns off the Sent copy exactly for the providers that file sent mail themselves", () => {
    const filesSentItself = ["gmail", "microsoft365", "outlook"];
    for (const preset of listPresets()) expect(preset.saveSentCopy, preset.id).toBe(!filesSentItself.includes(preset.id));
    for (const preset of listPresets()) expect(defaultSaveSentCopy(preset.id), preset.id).toBe(preset.saveSentCopy);
    expect(defaultSaveSentCopy(null)).toBe(true);
    expect(presetFor("gmail").saveSentCopy).toBe(false);
    expect(presetFor("yahoo").saveSentCopy).toBe(true);
  });

  it("gives Gmail's Sent folder in the user's language (seed 004)", () => {
    expect(presetFor("gmail").sentFolder).toEqual({ en: "[Gmail]/Sent Mail", ja: "[Gmail]/送信済みメール" });
    expect(toProviderView(presetFor("gmail"), "ja").sentFolder).toBe("[Gmail]/送信済みメール");
    expect(toProviderView(presetFor("gmail"), "en").sentFolder).toBe("[Gmail]/Sent Mail");
  });

  it("has numbered-step help in English and Japanese for every provider", () => {
    for (const preset of listPresets()) {
      expect(preset.label.en.length, preset.id).toBeGreaterThan(0);
      expect(preset.label.ja.length, preset.id).toBeGreaterThan(0);
      expect(preset.appPasswordSteps.en.length, preset.id).toBeGreaterThan(0);
      expect(preset.appPasswordSteps.ja.length, preset.id).toBe(preset.appPasswordSteps.en.length);
    }
    expect(presetFor("gmail").appPasswordSteps.en.join(" ")).toMatch(/myaccount\.google\.com\/apppasswords/);
    expect(presetFor("gmail").appPasswordSteps.ja.join(" ")).toMatch(/2段階認証/);
  });

  it("tells Microsoft users that password sign-in is disabled and OAuth is the way", () => {
    for (const id of ["microsoft365", "outlook"] as const) {
      const steps = presetFor(id).appPasswordSteps;
      expect(steps.en[0]).toMatch(/password sign-in is disabled/i);
      expect(steps.en.join(" ")).toMatch(/OAuth/);
      expect(steps.ja.join(" ")).toMatch(/OAuth/);
    }
  });
});

describe("Zoho data centres", () => {
  it.each([
    ["com", "zoho.com"],
    ["eu", "zoho.eu"],
    ["in", "zoho.in"],
    ["com.au", "zoho.com.au"],
    ["jp", "zoho.jp"],
    // Canada is not zoho.ca: Zoho runs it under its own domain zohocloud.ca
    ["zohocloud.ca", "zohocloud.ca"],
  ] as const)("region %s uses the hosts of %s, personal and organisation", (region, base) => {
    expect(presetFor("zoho", region)).toMatchObject({ region, imap: server(`imap.${base}`, 993, "tls"), smtp: server(`smtp.${base}`, 465, "tls") });
    expect(presetFor("zoho_pro", region)).toMatchObject({ region, imap: server(`imappro.${base}`, 993, "tls"), smtp: server(`smtppro.${base}`, 465, "tls") });
    expect(presetFor("zoho", region).appPasswordSteps.en.join(" ")).toContain(`accounts.${base}`);
  });

  it("lists every region with its servers for the console", () => {
    const view = toProviderView(presetFor("zoho_pro"), "en");
    expect(view.regions?.map((r) => r.region)).toEqual([...zohoRegions]);
    expect(view.regions?.find((r) => r.region === "eu")?.imap.host).toBe("imappro.zoho.eu");
  });

  it("refuses a region that is not a Zoho data centre", () => {
    expect(() => presetFor("zoho", "de" as never)).toThrow(/region/);
  });

  it("recognises Zoho hosts and their region from a host name", () => {
    expect(providerForHost("imappro.zoho.com.au")).toEqual({ id: "zoho_pro", region: "com.au" });
    expect(providerForHost("IMAP.ZOHOCLOUD.CA.")).toEqual({ id: "zoho", region: "zohocloud.ca" });
    expect(providerForHost("imap.gmail.com")).toEqual({ id: "gmail" });
    expect(providerForHost("outlook.office365.com")).toEqual({ id: "microsoft365" });
    expect(providerForHost("imap.example.com")).toBeUndefined();
  });
});

describe("providerForHost", () => {
  it("recognises the providers' servers beyond the preset hosts (aliases, regional hosts)", () => {
    expect(providerForHost("imap.gmail.com")?.id).toBe("gmail");
    expect(providerForHost("imap.googlemail.com")?.id).toBe("gmail");
    expect(providerForHost("outlook.office365.com")?.id).toBe("microsoft365");
    expect(providerForHost("outlook.office.com")?.id).toBe("microsoft365");
    expect(providerForHost("smtp-mail.outlook.com")?.id).toBe("outlook");
    expect(providerForHost("imap-mail.outlook.com")?.id).toBe("outlook");
    expect(providerForHost("imap.mail.yahoo.co.jp")?.id).toBe("yahoo_japan");
    expect(providerForHost("imap.mail.yahoo.com")?.id).toBe("yahoo");
    expect(providerForHost("imappro.zoho.eu")).toEqual({ id: "zoho_pro", region: "eu" });
    expect(providerForHost("imap.zoho.jp")).toEqual({ id: "zoho", region: "jp" });
    expect(providerForHost("imap.mail.me.com")?.id).toBe("icloud");
    expect(providerForHost("p03-imap.mail.me.com")?.id).toBe("icloud");
    expect(providerForHost("imap.aol.com")?.id).toBe("aol");
  });

  it("does not take a look-alike for a provider", () => {
    expect(providerForHost("mail.example.co.jp")).toBeUndefined();
    expect(providerForHost("gmail.com.example.net")).toBeUndefined();
    expect(providerForHost("notgmail.com")).toBeUndefined();
  });
});

describe("presetForAccount", () => {
  it("takes the account's provider, else the host's, with the Zoho data centre from the host", () => {
    expect(presetForAccount("yahoo", "mail.example.com")?.id).toBe("yahoo");
    expect(presetForAccount("other", "imap.gmail.com")?.id).toBe("gmail");
    expect(presetForAccount(null, "imap.gmail.com")?.id).toBe("gmail");
    expect(presetForAccount("other", "mail.example.com")).toBeUndefined();
    expect(presetForAccount("no_such_provider", "mail.example.com")).toBeUndefined();
    expect(presetForAccount("zoho_pro", "imappro.zoho.in")?.region).toBe("in");
  });
});

describe("presetForDomain", () => {
  it.each([
    ["gmail.com", "gmail"],
    ["googlemail.com", "gmail"],
    ["GMAIL.COM.", "gmail"],
    ["outlook.com", "outlook"],
    ["outlook.jp", "outlook"],
    ["hotmail.co.jp", "outlook"],
    ["hotmail.fr", "outlook"],
    ["live.jp", "outlook"],
    ["msn.com", "outlook"],
    ["yahoo.com", "yahoo"],
    ["yahoo.co.uk", "yahoo"],
    ["yahoo.com.au", "yahoo"],
    ["ymail.com", "yahoo"],
    ["yahoo.co.jp", "yahoo_japan"],
    ["ymail.ne.jp", "yahoo_japan"],
    ["icloud.com", "icloud"],
    ["me.com", "icloud"],
    ["mac.com", "icloud"],
    ["aol.com", "aol"],
    ["aol.co.uk", "aol"],
    ["zoho.com", "zoho"],
    ["zohomail.com", "zoho"],
  ])("%s is %s", (domain, id) => {
    expect(presetForDomain(domain)?.id).toBe(id);
  });

  it("knows the data centre of a Zoho personal domain", () => {
    expect(presetForDomain("zohomail.eu")).toMatchObject({ id: "zoho", region: "eu", imap: { host: "imap.zoho.eu" } });
    expect(presetForDomain("zohomail.in")?.imap?.host).toBe("imap.zoho.in");
    expect(presetForDomain("zohomail.ca")?.imap?.host).toBe("imap.zohocloud.ca");
  });

  it("has no preset for company domains, which autodiscovery finds by other means", () => {
    expect(presetForDomain("example.com")).toBeUndefined();
    expect(presetForDomain("google.com")).toBeUndefined();
    expect(presetForDomain("")).toBeUndefined();
  });

  it("does not let a look-alike subdomain pass as a provider's own domain", () => {
    expect(presetForDomain("hotmail.attacker.example")).toBeUndefined();
    expect(presetForDomain("yahoo.evil.co.jp")).toBeUndefined();
    expect(domainMatches("hotmail.*", "hotmail.co.uk")).toBe(true);
    expect(domainMatches("hotmail.*", "hotmail.example.com")).toBe(false);
    expect(domainMatches("hotmail.*", "hotmail")).toBe(false);
  });
});

describe("user names", () => {
  it("logs in to Yahoo! JAPAN with the part before @", () => {
    expect(presetFor("yahoo_japan").username).toBe("localpart");
    expect(usernameFor(presetFor("yahoo_japan").username, "taro.yamada@yahoo.co.jp")).toBe("taro.yamada");
  });
  it("logs in everywhere else with the whole address", () => {
    for (const preset of listPresets().filter((p) => p.id !== "yahoo_japan")) expect(preset.username, preset.id).toBe("email");
    expect(usernameFor("email", "Taro@Example.com")).toBe("Taro@Example.com");
  });
});
