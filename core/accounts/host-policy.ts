import { BlockList, isIP } from "node:net";
import { lookup } from "node:dns/promises";
import { AppError } from "../shared/errors";

/**
 * An admin types a host name; we connect to it from inside the cloud network. Without a
 * check that is a server-side request forgery hole: "169.254.169.254" would reach the
 * instance metadata service. So every host is resolved and each address checked before any
 * connection. Loopback and private ranges are opened only by configuration
 * (ALLOW_PRIVATE_HOSTS=loopback for the local runtime, =private for an on-premises server).
 */
export type HostAllowance = "none" | "loopback" | "private";

const always = new BlockList();
always.addSubnet("169.254.0.0", 16, "ipv4"); // link-local, incl. 169.254.169.254 metadata
always.addSubnet("fe80::", 10, "ipv6"); // link-local
always.addAddress("fd00:ec2::254", "ipv6"); // EC2 metadata over IPv6
always.addSubnet("0.0.0.0", 8, "ipv4");
always.addSubnet("224.0.0.0", 4, "ipv4"); // multicast
always.addSubnet("240.0.0.0", 4, "ipv4"); // reserved, broadcast
always.addSubnet("ff00::", 8, "ipv6");
always.addAddress("::", "ipv6");

const loopback = new BlockList();
loopback.addSubnet("127.0.0.0", 8, "ipv4");
loopback.addAddress("::1", "ipv6");

const privateNets = new BlockList();
privateNets.addSubnet("10.0.0.0", 8, "ipv4");
privateNets.addSubnet("172.16.0.0", 12, "ipv4");
privateNets.addSubnet("192.168.0.0", 16, "ipv4");
privateNets.addSubnet("100.64.0.0", 10, "ipv4"); // carrier-grade NAT
privateNets.addSubnet("fc00::", 7, "ipv6"); // unique local

function family(address: string): "ipv4" | "ipv6" {
  return isIP(address) === 6 ? "ipv6" : "ipv4";
}

/** Why this address may not be used, or undefined when it may. */
export function refusedReason(address: string, allowance: HostAllowance): string | undefined {
  let a = address;
  // IPv4-mapped IPv6 (::ffff:169.254.169.254) is checked as the IPv4 address it is
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  if (mapped) a = mapped[1]!;
  const f = family(a);
  if (always.check(a, f)) return "link-local, metadata or reserved";
  if (loopback.check(a, f) && allowance === "none") return "loopback";
  if (privateNets.check(a, f) && allowance !== "private") return "private network";
  return undefined;
}

export function parseAllowance(value: string | undefined): HostAllowance {
  return value === "loopback" || value === "private" ? value : "none";
}

export type Resolver = (host: string) => Promise<string[]>;
export const dnsResolver: Resolver = async (host) => (await lookup(host, { all: true, verbatim: true })).map((r) => r.address);

/**
 * Resolves `host` and returns an address that may be connected to; throws a validation error
 * naming `field` otherwise. Connecting to the returned address (with the name kept for TLS
 * SNI and certificate checks) closes the DNS-rebinding gap between check and connect.
 */
export async function checkHost(host: string, allowance: HostAllowance, field: string, resolve: Resolver = dnsResolver): Promise<string> {
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : await resolve(host);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOTFOUND" || code === "ENODATA" || code === "EAI_NONAME") throw new AppError("validation", "validation_failed", { fields: [{ field, key: "host_not_found" }], cause: err });
    throw new AppError("transient", "service_unavailable", { cause: err });
  }
  for (const address of addresses) {
    if (refusedReason(address, allowance)) throw new AppError("validation", "validation_failed", { fields: [{ field, key: "host_not_allowed", params: { address } }] });
  }
  if (!addresses[0]) throw new AppError("validation", "validation_failed", { fields: [{ field, key: "host_not_found" }] });
  return addresses[0];
}
