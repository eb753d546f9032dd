import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SMTPServer } from "smtp-server";
import type { AddressInfo } from "node:net";
import { verifySmtp } from "../../core/mail/smtp";
import { AppError } from "../../core/shared/errors";

// Two real SMTP peers (smtp-server, in-process, on loopback) that refuse AUTH as a command: one
// still offers STARTTLS (sign-in would come after it), one offers neither (an MX-style port).
// The diagnosis must tell them apart from the server's EHLO, not from the reply code.
function start(options: ConstructorParameters<typeof SMTPServer>[0]): Promise<{ server: SMTPServer; port: number }> {
  const server = new SMTPServer({ logger: false, ...options });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, port: (server.server.address() as AddressInfo).port })));
}

let noSignIn: { server: SMTPServer; port: number };
let tlsFirst: { server: SMTPServer; port: number };
beforeAll(async () => {
  noSignIn = await start({ disabledCommands: ["AUTH", "STARTTLS"] });
  tlsFirst = await start({ disabledCommands: ["AUTH"] });
});
afterAll(async () => {
  await new Promise<void>((r) => noSignIn.server.close(() => r()));
  await new Promise<void>((r) => tlsFirst.server.close(() => r()));
});

const codeOf = async (port: number) => {
  const err = await verifySmtp({ host: "127.0.0.1", port, security: "none", user: "alice@example.test", password: "x" }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return (err as AppError).code;
};

describe("SMTP sign-in refused as a command, on a plain connection", () => {
  it("says the port offers no sign-in when EHLO offers neither STARTTLS nor AUTH", async () => {
    expect(await codeOf(noSignIn.port)).toBe("diag.smtp_auth_unavailable");
  });
  it("says to use STARTTLS when EHLO offers STARTTLS", async () => {
    expect(await codeOf(tlsFirst.port)).toBe("diag.tls_mismatch");
  });
});
