/**
 * Proves the test harness's real servers behave like the mail providers the sync talks to:
 * Dovecot over STARTTLS and implicit TLS, submission with AUTH, delivery by LMTP, fast loading.
 */
import { ImapFlow, type ImapFlowOptions } from "imapflow";
import nodemailer from "nodemailer";
import { describe, expect, inject, test } from "vitest";
import { appendMessages, createFolder, resetUser, type MailServersInfo, type MailUser } from "../harness/mail-servers";

const mail = inject("mail");
const { alice, bob, carol, catchall } = mail.users;

/** imapflow options for a user; `tls.ca` is our self-signed certificate unless overridden. */
function imapOptions(user: MailUser, overrides: Partial<ImapFlowOptions> = {}): ImapFlowOptions {
  return {
    host: mail.host,
    port: mail.imapsPort,
    secure: true,
    auth: { user: user.email, pass: user.password },
    tls: { ca: mail.caPem },
    logger: false,
    ...overrides,
  };
}

/**
 * Connects, runs `fn`, logs out. The error listener is not optional: without one a socket error
 * after connect() is an unhandled 'error' event that kills the worker.
 */
async function withImap<T>(options: ImapFlowOptions, fn: (client: ImapFlow) => Promise<T>): Promise<T> {
  const client = new ImapFlow(options);
  client.on("error", () => undefined);
  try {
    await client.connect();
    return await fn(client);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

/** What connect() rejects with; imapflow 2.1.2 leaves the socket open after a failed connect. */
async function connectError(options: ImapFlowOptions): Promise<Record<string, unknown>> {
  const client = new ImapFlow(options);
  client.on("error", () => undefined);
  try {
    await client.connect();
  } catch (err) {
    return err as Record<string, unknown>;
  } finally {
    client.close();
  }
  throw new Error("connect() unexpectedly succeeded");
}

/** Polls the INBOX for a message with `subject` (delivery through the SMTP peer is async). */
async function waitForSubject(info: MailServersInfo, user: MailUser, subject: string, timeoutMs = 10_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  return withImap(imapOptions(user), async (client) => {
    for (;;) {
      const lock = await client.getMailboxLock("INBOX");
      try {
        const uids = await client.search({ header: { subject } }, { uid: true });
        if (uids && uids.length > 0) return uids;
      } finally {
        lock.release();
      }
      if (Date.now() > deadline) throw new Error(`no message "${subject}" for ${user.email} on ${info.host} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });
}

const unique = (label: string) => `${label} ${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

describe("IMAP (Dovecot)", () => {
  test("logs alice in over STARTTLS when the self-signed certificate is trusted as CA", async () => {
    const secured = await withImap(imapOptions(alice, { port: mail.imapPort, secure: false, doSTARTTLS: true }), async (client) => {
      return client.secureConnection;
    });
    expect(secured).toBe(true);
  });

  test("logs alice in over implicit TLS and offers CONDSTORE and QRESYNC", async () => {
    const capabilities = await withImap(imapOptions(alice), async (client) => [...client.capabilities.keys()]);
    expect(capabilities).toEqual(expect.arrayContaining(["CONDSTORE", "QRESYNC", "SPECIAL-USE", "LITERAL+"]));
  });

  test("rejects a wrong password with authenticationFailed", async () => {
    const started = Date.now();
    const err = await connectError(imapOptions({ email: alice.email, password: "not-her-password" }));
    expect(err).toMatchObject({ authenticationFailed: true, serverResponseCode: "AUTHENTICATIONFAILED" });
    // auth_failure_delay = 0 and no anvil penalty: ~0.5 s measured here, instead of 2 s and more
    expect(Date.now() - started).toBeLessThan(1_900);
  });

  test("rejects the self-signed certificate when no CA is given", async () => {
    const err = await connectError(imapOptions(alice, { tls: {} }));
    expect(err.code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/);
  });

  test("lists Sent with SPECIAL-USE \\Sent and the Japanese folder decoded from modified UTF-7", async () => {
    const folders = await withImap(imapOptions(alice), (client) => client.list());
    const byPath = new Map(folders.map((f) => [f.path, f]));
    expect(byPath.get("Sent")?.specialUse).toBe("\\Sent");
    expect(byPath.get("Drafts")?.specialUse).toBe("\\Drafts");
    expect(byPath.get("Trash")?.specialUse).toBe("\\Trash");
    expect(byPath.get("Junk")?.specialUse).toBe("\\Junk");
    expect(byPath.get("Archive")?.specialUse).toBe("\\Archive");
    expect(byPath.has("送信済みメール")).toBe(true);
  });
});

describe("SMTP submission", () => {
  const transportFor = (user: MailUser, implicitTls: boolean) =>
    nodemailer.createTransport({
      host: mail.host,
      port: implicitTls ? mail.smtpsPort : mail.smtpPort,
      secure: implicitTls,
      requireTLS: !implicitTls,
      auth: { user: user.email, pass: user.password },
      tls: { ca: mail.caPem },
    });

  test.each([
    ["STARTTLS", false],
    ["implicit TLS", true],
  ] as const)("delivers alice's message to bob's INBOX over %s", async (_label, implicitTls) => {
    const subject = unique(`hello bob over ${_label}`);
    const transport = transportFor(alice, implicitTls);
    try {
      const info = await transport.sendMail({ from: alice.email, to: bob.email, subject, text: "こんにちは" });
      expect(info.accepted).toEqual([bob.email]);
    } finally {
      transport.close();
    }
    expect(await waitForSubject(mail, bob, subject)).toHaveLength(1);
  });

  test("delivers mail for other domains to the catch-all user and never relays it", async () => {
    const subject = unique("to a customer");
    const transport = transportFor(carol, false);
    try {
      await transport.sendMail({ from: carol.email, to: "buyer@customer.example", subject, text: "offer" });
    } finally {
      transport.close();
    }
    expect(await waitForSubject(mail, catchall, subject)).toHaveLength(1);
  });

  test("rejects a wrong password with 535 EAUTH", async () => {
    const transport = transportFor({ email: alice.email, password: "wrong" }, false);
    try {
      await expect(transport.sendMail({ from: alice.email, to: bob.email, subject: "x", text: "x" })).rejects.toMatchObject({
        code: "EAUTH",
        responseCode: 535,
      });
    } finally {
      transport.close();
    }
  });
});

describe("harness helpers", () => {
  test("appendMessages loads 2,000 messages that STATUS then counts", async () => {
    const folder = unique("Bulk");
    const messages = Array.from(
      { length: 2_000 },
      (_, i) => `From: Customer ${i} <c${i}@customer.example>\nTo: ${alice.email}\nSubject: order ${i}\nMessage-ID: <m${i}@customer.example>\n\nbody ${i}\n`,
    );

    const started = Date.now();
    await appendMessages(mail, alice.email, folder, messages, { flags: ["\\Seen"], internalDate: new Date("2025-03-01T09:00:00Z") });
    console.log(`[mail-servers] appendMessages: 2,000 messages in ${Date.now() - started} ms`);

    const status = await withImap(imapOptions(alice), (client) => client.status(folder, { messages: true, unseen: true }));
    expect(status).toMatchObject({ messages: 2_000, unseen: 0 });
  });

  test("createFolder and appendMessages handle non-ASCII folder names", async () => {
    await createFolder(mail, carol.email, "顧客/山田商事");
    await createFolder(mail, carol.email, "顧客/山田商事"); // already there: still fine
    await appendMessages(mail, carol.email, "顧客/山田商事", ["Subject: =?UTF-8?B?6KaL56mN?=\r\n\r\nquote\r\n"]);
    const status = await withImap(imapOptions(carol), (client) => client.status("顧客/山田商事", { messages: true }));
    expect(status).toMatchObject({ messages: 1 });
  });

  test("resetUser removes the user's messages and folders, and UIDVALIDITY moves on", async () => {
    const dave = carol; // carol's mailbox is free to wipe here
    await appendMessages(mail, dave.email, "INBOX", ["Subject: before reset\r\n\r\nx\r\n"]);
    await appendMessages(mail, dave.email, "Projects", ["Subject: in a folder\r\n\r\nx\r\n"]);
    const before = await withImap(imapOptions(dave), (client) => client.status("INBOX", { messages: true, uidValidity: true }));

    await resetUser(mail, dave.email);

    const after = await withImap(imapOptions(dave), async (client) => ({
      inbox: await client.status("INBOX", { messages: true, uidValidity: true }),
      paths: (await client.list()).map((f) => f.path).sort(),
    }));
    expect(after.inbox).toMatchObject({ messages: 0 });
    expect(after.inbox && before && after.inbox.uidValidity! > before.uidValidity!).toBe(true);
    expect(after.paths).toEqual(["Archive", "Drafts", "INBOX", "Junk", "Sent", "Trash", "送信済みメール"].sort());
  });
});
