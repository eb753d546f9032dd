import { domainToASCII } from "node:url";
import { z } from "zod";
import { emailField } from "../contacts/index";
import { looksLikeEmail, normaliseEmail } from "../contacts/index";
import { fieldError } from "../shared/errors";
import { note, stepNoteOutput, type StepNote } from "../shared/step-notes";
import type { PinnedSettings } from "./domain-settings";
import { isHostname, normaliseHost, parseConfigXml, type ConfigXml } from "./autoconfig-xml";
import { HttpStatusError } from "./autodiscover-network";
import { presetFor, presetForDomain, providerForHost, usernameFor, type ZohoRegion } from "../mail/index";
import { providerIds, securityModes, type ProviderId, type SecurityMode } from "./schema";

/**
 * Finds a mailbox's IMAP and SMTP settings from its address alone, the way the best clients
 * do: Thunderbird's order (local presets, the domain's own config-v1.1.xml, Mozilla's ISPDB,
 * ISPDB for the MX host's domain, guessing) plus EmailEngine's additions (RFC 6186/8314 SRV records, an MX-to-provider table, everything in
 * parallel). Every lookup runs at once under ONE deadline; the answer is then picked by a fixed
 * priority, per server: admin > preset > autoconfig > ispdb > srv > mx > guess. An answer is
 * returned as soon as no pending lookup could still beat what is known, so a preset or an
 * admin pin answers in milliseconds and a slow or dead lookup never delays past the deadline.
 *
 * Over 400 lines because the seven steps share one context and one priority rule; reading
 * config-v1.1.xml (autoconfig-xml.ts) and the network (autodiscover-network.ts) are apart.
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
  /** What the step found, as a message key the console says in the reader's language. */
  note: StepNote;
  /** What the step did, in English, for support: the console shows it behind "Details". */
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
  note?: StepNote;
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
          run.note = findingNote(step, finding);
          run.detail = finding.detail;
        },
        (err) => {
          run.status = isAbsence(err) ? "none" : "failed";
          run.note = errorNote(err);
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
    if (!run)
      return { step, ok: false, status: "skipped", note: note("preset_not_needed", { provider: preset?.label.en ?? "" }), detail: `not needed: ${preset?.label.en} preset`, ms: 0 };
    if (!run.settled) {
      const ms = Date.now() - run.startedAt;
      return timedOut
        ? { step, ok: false, status: "timeout", note: note("deadline", { seconds: deadlineMs / 1000 }), detail: `timed out: no answer within the ${deadlineMs} ms deadline`, ms }
        : { step, ok: false, status: "skipped", note: note("higher_priority"), detail: "stopped: a higher-priority source had answered", ms };
    }
    return { step, ok: run.status === "found", status: run.status!, note: run.note ?? note("nothing_found"), detail: run.detail ?? "", ms: run.ms };
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
 * in its own documentation: then this step finds nothing, and the other steps or the user decide.
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
// Small helpers

function parseAddress(raw: string): Address {
  const trimmed = String(raw ?? "")
    .trim()
    .normalize("NFC");
  if (!looksLikeEmail(trimmed)) throw fieldError("email", "invalid_email");
  const at = trimmed.lastIndexOf("@");
  const local = trimmed.slice(0, at);
  const rawDomain = trimmed
    .slice(at + 1)
    .toLowerCase()
    .replace(/\.$/, "");
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

/** What a settled step found, said with a message key: the servers, or that there were none. */
function findingNote(step: DiscoveryStep, finding: Finding): StepNote {
  const servers = [finding.imap?.host, finding.smtp?.host].filter((h, i, all): h is string => !!h && all.indexOf(h) === i);
  if (!servers.length) return note("nothing_found");
  if (step === "admin") return note("pinned", { servers: servers.join(", ") });
  if (step === "preset" && finding.provider) return note("preset", { provider: presetFor(finding.provider).label.en, servers: servers.join(", ") });
  return note("found", { servers: servers.join(", ") });
}

/** describeError's reading of an error as a message key; the error's own words stay in the detail. */
function errorNote(err: unknown): StepNote {
  const e = err as { name?: string; code?: string } | undefined;
  if (e?.name === "TimeoutError") return note("timed_out");
  if (e?.name === "AbortError") return note("stopped");
  if (err instanceof HttpStatusError) return note("http_status", { status: err.status });
  if (typeof e?.code === "string" && ABSENT_CODES.has(e.code)) return note("no_dns_record");
  return isAbsence(err) ? note("nothing_found") : note("failed");
}

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

export {
  createAutodiscoverDeps,
  createFetchText,
  createProbe,
  HttpStatusError,
  type AutodiscoverDepsConfig,
  type FetchTextConfig,
  type NetworkPolicy,
  type ProbeConfig,
} from "./autodiscover-network";
export { parseConfigXml, parseXml, type ConfigXml } from "./autoconfig-xml";

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
  sources: z.array(z.object({ step: z.enum(discoverySteps), ok: z.boolean(), status: z.enum(stepStatuses), note: stepNoteOutput, detail: z.string(), ms: z.number() })),
});
