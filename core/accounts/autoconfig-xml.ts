/**
 * Reading a provider's config-v1.1.xml (the domain's own autoconfig file or Mozilla's ISPDB
 * entry) into the servers autodiscovery may propose: only password-based servers, with the
 * reasons the others were left out.
 */

import { hostnameField, type SecurityMode } from "./schema";
import type { FoundServer } from "./autodiscover";

export const normaliseHost = (host: string) => host.trim().toLowerCase().replace(/\.$/, "");
export const isHostname = (host: string) => hostnameField.safeParse(host).success && !host.includes("%");

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

