import { once } from "node:events";
import tls from "node:tls";
import type { MailServersInfo, MailUser } from "./types";

/**
 * A minimal IMAP client over implicit TLS, just enough for LOGIN / CREATE / APPEND with
 * non-synchronising literals. imapflow cannot send MULTIAPPEND, and one APPEND per message
 * waits a round trip each. Server responses are read line by line; none of the commands used
 * here gets literals back.
 */
export class ImapWire {
  private buffered = Buffer.alloc(0);
  private lines: string[] = [];
  private waiter: (() => void) | undefined;
  private failure: Error | undefined;
  private tagCounter = 0;

  private constructor(private readonly socket: tls.TLSSocket) {
    socket.on("data", (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      let eol: number;
      while ((eol = this.buffered.indexOf("\r\n")) >= 0) {
        this.lines.push(this.buffered.subarray(0, eol).toString("utf8"));
        this.buffered = this.buffered.subarray(eol + 2);
      }
      this.wake();
    });
    const fail = (err: Error) => {
      this.failure ??= err;
      this.wake();
    };
    socket.on("error", fail);
    socket.on("close", () => fail(new Error("IMAP connection closed")));
  }

  static async login(info: MailServersInfo, user: MailUser): Promise<ImapWire> {
    const socket = tls.connect({ host: info.host, port: info.imapsPort, ca: info.caPem });
    const wire = new ImapWire(socket);
    await wire.nextLine(); // greeting: "* OK [CAPABILITY ...] Dovecot ready."
    await wire.command([`LOGIN ${quoteImap(user.email)} ${quoteImap(user.password)}`]);
    return wire;
  }

  private wake() {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  private async nextLine(): Promise<string> {
    for (;;) {
      const line = this.lines.shift();
      if (line !== undefined) return line;
      if (this.failure) throw this.failure;
      await new Promise<void>((r) => (this.waiter = r));
    }
  }

  /** Sends one tagged command (parts are concatenated) and resolves on its tagged OK. */
  async command(parts: (string | Buffer)[]): Promise<string> {
    const tag = `H${++this.tagCounter}`;
    const all = [`${tag} `, ...parts, "\r\n"];
    for (const part of all) {
      if (!this.socket.write(part)) await once(this.socket, "drain");
    }
    for (;;) {
      const line = await this.nextLine();
      if (!line.startsWith(`${tag} `)) continue; // untagged data
      if (line.startsWith(`${tag} OK`)) return line;
      const verb = String(parts[0]).split(" ")[0];
      throw new Error(`IMAP ${verb} failed: ${line.slice(tag.length + 1)}`);
    }
  }

  async logout(): Promise<void> {
    try {
      if (!this.failure) await this.command(["LOGOUT"]);
    } catch {
      // "* BYE" then close: a closed socket is the expected end
    } finally {
      this.socket.destroy();
    }
  }
}

export function quoteImap(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => "\\" + c)}"`;
}
