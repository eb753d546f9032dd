import { describe, expect, it } from "vitest";
import {
  autodiscover,
  baseDomain,
  bestSrvTarget,
  discoverySteps,
  HttpStatusError,
  mapMxHost,
  parseConfigXml,
  parseXml,
  type AutodiscoverDeps,
  type AutodiscoverResult,
  type DiscoveryStep,
  type StepReport,
  type MxRecordLike,
  type SrvRecordLike,
} from "../../core/accounts/autodiscover";
import type { PinnedSettings } from "../../core/accounts/domain-settings";
import { AppError } from "../../core/shared/errors";
import { dnsError } from "../support/library-errors";

// ---------------------------------------------------------------------------------------------
// A fake world: every network answer is scripted; nothing leaves the process.

type Answer = string | Error | "hang";

interface World {
  admin?: PinnedSettings;
  /** URL without query string -> answer; anything else is a 404. */
  http?: Record<string, Answer>;
  srv?: Record<string, SrvRecordLike[]>;
  mx?: MxRecordLike[];
  /** "host:port" that answer a probe. */
  listening?: string[];
  deadlineMs?: number;
}

interface Recorded {
  fetched: string[];
  probed: string[];
  dns: string[];
}

function fakeDeps(world: World): AutodiscoverDeps & { recorded: Recorded } {
  const recorded: Recorded = { fetched: [], probed: [], dns: [] };
  const notFound = (what: string) => dnsError("ENODATA", what.startsWith("_") ? "querySrv" : "queryMx", what);
  return {
    recorded,
    deadlineMs: world.deadlineMs ?? 2000,
    domainSettings: async (domain) => (world.admin && world.admin.domain === domain ? world.admin : undefined),
    async fetchText(url) {
      recorded.fetched.push(url);
      const answer = world.http?.[url.split("?")[0]!];
      if (answer === undefined) throw new HttpStatusError(404, url);
      if (answer === "hang") return new Promise<string>(() => undefined); // never answers, ignores abort
      if (answer instanceof Error) throw answer;
      return answer;
    },
    async resolveSrv(name) {
      recorded.dns.push(`SRV ${name}`);
      const records = world.srv?.[name];
      if (!records) throw notFound(name);
      return records;
    },
    async resolveMx(name) {
      recorded.dns.push(`MX ${name}`);
      if (!world.mx) throw notFound(name);
      return world.mx;
    },
    async probe(host, port, security, kind) {
      recorded.probed.push(`${kind} ${host}:${port} ${security}`);
      return (world.listening ?? []).includes(`${host}:${port}`);
    },
  };
}

interface ServerSpec {
  type: string;
  host: string;
  port?: number;
  socket?: string;
  username?: string;
  auth?: string[];
}

const serverXml = (tag: "incomingServer" | "outgoingServer", s: ServerSpec) =>
  `<${tag} type="${s.type}">
      <hostname>${s.host}</hostname>
      ${s.port === undefined ? "" : `<port>${s.port}</port>`}
      <socketType>${s.socket ?? "SSL"}</socketType>
      <username>${s.username ?? "%EMAILADDRESS%"}</username>
      ${(s.auth ?? ["password-cleartext"]).map((a) => `<authentication>${a}</authentication>`).join("")}
    </${tag}>`;

