import { describe, expect, it } from "vitest";
import { checkHost, embeddedIpv4, refusedReason } from "../../core/mail/host-policy";
import { AppError } from "../../core/shared/errors";
import { dnsError } from "../support/library-errors";

describe("refusedReason", () => {
  it("always refuses cloud metadata, link-local and reserved addresses", () => {
    for (const a of ["169.254.169.254", "fd00:ec2::254", "fe80::1", "0.0.0.0", "::ffff:169.254.169.254"]) {
      expect(refusedReason(a, "private"), a).toBeDefined();
    }
  });
  it("refuses loopback and private ranges unless configuration allows them", () => {
    expect(refusedReason("127.0.0.1", "none")).toBeDefined();
    expect(refusedReason("127.0.0.1", "loopback")).toBeUndefined();
    expect(refusedReason("10.1.2.3", "loopback")).toBeDefined();
    expect(refusedReason("10.1.2.3", "private")).toBeUndefined();
    expect(refusedReason("192.168.1.10", "none")).toBeDefined();
    expect(refusedReason("::ffff:10.0.0.1", "none")).toBeDefined();
  });
  it("lets public addresses through", () => {
    expect(refusedReason("142.250.4.108", "none")).toBeUndefined();
    expect(refusedReason("2607:f8b0:4004:c1b::6c", "none")).toBeUndefined();
  });
});

describe("refusedReason on IPv6 transition ranges", () => {
  it("judges IPv4-mapped and IPv4-compatible addresses as the IPv4 address they reach", () => {
    expect(embeddedIpv4("::ffff:a9fe:a9fe")).toBe("169.254.169.254");
    expect(refusedReason("::ffff:a9fe:a9fe", "private")).toMatch(/metadata/);
    expect(refusedReason("::ffff:127.0.0.1", "none")).toBe("loopback");
    expect(refusedReason("::10.0.0.1", "loopback")).toBe("private network");
    expect(refusedReason("::ffff:142.250.4.108", "none")).toBeUndefined();
  });
  it("refuses NAT64 prefixes, naming the IPv4 address a well-known-prefix one translates to", () => {
    expect(refusedReason("64:ff9b::a9fe:a9fe", "private")).toBe("IPv6 transition or reserved range (to 169.254.169.254)");
    expect(refusedReason("64:ff9b::10.0.0.1", "private")).toMatch(/transition/);
    expect(refusedReason("64:ff9b:1::a00:1", "private")).toMatch(/transition/);
  });
  it("refuses 6to4, Teredo and IPv4-translated addresses, which relays carry elsewhere", () => {
    expect(refusedReason("2002:a00:1::1", "private")).toMatch(/transition/); // 6to4 for 10.0.0.1
    expect(refusedReason("2002:8efa:46c::1", "none")).toMatch(/transition/); // even for a public IPv4
    expect(refusedReason("2001:0:4136:e378:8000:63bf:3fff:fdd2", "private")).toMatch(/transition/); // Teredo
    expect(refusedReason("::ffff:0:10.0.0.1", "private")).toMatch(/transition/);
    expect(refusedReason("2001:db8::1", "private")).toMatch(/transition/);
  });
  it("still lets public IPv6 through, including ranges next to the transition ones", () => {
    expect(refusedReason("2001:4860:4860::8888", "none")).toBeUndefined(); // 2001:4860::/32 is not Teredo
    expect(refusedReason("2003::1", "none")).toBeUndefined();
    expect(refusedReason("64:ff9c::1", "none")).toBeUndefined();
  });
  it("refuses a host name resolving to a NAT64 address of the metadata service", async () => {
    const err = await checkHost("evil.example", "private", "smtp.host", async () => ["64:ff9b::a9fe:a9fe"]).catch((e) => e);
    expect(err.fields[0]).toMatchObject({ field: "smtp.host", key: "host_not_allowed" });
  });
});

describe("checkHost", () => {
  it("refuses a name that resolves to the metadata service, naming the field", async () => {
    const err = await checkHost("evil.example", "none", "imap.host", async () => ["93.184.216.34", "169.254.169.254"]).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err.fields[0]).toMatchObject({ field: "imap.host", key: "host_not_allowed", params: { address: "169.254.169.254" } });
  });
  it("reports a name that does not resolve as not found", async () => {
    const notFound = dnsError("ENOTFOUND", "getaddrinfo", "nope.invalid");
    const err = await checkHost("nope.invalid", "none", "imap.host", async () => Promise.reject(notFound)).catch((e) => e);
    expect(err.fields[0]).toMatchObject({ field: "imap.host", key: "host_not_found" });
  });
  it("returns the address to connect to", async () => {
    expect(await checkHost("imap.example.com", "none", "imap.host", async () => ["93.184.216.34"])).toBe("93.184.216.34");
  });
});
