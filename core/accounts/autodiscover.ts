import { Resolver as DnsResolver } from "node:dns/promises";
import type { LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { domainToASCII } from "node:url";
import { z } from "zod";
import { emailField } from "../contacts/index";
import { looksLikeEmail, normaliseEmail } from "../contacts/index";
import { fieldError } from "../shared/errors";
import type { PinnedSettings } from "./domain-settings";
import { checkHost, dnsResolver, refusedReason, type HostAllowance, type Resolver } from "../mail/index";
import { presetFor, presetForDomain, probeServer, providerForHost, usernameFor, type ZohoRegion } from "../mail/index";
import { hostnameField, providerIds, securityModes, type ProviderId, type SecurityMode } from "./schema";

/**
 * Finds a mailbox's IMAP and SMTP settings from its address alone, the way the best clients do
 * (product.md "Autodiscovery"): Thunderbird's order (local presets, the domain's own
 * config-v1.1.xml, Mozilla's ISPDB, ISPDB for the MX host's domain, guessing) plus
 * EmailEngine's additions (RFC 6186/8314 SRV records, an MX-to-provider table, everything in
 * parallel). Every lookup runs at once under ONE deadline; the answer is then picked by a fixed
 * priority, per server: admin > preset > autoconfig > ispdb > srv > mx > guess. An answer is
 * returned as soon as no pending lookup could still beat what is known, so a preset or an
 * admin pin answers in milliseconds and a slow or dead lookup never delays past the deadline.
 *
 * Everything found is a suggestion the user confirms; the hosts are checked again by
 * host-policy.ts before the account is saved or connected to.
 */

/** The sources, highest priority first. */
export const discoverySteps = ["admin", "preset", "autoconfig", "ispdb", "srv", "mx", "guess"] as const;
export type DiscoveryStep = (typeof discoverySteps)[number];
const NETWORK_STEPS: readonly DiscoveryStep[] = ["autoconfig", "ispdb", "srv", "mx", "guess"];

export const stepStatuses = ["found", "none", "failed", "timeout", "skipped"] as const;
/**
 * found: gave settings; none: answered, nothing there (404, no DNS record); failed: an error;
 * timeout: no answer before the deadline; skipped: not needed, a higher source had answered.
 */
export type StepStatus = (typeof stepStatuses)[number];

export interface FoundServer {
  host: string;
  port: number;
  security: SecurityMode;
  user: string;
}
export interface DiscoveredServer extends FoundServer {
  /** Which step produced this setting. */
  source: DiscoveryStep;
}

export interface StepReport {
  step: DiscoveryStep;
  /** Whether this step produced settings (whether or not they were used). */
  ok: boolean;
  status: StepStatus;
  /** What the step did, in English, for support and the console's "details". */
  detail: string;
  ms: number;
}

export interface AutodiscoverResult {
  email: string;
  domain: string;
  provider: ProviderId;
  imap: DiscoveredServer | null;
  smtp: DiscoveredServer | null;
  sources: StepReport[];
}

export interface SrvRecordLike {
  name: string;
  port: number;
  priority: number;
  weight: number;
}
export interface MxRecordLike {
  exchange: string;
  priority: number;
}

export interface FetchTextOptions {
  /** Give up after this long. */
  timeoutMs: number;
  /** Aborted when the answer is known or the deadline passes. */
  signal?: AbortSignal;
}
/** Resolves with the body of a 2xx answer; rejects otherwise (HttpStatusError for a status). */
export type FetchText = (url: string, options: FetchTextOptions) => Promise<string>;
/** Whether an IMAP (or SMTP) server answers at host:port with this security. */
export type Probe = (host: string, port: number, security: SecurityMode, kind: "imap" | "smtp", signal?: AbortSignal) => Promise<boolean>;

export interface AutodiscoverDeps {
  resolveSrv(name: string): Promise<SrvRecordLike[]>;
  resolveMx(name: string): Promise<MxRecordLike[]>;
  fetchText: FetchText;
  /** The real one (createProbe) refuses hosts that host-policy refuses, before connecting. */
  probe: Probe;
  /** Admin-pinned settings of a domain (domain-settings.ts pinnedSettingsLookup). */
  domainSettings?: (domain: string) => Promise<PinnedSettings | undefined>;
  /** The one deadline for everything, in ms. Default 4000. */
  deadlineMs?: number;
  /** Mozilla's ISPDB; the domain is appended. Default https://autoconfig.thunderbird.net/v1.1/ */
  ispdbUrl?: string;
}

export const DEFAULT_DEADLINE_MS = 4000;
export const ISPDB_URL = "https://autoconfig.thunderbird.net/v1.1/";

/** What one step learned. */
interface Finding {
  provider?: ProviderId;
  imap?: FoundServer;
  smtp?: FoundServer;
  detail: string;
}

interface Address {
  /** Normalised (lower case), for the result. */
  email: string;
  /** As typed (trimmed), domain in ASCII: what user names are made from. */
  login: string;
  local: string;
  domain: string;
}

interface StepContext {
  address: Address;
  deps: AutodiscoverDeps;
  signal: AbortSignal;
  /** ms left before the deadline (at least 1). */
  remaining(): number;
}

interface Run {
  step: DiscoveryStep;
  startedAt: number;
  settled: boolean;
  ms: number;
  status?: StepStatus;
  finding?: Finding;
  detail?: string;
  promise: Promise<void>;
}

export async function autodiscover(rawEmail: string, deps: AutodiscoverDeps): Promise<AutodiscoverResult> {
  const address = parseAddress(rawEmail);
  const deadlineMs = deps.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const started = Date.now();
  const controller = new AbortController();
  const ctx: StepContext = { address, deps, signal: controller.signal, remaining: () => Math.max(1, started + deadlineMs - Date.now()) };

  const runs = new Map<DiscoveryStep, Run>();
  const launch = (step: DiscoveryStep) => {
    const run: Run = { step, startedAt: Date.now(), settled: false, ms: 0, promise: Promise.resolve() };
    run.promise = Promise.resolve()
      .then(() => stepFunctions[step](ctx))
      .then(
        (finding) => {
          run.finding = finding;
          run.status = finding.imap || finding.smtp ? "found" : "none";
          run.detail = finding.detail;
        },
        (err) => {
          run.status = isAbsence(err) ? "none" : "failed";
          run.detail = describeError(err);
        },
      )
      .finally(() => {
        run.settled = true;
        run.ms = Date.now() - run.startedAt;
      });
    runs.set(step, run);
  };

  launch("admin");
  launch("preset");
  // A provider's own domain (gmail.com) needs no network: nothing below the preset could win,
  // and nothing about the address need leave us. Only the admin pin can still override it.
  const preset = presetForDomain(address.domain);
  if (!preset?.imap || !preset.smtp) for (const step of NETWORK_STEPS) launch(step);

  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  await new Promise<void>((resolve) => {
    const check = () => {
      if (decided(runs)) resolve();
    };
    timer = setTimeout(() => {
      timedOut = true;
      resolve();
    }, deadlineMs);
    for (const run of runs.values()) void run.promise.then(check);
    check();
  });
  clearTimeout(timer);
  controller.abort(); // stops what is still running: fetches, probes

  const sources: StepReport[] = discoverySteps.map((step) => {
    const run = runs.get(step);
    if (!run) return { step, ok: false, status: "skipped", detail: `not needed: ${preset?.label.en} preset`, ms: 0 };
    if (!run.settled) {
      const ms = Date.now() - run.startedAt;
      return timedOut
        ? { step, ok: false, status: "timeout", detail: `timed out: no answer within the ${deadlineMs} ms deadline`, ms }
        : { step, ok: false, status: "skipped", detail: "stopped: a higher-priority source had answered", ms };
    }
    return { step, ok: run.status === "found", status: run.status!, detail: run.detail ?? "", ms: run.ms };
  });

  const imap = pick(runs, "imap");
  const smtp = pick(runs, "smtp");
  const from = imap ?? smtp;
  const provider = from ? (runs.get(from.source)!.finding!.provider ?? providerForHost(from.host)?.id ?? "other") : "other";
  return { email: address.email, domain: address.domain, provider, imap, smtp, sources };
}

/** True when, for both servers, no unfinished step could still beat the best answer known. */
function decided(runs: Map<DiscoveryStep, Run>): boolean {
  return (["imap", "smtp"] as const).every((field) => {
    for (const step of discoverySteps) {
      const run = runs.get(step);
      if (!run) continue;
      if (!run.settled) return false;
      if (run.finding?.[field]) return true;
    }
    return true;
  });
}

function pick(runs: Map<DiscoveryStep, Run>, field: "imap" | "smtp"): DiscoveredServer | null {
  for (const step of discoverySteps) {
    const found = runs.get(step)?.settled ? runs.get(step)!.finding?.[field] : undefined;
    if (found) return { ...found, source: step };
  }
  return null;
}

const stepFunctions: Record<DiscoveryStep, (ctx: StepContext) => Promise<Finding>> = {
  admin: adminStep,
  preset: presetStep,
  autoconfig: autoconfigStep,
  ispdb: ispdbStep,
  srv: srvStep,
  mx: mxStep,
  guess: guessStep,
};

// ---------------------------------------------------------------------------------------------
// The steps

async function adminStep({ address, deps }: StepContext): Promise<Finding> {
  if (!deps.domainSettings) return { detail: "no domain settings available" };
  const pinned = await deps.domainSettings(address.domain);
  if (!pinned) return { detail: `no settings pinned for ${address.domain}` };
  const user = usernameFor(pinned.username, address.login);
  const server = (s: PinnedSettings["imap"]): FoundServer => ({ host: normaliseHost(s.host), port: s.port, security: s.security, user });
  return {
    provider: pinned.provider ?? providerForHost(pinned.imap.host)?.id ?? "other",
    imap: server(pinned.imap),
    smtp: server(pinned.smtp),
    detail: `settings pinned by an administrator for ${address.domain}`,
  };
}

async function presetStep({ address }: StepContext): Promise<Finding> {
  const preset = presetForDomain(address.domain);
  if (!preset?.imap) return { detail: `no provider preset for ${address.domain}` };
  const user = usernameFor(preset.username, address.login);
  return {
    provider: preset.id,
    imap: { ...preset.imap, user },
    smtp: preset.smtp ? { ...preset.smtp, user } : undefined,
    detail: `${preset.label.en} preset for ${address.domain}`,
  };
}

/**
 * The domain's own config-v1.1.xml. HTTPS first; plain HTTP (Thunderbird still tries it) only
 * as a fallback and only for servers inside the address's own domain. Why: anyone on the path
 * can rewrite an HTTP answer, and a rewritten answer naming the attacker's server (with a
 * valid certificate for the attacker's own name) would collect the user's password. A server
 * inside the domain (imap.example.com for @example.com) keeps that safe: the connection later
 * verifies the certificate for that name, which the attacker cannot present. Plaintext servers
 * are never proposed. The address itself is sent only over HTTPS.
 */
async function autoconfigStep({ address, deps, signal, remaining }: StepContext): Promise<Finding> {
  const { domain } = address;
  const secureUrl = `https://autoconfig.${domain}/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(address.login)}`;
  const plainUrl = `http://autoconfig.${domain}/mail/config-v1.1.xml`;
  // Both start now; the HTTP answer is only looked at when HTTPS gave nothing.
  const plain = deps.fetchText(plainUrl, { timeoutMs: remaining(), signal }).then(
    (text) => ({ text }),
    (err: unknown) => ({ err }),
  );
  const notes: string[] = [];
  try {
    const config = parseConfigXml(await deps.fetchText(secureUrl, { timeoutMs: remaining(), signal }), address.login);
    if (config.imap[0] || config.smtp[0]) return fromConfig(config, `https://autoconfig.${domain}`);
    notes.push(`https: no usable IMAP or SMTP server${skippedNote(config)}`);
  } catch (err) {
    notes.push(`https: ${describeError(err)}`);
  }
  const answer = await plain;
  if ("err" in answer) {
    // No autoconfig host at all is the usual case: "none", not a failure.
    const message = `${notes.join("; ")}; http: ${describeError(answer.err)}`;
    throw isAbsence(answer.err) ? absence(message) : new Error(message);
  }
  const config = parseConfigXml(answer.text, address.login);
  const inDomain = (s: FoundServer) => s.host === domain || s.host.endsWith(`.${domain}`);
  const kept = { ...config, imap: config.imap.filter(inDomain), smtp: config.smtp.filter(inDomain) };
  const dropped = config.imap.length + config.smtp.length - kept.imap.length - kept.smtp.length;
  const dropNote = dropped ? `; ignored ${dropped} server(s) outside ${domain} named over plain HTTP` : "";
  if (!kept.imap[0] && !kept.smtp[0]) return { detail: `${notes.join("; ")}; http: no usable server${dropNote}${skippedNote(config)}` };
  return fromConfig(kept, `http://autoconfig.${domain} (servers inside ${domain} only)${dropNote}`);
}

async function ispdbStep({ address, deps, signal, remaining }: StepContext): Promise<Finding> {
  const base = deps.ispdbUrl ?? ISPDB_URL;
  const config = parseConfigXml(await deps.fetchText(base + encodeURIComponent(address.domain), { timeoutMs: remaining(), signal }), address.login);
  if (!config.imap[0] && !config.smtp[0]) return { detail: `ISPDB entry for ${address.domain} has no usable IMAP or SMTP server${skippedNote(config)}` };
  return fromConfig(config, `ISPDB entry for ${address.domain}`);
}

/**
 * RFC 6186 (and RFC 8314, which prefers implicit TLS): _imaps._tcp over _imap._tcp,
 * _submissions._tcp over _submission._tcp. A target of "." means "decidedly not offered"
 * (RFC 2782). The user name is the whole address, which RFC 6186 section 4 says to try first.
 */
async function srvStep({ address, deps }: StepContext): Promise<Finding> {
  const services = [
    { name: "_imaps._tcp", kind: "imap", security: "tls" },
    { name: "_imap._tcp", kind: "imap", security: "starttls" },
    { name: "_submissions._tcp", kind: "smtp", security: "tls" },
    { name: "_submission._tcp", kind: "smtp", security: "starttls" },
  ] as const;
  const answers = await Promise.all(
    services.map((s) =>
      deps.resolveSrv(`${s.name}.${address.domain}`).then(
        (records) => ({ records }),
        (err: unknown) => ({ err }),
      ),
    ),
  );
  const notes: string[] = [];
  const found: { imap?: FoundServer; smtp?: FoundServer } = {};
  let failures = 0;
  services.forEach((s, i) => {
    const answer = answers[i]!;
    if ("err" in answer) {
      if (!isAbsence(answer.err)) failures++;
      notes.push(`${s.name}: ${describeError(answer.err)}`);
      return;
    }
    const best = bestSrvTarget(answer.records);
    if (!best) {
      notes.push(`${s.name}: ${answer.records.some((r) => isRootTarget(r.name)) ? 'not offered (target ".")' : "no usable record"}`);
      return;
    }
    notes.push(`${s.name} → ${best.host}:${best.port}`);
    if (!found[s.kind]) found[s.kind] = { host: best.host, port: best.port, security: s.security, user: address.login };
  });
  if (!found.imap && !found.smtp && failures === services.length) throw new Error(notes.join("; "));
  return { ...found, detail: notes.join("; ") };
}

const isRootTarget = (name: string) => name === "." || name === "";

/** The target to use: lowest priority, then highest weight; "." targets and port 0 left out. */
export function bestSrvTarget(records: readonly SrvRecordLike[]): { host: string; port: number } | undefined {
  const usable = records
    .filter((r) => !isRootTarget(r.name) && Number.isInteger(r.port) && r.port > 0 && r.port < 65536)
    .map((r) => ({ ...r, host: normaliseHost(r.name) }))
    .filter((r) => isHostname(r.host));
  // RFC 2782 picks by weighted chance among equal priorities; for a suggestion shown to a
  // person the heaviest is the stable, most likely answer.
  usable.sort((a, b) => a.priority - b.priority || b.weight - a.weight);
  return usable[0] ? { host: usable[0].host, port: usable[0].port } : undefined;
}

/**
 * MX records name who receives the domain's mail. A known provider's MX (Google Workspace,
 * Microsoft 365, Zoho...) means that provider's servers; any other MX host gets Thunderbird's
 * treatment: the ISPDB entry for the MX host's own domain (a hosting company's).
 * A mail-security gateway in front (Mimecast, Proofpoint) hides the provider, as HubSpot warns
 * (seed 002): then this step finds nothing, and the other steps or the user decide.
 */
async function mxStep({ address, deps, signal, remaining }: StepContext): Promise<Finding> {
  const records = [...(await deps.resolveMx(address.domain))].sort((a, b) => a.priority - b.priority);
  const hosts = records.map((r) => normaliseHost(r.exchange)).filter((h) => h && !isRootTarget(h));
  if (!hosts.length) return { detail: `no MX records for ${address.domain}` };
  for (const host of hosts) {
    const mapped = mapMxHost(host);
    if (!mapped) continue;
    const preset = presetFor(mapped.id, mapped.region);
    const user = usernameFor(preset.username, address.login);
    return {
      provider: preset.id,
      imap: preset.imap ? { ...preset.imap, user } : undefined,
      smtp: preset.smtp ? { ...preset.smtp, user } : undefined,
      detail: `MX ${host} belongs to ${preset.label.en}`,
    };
  }
  const first = hosts[0]!;
  const base = baseDomain(first);
  if (!base || base === address.domain) return { detail: `MX ${first}: not a known provider` };
  const ispdb = deps.ispdbUrl ?? ISPDB_URL;
  let text: string;
  try {
    text = await deps.fetchText(ispdb + encodeURIComponent(base), { timeoutMs: remaining(), signal });
  } catch (err) {
    if (isAbsence(err)) return { detail: `MX ${first}: not a known provider; no ISPDB entry for ${base}` };
    throw err;
  }
  const config = parseConfigXml(text, address.login);
  if (!config.imap[0] && !config.smtp[0]) return { detail: `MX ${first}: ISPDB entry for ${base} has no usable server` };
  return fromConfig(config, `MX ${first} → ISPDB entry for ${base}`);
}

/** The provider behind an MX host, from the names the providers use for their MX. */
export function mapMxHost(rawHost: string): { id: ProviderId; region?: ZohoRegion } | undefined {
  const h = normaliseHost(rawHost);
  // aspmx.l.google.com, alt1.aspmx.l.google.com, smtp.google.com (2023+), aspmx2.googlemail.com
  if (h.endsWith(".google.com") || h.endsWith(".googlemail.com")) return { id: "gmail" };
  // Outlook.com's own domains receive at *.olc.protection.outlook.com (ISPDB hotmail.com.xml);
  // Microsoft 365 tenants at <tenant>.mail.protection.outlook.com.
  if (h.endsWith(".olc.protection.outlook.com")) return { id: "outlook" };
  if (h.endsWith(".protection.outlook.com")) return { id: "microsoft365" };
  // mx.zoho.com, mx2.zoho.eu, mx3.zoho.com.au, mx.zohocloud.ca: a company domain on Zoho is an
  // organisation account (imappro/smtppro) in that data centre.
  const zoho = /^mx\d*\.(zoho\.(com|eu|in|com\.au|jp)|zohocloud\.ca)$/.exec(h);
  if (zoho) return { id: "zoho_pro", region: (zoho[1] === "zohocloud.ca" ? "zohocloud.ca" : zoho[2]) as ZohoRegion };
  // AOL receives at mx-aol.mail.gm0.yahoodns.net (ISPDB aol.com.xml), Yahoo at *.am0.yahoodns.net.
  if (h.endsWith(".gm0.yahoodns.net")) return { id: "aol" };
  if (h.endsWith(".yahoodns.net")) return { id: "yahoo" };
  if (h.endsWith(".mail.yahoo.co.jp")) return { id: "yahoo_japan" };
  // iCloud+ custom domains: mx01.mail.icloud.com
  if (h.endsWith(".mail.icloud.com")) return { id: "icloud" };
  return undefined;
}

// Second-level names under which a country's registrable domains sit (example.co.jp). A small
// stand-in for the Public Suffix List, which Thunderbird uses here; good enough for MX hosts.
const SECOND_LEVEL = /^(co|com|net|org|ne|or|ac|ad|ed|go|gr|lg|gov|edu)\.[a-z]{2}$/;

/** The registrable domain of a host: mx1.hoster.co.uk → hoster.co.uk, mx.example.com → example.com. */
export function baseDomain(host: string): string | undefined {
  const labels = normaliseHost(host).split(".").filter(Boolean);
  if (labels.length < 2) return undefined;
  const lastTwo = labels.slice(-2).join(".");
  if (SECOND_LEVEL.test(lastTwo) && labels.length >= 3) return labels.slice(-3).join(".");
  return lastTwo;
}

const GUESSES = {
  imap: [
    ["imap", 993, "tls"],
    ["mail", 993, "tls"],
    ["imap", 143, "starttls"],
    ["mail", 143, "starttls"],
  ],
  smtp: [
    ["smtp", 465, "tls"],
    ["mail", 465, "tls"],
    ["smtp", 587, "starttls"],
    ["mail", 587, "starttls"],
  ],
} as const;

/**
 * Thunderbird's last resort: the usual names and ports, probed. TLS before STARTTLS, and
 * never plaintext. Every probe runs at once; a guess is taken as soon as every better one
 * has failed.
 */
async function guessStep({ address, deps, signal }: StepContext): Promise<Finding> {
  const found: { imap?: FoundServer; smtp?: FoundServer } = {};
  const notes: string[] = [];
  await Promise.all(
    (["imap", "smtp"] as const).map(async (kind) => {
      const tries = GUESSES[kind].map(([prefix, port, security]) => ({ host: `${prefix}.${address.domain}`, port, security }));
      const index = await firstTrue(tries.map((t) => deps.probe(t.host, t.port, t.security, kind, signal).catch(() => false)));
      if (index === undefined) {
        notes.push(`${kind}: nothing answered at ${tries.map((t) => `${t.host}:${t.port}`).join(", ")}`);
        return;
      }
      const t = tries[index]!;
      found[kind] = { host: t.host, port: t.port, security: t.security, user: address.login };
      notes.push(`${kind}: ${t.host}:${t.port} (${t.security}) answered`);
    }),
  );
  return { ...found, detail: notes.join("; ") };
}

/** The index of the first promise, in order, to resolve true, as soon as all before it said false. */
function firstTrue(checks: Promise<boolean>[]): Promise<number | undefined> {
  return new Promise((resolve) => {
    const results: (boolean | undefined)[] = checks.map(() => undefined);
    const settle = () => {
      for (let i = 0; i < results.length; i++) {
        if (results[i] === undefined) return;
        if (results[i]) return resolve(i);
      }
      resolve(undefined);
    };
    checks.forEach((p, i) =>
      p.then((ok) => {
        results[i] = ok;
        settle();
      }),
    );
    if (!checks.length) resolve(undefined);
  });
}

function fromConfig(config: ConfigXml, where: string): Finding {
  const imap = config.imap[0];
  const smtp = config.smtp[0];
  const parts = [imap ? `IMAP ${imap.host}:${imap.port}` : "no IMAP", smtp ? `SMTP ${smtp.host}:${smtp.port}` : "no SMTP"];
  return { provider: imap ? providerForHost(imap.host)?.id : undefined, imap, smtp, detail: `${where}: ${parts.join(", ")}${skippedNote(config)}` };
}

const skippedNote = (config: ConfigXml) => (config.skipped.length ? ` (not proposed: ${config.skipped.join("; ")})` : "");

// ---------------------------------------------------------------------------------------------
// config-v1.1.xml

export interface ConfigXml {
  displayName?: string;
  /** Usable IMAP servers, best first (TLS, then STARTTLS; password sign-in before OAuth only). */
  imap: FoundServer[];
  smtp: FoundServer[];
  /** Servers left out and why (plaintext, unknown socket type, bad host name). */
  skipped: string[];
}

const PASSWORD_AUTH = new Set(["password-cleartext", "plain", "password-encrypted", "secure"]);

/**
 * Reads Thunderbird's config-v1.1.xml (clientConfig/emailProvider/incomingServer[type=imap],
 * outgoingServer[type=smtp]): hostname, port, socketType SSL|STARTTLS|plain, username with
 * %EMAILADDRESS%, %EMAILLOCALPART%, %EMAILDOMAIN%. POP3 servers are ignored; a plaintext
 * server is never proposed (a user with only that types it, or the admin pins it).
 * Throws on a document that is not well-formed or not a clientConfig.
 */
export function parseConfigXml(xml: string, email: string): ConfigXml {
  const doc = parseXml(xml);
  const root = doc.children.find((e) => e.name === "clientconfig");
  if (!root) throw new Error("not a config-v1.1.xml document (no clientConfig)");
  const at = email.lastIndexOf("@");
  const vars: Record<string, string> = { EMAILADDRESS: email, EMAILLOCALPART: email.slice(0, at), EMAILDOMAIN: email.slice(at + 1).toLowerCase() };
  const out: ConfigXml = { imap: [], smtp: [], skipped: [] };
  const ranked: Record<"imap" | "smtp", { server: FoundServer; rank: number; order: number }[]> = { imap: [], smtp: [] };
  let order = 0;
  for (const provider of root.children.filter((e) => e.name === "emailprovider")) {
    out.displayName ??= childText(provider, "displayname") || undefined;
    for (const el of provider.children) {
      const type = (el.attrs.type ?? "").toLowerCase();
      const kind = el.name === "incomingserver" && type === "imap" ? "imap" : el.name === "outgoingserver" && type === "smtp" ? "smtp" : undefined;
      if (!kind) continue; // pop3, exchange, ews...
      const entry = readServer(el, kind, vars, out.skipped);
      if (entry) ranked[kind].push({ ...entry, order: order++ });
    }
  }
  for (const kind of ["imap", "smtp"] as const) {
    out[kind] = ranked[kind].sort((a, b) => a.rank - b.rank || a.order - b.order).map((r) => r.server);
  }
  return out;
}

function readServer(el: XmlElement, kind: "imap" | "smtp", vars: Record<string, string>, skipped: string[]): { server: FoundServer; rank: number } | undefined {
  const rawHost = childText(el, "hostname");
  const host = normaliseHost(substitute(rawHost, vars) ?? "");
  if (!host || !isHostname(host)) {
    skipped.push(`${kind} server with host name "${rawHost.slice(0, 80)}"`);
    return undefined;
  }
  const socket = childText(el, "sockettype").toUpperCase();
  const security: SecurityMode | undefined = socket === "SSL" ? "tls" : socket === "STARTTLS" ? "starttls" : socket === "PLAIN" ? "none" : undefined;
  if (!security) {
    skipped.push(`${kind} ${host}: unknown socketType "${socket.slice(0, 20)}"`);
    return undefined;
  }
  if (security === "none") {
    skipped.push(`${kind} ${host}: plaintext`);
    return undefined;
  }
  const portText = childText(el, "port");
  const port = portText ? Number(portText) : defaultPort(kind, security);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    skipped.push(`${kind} ${host}: port "${portText.slice(0, 10)}"`);
    return undefined;
  }
  const user = substitute(childText(el, "username"), vars) || vars.EMAILADDRESS!;
  const auths = el.children.filter((c) => c.name === "authentication").map((c) => c.text.trim().toLowerCase());
  const password = !auths.length || auths.some((a) => PASSWORD_AUTH.has(a));
  // SSL before STARTTLS; within each, servers that take a password before OAuth-only ones.
  const rank = (security === "tls" ? 0 : 2) + (password ? 0 : 1);
  return { server: { host, port, security, user }, rank };
}

