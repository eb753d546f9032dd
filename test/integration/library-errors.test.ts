/**
 * The unit tests feed the diagnosis errors from test/support/library-errors.ts instead of a
 * server that fails on cue. This proves the factory builds what imapflow, nodemailer and Node
 * really raise, against the harness's Dovecot and Postfix and a closed port: should a library
 * upgrade move a field, this fails and not the diagnosis in production.
 */
import { createServer } from "node:net";
import { ImapFlow, type ImapFlowOptions } from "imapflow";
import nodemailer from "nodemailer";
import { describe, expect, inject, test } from "vitest";
import {
  imapGreetingTimeout,
  imapMailboxMissing,
  imapSignInRefused,
  netError,
  smtpSignInRefused,
  smtpSocketError,
  smtpTimeout,
  type LibraryError,
} from "../support/library-errors";

const mail = inject("mail");
const { alice } = mail.users;

/** The fields the diagnosis reads (core/mail/diagnosis.ts readFields), as the error carries them. */
const read = (err: LibraryError) =>
  Object.fromEntries(
    [
      "message",
      "code",
      "originalCode",
      "response",
      "responseText",
      "responseStatus",
      "serverResponseCode",
      "authenticationFailed",
      "mailboxMissing",
      "responseCode",
      "permanent",
      "command",
      "timeoutType",
      "errno",
      "syscall",
      "address",
      "port",
    ].map((k) => [k, err[k]]),
  );

async function imapFailure(options: Partial<ImapFlowOptions>, act?: (client: ImapFlow) => Promise<unknown>): Promise<LibraryError> {
  const client = new ImapFlow({
    host: mail.host,
    port: mail.imapsPort,
    secure: true,
    auth: { user: alice.email, pass: alice.password },
    tls: { ca: mail.caPem },
    logger: false,
    ...options,
  });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await act?.(client);
  } catch (err) {
    return err as LibraryError;
  } finally {
    client.close();
  }
  throw new Error("nothing failed");
}

async function smtpFailure(options: Record<string, unknown>): Promise<LibraryError> {
  const transport = nodemailer.createTransport({ host: mail.host, port: mail.smtpPort, secure: false, requireTLS: true, tls: { ca: mail.caPem }, ...options });
  try {
    await transport.verify();
  } catch (err) {
    return err as LibraryError;
  } finally {
    transport.close();
  }
  throw new Error("nothing failed");
}

/** A port on 127.0.0.1 that nothing listens on (taken from the system, then given back). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("test/support/library-errors.ts builds what the libraries raise", () => {
  test("imapflow: Dovecot refusing a wrong password", async () => {
    // Act
    const real = await imapFailure({ auth: { user: alice.email, pass: "not-her-password" } });
    const built = await imapSignInRefused(String(real.response), { command: String(real.executedCommand).includes(" LOGIN") ? "LOGIN" : "AUTHENTICATE PLAIN" });
    // Assess
    expect(real.authenticationFailed).toBe(true);
    expect(read(built)).toEqual(read(real));
  });

  test("imapflow: SELECT of a folder that does not exist", async () => {
    const real = await imapFailure({}, (client) => client.mailboxOpen("No such folder"));
    const built = await imapMailboxMissing(String(real.response), "SELECT");
    expect(real.mailboxMissing).toBe(true);
    expect(read(built)).toEqual(read(real));
  });

  test("imapflow: plain text to the implicit-TLS port, no greeting", async () => {
    const real = await imapFailure({ secure: false, greetingTimeout: 500, doSTARTTLS: false });
    expect(read(imapGreetingTimeout(false, 500))).toEqual(read(real));
  });

  test("imapflow: a refused connection is Node's own error", async () => {
    const port = await closedPort();
    const real = await imapFailure({ port, secure: false });
    expect(read(netError("ECONNREFUSED", "connect", { address: "127.0.0.1", port }))).toEqual(read(real));
  });

  test("nodemailer: Postfix refusing a wrong password", async () => {
    const real = await smtpFailure({ auth: { user: alice.email, pass: "wrong" } });
    expect(read(smtpSignInRefused(String(real.response)))).toEqual(read(real));
  });

  test("nodemailer: plain text to the implicit-TLS port, no greeting", async () => {
    const real = await smtpFailure({ port: mail.smtpsPort, requireTLS: false, greetingTimeout: 500, auth: { user: alice.email, pass: alice.password } });
    expect(read(smtpTimeout("GREETING_TIMEOUT"))).toEqual(read(real));
  });

  test("nodemailer: a refused connection keeps Node's code as originalCode", async () => {
    const port = await closedPort();
    const real = await smtpFailure({ port, auth: { user: alice.email, pass: alice.password } });
    expect(read(smtpSocketError(netError("ECONNREFUSED", "connect", { address: "127.0.0.1", port })))).toEqual(read(real));
  });
});
