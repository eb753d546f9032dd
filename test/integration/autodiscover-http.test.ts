/**
 * The real network parts of autodiscovery, against real peers on 127.0.0.1: the HTTP fetcher
 * (host policy at connect time, size and time limits, redirects) with a local HTTP server,
 * and the greeting probe with the harness's Dovecot and SMTP submission server.
 * Names are mapped to 127.0.0.1 by an injected resolver: nothing reaches the internet.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { autodiscover, createFetchText, createProbe, HttpStatusError, type AutodiscoverDeps } from "../../core/accounts/autodiscover";
import type { Resolver } from "../../core/mail/host-policy";
import { dnsError } from "../support/library-errors";

const CONFIG = `<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="example.test">
    <domain>example.test</domain>
    <incomingServer type="pop3"><hostname>pop.example.test</hostname><port>995</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username></incomingServer>
    <incomingServer type="imap"><hostname>Mail.Example.Test</hostname><port>993</port><socketType>SSL</socketType><username>%EMAILLOCALPART%</username></incomingServer>
    <outgoingServer type="smtp"><hostname>mail.example.test</hostname><port>587</port><socketType>STARTTLS</socketType><username>%EMAILADDRESS%</username></outgoingServer>
  </emailProvider>
</clientConfig>`;

let server: Server;
let port = 0;
const requests: { url: string; host: string }[] = [];

/** Maps the test names to the loopback server; every other name does not exist. */
const resolve: Resolver = async (host) => {
  if (host === "autoconfig.example.test" || host === "mail.example.test") return ["127.0.0.1"];
  throw dnsError("ENOTFOUND", "getaddrinfo", host);
};

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    requests.push({ url: req.url ?? "", host: req.headers.host ?? "" });
    const path = (req.url ?? "").split("?")[0];
    if (path === "/mail/config-v1.1.xml") {
      res.writeHead(200, { "content-type": "application/xml" });
      res.end(CONFIG);
    } else if (path === "/big") {
      res.writeHead(200, { "content-type": "application/xml" });
      res.end("x".repeat(300 * 1024));
    } else if (path === "/slow") {
      // never answers
    } else if (path === "/to-metadata") {
      res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" });
      res.end();
    } else if (path === "/to-config") {
      res.writeHead(301, { location: "/mail/config-v1.1.xml" });
      res.end();
    } else {
      res.writeHead(404);
      res.end("not here");
    }
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
});

const url = (path: string) => `http://autoconfig.example.test:${port}${path}`;

