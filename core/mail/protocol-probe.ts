/**
 * Our own first bytes on a mail port, to see what it really speaks: a plain greeting where TLS
 * was expected, silence until a ClientHello, whether STARTTLS is offered. The connection test
 * uses these to name a security-mode mismatch from what the server sent; autodiscovery uses
 * probeServer to check a candidate before proposing it. Nothing secret is ever sent here.
 */
import net from "node:net";
import tls from "node:tls";
import { isIP } from "node:net";
import type { MailProtocol } from "./diagnosis";
import type { SecurityMode } from "./mail-server";

/** Reads CRLF-terminated lines from a socket; remembers the very first bytes. */
export class LineReader {
  private buffer = Buffer.alloc(0);
  private lines: string[] = [];
  private waiter?: () => void;
  private failure?: Error;
  firstByte?: number;

  constructor(private readonly socket: net.Socket) {
    socket.on("data", this.onData);
    socket.on("error", this.onError);
    socket.on("close", this.onClose);
  }

  private onData = (chunk: Buffer) => {
    if (this.firstByte === undefined && chunk.length) this.firstByte = chunk[0];
    this.buffer = Buffer.concat([this.buffer, chunk]);
    let eol: number;
    while ((eol = this.buffer.indexOf("\n")) >= 0) {
      this.lines.push(this.buffer.subarray(0, eol).toString("utf8").replace(/\r$/, ""));
      this.buffer = this.buffer.subarray(eol + 1);
    }
    this.wake();
  };
  private onError = (err: Error) => {
    this.failure ??= err;
    this.wake();
  };
  private onClose = () => {
    this.failure ??= Object.assign(new Error("Connection closed by the server"), { code: "ECONNRESET" });
    this.wake();
  };
  private wake() {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  /** Stops listening, so that the socket can be handed to tls.connect. */
  detach(): void {
    this.socket.off("data", this.onData);
    this.socket.off("error", this.onError);
    this.socket.off("close", this.onClose);
  }

  /** Whether any byte arrived that does not form a complete line yet (e.g. a TLS record). */
  get hasPartial(): boolean {
    return this.buffer.length > 0;
  }

  /** The next line, or undefined when none came within `ms` (and no bytes arrived at all). */
  async nextLine(ms: number): Promise<string | undefined> {
    const deadline = Date.now() + ms;
    for (;;) {
      const line = this.lines.shift();
      if (line !== undefined) return line;
      if (this.firstByte !== undefined && looksLikeTls(this.firstByte)) return undefined;
      if (this.failure) throw this.failure;
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }
}

/** 0x15 alert, 0x16 handshake: the first byte of a TLS record. */
export const looksLikeTls = (byte: number) => byte === 0x15 || byte === 0x16;

export function connectTcp(address: string, port: number, ms: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: address, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(Object.assign(new Error(`connect ETIMEDOUT ${address}:${port}`), { code: "ETIMEDOUT" }));
    }, ms);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.removeAllListeners("error");
      // whoever reads next attaches its own listener; an error before that must not crash the process
      socket.on("error", () => undefined);
      resolve(socket);
    });
    socket.once("error", (err) => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    });
  });
}

export interface TlsOptions {
  servername?: string;
  ca?: string;
  rejectUnauthorized: boolean;
}

export function handshake(socket: net.Socket, address: string, port: number, opts: TlsOptions, ms: number): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    // host is what Node checks the certificate against when there is no servername (an IP)
    const secure = tls.connect({ socket, host: address, port, servername: opts.servername, ca: opts.ca, rejectUnauthorized: opts.rejectUnauthorized, minVersion: "TLSv1.2" });
    const timer = setTimeout(() => {
      secure.destroy();
      reject(Object.assign(new Error("TLS handshake timed out"), { code: "ETIMEDOUT" }));
    }, ms);
    secure.once("secureConnect", () => {
      clearTimeout(timer);
      secure.removeAllListeners("error");
      secure.on("error", () => undefined);
      resolve(secure);
    });
    secure.once("error", (err) => {
      clearTimeout(timer);
      secure.destroy();
      reject(err);
    });
  });
}

