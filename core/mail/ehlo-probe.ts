import net from "node:net";
import type { SmtpSettings } from "./smtp";

/**
 * When AUTH is answered "command not recognized" / "authentication not enabled" on a plain
 * connection, the reply alone cannot tell "sign-in comes after STARTTLS" (Postfix's 503) from
 * "this port has no sign-in at all" (an MX port, a relay): every server words it its own way.
 * What tells them apart is the server's EHLO, which nodemailer keeps to itself; so ask once more,
 * on a fresh plain connection to the address the host policy already checked.
 *
 * Resolves whether EHLO advertised STARTTLS, or undefined when the probe itself failed.
 */
export function ehloOffersStartTls(settings: Pick<SmtpSettings, "host" | "address" | "port">, timeoutMs = 5_000): Promise<boolean | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: settings.address ?? settings.host, port: settings.port });
    let buffer = "";
    let stage: "greeting" | "ehlo" = "greeting";
    const done = (v: boolean | undefined) => {
      clearTimeout(timer);
      socket.removeAllListeners("data");
      if (v !== undefined) socket.end("QUIT\r\n");
      socket.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    socket.on("error", () => done(undefined));
    socket.on("close", () => done(undefined));
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      // a reply ends at its "NNN " line (multi-line replies use "NNN-")
      const last = /(?:^|\r?\n)(\d{3}) [^\n]*\r?\n$/.exec(buffer);
      if (!last) return;
      const reply = buffer;
      buffer = "";
      if (stage === "greeting") {
        if (last[1] !== "220") return done(undefined);
        stage = "ehlo";
        socket.write("EHLO crm-mail-sync\r\n");
        return;
      }
      if (last[1] !== "250") return done(undefined);
      done(/^250[- ]STARTTLS\b/im.test(reply));
    });
  });
}

/** AUTH refused as a command (not as a wrong password): 500, 502, 503, 504. */
export const isAuthCommandRefused = (err: unknown): boolean => {
  const e = err as { code?: unknown; responseCode?: unknown };
  return e?.code === "EAUTH" && typeof e.responseCode === "number" && [500, 502, 503, 504].includes(e.responseCode);
};

/** Adds what the server's EHLO said to an AUTH-refused error on a plain connection, for the diagnosis. */
export async function withEhloEvidence(err: unknown, settings: Pick<SmtpSettings, "host" | "address" | "port" | "security">): Promise<unknown> {
  if (settings.security !== "none" || !isAuthCommandRefused(err) || typeof err !== "object" || err === null) return err;
  const offers = await ehloOffersStartTls(settings);
  if (offers !== undefined) Object.assign(err, { ehloOffersStartTls: offers });
  return err;
}
