/**
 * Reading a provider's config-v1.1.xml (the domain's own autoconfig file or Mozilla's ISPDB
 * entry) into the servers autodiscovery may propose: only password-based servers, with the
 * reasons the others were left out.
 */

import { XMLParser, XMLValidator, type X2jOptions } from "fast-xml-parser";
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

// The XML itself is read by fast-xml-parser, checked for well-formedness by its validator first.
// A document with a DOCTYPE or any other declaration is refused before parsing, so no entity is
// ever defined (no expansion bombs, no external entities); size, depth and element count are
// bounded. Element and attribute names are compared lower-cased and without a namespace prefix.

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const MAX_XML_CHARS = 256 * 1024;
const MAX_DEPTH = 32;
const MAX_ELEMENTS = 5000;

// Options only: a parser is built per document (cheap), so a bundle that never reads XML drops the library.
const PARSER_OPTIONS: X2jOptions = {
  preserveOrder: true, // servers are ranked by document order among equals
  ignoreAttributes: false,
  attributeNamePrefix: "",
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  // XML's five entities and character references (&#x2019;); with no DOCTYPE, nothing else can be defined.
  processEntities: true,
  htmlEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: MAX_DEPTH,
};

/** A node of fast-xml-parser's ordered output: `{ name: children, ":@": attributes }` or `{ "#text": text }`. */
type OrderedNode = Record<string, unknown> & { ":@"?: Record<string, string>; "#text"?: string };

// Comments and CDATA sections may hold "<!" as text; any other "<!" opens a declaration.
const COMMENT_OR_CDATA = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>/g;

export function parseXml(source: string): XmlElement {
  if (source.length > MAX_XML_CHARS) throw new Error("XML document too large");
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  if (text.replace(COMMENT_OR_CDATA, "").includes("<!")) throw new Error("XML with a DOCTYPE or declarations is not accepted");
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    const unclosed = /^Unclosed tag '([^']*)'/.exec(valid.err.msg);
    throw new Error(unclosed ? `malformed XML: <${localName(unclosed[1]!)}> is not closed` : `malformed XML: ${valid.err.msg} (line ${valid.err.line})`);
  }
  let nodes: OrderedNode[];
  try {
    nodes = new XMLParser(PARSER_OPTIONS).parse(text) as OrderedNode[];
  } catch (err) {
    if (/nested/i.test((err as Error).message)) throw new Error("XML document nested too deeply", { cause: err });
    throw new Error(`malformed XML: ${(err as Error).message}`, { cause: err });
  }
  const count = { elements: 0 };
  const doc: XmlElement = { name: "#document", attrs: {}, children: [], text: "" };
  fill(doc, nodes, count);
  if (doc.children.length !== 1) throw new Error("malformed XML: expected exactly one root element");
  return doc;
}

function fill(into: XmlElement, nodes: OrderedNode[], count: { elements: number }): void {
  for (const node of nodes) {
    if (typeof node["#text"] === "string") {
      into.text += node["#text"];
      continue;
    }
    const name = Object.keys(node).find((k) => k !== ":@");
    if (name === undefined) continue;
    if (++count.elements > MAX_ELEMENTS) throw new Error("XML document has too many elements");
    const attrs: Record<string, string> = {};
    for (const [key, value] of Object.entries(node[":@"] ?? {})) attrs[localName(key)] = String(value);
    const el: XmlElement = { name: localName(name), attrs, children: [], text: "" };
    into.children.push(el);
    fill(el, node[name] as OrderedNode[], count);
  }
}

const localName = (name: string) => name.slice(name.indexOf(":") + 1).toLowerCase();
