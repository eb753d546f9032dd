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

/**
 * IPv6 ranges that carry traffic elsewhere (tunnels, translators) or are reserved: a mailbox
 * server is never there, and a relay could carry the connection to an address the checks below
 * would refuse. 6to4 and Teredo embed an IPv4 address, but what answers is a relay.
 */
const transition = new BlockList();
transition.addSubnet("2002::", 16, "ipv6"); // 6to4
transition.addSubnet("2001::", 32, "ipv6"); // Teredo
transition.addSubnet("64:ff9b::", 96, "ipv6"); // NAT64 well-known prefix (RFC 6052): a translator, never a mail server of ours
transition.addSubnet("64:ff9b:1::", 48, "ipv6"); // local-use NAT64 (RFC 8215): its IPv4 position is the operator's choice
transition.addSubnet("::ffff:0:0:0", 96, "ipv6"); // IPv4-translated (SIIT)
transition.addSubnet("100::", 64, "ipv6"); // discard-only
transition.addSubnet("2001:db8::", 32, "ipv6"); // documentation
transition.addSubnet("5f00::", 16, "ipv6"); // SRv6 SIDs

/** The eight 16-bit words of an IPv6 address (a dotted IPv4 tail becomes two words). */
function ipv6Words(address: string): number[] | undefined {
  let text = address.toLowerCase().replace(/%.*$/, "");
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? left.length !== 8 : missing < 0) return undefined;
  const words = [...left, ...Array(tail === undefined ? 0 : missing).fill("0"), ...right].map((w) => parseInt(w, 16));
  return words.length === 8 && words.every((w) => w >= 0 && w <= 0xffff) ? words : undefined;
}

/**
 * The IPv4 address an IPv6 address stands for, where connecting to it reaches that IPv4
 * address: IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d, deprecated) and the
 * well-known NAT64 prefix (64:ff9b::/96, RFC 6052; refused anyway, named by its IPv4 address).
 */
export function embeddedIpv4(address: string): string | undefined {
  if (isIP(address) !== 6) return undefined;
  const w = ipv6Words(address);
  if (!w) return undefined;
  const ipv4 = () => `${w[6]! >> 8}.${w[6]! & 255}.${w[7]! >> 8}.${w[7]! & 255}`;
  const zeros = (from: number, to: number) => w.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && w[5] === 0xffff) return ipv4(); // mapped
  if (zeros(0, 6) && (w[6]! !== 0 || w[7]! > 1)) return ipv4(); // compatible (not :: or ::1)
  if (w[0] === 0x64 && w[1] === 0xff9b && zeros(2, 6)) return ipv4(); // NAT64 well-known prefix
  return undefined;
}

/** Why this address may not be used, or undefined when it may. */
export function refusedReason(address: string, allowance: HostAllowance): string | undefined {
  if (family(address) === "ipv6" && transition.check(address, "ipv6")) {
    const inner = embeddedIpv4(address);
    return `IPv6 transition or reserved range${inner ? ` (to ${inner})` : ""}`;
  }
  // an IPv6 address that reaches an IPv4 one is judged as that IPv4 address
  const a = embeddedIpv4(address) ?? address;
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
    if (code === "ENOTFOUND" || code === "ENODATA" || code === "EAI_NONAME")
      throw new AppError("validation", "validation_failed", { fields: [{ field, key: "host_not_found" }], cause: err });
    throw new AppError("transient", "service_unavailable", { cause: err });
  }
  for (const address of addresses) {
    if (refusedReason(address, allowance)) throw new AppError("validation", "validation_failed", { fields: [{ field, key: "host_not_allowed", params: { address } }] });
  }
  if (!addresses[0]) throw new AppError("validation", "validation_failed", { fields: [{ field, key: "host_not_found" }] });
  return addresses[0];
}