describe("createFetchText", () => {
  it("fetches a config file from the host the name resolves to", async () => {
    const fetchText = createFetchText({ hostAllowance: "loopback", resolve });
    const text = await fetchText(url("/mail/config-v1.1.xml"), { timeoutMs: 2000 });
    expect(text).toBe(CONFIG);
    expect(requests.at(-1)?.host).toBe(`autoconfig.example.test:${port}`);
  });

  it("refuses, before connecting, a name that resolves to a refused address", async () => {
    // Prepare: in production loopback is refused (allowance "none")
    const before = requests.length;
    const fetchText = createFetchText({ hostAllowance: "none", resolve });
    // Act
    const err = await fetchText(url("/mail/config-v1.1.xml"), { timeoutMs: 2000 }).catch((e: unknown) => e);
    // Assess: the local server never saw the request
    expect((err as NodeJS.ErrnoException).code).toBe("EHOSTNOTALLOWED");
    expect(requests.length).toBe(before);
  });

  it("refuses an IP literal that the host policy refuses", async () => {
    const before = requests.length;
    const err = await createFetchText({ hostAllowance: "none", resolve })(`http://127.0.0.1:${port}/mail/config-v1.1.xml`, { timeoutMs: 2000 }).catch((e: unknown) => e);
    expect((err as NodeJS.ErrnoException).code).toBe("EHOSTNOTALLOWED");
    expect(requests.length).toBe(before);
  });

  it("refuses a redirect to the metadata service, even when private networks are allowed", async () => {
    const err = await createFetchText({ hostAllowance: "private", resolve })(url("/to-metadata"), { timeoutMs: 2000 }).catch((e: unknown) => e);
    expect((err as NodeJS.ErrnoException).code).toBe("EHOSTNOTALLOWED");
  });

  it("follows a same-site redirect", async () => {
    expect(await createFetchText({ hostAllowance: "loopback", resolve })(url("/to-config"), { timeoutMs: 2000 })).toBe(CONFIG);
  });

  it("reports a missing file as an HTTP status", async () => {
    const err = await createFetchText({ hostAllowance: "loopback", resolve })(url("/nothing"), { timeoutMs: 2000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpStatusError);
    expect((err as HttpStatusError).status).toBe(404);
  });

  it("stops reading a body larger than the limit", async () => {
    const err = await createFetchText({ hostAllowance: "loopback", resolve, maxBytes: 64 * 1024 })(url("/big"), { timeoutMs: 2000 }).catch((e: unknown) => e);
    expect(String(err)).toMatch(/larger than 65536 bytes/);
  });

  it("gives up on a server that never answers, at the time limit", async () => {
    const started = Date.now();
    const err = await createFetchText({ hostAllowance: "loopback", resolve })(url("/slow"), { timeoutMs: 200 }).catch((e: unknown) => e);
    expect((err as Error).name).toBe("TimeoutError");
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it("stops when the caller aborts", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const err = await createFetchText({ hostAllowance: "loopback", resolve })(url("/slow"), { timeoutMs: 5000, signal: controller.signal }).catch((e: unknown) => e);
    expect(err).toBeDefined();
    expect(Date.now() - started).toBeLessThan(1500);
  });
});

describe("autodiscover through the real fetcher", () => {
  it("finds a domain's servers in its config-v1.1.xml served over HTTP, for hosts inside the domain", async () => {
    // Prepare: the real fetcher, with the test port added to autoconfig.example.test. HTTPS
    // to that port meets a plain HTTP server and fails, as on a site without TLS; HTTP answers.
    const fetchText = createFetchText({ hostAllowance: "loopback", resolve });
    const noRecord = async (name: string) => Promise.reject(dnsError("ENODATA", name.startsWith("_") ? "querySrv" : "queryMx", name));
    const deps: AutodiscoverDeps = {
      fetchText: (target, options) => fetchText(target.replace("autoconfig.example.test/", `autoconfig.example.test:${port}/`), options),
      resolveSrv: noRecord,
      resolveMx: noRecord,
      probe: createProbe({ hostAllowance: "loopback", resolve: async (host) => Promise.reject(dnsError("ENOTFOUND", "getaddrinfo", host)) }),
      deadlineMs: 3000,
    };
    // Act
    const result = await autodiscover("Taro@example.test", deps);
    // Assess
    expect(result.imap).toEqual({ host: "mail.example.test", port: 993, security: "tls", user: "Taro", source: "autoconfig" });
    expect(result.smtp).toEqual({ host: "mail.example.test", port: 587, security: "starttls", user: "Taro@example.test", source: "autoconfig" });
    expect(result.sources.find((s) => s.step === "autoconfig")?.detail).toMatch(/^http:\/\/autoconfig\.example\.test/);
    // the address was never sent over plain HTTP
    expect(requests.filter((r) => r.url.includes("emailaddress"))).toEqual([]);
  });
});

describe("createProbe against real servers", () => {
  const mail = inject("mail");
  const loopback = async () => [mail.host];
  const probe = createProbe({ hostAllowance: "loopback", resolve: loopback, timeoutMs: 1500 });

  it("sees Dovecot's IMAP greeting over TLS and its STARTTLS capability on the plain port", async () => {
    expect(await probe("imap.example.test", mail.imapsPort, "tls", "imap")).toBe(true);
    expect(await probe("imap.example.test", mail.imapPort, "starttls", "imap")).toBe(true);
  });

  it("sees the submission server's 220 over TLS and STARTTLS in its EHLO answer", async () => {
    expect(await probe("smtp.example.test", mail.smtpsPort, "tls", "smtp")).toBe(true);
    expect(await probe("smtp.example.test", mail.smtpPort, "starttls", "smtp")).toBe(true);
  });

  it("says no when the security does not match the port, or the protocol is another", async () => {
    expect(await probe("imap.example.test", mail.imapsPort, "starttls", "imap")).toBe(false);
    expect(await probe("imap.example.test", mail.imapPort, "tls", "imap")).toBe(false);
    expect(await probe("imap.example.test", mail.smtpsPort, "tls", "imap")).toBe(false);
  });

  it("does not connect to an address the host policy refuses", async () => {
    const strict = createProbe({ hostAllowance: "none", resolve: loopback, timeoutMs: 1500 });
    expect(await strict("imap.example.test", mail.imapsPort, "tls", "imap")).toBe(false);
  });

  describe("a server that offers no STARTTLS", () => {
    let plain: TcpServer;
    let plainPort = 0;
    let connections = 0;
    beforeAll(async () => {
      plain = createTcpServer((socket: Socket) => {
        connections++;
        socket.write("* OK IMAP4rev1 ready\r\n");
        socket.on("data", (d) => {
          const tag = d.toString().split(" ")[0];
          if (/CAPABILITY/i.test(d.toString())) socket.write(`* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n${tag} OK done\r\n`);
          else socket.end(`* BYE\r\n${tag} OK bye\r\n`);
        });
        socket.on("error", () => undefined);
      });
      await new Promise<void>((done) => plain.listen(0, "127.0.0.1", done));
      plainPort = (plain.address() as AddressInfo).port;
    });
    afterAll(() => new Promise<void>((done) => plain.close(() => done())));

    it("is not proposed for STARTTLS: a password would cross the network in clear", async () => {
      expect(await probe("imap.example.test", plainPort, "starttls", "imap")).toBe(false);
      expect(connections).toBe(1);
    });
  });
});