/** A config-v1.1.xml document as Thunderbird's ISPDB writes them. */
function configXml(incoming: ServerSpec[], outgoing: ServerSpec[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="example">
    <domain>example.com</domain>
    <displayName>Example Mail</displayName>
    ${incoming.map((s) => serverXml("incomingServer", s)).join("\n")}
    ${outgoing.map((s) => serverXml("outgoingServer", s)).join("\n")}
  </emailProvider>
</clientConfig>`;
}

const simpleConfig = (imapHost: string, smtpHost: string) => configXml([{ type: "imap", host: imapHost, port: 993 }], [{ type: "smtp", host: smtpHost, port: 465 }]);

const pin = (domain: string, over: Partial<PinnedSettings> = {}): PinnedSettings => ({
  domain,
  imap: { host: "imap.pinned.test", port: 993, security: "tls" },
  smtp: { host: "smtp.pinned.test", port: 587, security: "starttls" },
  username: "email",
  ...over,
});

const step = (result: AutodiscoverResult, name: DiscoveryStep): StepReport => result.sources.find((s) => s.step === name)!;

// ---------------------------------------------------------------------------------------------

// Written out, not imported: the test must fail if the module's order changes.
const PRIORITY = ["admin", "preset", "autoconfig", "ispdb", "srv", "mx", "guess"] as const;

describe("priority: admin > preset > autoconfig > ispdb > srv > mx > guess", () => {
  it("is the order the module declares", () => {
    expect([...discoverySteps]).toEqual([...PRIORITY]);
  });

  // Every source answers, each with different servers; sources above `level` are silenced.
  // The source at `level` must win, whatever the ones below it say.
  const answers: Record<DiscoveryStep, { imap: string; smtp: string }> = {
    admin: { imap: "imap.pinned.test", smtp: "smtp.pinned.test" },
    preset: { imap: "imap.gmail.com", smtp: "smtp.gmail.com" },
    autoconfig: { imap: "imap.from-autoconfig.test", smtp: "smtp.from-autoconfig.test" },
    ispdb: { imap: "imap.from-ispdb.test", smtp: "smtp.from-ispdb.test" },
    srv: { imap: "imap.from-srv.test", smtp: "smtp.from-srv.test" },
    // MX at Google: the domain is a Google Workspace one
    mx: { imap: "imap.gmail.com", smtp: "smtp.gmail.com" },
    guess: { imap: "imap.example.com", smtp: "smtp.example.com" },
  };

  function worldFrom(level: number, domain: string): World {
    const on = (s: DiscoveryStep) => PRIORITY.indexOf(s) >= level;
    return {
      admin: on("admin") ? pin(domain) : undefined,
      http: {
        ...(on("autoconfig") ? { [`https://autoconfig.${domain}/mail/config-v1.1.xml`]: simpleConfig(answers.autoconfig.imap, answers.autoconfig.smtp) } : {}),
        ...(on("ispdb") ? { [`https://autoconfig.thunderbird.net/v1.1/${domain}`]: simpleConfig(answers.ispdb.imap, answers.ispdb.smtp) } : {}),
      },
      srv: on("srv")
        ? {
            [`_imaps._tcp.${domain}`]: [{ name: answers.srv.imap, port: 993, priority: 0, weight: 0 }],
            [`_submissions._tcp.${domain}`]: [{ name: answers.srv.smtp, port: 465, priority: 0, weight: 0 }],
          }
        : undefined,
      mx: on("mx") ? [{ exchange: "aspmx.l.google.com", priority: 1 }] : undefined,
      listening: on("guess") ? ["imap.example.com:993", "smtp.example.com:465", `imap.${domain}:993`, `smtp.${domain}:465`] : [],
    };
  }

  it.each(PRIORITY.map((s, i) => [s, i] as const))("%s wins when every source above it is silent", async (winner, level) => {
    // Prepare: the preset only exists for a provider's own domain; below it, a company domain
    const domain = winner === "admin" || winner === "preset" ? "gmail.com" : "example.com";
    const deps = fakeDeps(worldFrom(level, domain));
    // Act
    const result = await autodiscover(`Taro@${domain}`, deps);
    // Assess
    expect(result.imap).toMatchObject({ host: answers[winner].imap, source: winner });
    expect(result.smtp).toMatchObject({ host: answers[winner].smtp, source: winner });
    expect(step(result, winner)).toMatchObject({ ok: true, status: "found" });
    for (const above of PRIORITY.slice(0, level)) expect(step(result, above).ok, above).toBe(false);
  });

  it("lets an admin pin win over every network source on a company domain", async () => {
    const deps = fakeDeps(worldFrom(0, "example.com"));
    const result = await autodiscover("taro@example.com", deps);
    expect(result.imap?.source).toBe("admin");
    expect(result.smtp).toMatchObject({ host: "smtp.pinned.test", port: 587, security: "starttls", source: "admin" });
  });

  it("asks nobody on the network for a provider's own domain", async () => {
    const deps = fakeDeps(worldFrom(1, "gmail.com"));
    const result = await autodiscover("taro@gmail.com", deps);
    expect(result).toMatchObject({ provider: "gmail", imap: { host: "imap.gmail.com", port: 993, security: "tls", user: "taro@gmail.com", source: "preset" } });
    expect(deps.recorded).toEqual({ fetched: [], probed: [], dns: [] });
    expect(step(result, "autoconfig").status).toBe("skipped");
  });

  it("takes each server from the highest source that has it: IMAP from SRV, SMTP from MX", async () => {
    const deps = fakeDeps({
      srv: { "_imaps._tcp.example.com": [{ name: "imap.from-srv.test", port: 993, priority: 0, weight: 0 }] },
      mx: [{ exchange: "example-com.mail.protection.outlook.com", priority: 0 }],
    });
    const result = await autodiscover("taro@example.com", deps);
    expect(result.imap).toMatchObject({ host: "imap.from-srv.test", source: "srv" });
    expect(result.smtp).toMatchObject({ host: "smtp.office365.com", port: 587, security: "starttls", source: "mx" });
  });

  it("answers with the admin pin at once, without waiting for slower sources", async () => {
    const deps = fakeDeps({ admin: pin("example.com"), http: { "https://autoconfig.example.com/mail/config-v1.1.xml": "hang" }, deadlineMs: 3000 });
    const started = Date.now();
    const result = await autodiscover("taro@example.com", deps);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(result.imap?.source).toBe("admin");
    expect(step(result, "autoconfig").status).toBe("skipped");
  });
});

