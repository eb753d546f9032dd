import iconv from "iconv-lite";

/**
 * The sync test corpus: real-world shapes of mail, built byte for byte. Japanese mail comes
 * in ISO-2022-JP (the classic), Shift_JIS (Windows clients) and with wrong declarations.
 */
const CRLF = "\r\n";
const b64 = (buf: Buffer) => buf.toString("base64").replace(/.{76}/g, `$&${CRLF}`);

/**
 * ISO-2022-JP from EUC-JP: a JIS X 0208 character is its two EUC-JP bytes without the high bit,
 * between ESC $ B and ESC ( B. (iconv-lite decodes ISO-2022-JP but cannot encode it.)
 */
export function encodeIso2022jp(text: string): Buffer {
  const euc = iconv.encode(text, "euc-jp");
  const out: number[] = [];
  let kanji = false;
  for (let i = 0; i < euc.length; i++) {
    const b = euc[i]!;
    if (b >= 0xa1 && b <= 0xfe && i + 1 < euc.length) {
      if (!kanji) out.push(0x1b, 0x24, 0x42);
      kanji = true;
      out.push(b & 0x7f, euc[++i]! & 0x7f);
    } else {
      if (kanji) out.push(0x1b, 0x28, 0x42);
      kanji = false;
      out.push(b);
    }
  }
  if (kanji) out.push(0x1b, 0x28, 0x42);
  return Buffer.from(out);
}

const encode = (text: string, charset: "ISO-2022-JP" | "Shift_JIS" | "UTF-8") =>
  charset === "ISO-2022-JP" ? encodeIso2022jp(text) : iconv.encode(text, charset === "Shift_JIS" ? "shift_jis" : "utf-8");
const word = (text: string, charset: "ISO-2022-JP" | "Shift_JIS" | "UTF-8") => `=?${charset}?B?${encode(text, charset).toString("base64")}?=`;
const date = (d: Date) => d.toUTCString().replace("GMT", "+0000");

export interface Headers {
  from: string;
  to: string;
  cc?: string;
  subject: string;
  date: Date;
  messageId?: string;
  inReplyTo?: string;
  references?: string;
}

/** The header block every builder here (and the bench's business mail) starts from: `before` goes first (transport headers), `extra` after MIME-Version. */
export function headerBlock(h: Headers, extra: string[] = [], before: string[] = []): string {
  return [
    ...before,
    `From: ${h.from}`,
    `To: ${h.to}`,
    ...(h.cc ? [`Cc: ${h.cc}`] : []),
    `Subject: ${h.subject}`,
    `Date: ${date(h.date)}`,
    ...(h.messageId ? [`Message-ID: ${h.messageId}`] : []),
    ...(h.inReplyTo ? [`In-Reply-To: ${h.inReplyTo}`] : []),
    ...(h.references ? [`References: ${h.references}`] : []),
    "MIME-Version: 1.0",
    ...extra,
  ].join(CRLF);
}

export const plain = (h: Headers, body: string) =>
  Buffer.from(`${headerBlock(h, ["Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: 8bit"])}${CRLF}${CRLF}${body}${CRLF}`);

/** ISO-2022-JP subject and body, 7bit, as Japanese mailers have sent for decades. */
export const iso2022jp = (h: Omit<Headers, "subject"> & { subject: string }, body: string) =>
  Buffer.concat([
    Buffer.from(
      `${headerBlock({ ...h, subject: word(h.subject, "ISO-2022-JP") }, ["Content-Type: text/plain; charset=ISO-2022-JP", "Content-Transfer-Encoding: 7bit"])}${CRLF}${CRLF}`,
    ),
    encodeIso2022jp(body.replace(/\n/g, CRLF)),
    Buffer.from(CRLF),
  ]);

/** Shift_JIS body in base64 and a Shift_JIS encoded-word subject (Outlook on Windows). */
export const shiftJis = (h: Headers, body: string) =>
  Buffer.from(
    `${headerBlock({ ...h, subject: word(h.subject, "Shift_JIS") }, ["Content-Type: text/plain; charset=Shift_JIS", "Content-Transfer-Encoding: base64"])}${CRLF}${CRLF}${b64(iconv.encode(body, "shift_jis"))}${CRLF}`,
  );

/** Declares UTF-8 but carries Shift_JIS bytes: a mailer bug real mailboxes are full of. */
export const wronglyDeclared = (h: Headers, body: string) =>
  Buffer.concat([
    Buffer.from(`${headerBlock(h, ["Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: 8bit"])}${CRLF}${CRLF}`),
    iconv.encode(body, "shift_jis"),
    Buffer.from(CRLF),
  ]);

export const htmlOnly = (h: Headers, html: string) =>
  Buffer.from(`${headerBlock(h, ["Content-Type: text/html; charset=UTF-8", "Content-Transfer-Encoding: quoted-printable"])}${CRLF}${CRLF}${toQuotedPrintable(html)}${CRLF}`);

function toQuotedPrintable(text: string): string {
  return [...Buffer.from(text, "utf8")]
    .map((b) => (b === 0x3d || b > 0x7e ? `=${b.toString(16).toUpperCase().padStart(2, "0")}` : String.fromCharCode(b)))
    .join("")
    .replace(/.{72}/g, `$&=${CRLF}`);
}

/** multipart/mixed: a text part and one attachment with an RFC 2231 UTF-8 file name. */
export function withAttachment(h: Headers, body: string, file: { name: string; type: string; content: Buffer }): Buffer {
  const boundary = "=_boundary_" + Math.random().toString(36).slice(2);
  const encodedName = `UTF-8''${encodeURIComponent(file.name)}`;
  return Buffer.concat([
    Buffer.from(
      [
        headerBlock(h, [`Content-Type: multipart/mixed; boundary="${boundary}"`]),
        "",
        `--${boundary}`,
        "Content-Type: text/plain; charset=UTF-8",
        "Content-Transfer-Encoding: 8bit",
        "",
        body,
        `--${boundary}`,
        `Content-Type: ${file.type}; name*=${encodedName}`,
        "Content-Transfer-Encoding: base64",
        `Content-Disposition: attachment; filename*=${encodedName}`,
        "",
        "",
      ].join(CRLF),
    ),
    Buffer.from(b64(file.content)),
    Buffer.from(`${CRLF}--${boundary}--${CRLF}`),
  ]);
}

/** Broken MIME: a multipart with no boundary parameter and a header line with no colon. */
export const malformed = (h: Headers) =>
  Buffer.from(`${headerBlock(h, ["Content-Type: multipart/mixed", "This line is not a header"])}${CRLF}${CRLF}--x${CRLF}garbage without structure${CRLF}`);

/** A header value as RFC 2047 UTF-8 base64 when it is not plain ASCII. */
export const utf8Word = (text: string) => (/^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text, "utf8").toString("base64")}?=`);

/** A plain UTF-8 message from lists of addresses, the subject encoded when it is not ASCII: the test's own words, nothing else. */
export const message = (m: {
  from: string;
  to: string[];
  cc?: string[];
  subject: string;
  date: Date;
  messageId: string;
  inReplyTo?: string;
  references?: string[];
  body?: string;
}) =>
  plain(
    {
      from: m.from,
      to: m.to.join(", "),
      ...(m.cc?.length ? { cc: m.cc.join(", ") } : {}),
      subject: utf8Word(m.subject),
      date: m.date,
      messageId: m.messageId,
      ...(m.inReplyTo ? { inReplyTo: m.inReplyTo } : {}),
      ...(m.references?.length ? { references: m.references.join(" ") } : {}),
    },
    m.body ?? "Hello.",
  );
