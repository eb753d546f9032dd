import { connect } from "node:tls";

/**
 * The least an IMAP client can do to learn whether a folder changed: LOGIN, STATUS, LOGOUT over
 * implicit TLS, each command after the previous one's answer, the LOGOUT not waited for. The
 * yardstick for a quiet tick's round trips (the benchmark and test/integration/quiet-tick.test.ts).
 */
export async function minimalStatus(server: { host: string; port: number; ca: string }, user: string, pass: string, folder = "INBOX"): Promise<string> {
  const socket = connect({ host: server.host, port: server.port, ca: server.ca, servername: undefined });
  let buffer = "";
  let waiting: { until: RegExp; ok: (text: string) => void; fail: (err: Error) => void } | undefined;
  const check = () => {
    if (waiting && waiting.until.test(buffer)) {
      const w = waiting;
      waiting = undefined;
      w.ok(buffer);
    }
  };
  socket.on("data", (chunk: Buffer) => {
    buffer += chunk.toString("latin1");
    check();
  });
  socket.on("error", (err) => waiting?.fail(err));
  const until = (re: RegExp) => new Promise<string>((ok, fail) => ((waiting = { until: re, ok, fail }), check()));
  const quote = (s: string) => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  await until(/^\* OK.*\r\n/m);
  socket.write(`a LOGIN ${quote(user)} ${quote(pass)}\r\n`);
  if (!/^a OK/m.test(await until(/^a (OK|NO|BAD).*\r\n/m))) throw new Error("minimal client: LOGIN refused");
  socket.write(`b STATUS ${quote(folder)} (MESSAGES UIDNEXT UIDVALIDITY HIGHESTMODSEQ)\r\n`);
  const status = await until(/^b (OK|NO|BAD).*\r\n/m);
  socket.end(`c LOGOUT\r\n`);
  return status.split("\r\n").find((l) => l.startsWith("* STATUS")) ?? "";
}
