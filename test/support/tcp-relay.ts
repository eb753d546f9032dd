import { createConnection, createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

/**
 * A TCP relay between a client and a server on 127.0.0.1, for fault injection: it counts the
 * connections it carries and can cut any of them (both sides destroyed at once, as a network
 * failure or a server crash does) after a chosen number of bytes, and slow the server's replies.
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
  /** Milliseconds to hold each chunk the server sends (a slow link). Default 0. */
  delayMs: number;
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
    delayMs: 0,
    close: () => new Promise<void>((ok) => {
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
    client.on("data", (chunk: Buffer) => {
      if (count(chunk)) upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      if (!count(chunk)) return;
      if (!relay.delayMs) return void client.write(chunk);
      upstream.pause();
      setTimeout(() => {
        if (!client.destroyed) client.write(chunk);
        upstream.resume();
      }, relay.delayMs);
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

/** A small seeded PRNG (mulberry32): the same seed cuts at the same points on every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