const defaultPort = (kind: "imap" | "smtp", security: SecurityMode) => (kind === "imap" ? (security === "tls" ? 993 : 143) : security === "tls" ? 465 : 587);

/** Fills %EMAILADDRESS% and friends; undefined when an unknown placeholder is left. */
function substitute(template: string, vars: Record<string, string>): string | undefined {
  const value = template.trim().replace(/%(EMAILADDRESS|EMAILLOCALPART|EMAILDOMAIN)%/g, (_, name: string) => vars[name]!);
  return /%[A-Z]+%/.test(value) ? undefined : value;
}

function childText(el: XmlElement, name: string): string {
  return el.children.find((c) => c.name === name)?.text.trim() ?? "";
}

// A small XML reader: enough for config-v1.1.xml, strict where it matters. No DOCTYPE (so no
// entity expansion, no external entities), bounded size, depth and element count. Element and
// attribute names are compared lower-cased and without a namespace prefix.

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const MAX_XML_CHARS = 256 * 1024;
const MAX_DEPTH = 32;
const MAX_ELEMENTS = 5000;

export function parseXml(source: string): XmlElement {
  if (source.length > MAX_XML_CHARS) throw new Error("XML document too large");
  const doc: XmlElement = { name: "#document", attrs: {}, children: [], text: "" };
  const stack: XmlElement[] = [doc];
  let count = 0;
  let i = source.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < source.length) {
    const top = stack[stack.length - 1]!;
    const lt = source.indexOf("<", i);
    const end = lt === -1 ? source.length : lt;
    if (end > i) top.text += decodeEntities(source.slice(i, end));
    if (lt === -1) break;
    if (source.startsWith("<!--", lt)) {
      i = after(source, "-->", lt + 4, "comment");
      continue;
    }
    if (source.startsWith("<![CDATA[", lt)) {
      const close = after(source, "]]>", lt + 9, "CDATA section");
      top.text += source.slice(lt + 9, close - 3);
      i = close;
      continue;
    }
    if (source.startsWith("<?", lt)) {
      i = after(source, "?>", lt + 2, "processing instruction");
      continue;
    }
    if (source.startsWith("<!", lt)) throw new Error("XML with a DOCTYPE or declarations is not accepted");
    let j = lt + 1;
    let quote = "";
    for (; j < source.length; j++) {
      const c = source[j]!;
      if (quote) {
        if (c === quote) quote = "";
      } else if (c === '"' || c === "'") quote = c;
      else if (c === ">") break;
      else if (c === "<") throw new Error("malformed XML: '<' inside a tag");
    }
    if (j >= source.length) throw new Error("malformed XML: unterminated tag");
    const inner = source.slice(lt + 1, j);
    i = j + 1;
    if (inner.startsWith("/")) {
      const name = localName(inner.slice(1).trim());
      const open = stack.pop();
      if (!open || open === doc || open.name !== name) throw new Error(`malformed XML: unexpected </${name.slice(0, 40)}>`);
      continue;
    }
    const selfClosing = inner.endsWith("/");
    const body = selfClosing ? inner.slice(0, -1) : inner;
    const nameMatch = /^[^\s/>"'=]+/.exec(body);
    if (!nameMatch) throw new Error("malformed XML: tag without a name");
    if (++count > MAX_ELEMENTS) throw new Error("XML document has too many elements");
    const el: XmlElement = { name: localName(nameMatch[0]), attrs: parseAttributes(body.slice(nameMatch[0].length)), children: [], text: "" };
    top.children.push(el);
    if (!selfClosing) {
      if (stack.length > MAX_DEPTH) throw new Error("XML document nested too deeply");
      stack.push(el);
    }
  }
  if (stack.length !== 1) throw new Error(`malformed XML: <${stack[stack.length - 1]!.name}> is not closed`);
  if (doc.children.length !== 1) throw new Error("malformed XML: expected exactly one root element");
  return doc;
}