describe("what each step says, as a message key (issue 14)", () => {
  it("says what a step found or why not with a key and params, the English detail kept for support", async () => {
    // Prepare: SRV answers, MX has no record, ISPDB answers 500
    const deps = fakeDeps({
      srv: { "_imaps._tcp.example.com": [{ name: "imap.from-srv.test", port: 993, priority: 0, weight: 0 }] },
      http: { "https://autoconfig.thunderbird.net/v1.1/example.com": new HttpStatusError(500, "x") },
    });
    // Act
    const result = await autodiscover("taro@example.com", deps);
    // Assess
    expect(step(result, "srv").note).toEqual({ key: "found", params: { servers: "imap.from-srv.test" } });
    expect(step(result, "ispdb").note).toEqual({ key: "http_status", params: { status: 500 } });
    expect(step(result, "ispdb").detail).toBe("HTTP 500");
    expect(step(result, "admin").note).toEqual({ key: "nothing_found", params: {} });
  });

  it("names the provider whose preset made the network steps unneeded, and the deadline in seconds", async () => {
    const preset = await autodiscover("taro@gmail.com", fakeDeps({}));
    expect(step(preset, "preset").note).toEqual({ key: "preset", params: { provider: "Gmail / Google Workspace", servers: "imap.gmail.com, smtp.gmail.com" } });
    expect(step(preset, "mx").note).toEqual({ key: "preset_not_needed", params: { provider: "Gmail / Google Workspace" } });
    const hang = (): Promise<never> => new Promise(() => undefined);
    const late = await autodiscover("taro@example.com", { deadlineMs: 150, resolveSrv: hang, resolveMx: hang, fetchText: hang, probe: hang });
    expect(step(late, "srv").note).toEqual({ key: "deadline", params: { seconds: 0.15 } });
  });

  it("says a missing DNS record as such, not as the resolver's error code", async () => {
    const deps = fakeDeps({});
    deps.resolveMx = async (name) => {
      throw dnsError("ENOTFOUND", "queryMx", name);
    };
    const result = await autodiscover("taro@example.com", deps);
    expect(step(result, "mx").note.key).toBe("no_dns_record");
    expect(step(result, "mx").detail).toContain("ENOTFOUND");
  });
});

