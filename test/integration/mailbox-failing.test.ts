import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runSyncJob } from "../../core/sync/index";
import type { OpsEvent } from "../../core/notifications/index";
import { startFaultStack } from "../support/fault-mailbox";

/**
 * A mailbox whose server keeps failing (not its password) is told to operations once per
 * incident (mailbox.failing), shown on the overview as failing with its count, and told again
 * when it syncs (mailbox.recovered). The mailbox is the real Dovecot reached through a relay
 * that, while the "outage" lasts, cuts every connection at the server's first bytes.
 */
const mail = inject("mail");
const user = mail.users.alice;

let f: Awaited<ReturnType<typeof startFaultStack>>;
let accountId = "";
const events: OpsEvent[] = [];

beforeAll(async () => {
  f = await startFaultStack(mail, user, [`failing-contact-${Date.now()}@client.test`]);
  f.deps.notifier = { notify: async (e) => void events.push(e) };
  accountId = await f.newAccount();
}, 240_000);
afterAll(async () => f?.stop());

/** One sync job; a transient failure is thrown for the queue to retry: the outcome here is its code. */
const sync = async () =>
  runSyncJob(f.deps, await f.queued(accountId)).then(
    (o) => o.status,
    (err: { code?: string }) => `thrown ${err.code}`,
  );
const told = () => events.filter((e) => e.kind === "mailbox.failing" || e.kind === "mailbox.recovered");
const attention = async () =>
  ((await f.api.get("/api/operations/overview")).body.mailboxes as { accountId: string; reason: string; failedRuns: number | null; keepsFailing: boolean }[]).find(
    (m) => m.accountId === accountId,
  );

describe("a mailbox whose server keeps failing", () => {
  it("is told failing once, on the third failed run in a row, and the overview says so", async () => {
    // Prepare: a first sync that works
    expect(await sync()).toBe("done");
    // Act: the server drops every connection
    f.relay.plan = () => 1;
    const outcomes = [await sync(), await sync()];
    const toldAfterTwo = told().length;
    outcomes.push(await sync(), await sync());
    // Assess
    expect(outcomes.every((o) => o !== "done")).toBe(true);
    expect(toldAfterTwo).toBe(0);
    expect(told()).toEqual([expect.objectContaining({ kind: "mailbox.failing", accountId, address: user.email, failedRuns: 3 })]);
    expect(await attention()).toMatchObject({ reason: "failing", failedRuns: 4, keepsFailing: true });
  });

  it("is told recovered once when a job connects again, and leaves the overview", async () => {
    // Act: the server is back
    f.relay.plan = () => undefined;
    expect(await sync()).toBe("done");
    expect(await sync()).toBe("done");
    // Assess
    expect(told().map((e) => e.kind)).toEqual(["mailbox.failing", "mailbox.recovered"]);
    expect(told()[1]).toMatchObject({ accountId, address: user.email });
    expect(await attention()).toBeUndefined();
  });
});