function after(source: string, marker: string, from: number, what: string): number {
  const at = source.indexOf(marker, from);
  if (at === -1) throw new Error(`malformed XML: unterminated ${what}`);
  return at + marker.length;
}

const localName = (name: string) => name.slice(name.indexOf(":") + 1).toLowerCase();

function parseAttributes(text: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  const re = /([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
  for (let m = re.exec(text); m; m = re.exec(text)) attrs[localName(m[1]!)] = decodeEntities(m[2] ?? m[3] ?? "");
  if (text.replace(re, "").trim()) throw new Error("malformed XML: bad attribute");
  return attrs;
}

const NAMED_ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|amp|lt|gt|quot|apos);/g, (whole, ref: string) => {
    if (ref[0] !== "#") return NAMED_ENTITIES[ref]!;
    const code = ref[1] === "x" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : whole;
  });
}

// ---------------------------------------------------------------------------------------------
// Small helpers

const normaliseHost = (host: string) => host.trim().toLowerCase().replace(/\.$/, "");
const isHostname = (host: string) => hostnameField.safeParse(host).success && !host.includes("%");

function parseAddress(raw: string): Address {
  const trimmed = String(raw ?? "").trim().normalize("NFC");
  if (!looksLikeEmail(trimmed)) throw fieldError("email", "invalid_email");
  const at = trimmed.lastIndexOf("@");
  const local = trimmed.slice(0, at);
  const rawDomain = trimmed.slice(at + 1).toLowerCase().replace(/\.$/, "");
  const domain = domainToASCII(rawDomain);
  if (!domain || !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain)) throw fieldError("email", "invalid_email");
  return { email: normaliseEmail(trimmed), login: `${local}@${domain}`, local, domain };
}

