import type { Db } from "../store/db";
import { keys } from "../store/keys";

/**
 * Where a folder's sync stands. `uidNext` is the server's UIDNEXT when we last looked: equal
 * UIDVALIDITY and UIDNEXT mean nothing new, so a quiet tick needs only STATUS. `lastUid` is
 * the highest UID whose items are durably written; the next fetch starts after it.
 */
export interface FolderCursor {
  folder: string;
  uidValidity: string;
  uidNext: number;
  lastUid: number;
  highestModseq?: string;
  /**
   * While the first sync is under way: it goes newest first, and every UID below this one
   * (inside the window) is still to do. Absent once the first sync has finished.
   */
  initialBelow?: number;
  /** Messages in the first sync's window, and how many are done: the console's progress bar. */
  initialTotal?: number;
  initialDone?: number;
  /** Skipped messages (UID -> attempts so far) that later syncs try again (core/sync/accounting.ts). */
  retry?: Record<string, number>;
  updatedAt: string;
}

/*
 * Who writes cursors: only the job holding the account's lease, and that job stamps the
 * account's updatedAt when it ends (core/accounts recordJobEnd). A sync process relies on this
 * to skip reading cursors it wrote itself (sync-account.ts lastEnds): anything else that
 * changes cursors must stamp updatedAt too, as forgetCursors does.
 */

/** The account's cursor items, strongly consistent. */
const cursorItems = (db: Db, accountId: string) =>
  db.queryAll("main", {
    KeyConditionExpression: "pk = :p AND begins_with(sk, :s)",
    ExpressionAttributeValues: { ":p": keys.account(accountId).pk, ":s": keys.cursorPrefix },
    ConsistentRead: true,
  });

export async function loadCursors(db: Db, accountId: string): Promise<Map<string, FolderCursor>> {
  const items = await cursorItems(db, accountId);
  return new Map(items.map((i) => [i.folder as string, i as unknown as FolderCursor]));
}

export async function saveCursor(db: Db, accountId: string, cursor: FolderCursor): Promise<void> {
  await db.put("main", { ...keys.cursor(accountId, cursor.folder), ...cursor });
}

/**
 * Forgets where every folder's sync stands: the next job reads the whole sync window again
 * (writes are idempotent, so nothing is duplicated). Stamps the account's updatedAt so that no
 * process reuses cursors it kept.
 */
export async function forgetCursors(db: Db, accountId: string): Promise<void> {
  const items = await cursorItems(db, accountId);
  await db.batchWrite(
    "main",
    items.map((c) => ({ delete: { pk: c.pk as string, sk: c.sk as string } })),
  );
  await db.update("main", keys.account(accountId), {
    expression: "SET updatedAt = :u",
    values: { ":u": new Date().toISOString() },
    condition: "attribute_exists(pk)",
    returnValues: "NONE",
  });
}
