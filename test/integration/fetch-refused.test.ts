import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runSyncJob } from "../../core/sync/index";
import { appendMessages, resetUser } from "../harness/mail-servers";
import { startFaultStack } from "../support/fault-mailbox";

/**
 * A server that refuses a whole FETCH because of one message it cannot read (Gmail answers
 * "NO Some messages could not be FETCHed (Failure)"): the sync stores every other message of
 * the chunk, records that one as skipped, and takes it on a later sync once the server gives
 * it. The refusal is made by the relay in front of the real Dovecot, for any UID FETCH whose
 * set names the poisoned UID.
 */
const mail = inject("mail");
const user = mail.users.carol;
const CONTACT = `refused-${Date.now()}@client.test`;

let f: Awaited<ReturnType<typeof startFaultStack>>;
let accountId = "";
let poisoned: number | undefined = 2;
let refusals = 0;

/** Whether an IMAP sequence set ("1:3,7,9:*") names `uid`. */
function setNames(set: string, uid: number): boolean {
  return set.split(",").some((part) => {
    const [a, b] = part.split(":");
    const lo = Number(a);
    const hi = b === undefined ? lo : b === "*" ? Infinity : Number(b);
    return uid >= Math.min(lo, hi) && uid <= Math.max(lo, hi);
  });
}

beforeAll(async () => {
  await resetUser(mail, user.email);
  const raw = (i: number) =>
    `From: Customer <${CONTACT}>\r\nTo: ${user.email}\r\nSubject: Refused fetch ${i}\r\nMessage-ID: <${i}.${Date.now()}@refused.test>\r\nDate: ${new Date(Date.now() - (10 - i) * 60_000).toUTCString()}\r\n\r\nMessage ${i}.\r\n`;
  await appendMessages(mail, user.email, "INBOX", [raw(1), raw(2), raw(3)]);
  f = await startFaultStack(mail, user, [CONTACT]);
  f.relay.answer = (line) => {
    const m = /^(\S+) UID FETCH (\S+) /i.exec(line);
    if (!m || poisoned === undefined || !setNames(m[2]!, poisoned)) return undefined;
    refusals++;
    return `${m[1]} NO Some messages could not be FETCHed (Failure)\r\n`;
  };
  const reply = await f.api.post("/api/accounts", {
    email: user.email,
    imap: { host: "127.0.0.1", port: f.relay.port, security: "none", user: user.email },
    password: user.password,
    initialSyncDays: 2,
    syncFolders: ["INBOX"],
  });
  expect(reply.status, reply.text).toBe(201);
  accountId = reply.body.id;
}, 240_000);

afterAll(async () => f?.stop());

const subjects = async () => (await f.pairs(accountId)).length;

describe("a FETCH the server refuses because of one message", () => {
  it("stores the others, records the refused one as skipped, and moves on", async () => {
    const outcome = await runSyncJob(f.deps, await f.queued(accountId));
    expect(outcome.status).toBe("done");
    expect(refusals).toBeGreaterThan(0);
    expect(await subjects()).toBe(2);
    const skipped = (await f.api.get(`/api/accounts/${accountId}/skipped`)).body.items;
    expect(skipped).toMatchObject([{ folder: "INBOX", uid: 2, reason: "unreadable", permanent: false }]);
  }, 60_000);

  it("takes the message on a later sync once the server gives it", async () => {
    poisoned = undefined;
    const outcome = await runSyncJob(f.deps, await f.queued(accountId));
    expect(outcome.status).toBe("done");
    expect(await subjects()).toBe(3);
    expect((await f.api.get(`/api/accounts/${accountId}/skipped`)).body.items).toEqual([]);
  }, 60_000);
});
