import { createConnection, createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

/**
 * A TCP relay on 127.0.0.1 that adds latency, as between a Lambda and a mail provider: every
 * chunk is passed on `oneWayMs` after it arrived (order kept), so a round trip costs
 * 2 x oneWayMs more. It also counts the client's "flights": a flight begins whenever the client
 * sends after the server has sent (or first). Each is a round trip the client waited for, TCP's
 * and TLS's included, whatever the encryption hides.
 */
export interface LatencyRelay {
  port: number;
  /** Client flights so far, all connections. */
  flights: number;
  connections: number;
  close(): Promise<void>;
}

export async function startLatencyRelay(target: { host: string; port: number }, oneWayMs: number): Promise<LatencyRelay> {
  const sockets = new Set<Socket>();
  const relay: LatencyRelay = {
    port: 0,
    flights: 0,
    connections: 0,
    close: () =>
      new Promise<void>((ok) => {
        for (const s of sockets) s.destroy();
        server.close(() => ok());
      }),
  };
  /** Writes each chunk to `to` oneWayMs after it arrived, in order; ends `to` after the last. */
  const delayed = (to: Socket) => {
    let last = Promise.resolve();
    return {
      push(chunk: Buffer | null) {
        const due = Date.now() + oneWayMs;
        last = last.then(
          () =>
            new Promise<void>((ok) =>
              setTimeout(
                () => {
                  if (to.destroyed) return ok();
                  if (chunk) to.write(chunk);
                  else to.end();
                  ok();
                },
                Math.max(0, due - Date.now()),
              ),
            ),
        );
      },
    };
  };
  const server: Server = createServer((client) => {
    relay.connections++;
    // a TCP connect is a round trip too: SYN, SYN-ACK (the client waits for it before sending)
    relay.flights++;
    let serverSpoke = true; // the client's first data (a TLS ClientHello) waits for the connect
    const upstream = createConnection({ host: target.host, port: target.port });
    sockets.add(client).add(upstream);
    const toServer = delayed(upstream),
      toClient = delayed(client);
    client.on("data", (chunk: Buffer) => {
      if (serverSpoke) relay.flights++;
      serverSpoke = false;
      toServer.push(chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      serverSpoke = true;
      toClient.push(chunk);
    });
    client.on("end", () => toServer.push(null));
    upstream.on("end", () => toClient.push(null));
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", drop).on("close", () => setTimeout(drop, oneWayMs + 5));
    upstream.on("error", drop).on("close", () => setTimeout(drop, oneWayMs + 5));
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", () => ok()));
  relay.port = (server.address() as AddressInfo).port;
  return relay;
}
