/**
 * What the sync reads of a message body: a short text preview of its first text part and the
 * attachments' names, types and sizes, all from BODYSTRUCTURE plus one bounded partial FETCH.
 * Attachments and the rest of the body are never downloaded, so a 50 MB message costs what a
 * small one does.
 */

/** The subset of imapflow's MessageStructureObject we read. */
export interface BodyNode {
  part?: string;
  type: string;
  parameters?: Record<string, string>;
  encoding?: string;
  size?: number;
  disposition?: string;
  dispositionParameters?: Record<string, string>;
  childNodes?: BodyNode[];
}

export interface Attachment {
  filename: string | null;
  contentType: string;
  size: number | null;
}

export interface PreviewPart {
  /** IMAP section, e.g. "1", "1.1" or "2". */
  part: string;
  type: "text/plain" | "text/html";
  charset: string | null;
  encoding: string;
}

/** Bytes fetched for a preview: enough for PREVIEW_CHARS after transfer decoding and HTML stripping. */
export const PREVIEW_BYTES = 4096;
export const PREVIEW_CHARS = 280;

const isAttachment = (n: BodyNode) => n.disposition?.toLowerCase() === "attachment" || !!n.dispositionParameters?.filename || (!!n.parameters?.name && !n.type.startsWith("text/"));

function walk(node: BodyNode, visit: (n: BodyNode, section: string) => void, section = ""): void {
  if (node.childNodes?.length) {
    node.childNodes.forEach((child, i) => walk(child, visit, child.part ?? (section ? `${section}.${i + 1}` : String(i + 1))));
    return;
  }
  // a single-part message's body is section 1 (RFC 3501 6.4.5)
  visit(node, node.part ?? (section || "1"));
}

/** The first inline text/plain part, else the first inline text/html part. */
export function pickPreviewPart(root: BodyNode | undefined): PreviewPart | null {
  if (!root) return null;
  let plain: PreviewPart | null = null;
  let html: PreviewPart | null = null;
  walk(root, (n, section) => {
    if (isAttachment(n)) return;
    const type = n.type.toLowerCase();
    const found = { part: section, charset: n.parameters?.charset ?? null, encoding: (n.encoding ?? "7bit").toLowerCase() };
    if (type === "text/plain" && !plain) plain = { ...found, type: "text/plain" };
    if (type === "text/html" && !html) html = { ...found, type: "text/html" };
  });
  return plain ?? html;
}

export function attachmentsOf(root: BodyNode | undefined): Attachment[] {
  if (!root) return [];
  const out: Attachment[] = [];
  walk(root, (n) => {
    if (!isAttachment(n)) return;
    out.push({ filename: n.dispositionParameters?.filename ?? n.parameters?.name ?? null, contentType: n.type.toLowerCase(), size: decodedSize(n) });
  });
  return out;
}

/**
 * The file's size, not its size in the message: BODYSTRUCTURE counts base64 text, 4 characters
 * for 3 bytes plus a line break every 76 (RFC 2045), so 57 bytes per 78 characters.
 */
function decodedSize(n: BodyNode): number | null {
  if (n.size === undefined || n.size === null) return null;
  return n.encoding?.toLowerCase() === "base64" ? Math.round((n.size * 57) / 78) : n.size;
}

/** Charset labels mail really uses that TextDecoder does not know by that name. */
const CHARSET_ALIASES: Record<string, string> = {
  cp932: "shift_jis",
  ms932: "shift_jis",
  ms_kanji: "shift_jis",
  sjis: "shift_jis",
  "x-sjis": "shift_jis",
  "shift-jis": "shift_jis",
  "windows-31j": "shift_jis",
  "iso-2022-jp-1": "iso-2022-jp",
  "iso-2022-jp-2": "iso-2022-jp",
  "iso-2022-jp-3": "iso-2022-jp",
  "x-euc-jp": "euc-jp",
  "ks_c_5601-1987": "euc-kr",
  "us-ascii": "utf-8",
  ascii: "utf-8",
};

function decoderFor(label: string | null): TextDecoder | null {
  const name = (label ?? "utf-8").trim().toLowerCase().replace(/^"|"$/g, "");
  try {
    return new TextDecoder(CHARSET_ALIASES[name] ?? name);
  } catch {
    return null;
  }
}

/**
 * Decodes text whose declared charset may be wrong, as real Japanese mail often is:
 * ISO-2022-JP escapes win over any label, invalid UTF-8 falls back to Shift_JIS then EUC-JP.
 */
export function decodeText(bytes: Uint8Array, declared: string | null): string {
  if (bytes.includes(0x1b) && /\x1b\$[@B]|\x1b\(J/.test(Buffer.from(bytes).toString("latin1"))) return new TextDecoder("iso-2022-jp").decode(bytes);
  const label = (declared ?? "").toLowerCase();
  if (!label || label === "utf-8" || label === "utf8" || label === "us-ascii") {
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      for (const guess of ["shift_jis", "euc-jp"]) {
        try {
          return new TextDecoder(guess, { fatal: true }).decode(bytes);
        } catch {
          /* next */
        }
      }
      return new TextDecoder("utf-8").decode(bytes);
    }
  }
  return (decoderFor(declared) ?? new TextDecoder("utf-8")).decode(bytes);
}

/** Undoes the transfer encoding of a possibly truncated part. */
export function transferDecode(raw: Buffer, encoding: string): Buffer {
  switch (encoding) {
    case "base64": {
      const text = raw.toString("latin1").replace(/[^A-Za-z0-9+/=]/g, "");
      return Buffer.from(text.slice(0, text.length - (text.length % 4)), "base64");
    }
    case "quoted-printable": {
      // a truncated "=X" at the very end is dropped rather than guessed
      const text = raw
        .toString("latin1")
        .replace(/=\r?\n/g, "")
        .replace(/=[0-9A-Fa-f]?$/, "");
      const bytes: number[] = [];
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 0x3d && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
          bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
          i += 2;
        } else bytes.push(c & 0xff);
      }
      return Buffer.from(bytes);
    }
    default:
      return raw;
  }
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/** HTML to plain text for a preview: drops scripts, styles and tags; never renders anything. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style|head)[\s\S]*?(<\/\1\s*>|$)/gi, " ")
    .replace(/<br\s*\/?>|<\/(p|div|li|tr|h\d)>/gi, "\n")
    .replace(/<[^>]*>?/g, " ")
    .replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, e: string) => {
      if (e[0] === "#") {
        const code = e[1]?.toLowerCase() === "x" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : " ";
      }
      return ENTITIES[e.toLowerCase()] ?? m;
    });
}

/** Raw bytes of the preview part (as fetched) to at most PREVIEW_CHARS of clean text. */
export function previewText(raw: Buffer, part: PreviewPart, alreadyDecoded = false): string {
  const bytes = alreadyDecoded ? raw : transferDecode(raw, part.encoding);
  let text = decodeText(bytes, part.charset);
  if (part.type === "text/html") text = htmlToText(text);
  // drop quoted replies and collapse white space: the preview is the new words
  text = text
    .split(/\r?\n/)
    .filter((line) => !line.trimStart().startsWith(">"))
    .join(" ")
    .replace(/\uFFFD+$/, "")
    .replace(/\s+/g, " ")
    .trim();
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS - 1)}…` : text;
}
