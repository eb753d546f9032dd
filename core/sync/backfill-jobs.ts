import type { Db } from "../store/db";
import { mapPool } from "../shared/pool";
import type { JobQueue, SyncJobMessage } from "../queue/index";
import { claimBackfillJobSlot, getAccountRecord, listAllAccounts, maySync, type AccountRecord } from "../accounts/index";
import { newJob, recordQueuedMany, serverHint } from "../jobs/index";
import { backfillJobStart } from "./plan";

/**
 * A contact just gained an address: queues a job for every mailbox that can sync, going
 * through the queue and the lease like any job. A mailbox that already has one planned to
 * start after now needs none (that job will see the request); otherwise its job starts now,
 * or a minute after its previous one (plan.ts backfillJobStart). Returns the jobs queued.
 */
export async function queueBackfillJobs(db: Db, queue: JobQueue, now = new Date()): Promise<SyncJobMessage[]> {
  const accounts = (await listAllAccounts(db)).filter(maySync);
  const planned: { job: SyncJobMessage; delaySeconds: number }[] = [];
  const plan = async (account: AccountRecord | undefined, tries = 3): Promise<void> => {
    if (!account || !tries) return;
    const at = backfillJobStart(now.getTime(), account.backfillJobAt);
    if (!at) return;
    // claim the slot; a concurrent request claimed it first: its job may start before this
    // request's write landed, so look again (the next slot is a minute after that job)
    if (!(await claimBackfillJobSlot(db, account, at.toISOString()))) return plan(await getAccountRecord(db, account.id), tries - 1);
    planned.push({ job: newJob(account.id, "contact-added", serverHint(account)), delaySeconds: Math.ceil((at.getTime() - now.getTime()) / 1000) });
  };
  // 8 claims in flight, as fan-out marks its accounts: the request that added the contact waits for them
  await mapPool(accounts, 8, (account) => plan(account));
  if (!planned.length) return [];
  await recordQueuedMany(
    db,
    planned.map((p) => p.job),
  );
  await queue.enqueue(planned);
  return planned.map((p) => p.job);
}

/** Whether a contact's past mail is still being fetched: what the contact page shows. */
export interface BackfillStatus {
  pending: boolean;
  /** When the oldest request not yet taken by every mailbox was made. */
  requestedAt: string | null;
  /** When the last mailbox still to search it has a job planned to start, if one is. */
  expectedAt: string | null;
}

/**
 * A contact's requests that some mailbox able to sync has not taken yet. A mailbox that
 * cannot sync (disabled, paused, no password) is left out: it would keep the notice forever.
 */
export async function backfillStatus(db: Db, contact: { id: string; createdAt: string }): Promise<BackfillStatus> {
  const accounts = (await listAllAccounts(db)).filter(maySync);
  const none: BackfillStatus = { pending: false, requestedAt: null, expectedAt: null };
  if (!accounts.length) return none;
  const taken = (a: AccountRecord) => a.backfillTaken ?? a.backfillSeen ?? "";
  // no request of a contact is older than the contact (a minute of slack for clock skew
  // between API instances): a mailbox left behind for weeks does not make every page read
  // weeks of other contacts' requests
  const created = Date.parse(contact.createdAt);
  const born = Number.isNaN(created) ? "" : new Date(created - 60_000).toISOString();
  const floor = accounts.map(taken).reduce((a, b) => (b < a ? b : a));
  const requests = await db.queryAll("main", {
    KeyConditionExpression: "pk = :p AND sk > :s",
    FilterExpression: "contactId = :c",
    ExpressionAttributeValues: { ":p": "BACKFILL", ":s": floor > born ? floor : born, ":c": contact.id },
  });
  const waiting = accounts.filter((a) => requests.some((r) => (r.sk as string) > taken(a)));
  if (!waiting.length) return none;
  const oldest = requests.find((r) => waiting.some((a) => (r.sk as string) > taken(a)))!;
  const planned = waiting.map((a) => a.backfillJobAt).filter((at): at is string => !!at && at >= (oldest.at as string));
  return { pending: true, requestedAt: oldest.at as string, expectedAt: planned.length === waiting.length ? planned.reduce((a, b) => (b > a ? b : a)) : null };
}
