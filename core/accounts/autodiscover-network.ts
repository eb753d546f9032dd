/**
 * Autodiscovery's real dependencies: system DNS, HTTP(S) fetches of config files and the
 * protocol probe, every connection under the host policy and to the checked address.
 */
import { Resolver as DnsResolver } from "node:dns/promises";
import type { LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { checkHost, dnsResolver, refusedReason, type HostAllowance, type Resolver } from "../mail/index";
import { probeServer } from "../mail/index";
import type { AutodiscoverDeps, FetchText, Probe } from "./autodiscover";

export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    url: string,
  ) {
    super(`HTTP ${status} from ${url}`);
    this.name = "HttpStatusError";
  }
}

export interface NetworkPolicy {
  /** Which internal ranges a looked-up host may resolve to (host-policy.ts). */
  hostAllowance: HostAllowance;
  /** Name-to-addresses resolver; default the system's (tests map names to 127.0.0.1). */
  resolve?: Resolver;
}

/**
 * A `lookup` for node:net that applies host-policy to every address a name resolves to, at
 * connect time: the checked address is the one connected to, so there is no gap for DNS
 * rebinding between check and connect. (Global fetch cannot take such a hook without the
 * undici package; node:http/https can.)
 */
function policyLookup({ hostAllowance, resolve = dnsResolver }: NetworkPolicy): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (addresses) => {
        const refused = addresses.find((a) => refusedReason(a, hostAllowance));
        const list: LookupAddress[] = addresses.map((address) => ({ address, family: isIP(address) || 4 }));
        const wanted = options.family === 4 || options.family === 6 ? list.filter((a) => a.family === options.family) : list;
        if (refused || !wanted.length) {
          const err: NodeJS.ErrnoException = Object.assign(
            new Error(refused ? `${hostname} resolves to ${refused}, which is not allowed (${refusedReason(refused, hostAllowance)})` : `${hostname} has no usable address`),
            { code: refused ? "EHOSTNOTALLOWED" : "ENOTFOUND" },
          );
          return callback(err, "", 0);
        }
        if (options.all) callback(null, wanted);
        else callback(null, wanted[0]!.address, wanted[0]!.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, "", 0),
    );
  };
}

export interface FetchTextConfig extends NetworkPolicy {
  /** Largest body accepted. Default 256 KiB (config files are a few KiB). */
  maxBytes?: number;
  /** Redirects followed (never from https to http). Default 3. */
  maxRedirects?: number;
}

/**
 * GET over node:http/https with the host policy applied to every address (autoconfig.<domain>
 * is named by whoever owns the domain, so it may point anywhere: 169.254.169.254 included),
 * a time limit, a size limit and no downgrade from https to http on redirect.
 */
export function createFetchText(config: FetchTextConfig): FetchText {
  const lookup = policyLookup(config);
  const maxBytes = config.maxBytes ?? 256 * 1024;
  const maxRedirects = config.maxRedirects ?? 3;
  return (url, options) => {
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const get = (target: URL, redirects: number): Promise<string> =>
      new Promise((resolve, reject) => {
        if (target.protocol !== "https:" && target.protocol !== "http:") return reject(new Error(`unsupported URL scheme ${target.protocol}`));
        const literal = target.hostname.replace(/^\[|\]$/g, "");
        if (isIP(literal)) {
          const why = refusedReason(literal, config.hostAllowance);
          if (why) return reject(Object.assign(new Error(`${literal} is not allowed (${why})`), { code: "EHOSTNOTALLOWED" }));
        }
        if (signal.aborted) return reject(signal.reason);
        const client = target.protocol === "https:" ? https : http;
        const req = client.request(
          target,
          { method: "GET", lookup, signal, agent: false, headers: { accept: "application/xml, text/xml;q=0.9, */*;q=0.1", "user-agent": "crm-mail-sync-autodiscover/1" } },
          (res) => {
            const status = res.statusCode ?? 0;
            const location = res.headers.location;
            if (status >= 300 && status < 400 && location) {
              res.resume();
              if (redirects >= maxRedirects) return reject(new Error(`too many redirects from ${url}`));
              let next: URL;
              try {
                next = new URL(location, target);
              } catch {
                return reject(new Error(`bad redirect location from ${target.origin}`));
              }
              if (target.protocol === "https:" && next.protocol !== "https:") return reject(new Error(`redirect from https to ${next.protocol} refused`));
              return resolve(get(next, redirects + 1));
            }
            if (status < 200 || status >= 300) {
              res.resume();
              return reject(new HttpStatusError(status, `${target.origin}${target.pathname}`));
            }
            const chunks: Buffer[] = [];
            let size = 0;
            res.on("data", (chunk: Buffer) => {
              size += chunk.length;
              if (size > maxBytes) {
                reject(new Error(`response larger than ${maxBytes} bytes`));
                res.destroy();
              } else chunks.push(chunk);
            });
            res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
            res.on("error", reject);
            res.on("close", () => {
              if (!res.complete) reject(signal.aborted ? signal.reason : new Error("connection closed before the whole response"));
            });
          },
        );
        req.on("error", (err) => reject(signal.aborted ? signal.reason : err));
        req.end();
      });
    return get(new URL(url), 0);
  };
}

export interface ProbeConfig extends NetworkPolicy {
  /** Per probe. Default 3000 ms. */
  timeoutMs?: number;
}

/**
 * The probe of a candidate server (core/mail's probeServer: greeting, and STARTTLS offered when
 * that is the mode). The host goes through host-policy first and the checked address is the
 * one connected to.
 */
export function createProbe(config: ProbeConfig): Probe {
  const timeoutMs = config.timeoutMs ?? 3000;
  return async (host, port, security, kind, signal) => {
    if (signal?.aborted) return false;
    let address: string;
    try {
      address = await checkHost(host, config.hostAllowance, "host", config.resolve);
    } catch {
      return false;
    }
    const protocol = kind ?? ([25, 465, 587, 2525].includes(port) ? "smtp" : "imap");
    return probeServer(address, host, port, security, protocol, timeoutMs, signal);
  };
}

export interface AutodiscoverDepsConfig extends NetworkPolicy {
  domainSettings?: AutodiscoverDeps["domainSettings"];
  deadlineMs?: number;
  probeTimeoutMs?: number;
}

/** The real dependencies: system DNS, HTTP(S) and TCP/TLS, all under the host policy. */
export function createAutodiscoverDeps(config: AutodiscoverDepsConfig): AutodiscoverDeps {
  // Its own resolver with a short timeout: the default retries for far longer than the deadline.
  const resolver = new DnsResolver({ timeout: 1500, tries: 2 });
  return {
    resolveSrv: (name) => resolver.resolveSrv(name),
    resolveMx: (name) => resolver.resolveMx(name),
    fetchText: createFetchText(config),
    probe: createProbe({ ...config, timeoutMs: config.probeTimeoutMs }),
    domainSettings: config.domainSettings,
    deadlineMs: config.deadlineMs,
  };
}