export function describeTls(secure: tls.TLSSocket, insecureAllowed: boolean): string {
  const cert = secure.getPeerCertificate();
  const name = (x: unknown) => (x && typeof x === "object" ? String((x as Record<string, unknown>).CN ?? (x as Record<string, unknown>).O ?? "?") : "?");
  const parts = [`${secure.getProtocol() ?? "TLS"} ${secure.getCipher()?.name ?? ""}`.trim()];
  if (cert && Object.keys(cert).length) parts.push(`certificate ${name(cert.subject)} issued by ${name(cert.issuer)}, valid until ${cert.valid_to}`);
  if (!secure.authorized) parts.push(insecureAllowed ? `NOT verified (${String(secure.authorizationError)}), accepted because insecure certificates are allowed` : "not verified");
  return parts.join("; ");
}

export const endSocket = (socket: net.Socket | undefined) => {
  if (!socket) return;
  socket.on("error", () => undefined);
  socket.destroy();
};

/** An IMAP "* BYE" or an SMTP 4xx/5xx greeting, shaped like the libraries' errors so that diagnose() reads it alike. */
export function greetingRefusal(protocol: MailProtocol, line: string): Error {
  if (protocol === "smtp") {
    const code = Number(line.slice(0, 3));
    return Object.assign(new Error(line), { response: line, responseCode: Number.isFinite(code) ? code : undefined, command: "CONN" });
  }
  return Object.assign(new Error(line), { responseText: line.replace(/^\*\s+BYE\s*/i, ""), code: "NoConnection" });
}

export const isGreeting = (protocol: MailProtocol, line: string) => (protocol === "imap" ? /^\* (OK|PREAUTH)\b/i.test(line) : /^220[ -]/.test(line));

/**
 * After a failed TLS handshake: does the port greet in plain text? Then TLS was the wrong
 * choice (OpenSSL read "* OK" as a record header: "wrong version number").
 */
export async function plaintextGreeting(address: string, port: number, ms: number): Promise<string | undefined> {
  let socket: net.Socket | undefined;
  try {
    socket = await connectTcp(address, port, ms);
    const line = await new LineReader(socket).nextLine(ms);
    return line !== undefined && /^(\* (OK|PREAUTH|BYE)|\d{3}[ -])/i.test(line) ? line : undefined;
  } catch {
    return undefined;
  } finally {
    endSocket(socket);
  }
}

/** After a silent plain connection: does the port complete a TLS handshake? Then it wants TLS from the first byte. */
export async function speaksTls(address: string, port: number, servername: string | undefined, ms: number): Promise<boolean> {
  let socket: net.Socket | undefined;
  try {
    socket = await connectTcp(address, port, ms);
    // only the protocol is probed here, never trusted: the real handshake verifies
    const secure = await handshake(socket, address, port, { servername, rejectUnauthorized: false }, ms);
    endSocket(secure);
    return true;
  } catch {
    return false;
  } finally {
    endSocket(socket);
  }
}

/** The STARTTLS exchange on a plain connection whose greeting was read. */
export async function startTls(protocol: MailProtocol, socket: net.Socket, reader: LineReader, ms: number): Promise<void> {
  if (protocol === "imap") {
    socket.write("T1 STARTTLS\r\n");
    for (;;) {
      const line = await reader.nextLine(ms);
      if (line === undefined) throw Object.assign(new Error("No answer to STARTTLS"), { code: "ETIMEDOUT" });
      if (!line.startsWith("T1 ")) continue;
      if (/^T1 OK\b/i.test(line)) return;
      throw new Error(`Server does not support STARTTLS: ${line.slice(3)}`);
    }
  }
  const reply = async (command: string) => {
    const lines: string[] = [];
    for (;;) {
      const line = await reader.nextLine(ms);
      if (line === undefined) throw Object.assign(new Error(`No answer to ${command}`), { code: "ETIMEDOUT" });
      lines.push(line);
      if (/^\d{3} /.test(line) || !/^\d{3}-/.test(line)) return { code: Number(line.slice(0, 3)), text: lines.join("\n") };
    }
  };
  socket.write("EHLO crm-mail-sync\r\n");
  const ehlo = await reply("EHLO");
  if (ehlo.code !== 250) throw Object.assign(new Error(ehlo.text), { response: ehlo.text, responseCode: ehlo.code, command: "EHLO" });
  if (!/^250[ -]STARTTLS\b/im.test(ehlo.text)) throw new Error("Server does not support STARTTLS (not in its EHLO reply)");
  socket.write("STARTTLS\r\n");
  const answer = await reply("STARTTLS");
  if (answer.code !== 220)
    throw Object.assign(new Error("Error upgrading connection with STARTTLS"), { code: "ETLS", response: answer.text, responseCode: answer.code, command: "STARTTLS" });
}