describe("the one deadline", () => {
  it("does not let a fetcher that never answers delay the result, and reports it as timed out", async () => {
    // Prepare: autoconfig hangs forever (ignoring the abort signal); SRV answers at once
    const deps = fakeDeps({
      deadlineMs: 300,
      http: { "https://autoconfig.example.com/mail/config-v1.1.xml": "hang", "http://autoconfig.example.com/mail/config-v1.1.xml": "hang" },
      srv: { "_imaps._tcp.example.com": [{ name: "imap.from-srv.test", port: 993, priority: 0, weight: 0 }] },
    });
    // Act
    const started = Date.now();
    const result = await autodiscover("taro@example.com", deps);
    const elapsed = Date.now() - started;
    // Assess: at the deadline the best settled answer is used
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(800);
    expect(step(result, "autoconfig")).toMatchObject({ ok: false, status: "timeout" });
    expect(step(result, "autoconfig").detail).toMatch(/timed out/);
    expect(step(result, "autoconfig").ms).toBeGreaterThanOrEqual(250);
    expect(result.imap).toMatchObject({ host: "imap.from-srv.test", source: "srv" });
  });

  it("gives an empty answer, not an error, when nothing answers in time", async () => {
    const hang = (): Promise<never> => new Promise(() => undefined);
    const deps: AutodiscoverDeps = {
      deadlineMs: 150,
      resolveSrv: hang,
      resolveMx: hang,
      fetchText: hang,
      probe: hang,
      domainSettings: hang,
    };
    const result = await autodiscover("taro@example.com", deps);
    expect(result).toMatchObject({ provider: "other", imap: null, smtp: null });
    expect(result.sources.filter((s) => s.status === "timeout").map((s) => s.step)).toEqual(["admin", "autoconfig", "ispdb", "srv", "mx", "guess"]);
  });

  it("passes the time left and an abort signal to every fetch", async () => {
    const seen: { timeoutMs: number; signal?: AbortSignal }[] = [];
    const deps = fakeDeps({ deadlineMs: 1000, admin: pin("example.com") });
    const inner = deps.fetchText;
    deps.fetchText = (url, options) => {
      seen.push(options);
      return inner(url, options);
    };
    await autodiscover("taro@example.com", deps);
    expect(seen.length).toBeGreaterThan(0);
    for (const o of seen) {
      expect(o.timeoutMs).toBeGreaterThan(0);
      expect(o.timeoutMs).toBeLessThanOrEqual(1000);
      expect(o.signal?.aborted).toBe(true); // aborted once the answer was known
    }
  });
});

