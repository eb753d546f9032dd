import type { Db, Item } from "../store/db";
import { CHANGE_LOG_DAYS, keys } from "../store/keys";
import { AppError } from "../shared/errors";
import { decodePageCursor, encodePageCursor } from "../shared/page-cursor";
import { mapPool } from "../shared/pool";
import { contactEmails, type Contact } from "../contacts/index";
import { SharingGate, type Reader } from "../sharing/index";
import { foldCopies, messageSortKey, summarise, type MessageSummary } from "./index";

/**
 * A change is read only once it is this old: the sync takes a change's time just before
 * writing it, so a change of a batch still in flight (or of a Lambda whose clock is a little
 * behind) may land with a time just below "now". Reading up to now minus this settle time,
 * and handing that out as the cursor, keeps such a change in the next window instead of
 * losing it.
 */
export const CHANGES_SETTLE_MS = 2_000;
/** Messages per answer: past this the answer stops at a change-time boundary and says `more`. */
const MAX_MESSAGES = 200;

export interface ContactChanges {
  items: MessageSummary[];
  /**
   * Ids of messages that left the contact's history in the window (every copy deleted: a
   * mailbox disconnected, an excluded domain): the CRM removes them. An id here reveals no
   * more than that a message of that id existed.
   */
  removed: string[];
  /** Pass as `since` next time (opaque). */
  cursor: string;
  /** More changes wait: call again at once with the cursor. */
  more: boolean;
}

/** A changes cursor: the time up to which every change was handed out. */
const isChangesPosition = (p: unknown): p is { at: string } => {
  const at = (p as { at?: unknown } | null)?.at;
  return typeof at === "string" && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(at);
};

/**
 * The messages of a contact that the sync stored (in any mailbox) since `since`, as `reader`
 * may see them (the sharing rule, as in contactHistory), oldest change first, read from the
 * contact addresses' change logs (keys.ts, CHANGES#). Without `since` it answers no messages
 * and a cursor for now: a CRM reads the history once, then polls from there. A message gaining
 * a copy in another mailbox shows again, naming every owner it has now; so does a message a
 * mailbox stores again (a backfill after the contact gained an address, a resync): the change
 * log is written without reading first, so the feed is at least once, and a CRM updates by
 * message id. A message whose every copy was deleted is listed by id in `removed`; one that
 * only lost a copy shows again with the owners it has left. A cursor older than the log's retention answers 410: the CRM must resync.
 */
export async function contactChanges(db: Db, contact: Contact, reader: Reader, since: string | undefined, now = new Date()): Promise<ContactChanges> {
  const upTo = new Date(now.getTime() - CHANGES_SETTLE_MS).toISOString();
  if (since === undefined) return { items: [], removed: [], cursor: encodePageCursor({ at: upTo }), more: false };
  const from = decodePageCursor(since, isChangesPosition).at;
  if (from < new Date(now.getTime() - CHANGE_LOG_DAYS * 86_400_000).toISOString()) {
    throw new AppError("gone", "changes_cursor_expired", { params: { days: CHANGE_LOG_DAYS } });
  }
  if (from >= upTo) return { items: [], removed: [], cursor: since, more: false };
  // every change after a cursor younger than the retention is younger too: none read below is
  // past its expiresAt, whether or not a TTL deleted it yet (dynalite has none)
  // "$" sorts just after "#": the window is every change with from < time <= upTo
  const logs = (
    await Promise.all(
      contactEmails(contact).map((email) =>
        db.queryAll("main", {
          KeyConditionExpression: "pk = :p AND sk BETWEEN :lo AND :hi",
          ExpressionAttributeValues: { ":p": keys.contactChangesOf(email), ":lo": `${from}$`, ":hi": `${upTo}$` },
        }),
      ),
    )
  )
    .flat()
    .sort((a, b) => (a.sk < b.sk ? -1 : a.sk > b.sk ? 1 : 0));

  // the messages changed, in change order, cut only between two change times so the cursor
  // (a time) never skips a change of the time it stops at
  const changed = new Map<string, { email: string; sk: string }>();
  let cursorAt = upTo;
  let more = false;
  for (let i = 0; i < logs.length; i++) {
    const log = logs[i]!;
    const email = (log.pk as string).slice(keys.contactChangesOf("").length);
    for (const copySk of [...((log.copies as string[] | undefined) ?? []), ...((log.removed as string[] | undefined) ?? [])]) {
      const sk = messageSortKey(copySk);
      changed.delete(`${email}|${sk}`); // a later change moves the message to its place
      changed.set(`${email}|${sk}`, { email, sk });
    }
    const at = timeOf(log.sk);
    const next = logs[i + 1];
    if (next && changed.size >= MAX_MESSAGES && timeOf(next.sk) !== at) {
      cursorAt = at;
      more = true;
      break;
    }
  }

  const gate = new SharingGate(db, reader);
  const removed: string[] = [];
  const found = await mapPool([...changed.values()], 8, async ({ email, sk }) => {
    const copies = await db.queryAll("mail", { KeyConditionExpression: "pk = :p AND begins_with(sk, :m)", ExpressionAttributeValues: { ":p": email, ":m": `${sk}#` } });
    // no copy left anywhere: the message left the history (a hidden copy is not a removal)
    if (!copies.length) removed.push(`${encodeURIComponent(email)}|${sk}`);
    await gate.load(copies);
    const visible = copies.filter((c) => gate.visible(c, [contact.id])).map((c) => ({ ...c, ownerId: gate.ownerOf(c) }));
    return foldCopies(visible)[0];
  });
  // one message under two of the contact's addresses is shown once (as in the history)
  const seen = new Set<string>();
  const messages: Item[] = [];
  for (const message of found) {
    if (!message || seen.has(message.sk)) continue;
    seen.add(message.sk);
    messages.push(message);
  }
  return { items: await summarise(db, messages), removed, cursor: encodePageCursor({ at: cursorAt }), more };
}

const timeOf = (changeSk: string): string => changeSk.slice(0, changeSk.indexOf("#"));
