/**
 * RFC 5322 2.3: a message's lines end in CRLF, and CR and LF never appear alone. Servers are
 * entitled to refuse anything else: Cyrus IMAP answers an APPEND with bare LFs with
 * "NO Message contains bare newlines". Every message we send or APPEND goes through this,
 * whatever built it (nodemailer keeps the line endings of a text body as they were given).
 */
export function withCrlf(raw: Buffer): Buffer {
  // fast path: most messages are already clean
  let clean = true;
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i];
    if (b === 0x0a && raw[i - 1] !== 0x0d) {
      clean = false;
      break;
    }
    if (b === 0x0d && raw[i + 1] !== 0x0a) {
      clean = false;
      break;
    }
  }
  if (clean) return raw;
  return Buffer.from(raw.toString("latin1").replace(/\r\n|\r|\n/g, "\r\n"), "latin1");
}