describe("config-v1.1.xml", () => {
  it("reads IMAP and SMTP, fills %EMAILLOCALPART% and ignores POP3", () => {
    const xml = configXml(
      [
        { type: "pop3", host: "pop.example.com", port: 995, username: "%EMAILLOCALPART%" },
        { type: "imap", host: "imap.example.com", port: 993, username: "%EMAILLOCALPART%" },
      ],
      [{ type: "smtp", host: "smtp.example.com", port: 587, socket: "STARTTLS", username: "%EMAILADDRESS%" }],
    );
    const config = parseConfigXml(xml, "Taro.Yamada@example.com");
    expect(config.displayName).toBe("Example Mail");
    expect(config.imap).toEqual([{ host: "imap.example.com", port: 993, security: "tls", user: "Taro.Yamada" }]);
    expect(config.smtp).toEqual([{ host: "smtp.example.com", port: 587, security: "starttls", user: "Taro.Yamada@example.com" }]);
  });

  it("prefers SSL over STARTTLS whatever the order, and never proposes plaintext", () => {
    const xml = configXml(
      [
        { type: "imap", host: "plain.example.com", port: 143, socket: "plain" },
        { type: "imap", host: "starttls.example.com", port: 143, socket: "STARTTLS" },
        { type: "imap", host: "ssl.example.com", port: 993, socket: "SSL" },
      ],
      [{ type: "smtp", host: "smtp.example.com", port: 25, socket: "plain" }],
    );
    const config = parseConfigXml(xml, "a@example.com");
    expect(config.imap.map((s) => s.host)).toEqual(["ssl.example.com", "starttls.example.com"]);
    expect(config.smtp).toEqual([]);
    expect(config.skipped.join(" ")).toMatch(/plaintext/);
  });

  it("puts a server that takes a password before an OAuth-only one of the same security", () => {
    const xml = configXml(
      [
        { type: "imap", host: "oauth.example.com", port: 993, auth: ["OAuth2"] },
        { type: "imap", host: "password.example.com", port: 993, auth: ["OAuth2", "password-cleartext"] },
      ],
      [],
    );
    expect(parseConfigXml(xml, "a@example.com").imap.map((s) => s.host)).toEqual(["password.example.com", "oauth.example.com"]);
  });

  it("lower-cases hosts, fills %EMAILDOMAIN%, and defaults a missing port", () => {
    const xml = configXml([{ type: "imap", host: "IMAP.%EMAILDOMAIN%." }], [{ type: "smtp", host: "Smtp.Example.COM", socket: "STARTTLS" }]);
    const config = parseConfigXml(xml, "a@Example.com");
    expect(config.imap[0]).toMatchObject({ host: "imap.example.com", port: 993 });
    expect(config.smtp[0]).toMatchObject({ host: "smtp.example.com", port: 587 });
  });

  it("reads comments, CDATA, entities and namespace prefixes the way an XML parser does", () => {
    const xml = `<?xml version="1.0"?>
<!-- hosted config -->
<c:clientConfig xmlns:c="urn:x" version='1.1'>
  <c:emailProvider id="x&amp;y">
    <displayName>Tom &amp; Jerry&#x2019;s</displayName>
    <incomingServer type='IMAP'><hostname><![CDATA[imap.example.com]]></hostname><port>993</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username></incomingServer>
    <outgoingServer type="smtp"/>
  </c:emailProvider>
</c:clientConfig>`;
    const config = parseConfigXml(xml, "a@example.com");
    expect(config.displayName).toBe("Tom & Jerry’s");
    expect(config.imap[0]?.host).toBe("imap.example.com");
    expect(config.smtp).toEqual([]);
  });

  it("leaves out a server whose user name has a placeholder it cannot fill, using the address", () => {
    const xml = configXml([{ type: "imap", host: "imap.example.com", port: 993, username: "%REALNAME%" }], []);
    expect(parseConfigXml(xml, "a@example.com").imap[0]?.user).toBe("a@example.com");
  });

  it("refuses DOCTYPEs (no entity expansion), broken documents and other roots", () => {
    expect(() => parseXml('<!DOCTYPE x [<!ENTITY a "aaaa">]><clientConfig>&a;</clientConfig>')).toThrow(/DOCTYPE/);
    expect(() => parseXml("<clientConfig><emailProvider></clientConfig>")).toThrow(/malformed/);
    expect(() => parseXml("<clientConfig>")).toThrow(/not closed/);
    expect(() => parseXml("<a/><b/>")).toThrow(/one root/);
    expect(() => parseConfigXml("<html><body>Not found</body></html>", "a@example.com")).toThrow(/clientConfig/);
    expect(() => parseXml("<a>" + "<b>".repeat(100) + "</b>".repeat(100) + "</a>")).toThrow(/deeply/);
  });

  it("refuses a config document that declares entities, internal or external, and expands none of them", () => {
    // Prepare: an expansion bomb and an external entity, each inside an otherwise valid config
    const server = (host: string) => `<incomingServer type="imap"><hostname>${host}</hostname><socketType>SSL</socketType></incomingServer>`;
    const bomb = `<?xml version="1.0"?>
<!DOCTYPE clientConfig [<!ENTITY a "imap.example.com"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
<clientConfig><emailProvider>${server("&c;")}</emailProvider></clientConfig>`;
    const external = `<!DOCTYPE clientConfig [<!ENTITY host SYSTEM "file:///etc/hostname">]><clientConfig><emailProvider>${server("&host;")}</emailProvider></clientConfig>`;
    const declaredAfterComment = `<!-- x --><!ENTITY host "imap.example.com"><clientConfig><emailProvider>${server("&host;")}</emailProvider></clientConfig>`;
    // Act + Assess
    for (const xml of [bomb, external, declaredAfterComment]) expect(() => parseConfigXml(xml, "a@example.com")).toThrow(/DOCTYPE or declarations/);
    // "<!" as text inside a comment or CDATA is no declaration
    const quoted = `<!-- <!DOCTYPE in a comment --><clientConfig><emailProvider><displayName><![CDATA[<!ENTITY>]]></displayName>${server("imap.example.com")}</emailProvider></clientConfig>`;
    const config = parseConfigXml(quoted, "a@example.com");
    expect(config.displayName).toBe("<!ENTITY>");
    expect(config.imap.map((s) => s.host)).toEqual(["imap.example.com"]);
  });

  it("uses an HTTP-only autoconfig answer only for servers inside the address's domain", async () => {
    // Prepare: no HTTPS; the HTTP answer names a foreign SSL server and a same-domain STARTTLS one
    const xml = configXml(
      [
        { type: "imap", host: "imap.attacker.test", port: 993 },
        { type: "imap", host: "mail.example.com", port: 143, socket: "STARTTLS" },
      ],
      [{ type: "smtp", host: "smtp.attacker.test", port: 465 }],
    );
    const deps = fakeDeps({ http: { "http://autoconfig.example.com/mail/config-v1.1.xml": xml } });
    // Act
    const result = await autodiscover("taro@example.com", deps);
    // Assess
    expect(result.imap).toMatchObject({ host: "mail.example.com", security: "starttls", source: "autoconfig" });
    expect(result.smtp?.source).not.toBe("autoconfig");
    expect(step(result, "autoconfig").detail).toMatch(/ignored 2 server\(s\) outside example.com/);
    // the address goes out over HTTPS only
    expect(deps.recorded.fetched).toContain("https://autoconfig.example.com/mail/config-v1.1.xml?emailaddress=taro%40example.com");
    expect(deps.recorded.fetched).toContain("http://autoconfig.example.com/mail/config-v1.1.xml");
  });

  it("trusts an HTTPS autoconfig answer wherever it points (the domain's owner wrote it)", async () => {
    const deps = fakeDeps({ http: { "https://autoconfig.example.com/mail/config-v1.1.xml": simpleConfig("imap.hoster.test", "smtp.hoster.test") } });
    const result = await autodiscover("taro@example.com", deps);
    expect(result.imap).toMatchObject({ host: "imap.hoster.test", source: "autoconfig" });
  });
});

