import type { ImapFlow } from "imapflow";
import type { Db, Item } from "../store/db";
import { keys } from "../store/keys";
import { nowIso } from "../shared/ids";
import { RECORD_HEADERS } from "./header-record";
import type { FetchedMessage } from "./message-record";

/**
 * Every message a folder lists ends one way: stored, unrelated (it involves no contact),
 * skipped (recorded with a reason, see SkipReason) or gone (deleted on the server meanwhile).
 * Nothing may vanish silently: imapflow drops a FETCH response nested deeper than 25 lists
 * (a BODYSTRUCTURE 22 multiparts deep, or a chain of 12 forwarded messages) with only a log
 * line, so a missing response says nothing about the message (fetchMissing asks again).
 */
export type Outcome = "stored" | "unrelated" | "skipped" | "gone";

/**
 * Why a message was not stored, as the console shows it (i18n key `skip_<reason>`).
 * - `unreadable`: the server lists it but answers no FETCH for it, even for its header fields alone.
 * - `unparsable`: its header fields could not be made into a record.
 * - `no_addresses`: it names no sender and no recipient (e.g. a message of 0 bytes), so it
 *   cannot involve a contact; its content cannot change, so it is never retried.
 */
export type SkipReason = "unreadable" | "unparsable" | "no_addresses";
export const SKIP_REASONS: readonly SkipReason[] = ["unreadable", "unparsable", "no_addresses"];

/** Syncs that try a skipped message before it is kept as permanently skipped. */
export const SKIP_ATTEMPTS = 3;
/** At most this many skipped messages per folder wait for a retry (the list lives on the cursor). */
const RETRY_LIST_MAX = 1_000;
const RETRIED: ReadonlySet<SkipReason> = new Set(["unreadable", "unparsable"]);

/**
 * What is asked for a message the normal FETCH did not answer for: no BODYSTRUCTURE (the part
 * that can be nested past the parser's limit), every header field a record needs (Received
 * too: the date of mail without a Date header) and the size.
 */
const FALLBACK_FETCH = { uid: true, internalDate: true, size: true, headers: [...RECORD_HEADERS, "received"] };

/**
 * Asks again for messages a FETCH gave no answer for: their header fields and size without
 * BODYSTRUCTURE, then, for any still unanswered, a UID SEARCH of just those UIDs. Only a UID
 * the server no longer has is a deletion; one it has but cannot give is `unreadable`. Costs
 * round trips only when something was missing.
 */
export async function fetchMissing(client: ImapFlow, uids: number[], uidSet: (u: number[]) => string): Promise<{ found: FetchedMessage[]; gone: number[]; unreadable: number[] }> {
  if (!uids.length) return { found: [], gone: [], unreadable: [] };
  const found = await fetchAnswered(client, uids, FALLBACK_FETCH, uidSet);
  const answered = new Set(found.map((m) => m.uid));
  const still = uids.filter((u) => !answered.has(u));
  if (!still.length) return { found, gone: [], unreadable: [] };
  const present = new Set((await client.search({ uid: uidSet(still) }, { uid: true })) || []);
  return { found, gone: still.filter((u) => !present.has(u)), unreadable: still.filter((u) => present.has(u)) };
}

/** The retry list a folder's cursor keeps: skipped UIDs and the attempts made so far. */
export type RetryList = Record<string, number>;

/**
 * Writes the skipped-message items of one chunk and settles the retry list: a skip counts an
 * attempt (kept for retry until SKIP_ATTEMPTS, then permanent); a message stored, unrelated
 * or gone since loses its item. Returns how many skips it recorded.
 */
