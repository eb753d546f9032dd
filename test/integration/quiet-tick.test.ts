import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { keys } from "../../core/store/keys";
import { createAccount, updateCredentials, type AccountRecord } from "../../core/accounts/index";
import { runSyncJob, type SyncDeps } from "../../core/sync/index";
import { forgetProcessState } from "../../core/sync/sync-account";
import { newJob, serverHint } from "../../core/jobs/jobs";
import { startLatencyRelay, type LatencyRelay } from "../support/latency-relay";
import { minimalStatus } from "../support/minimal-imap";
import { startBareStack, syncDepsFor } from "../support/sync-stack";

/**
 * A tick with nothing new, through a relay that adds 20 ms per round trip (a Lambda far from
 * the provider): it waits for no more round trips than the least an IMAP client can do (LOGIN,
 * STATUS, LOGOUT): AUTHENTICATE with SASL-IR, STATUS, LOGOUT not waited for; no ID, NAMESPACE
 * or ENABLE. Jobs that do more still get the session imapflow sets up.
 */
const mail = inject("mail");
const bob = mail.users.bob;
const admin = { id: "tick-admin", email: "admin@tick.test", name: "Admin", role: "admin" as const, createdAt: new Date().toISOString() };

let bare: Awaited<ReturnType<typeof startBareStack>>;
let relay: LatencyRelay;
let deps: SyncDeps;
let account: AccountRecord;
const commands: string[] = [];
/** Tagged command verbs (continuation lines, such as a SASL response sent after "+", are not commands). */
const verbs = () => commands.filter((l) => /^\S+ [A-Z]/.test(l)).map((l) => l.split(" ")[1]!);
const continuations = () => commands.filter((l) => !/^\S+ [A-Z]/.test(l));

beforeAll(async () => {
  bare = await startBareStack("tick");
  const { db, secrets } = bare;
  relay = await startLatencyRelay({ host: mail.host, port: mail.imapsPort }, 10);
  account = await createAccount({ db, secrets, hostAllowance: "loopback", tlsCa: mail.caPem }, admin, {
    email: bob.email,
    imap: { host: mail.host, port: relay.port, security: "tls", user: bob.email },
    password: bob.password,
    syncFolders: ["INBOX"],
    initialSyncDays: 30,
  });
  deps = syncDepsFor(bare, mail, { backfillSettleMs: 0, imapCommandLog: (c) => void commands.push(c) });
});
afterAll(async () => {
  await relay?.close();
  await bare?.close();
});

describe("a tick with nothing new", () => {
  it("sends ID and NAMESPACE before the first command that needs the session, as imapflow would", async () => {
    commands.length = 0;
    expect((await runSyncJob(deps, newJob(account.id, "manual", serverHint(account)))).status).toBe("done");
    const sent = verbs();
    const firstSelect = sent.findIndex((v) => v === "SELECT" || v === "EXAMINE");
    expect(firstSelect).toBeGreaterThan(0);
    expect(sent.slice(0, firstSelect)).toEqual(expect.arrayContaining(["ID", "NAMESPACE"]));
    expect(sent.indexOf("AUTHENTICATE")).toBeLessThan(sent.indexOf("ID"));
  });

  it("logs in with SASL-IR and sends only STATUS and LOGOUT after it", async () => {
    for (const fresh of [false, true]) {
      if (fresh) forgetProcessState();
      commands.length = 0;
      const outcome = await runSyncJob(deps, newJob(account.id, "schedule", serverHint(account)));
      expect(outcome.status).toBe("done");
      expect(outcome.counts.fetched).toBe(0);
      expect(verbs()).toEqual(["AUTHENTICATE", "STATUS", "LOGOUT"]);
      // the initial response is on the command line (hidden in the log), no "+" continuation
      expect(commands.find((c) => / AUTHENTICATE /.test(c))).toMatch(/ AUTHENTICATE PLAIN "\(\* value hidden \*\)"$/);
      expect(continuations()).toEqual([]);
    }
  });

  it("waits for no more round trips than a minimal LOGIN, STATUS, LOGOUT client through the same relay", async () => {
    // neither waits for its LOGOUT: the relay sees it a moment after the client returned
    const settled = () => new Promise((resolve) => setTimeout(resolve, 200));
    const before = relay.flights;
    await minimalStatus({ host: mail.host, port: relay.port, ca: mail.caPem }, bob.email, bob.password);
    await settled();
    const minimal = relay.flights - before;
    const start = relay.flights;
    expect((await runSyncJob(deps, newJob(account.id, "schedule", serverHint(account)))).counts.fetched).toBe(0);
    await settled();
    const ours = relay.flights - start;
    expect(minimal).toBeGreaterThanOrEqual(6); // connect, two TLS flights, LOGIN, STATUS, LOGOUT
    expect(ours).toBeLessThanOrEqual(minimal);
  });

  it("reports a wrong password sent with SASL-IR as an authentication error", async () => {
    await updateCredentials(deps, account.id, { imap: "not-the-password" });
    await deps.db.update("main", keys.account(account.id), { expression: "SET secretVersion = :v", values: { ":v": "wrong" } });
    await runSyncJob(deps, newJob(account.id, "schedule", serverHint(account))).catch(() => undefined);
    const after = (await deps.db.get("main", keys.account(account.id))) as AccountRecord;
    expect(after.state).toBe("authenticationError");
    expect(after.lastError).toMatchObject({ code: "diag.auth_failed" });
  });
});