describe("SRV records (RFC 6186 / 8314)", () => {
  it("orders by lowest priority, then highest weight, and ignores the '.' target", () => {
    expect(
      bestSrvTarget([
        { name: ".", port: 0, priority: 0, weight: 0 },
        { name: "b.example.com", port: 993, priority: 20, weight: 100 },
        { name: "a.example.com", port: 993, priority: 10, weight: 5 },
        { name: "C.Example.com.", port: 993, priority: 10, weight: 50 },
      ]),
    ).toEqual({ host: "c.example.com", port: 993 });
    expect(bestSrvTarget([{ name: ".", port: 0, priority: 0, weight: 0 }])).toBeUndefined();
  });

  it("treats '.' as 'not offered' and falls back from _imaps to _imap with STARTTLS", async () => {
    const deps = fakeDeps({
      srv: {
        "_imaps._tcp.example.com": [{ name: ".", port: 0, priority: 0, weight: 0 }],
        "_imap._tcp.example.com": [{ name: "imap.example.com", port: 143, priority: 0, weight: 0 }],
        "_submissions._tcp.example.com": [{ name: "smtp.example.com", port: 465, priority: 0, weight: 0 }],
        "_submission._tcp.example.com": [{ name: "other.example.com", port: 587, priority: 0, weight: 0 }],
      },
    });
    const result = await autodiscover("taro@example.com", deps);
    expect(result.imap).toEqual({ host: "imap.example.com", port: 143, security: "starttls", user: "taro@example.com", source: "srv" });
    expect(result.smtp).toEqual({ host: "smtp.example.com", port: 465, security: "tls", user: "taro@example.com", source: "srv" });
    expect(step(result, "srv").detail).toMatch(/_imaps\._tcp: not offered/);
  });
});