export async function settleSkips(
  db: Db,
  where: { accountId: string; folder: string; uidValidity: string },
  outcomes: Map<number, { outcome: Outcome; reason?: SkipReason; detail?: string }>,
  retry: RetryList,
): Promise<void> {
  const requests: ({ put: Item } | { delete: Item })[] = [];
  const at = nowIso();
  for (const [uid, o] of outcomes) {
    const key = keys.skipped(where.accountId, where.folder, uid);
    if (o.outcome !== "skipped") {
      if (retry[uid] !== undefined) {
        delete retry[uid];
        requests.push({ delete: key });
      }
      continue;
    }
    const attempts = (retry[uid] ?? 0) + 1;
    const permanent = !RETRIED.has(o.reason!) || attempts >= SKIP_ATTEMPTS || (retry[uid] === undefined && Object.keys(retry).length >= RETRY_LIST_MAX);
    if (permanent) delete retry[uid];
    else retry[uid] = attempts;
    requests.push({
      put: { ...key, folder: where.folder, uid, uidValidity: where.uidValidity, reason: o.reason, detail: o.detail?.slice(0, 300) ?? null, attempts, permanent, at },
    });
  }
  if (requests.length) await db.batchWrite("main", requests);
}

/** The UIDs waiting for a retry, oldest first. */
export const retryUids = (retry: RetryList | undefined): number[] =>
  Object.keys(retry ?? {})
    .map(Number)
    .sort((a, b) => a - b);

/** An account's skipped messages, as the console lists them (at most `limit`, by folder and UID). */
export async function listSkipped(db: Db, accountId: string, limit = 500): Promise<Item[]> {
  const page = await db.query("main", {
    KeyConditionExpression: "pk = :p AND begins_with(sk, :s)",
    ExpressionAttributeValues: { ":p": keys.account(accountId).pk, ":s": keys.skippedPrefix },
    Limit: limit,
  });
  return page.items;
}

/** Forgets a folder's skipped messages when its UIDs stop meaning anything (new UIDVALIDITY). */
export async function forgetSkips(db: Db, accountId: string, folder: string): Promise<void> {
  const items = await db.queryAll("main", {
    KeyConditionExpression: "pk = :p AND begins_with(sk, :s)",
    ExpressionAttributeValues: { ":p": keys.account(accountId).pk, ":s": `${keys.skippedPrefix}${folder}#` },
  });
  if (items.length)
    await db.batchWrite(
      "main",
      items.map((i) => ({ delete: { pk: i.pk as string, sk: i.sk as string } })),
    );
}

/** Response codes of a NO that speak of the server's state, not of the messages asked for. */
const SERVER_STATE_CODES = /^(THROTTLED|UNAVAILABLE|LIMIT|INUSE|OVERQUOTA|SERVERBUG|CONTACTADMIN)$/i;

/**
 * A UID FETCH whose refusal is narrowed to the messages that cause it. Some servers answer a
 * whole FETCH with NO because of one message they cannot read (Gmail: "Some messages could not
 * be FETCHed (Failure)"), and imapflow then returns nothing of the command: without this, the
 * chunk fails on every sync and the mailbox never gets past that message. A NO is split in
 * halves down to single UIDs; a UID still refused is simply not answered for, which the caller
 * treats as any missing answer (fetchMissing, then skipped as `unreadable` if the server still
 * lists it). A NO about the server's state (throttling, unavailable) and any other failure are
 * thrown as they are: retrying later is what helps there. Costs nothing while the server says OK.
 */
export async function fetchAnswered(client: ImapFlow, uids: number[], query: object, uidSet: (u: number[]) => string): Promise<FetchedMessage[]> {
  if (!uids.length) return [];
  try {
    return (await client.fetchAll(uidSet(uids), query as never, { uid: true })) as FetchedMessage[];
  } catch (err) {
    const e = err as { responseStatus?: string; serverResponseCode?: string; responseText?: string };
    if (e.responseStatus !== "NO" || SERVER_STATE_CODES.test(e.serverResponseCode ?? "") || /throttl|try again/i.test(e.responseText ?? "") || !client.usable) throw err;
    if (uids.length === 1) return [];
    const half = Math.ceil(uids.length / 2);
    return [...(await fetchAnswered(client, uids.slice(0, half), query, uidSet)), ...(await fetchAnswered(client, uids.slice(half), query, uidSet))];
  }
}
