import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startLocalStack, type LocalStack } from "../../core/local/stack";
import { ApiClient } from "../support/api-client";

/**
 * A mailbox saved with new settings gets its first sync at once, not at the schedule's next tick
 * (here an hour away, after the one tick at start that finds nothing to do).
 */
const mail = inject("mail");
const ADMIN = { email: "admin@example.test", password: "admin-password-123" };
let stack: LocalStack;
let admin: ApiClient;

beforeAll(async () => {
  stack = await startLocalStack({ admin: ADMIN, imapCaPem: mail.caPem, scheduleEveryMs: 3_600_000, monitorEveryMs: 3_600_000, syncOnContactChange: false });
  admin = new ApiClient(stack.url);
  expect((await admin.signIn(ADMIN.email, ADMIN.password)).status).toBe(200);
  await new Promise((r) => setTimeout(r, 1_000)); // the schedule's tick at start has run
});
afterAll(async () => stack?.stop());

describe("saving a mailbox", () => {
  it("starts its first sync at once", async () => {
    const user = mail.users.bob;
    const saved = await admin.post("/api/accounts", {
      email: user.email,
      imap: { host: mail.host, port: mail.imapPort, security: "starttls", user: user.email },
      password: user.password,
      initialSyncDays: 2,
      syncFolders: ["INBOX"],
    });
    expect(saved.status, saved.text).toBe(201);
    expect(saved.body.state).toBe("init");
    await expect
      .poll(
        async () => {
          const a = (await admin.get(`/api/accounts/${saved.body.id}`)).body;
          return `${a.state} ${a.lastJob?.reason} ${a.lastJob?.status}`;
        },
        { timeout: 30_000, interval: 300 },
      )
      .toBe("connected manual done");
  });
});