describe("MX records", () => {
  it.each([
    ["aspmx.l.google.com", { id: "gmail" }],
    ["ALT1.ASPMX.L.GOOGLE.COM.", { id: "gmail" }],
    ["smtp.google.com", { id: "gmail" }],
    ["aspmx2.googlemail.com", { id: "gmail" }],
    ["example-com.mail.protection.outlook.com", { id: "microsoft365" }],
    ["hotmail-com.olc.protection.outlook.com", { id: "outlook" }],
    ["mx.zoho.com", { id: "zoho_pro", region: "com" }],
    ["mx2.zoho.eu", { id: "zoho_pro", region: "eu" }],
    ["mx.zoho.com.au", { id: "zoho_pro", region: "com.au" }],
    ["mx.zohocloud.ca", { id: "zoho_pro", region: "zohocloud.ca" }],
    ["mta5.am0.yahoodns.net", { id: "yahoo" }],
    ["mx-aol.mail.gm0.yahoodns.net", { id: "aol" }],
    ["mx01.mail.icloud.com", { id: "icloud" }],
  ])("%s is %o", (host, expected) => {
    expect(mapMxHost(host)).toEqual(expected);
  });

  it("does not map security gateways, self-hosted MX or look-alikes", () => {
    expect(mapMxHost("us-smtp-inbound-1.mimecast.com")).toBeUndefined();
    expect(mapMxHost("mail.example.com")).toBeUndefined();
    expect(mapMxHost("google.com.attacker.test")).toBeUndefined();
    expect(mapMxHost("mx.zoho.com.attacker.test")).toBeUndefined();
  });

  it("gives a Zoho-hosted company domain the organisation servers of its data centre", async () => {
    const deps = fakeDeps({
      mx: [
        { exchange: "mx3.zoho.eu", priority: 50 },
        { exchange: "mx.zoho.eu", priority: 10 },
      ],
    });
    const result = await autodiscover("taro@example.com", deps);
    expect(result).toMatchObject({ provider: "zoho_pro", imap: { host: "imappro.zoho.eu", port: 993, source: "mx" }, smtp: { host: "smtppro.zoho.eu", port: 465 } });
  });

  it("uses the lowest-priority MX that is a known provider", async () => {
    const deps = fakeDeps({
      mx: [
        { exchange: "backup.mx.test", priority: 20 },
        { exchange: "example-com.mail.protection.outlook.com", priority: 0 },
      ],
    });
    const result = await autodiscover("taro@example.com", deps);
    expect(result).toMatchObject({ provider: "microsoft365", imap: { host: "outlook.office365.com" }, smtp: { host: "smtp.office365.com", security: "starttls" } });
  });

  it("looks up the ISPDB entry of an unknown MX host's domain", async () => {
    const deps = fakeDeps({
      mx: [{ exchange: "mx01.hoster.co.jp", priority: 10 }],
      http: { "https://autoconfig.thunderbird.net/v1.1/hoster.co.jp": simpleConfig("imap.hoster.co.jp", "smtp.hoster.co.jp") },
    });
    const result = await autodiscover("taro@example.com", deps);
    expect(result.imap).toMatchObject({ host: "imap.hoster.co.jp", source: "mx" });
    expect(step(result, "mx").detail).toMatch(/ISPDB entry for hoster\.co\.jp/);
  });

  it("finds the registrable domain of an MX host", () => {
    expect(baseDomain("mx1.hoster.co.uk")).toBe("hoster.co.uk");
    expect(baseDomain("a.b.example.com.")).toBe("example.com");
    expect(baseDomain("localhost")).toBeUndefined();
  });
});