/** An error meaning "there is nothing here" (HTTP 404, no DNS record) rather than a failure. */
const ABSENT_CODES = new Set(["ENOTFOUND", "ENODATA", "NXDOMAIN", "ENONAME", "EAI_NONAME"]);
function isAbsence(err: unknown): boolean {
  const e = err as { status?: number; code?: string; absent?: boolean } | undefined;
  return !!e && (e.absent === true || e.status === 404 || e.status === 410 || (typeof e.code === "string" && ABSENT_CODES.has(e.code)));
}
const absence = (message: string) => Object.assign(new Error(message), { absent: true });

function describeError(err: unknown): string {
  const e = err as { name?: string; code?: string; message?: string; status?: number } | undefined;
  if (!e) return "failed";
  if (e.name === "TimeoutError") return "timed out";
  if (e.name === "AbortError") return "stopped";
  if (e instanceof HttpStatusError) return `HTTP ${e.status}`;
  if (e.code === "ENOTFOUND" || e.code === "ENODATA") return `no such DNS record (${e.code})`;
  const text = `${e.code ? `${e.code}: ` : ""}${e.message ?? String(err)}`;
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

// ---------------------------------------------------------------------------------------------
// The real dependencies

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

// ---------------------------------------------------------------------------------------------
// API schemas

export const autodiscoverInput = z.strictObject({ email: emailField });

const discoveredServerOutput = z.object({
  host: z.string(),
  port: z.number(),
  security: z.enum(securityModes),
  user: z.string(),
  source: z.enum(discoverySteps),
});

export const autodiscoverOutput = z.object({
  email: z.string(),
  domain: z.string(),
  provider: z.enum(providerIds),
  imap: discoveredServerOutput.nullable(),
  smtp: discoveredServerOutput.nullable(),
  sources: z.array(z.object({ step: z.enum(discoverySteps), ok: z.boolean(), status: z.enum(stepStatuses), detail: z.string(), ms: z.number() })),
});
