import { createConnection, createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

/**
 * A TCP relay between a client and a server on 127.0.0.1, for fault injection: it counts the
 * connections it carries and can cut any of them (both sides destroyed at once, as a network
 * failure or a server crash does) after a chosen number of bytes.
 */
export interface Relay {
  port: number;
  /** Connections accepted so far. */
  connections: number;
  /** Connections cut so far. */
  cuts: number;
  /** Bytes carried so far, both ways, all connections. */
  bytes: number;
  /** Asked once per new connection: cut it after this many bytes (both ways together), or never. */
  plan: (connection: number) => number | undefined;
  /** Sees every chunk the client sends (e.g. to count IMAP logins on a plain connection). */
  watch: (chunk: Buffer) => void;
  /**
   * Answers a client's command line itself instead of passing it on (e.g. a tagged NO the server
   * would give): return the reply, or undefined to forward the line. While set, what the client
   * sends is passed on line by line.
   */
  answer?: (line: string) => string | undefined;
  close(): Promise<void>;
}

export async function startRelay(target: { host: string; port: number }): Promise<Relay> {
  const sockets = new Set<Socket>();
  const relay: Relay = {
    port: 0,
    connections: 0,
    cuts: 0,
    bytes: 0,
    plan: () => undefined,
    watch: () => undefined,
    close: () =>
      new Promise<void>((ok) => {
        for (const s of sockets) s.destroy();
        server.close(() => ok());
      }),
  };
  const server: Server = createServer((client) => {
    const n = ++relay.connections;
    const cutAfter = relay.plan(n);
    const upstream = createConnection({ host: target.host, port: target.port });
    sockets.add(client).add(upstream);
    let bytes = 0;
    let cut = false;
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    const count = (chunk: Buffer): boolean => {
      bytes += chunk.length;
      relay.bytes += chunk.length;
      if (cutAfter !== undefined && bytes >= cutAfter && !cut) {
        cut = true;
        relay.cuts++;
        drop();
        return false;
      }
      return true;
    };
    let partial = "";
    client.on("data", (chunk: Buffer) => {
      relay.watch(chunk);
      if (!count(chunk)) return;
      if (!relay.answer) return void upstream.write(chunk);
      partial += chunk.toString("latin1");
      let end: number;
      while ((end = partial.indexOf("\r\n")) >= 0) {
        const line = partial.slice(0, end);
        partial = partial.slice(end + 2);
        const reply = relay.answer(line);
        if (reply !== undefined) client.write(reply);
        else upstream.write(Buffer.from(`${line}\r\n`, "latin1"));
      }
    });
    upstream.on("data", (chunk: Buffer) => {
      if (count(chunk)) client.write(chunk);
    });
    client.on("close", drop);
    upstream.on("close", drop);
    client.on("error", () => undefined);
    upstream.on("error", () => undefined);
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", () => ok()));
  relay.port = (server.address() as AddressInfo).port;
  return relay;
}