describe("guessing", () => {
  it("probes the usual names, TLS before STARTTLS, never plaintext, and takes the best that answers", async () => {
    const deps = fakeDeps({ listening: ["mail.example.com:993", "imap.example.com:143", "smtp.example.com:587"] });
    const result = await autodiscover("taro@example.com", deps);
    expect(result.imap).toEqual({ host: "mail.example.com", port: 993, security: "tls", user: "taro@example.com", source: "guess" });
    expect(result.smtp).toEqual({ host: "smtp.example.com", port: 587, security: "starttls", user: "taro@example.com", source: "guess" });
    expect(deps.recorded.probed.every((p) => !p.endsWith(" none"))).toBe(true);
    expect(deps.recorded.probed).toContain("imap imap.example.com:993 tls");
    expect(deps.recorded.probed).toContain("smtp mail.example.com:465 tls");
  });
});

describe("admin pin", () => {
  it("wins over a provider preset, with its user-name style", async () => {
    // An admin may pin even a provider's domain (e.g. a company relay in front of it)
    const deps = fakeDeps({ admin: pin("yahoo.co.jp", { username: "localpart", provider: "yahoo_japan" }) });
    const result = await autodiscover("Taro.Yamada@Yahoo.co.jp", deps);
    expect(result).toMatchObject({
      email: "taro.yamada@yahoo.co.jp",
      provider: "yahoo_japan",
      imap: { host: "imap.pinned.test", user: "Taro.Yamada", source: "admin" },
      smtp: { host: "smtp.pinned.test", user: "Taro.Yamada", source: "admin" },
    });
  });

  it("still discovers when the settings store fails, reporting the failure", async () => {
    const deps = fakeDeps({ srv: { "_imaps._tcp.example.com": [{ name: "imap.example.com", port: 993, priority: 0, weight: 0 }] } });
    deps.domainSettings = async () => {
      throw new Error("table unavailable");
    };
    const result = await autodiscover("taro@example.com", deps);
    expect(step(result, "admin")).toMatchObject({ status: "failed", detail: expect.stringMatching(/table unavailable/) });
    expect(result.imap?.source).toBe("srv");
  });
});

describe("input", () => {
  it("refuses something that is not an address, naming the field", async () => {
    const err = await autodiscover("not-an-address", fakeDeps({})).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).fields[0]).toMatchObject({ field: "email", key: "invalid_email" });
  });

  it("uses the ASCII form of an internationalised domain", async () => {
    const deps = fakeDeps({});
    const result = await autodiscover("taro@日本.example", deps);
    expect(result.domain).toBe("xn--wgv71a.example");
    expect(deps.recorded.dns).toContain("MX xn--wgv71a.example");
  });

  it("reports every step, in priority order", async () => {
    const result = await autodiscover("taro@example.com", fakeDeps({}));
    expect(result.sources.map((s) => s.step)).toEqual([...PRIORITY]);
    expect(result.sources.every((s) => s.status === "none")).toBe(true);
  });
});