/**
 * Whether `address:port` greets as the protocol's server (IMAP "* OK" or PREAUTH, SMTP "220")
 * and, for STARTTLS, lists STARTTLS among its capabilities (IMAP CAPABILITY, SMTP EHLO), so a
 * server that would only take a password in plaintext is never proposed. The certificate is
 * not verified: nothing secret is sent, and the real connection verifies it later and can then
 * say clearly that it is untrusted. False on any failure, timeout or abort.
 */
export async function probeServer(
  address: string,
  host: string,
  port: number,
  security: SecurityMode,
  protocol: MailProtocol,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  const left = () => Math.max(1, deadline - Date.now());
  let socket: net.Socket | undefined;
  const abort = () => endSocket(socket);
  signal?.addEventListener("abort", abort, { once: true });
  try {
    if (signal?.aborted) return false;
    socket = await connectTcp(address, port, left());
    if (security === "tls") socket = await handshake(socket, address, port, { servername: isIP(host) ? undefined : host, rejectUnauthorized: false }, left());
    if (signal?.aborted) return false;
    const reader = new LineReader(socket);
    const farewell = protocol === "imap" ? "a2 LOGOUT\r\n" : "QUIT\r\n";
    let greeting = await reader.nextLine(left());
    // an SMTP greeting may run over several "220-" lines
    while (protocol === "smtp" && greeting !== undefined && /^220-/.test(greeting)) greeting = await reader.nextLine(left());
    if (greeting === undefined || !(protocol === "imap" ? /^\* (OK|PREAUTH)\b/i : /^220(?:[ -]|$)/).test(greeting)) return false;
    const ok = security !== "starttls" || (await offersStartTls(protocol, socket, reader, greeting, left));
    socket.write(farewell);
    return ok;
  } catch {
    return false;
  } finally {
    signal?.removeEventListener("abort", abort);
    const s = socket;
    if (s && !s.destroyed) {
      s.end();
      setTimeout(() => s.destroy(), 500).unref();
    }
  }
}

/** Whether the server lists STARTTLS: in the IMAP greeting's or CAPABILITY's list, or the SMTP EHLO reply. */
async function offersStartTls(protocol: MailProtocol, socket: net.Socket, reader: LineReader, greeting: string, left: () => number): Promise<boolean> {
  if (protocol === "imap") {
    if (/\[CAPABILITY [^\]]*\bSTARTTLS\b/i.test(greeting)) return true;
    socket.write("a1 CAPABILITY\r\n");
    let starttls = false;
    for (;;) {
      const line = await reader.nextLine(left());
      if (line === undefined) return false;
      if (/^\* CAPABILITY /i.test(line)) starttls ||= /\bSTARTTLS\b/i.test(line);
      else if (/^a1 /i.test(line)) return starttls;
    }
  }
  socket.write("EHLO autodiscover.invalid\r\n");
  let starttls = false;
  for (;;) {
    const line = await reader.nextLine(left());
    if (line === undefined || !/^250(?:[ -]|$)/.test(line)) return false;
    if (/^250[ -]STARTTLS\b/i.test(line)) starttls = true;
    if (line[3] !== "-") return starttls;
  }
}
