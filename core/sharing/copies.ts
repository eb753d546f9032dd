import type { Db, Item } from "../store/db";
import { keys } from "../store/keys";
import { changeItems } from "../store/change-log";
import { inDomains } from "./rule";

/**
 * Finding and deleting stored copies: a disconnected mailbox's, an excluded domain's, a
 * deleted contact's. Every deletion here is idempotent and safe to run again or alongside a
 * sync (a copy written meanwhile by a mailbox that is gone is hidden by the read rule anyway).
 */

/** Notes the contact addresses an account stored copies under (see keys.ts, MAILPK#). Idempotent. */
export async function markPartitions(db: Db, accountId: string, contactEmails: Iterable<string>): Promise<void> {
  const unique = [...new Set(contactEmails)];
  if (unique.length)
    await db.batchWrite(
      "main",
      unique.map((email) => ({ put: { ...keys.mailPartition(accountId, email), accountId, contactEmail: email } })),
    );
}

/** The contact addresses an account has stored copies under. */
export async function accountPartitions(db: Db, accountId: string): Promise<string[]> {
  const items = await db.queryAll("main", {
    KeyConditionExpression: "pk = :p AND begins_with(sk, :s)",
    ExpressionAttributeValues: { ":p": keys.account(accountId).pk, ":s": keys.mailPartitionPrefix },
    ProjectionExpression: "sk",
  });
  return items.map((i) => (i.sk as string).slice(keys.mailPartitionPrefix.length));
}

/** The keys of the copies under one address, all of them or one account's. */
async function copyKeys(db: Db, contactEmail: string, accountId?: string): Promise<Item[]> {
  return db.queryAll("mail", {
    KeyConditionExpression: "pk = :p",
    ...(accountId
      ? { FilterExpression: "accountId = :a", ExpressionAttributeValues: { ":p": contactEmail, ":a": accountId } }
      : { ExpressionAttributeValues: { ":p": contactEmail } }),
    ProjectionExpression: "pk, sk",
  });
}

/** How many copies an account has stored (one item per contact address and message): what disconnecting deletes. */
export async function countAccountCopies(db: Db, accountId: string): Promise<number> {
  let count = 0;
  for (const email of await accountPartitions(db, accountId)) count += (await copyKeys(db, email, accountId)).length;
  return count;
}

/**
 * Deletes an account's copies: all of them, or only those under addresses `only` accepts (an
 * excluded domain). The partition's marker goes once its copies are gone. Returns how many.
 */
export async function deleteAccountCopies(db: Db, accountId: string, only?: (contactEmail: string) => boolean): Promise<number> {
  let deleted = 0;
  for (const email of await accountPartitions(db, accountId)) {
    if (only && !only(email)) continue;
    const found = await copyKeys(db, email, accountId);
    await removeCopies(db, found);
    await db.delete("main", keys.mailPartition(accountId, email));
    deleted += found.length;
  }
  return deleted;
}

/** Deletes every copy under one address, whichever mailbox wrote it. Returns how many. */
export async function deletePartition(db: Db, contactEmail: string): Promise<number> {
  const found = await copyKeys(db, contactEmail);
  await removeCopies(db, found);
  return found.length;
}

/** Deletes copies, then logs them as removed in their addresses' change logs (a CRM polling the contact hears of it). */
async function removeCopies(db: Db, found: Item[]): Promise<void> {
  if (!found.length) return;
  await db.batchWrite(
    "mail",
    found.map((k) => ({ delete: { pk: k.pk, sk: k.sk } })),
  );
  await db.batchWrite(
    "main",
    changeItems(found, new Date(), "removed").map((put) => ({ put })),
  );
}

/** Every address of every contact (primary and secondary), by the contacts index. */
async function contactAddresses(db: Db): Promise<Set<string>> {
  const items = await db.queryAll("main", {
    IndexName: "gsi1",
    KeyConditionExpression: "gsi1pk = :p",
    ExpressionAttributeValues: { ":p": keys.contactsIndex },
    ProjectionExpression: "primaryEmail, secondaryEmails",
  });
  return new Set(items.flatMap((c) => [c.primaryEmail as string, ...((c.secondaryEmails as string[]) ?? [])]));
}

/**
 * Removes copies an excluded domain now keeps out: for the organisation's list every copy under
 * a contact address in those domains; for a mailbox's own list only that mailbox's copies.
 */
export async function purgeExcluded(db: Db, domains: string[], accountId?: string): Promise<number> {
  if (!domains.length) return 0;
  if (accountId) return deleteAccountCopies(db, accountId, (email) => inDomains(email, domains));
  let deleted = 0;
  for (const email of await contactAddresses(db)) if (inDomains(email, domains)) deleted += await deletePartition(db, email);
  return deleted;
}
