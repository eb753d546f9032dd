import { describe, expect, it } from "vitest";
import { checkHost, refusedReason } from "../../core/accounts/host-policy";
import { AppError } from "../../core/shared/errors";

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

describe("checkHost", () => {
  it("refuses a name that resolves to the metadata service, naming the field", async () => {
    const err = await checkHost("evil.example", "none", "imap.host", async () => ["93.184.216.34", "169.254.169.254"]).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err.fields[0]).toMatchObject({ field: "imap.host", key: "host_not_allowed", params: { address: "169.254.169.254" } });
  });
  it("reports a name that does not resolve as not found", async () => {
    const notFound = Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" });
    const err = await checkHost("nope.invalid", "none", "imap.host", async () => Promise.reject(notFound)).catch((e) => e);
    expect(err.fields[0]).toMatchObject({ field: "imap.host", key: "host_not_found" });
  });
  it("returns the address to connect to", async () => {
    expect(await checkHost("imap.example.com", "none", "imap.host", async () => ["93.184.216.34"])).toBe("93.184.216.34");
  });
});
