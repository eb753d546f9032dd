/**
 * THE DATA MODEL: every DynamoDB key pattern of the product, in one place.
 *
 * Two tables (sst.config.ts "Main" and "Mail"), both with string keys pk/sk and one global
 * index gsi1 (gsi1pk/gsi1sk). Correctness never relies on transactions or on TTL deletion
 * (dynalite has neither): writes are idempotent by key, races are settled by conditional
 * writes, and `expiresAt` (epoch seconds) is checked at read time; AWS's TTL only tidies up.
 *
 * Main table
 * | entity                 | pk                        | sk                   | gsi1pk              | gsi1sk                    |
 * |------------------------|---------------------------|----------------------|---------------------|---------------------------|
 * | user                   | USER#<userId>             | USER                 | USERS               | <email>                   |
 * | user email (unique)    | USEREMAIL#<email>         | USEREMAIL            |                     |                           |
 * | session                | SESSION#<sha256(token)>   | SESSION              | SESSIONS#<userId>   | <createdAt>               |
 * | rate-limit counter     | RATE#<bucket>#<subject>   | <window start epoch> |                     |                           |
 * | mailbox account        | ACCOUNT#<accountId>       | ACCOUNT              | ACCOUNTS            | <ownerId>#<accountId>     |
 * | account email (unique) | ACCOUNTEMAIL#<email>      | ACCOUNTEMAIL         |                     |                           |
 * | mail partition written | ACCOUNT#<accountId>       | MAILPK#<contactEmail> |                    |                           |
 * | folder sync cursor     | ACCOUNT#<accountId>       | CURSOR#<folderPath>  |                     |                           |
 * | sync job               | JOB#<jobId>               | JOB                  | JOBS#<accountId>    | <startedAt>               |
 * | skipped message        | ACCOUNT#<accountId>       | SKIPPED#<folder>#<uid> |                   |                           |
 * | undated message's date | FIRSTSEEN#<messageKey>    | FIRSTSEEN            |                     |                           |
 * | contact                | CONTACT#<contactId>       | CONTACT              | CONTACTS            | <nfkc lower name>#<id>    |
 * | contact company entry  | CONTACT#<contactId>       | COMPANY              | CONTACTCOMPANIES    | <nfkc lower company>#<id> |
 * | contact by external id | CONTACTEXT#<externalId>   | CONTACTEXT           |                     |                           |
 * | contact email index    | EMAIL#<normalisedEmail>   | EMAIL                |                     |                           |
 * | settings (road)        | SETTINGS                  | <area>               |                     |                           |
 * | admin-pinned domain    | SETTINGS                  | DOMAIN#<domain>      |                     |                           |
 * | excluded domains (org) | SETTINGS                  | EXCLUDED_DOMAINS     |                     |                           |
 * | setup checklist put away | SETTINGS                | SETUP                |                     |                           |
 * | notification (road)    | NOTIFY#<yyyy-mm-dd>       | <at>#<id>            |                     |                           |
 * | bootstrap marker       | META                      | BOOTSTRAP            |                     |                           |
 * | contact address change | CHANGES#<contactEmail>    | <ISO at>#<random>    |                     |                           |
 * | audit entry            | AUDIT#<yyyy-mm>           | <ISO at>#<requestId> |                     |                           |
 *
 * Audit entries (core/audit): one per change a signed-in user or an API key made through the
 * API (every non-GET route but probes), by month, newest read first; kept AUDIT_DAYS.
 *
 * The contact email index item holds `contactIds` (a string set): the sync matches a
 * participant with one BatchGetItem of EMAIL#<address> keys, primary and secondary alike.
 *
 * A skipped message item holds `reason` (a code the console translates), `attempts`, `permanent`
 * (no more retries), `folder`, `uid`, `uidValidity` and `at`; it is deleted once the message is
 * stored. A FIRSTSEEN item keeps the date first given to a message with neither a Date nor a
 * Received header, so every copy and every rebuild sorts it the same (core/sync/message-identity.ts).
 *
 * | backfill request       | BACKFILL                  | <ISO time>#<address>  |                     |                           |
 *
 * A contact gaining an address writes a BACKFILL item; each account remembers the requests its
 * jobs have surely taken (`backfillSeen`, kept a settle time behind the job's start), the last
 * one a finished job took (`backfillTaken`) and when its last backfill job was planned to start
 * (`backfillJobAt`): see core/sync/backfill-requests.ts.
 *
 * Rate-limit counters slide over two windows (core/shared/rate-limit.ts); the subject is a
 * user id (probe), a sign-in address (signin-failure), a client address
 * (signin-failure-source) or <user>@<host> of a mailbox (mailbox-login-failure). A session
 * item carries `lastSeenAt` (the idle timeout); an account item carries `secretBinding`, the
 * destinations each saved password may be sent to (core/accounts/secret-binding.ts; no secret).
 *
 * One mailbox per address in the whole organisation: ACCOUNTEMAIL#<email>. Accounts created
 * before this claimed ACCOUNTEMAIL#<ownerId>#<email> (one per owner); creation also checks the
 * accounts index for those, and deletion removes either claim.
 *
 * Mail partition written (MAILPK#): the sync notes each contact address under which an account
 * stored a copy (an idempotent put per address and write batch), so the copies of one account
 * (to count or delete them on disconnect, or on an excluded domain) are found by one Query of
 * the account's partition plus one Query per contact address, instead of a scan of the Mail
 * table or a GSI on accountId (an index entry per copy would double the write cost of the
 * sync, see below). Copies written before these markers existed are not found this way: the
 * read path hides copies whose account is gone (core/sharing).
 *
 * Contact address change (CHANGES#): each sync write batch puts ONE item per contact address it
 * stored copies under, listing those copies' sort keys (`copies`), after the copies; it
 * expires (`expiresAt`) after 30 days (core/store/change-log.ts). A CRM polls a contact's new
 * mail with a cursor (GET /api/contacts/{id}/changes, core/messages/changes.ts): one Query per
 * address over a time range of these items, instead of an index entry per copy (which would
 * double the sync's write cost). Deleting copies (disconnect, an excluded domain) puts the same
 * item with `removed` instead of `copies`, so the CRM hears that the message left the history.
 *
 * Mail table: one item per (contact email, message, mailbox holding it): the message's
 * metadata plus where that mailbox has it. The message key derives from the Message-ID, so
 * the copies of one message in colleagues' mailboxes share the sort-key prefix
 * <ISO date>#<messageKey> and sit side by side; the history folds them into one message
 * naming every owner. Plain puts (BatchWriteItem), idempotent. No index entries: a contact's
 * history is one Query on pk, conversations are joined at read time from the items' threadKey
 * and threadRefs (core/messages/threads.ts), and an index
 * entry per copy would double the write cost of the sync.
 * | entity                 | pk                        | sk                                  |
 * |------------------------|---------------------------|-------------------------------------|
 * | a mailbox's copy       | <normalisedContactEmail>  | <ISO date>#<messageKey>#<accountId> |
 *
 * Integrations (core/integrations), Main table:
 * | entity                 | pk                        | sk                   | gsi1pk              | gsi1sk                    |
 * |------------------------|---------------------------|----------------------|---------------------|---------------------------|
 * | API key                | APIKEY#<keyId>            | APIKEY               | APIKEYS             | <createdAt>#<keyId>       |
 * | API key request record | APIKEYREQ#<keyId>         | <at>#<requestId>     |                     |                           |
 *
 * | webhook endpoint       | WEBHOOK#<webhookId>       | WEBHOOK              | WEBHOOKS            | <createdAt>#<webhookId>   |
 * | webhook delivery       | WEBHOOKDLV#<webhookId>    | <deliveryId>         |                     |                           |
 *
 * An API key item holds sha256 of the key's secret (`secretHash`), never the key; request
 * records hold method, route pattern and status (no body) and expire after 30 days. A
 * webhook's signing secret is in the secret store (webhook/<id>), never in its item. A
 * delivery's id starts with its creation time in base 36, so a time range is a sort-key range;
 * it keeps the event (ids and subject, no body) for resends, and expires after 30 days. A
 * disabled endpoint records a notification (NOTIFY#, kind "webhook_disabled").
 */
/** How long a contact address change (CHANGES#) is kept, and so how old a changes cursor may be. */
export const CHANGE_LOG_DAYS = 30;

export const TABLE_KEYS = { pk: "pk", sk: "sk", gsi1pk: "gsi1pk", gsi1sk: "gsi1sk", gsi1: "gsi1" } as const;

export const keys = {
  user: (userId: string) => ({ pk: `USER#${userId}`, sk: "USER" }),
  usersIndex: "USERS",
  userEmail: (email: string) => ({ pk: `USEREMAIL#${email}`, sk: "USEREMAIL" }),
  session: (tokenHash: string) => ({ pk: `SESSION#${tokenHash}`, sk: "SESSION" }),
  sessionsIndex: (userId: string) => `SESSIONS#${userId}`,
  account: (accountId: string) => ({ pk: `ACCOUNT#${accountId}`, sk: "ACCOUNT" }),
  accountsIndex: "ACCOUNTS",
  accountEmail: (email: string) => ({ pk: `ACCOUNTEMAIL#${email}`, sk: "ACCOUNTEMAIL" }),
  /** The claim of accounts created when an address was unique per owner only (see above). */
  legacyAccountEmail: (ownerId: string, email: string) => ({ pk: `ACCOUNTEMAIL#${ownerId}#${email}`, sk: "ACCOUNTEMAIL" }),
  mailPartition: (accountId: string, contactEmail: string) => ({ pk: `ACCOUNT#${accountId}`, sk: `MAILPK#${contactEmail}` }),
  mailPartitionPrefix: "MAILPK#",
  excludedDomains: { pk: "SETTINGS", sk: "EXCLUDED_DOMAINS" },
  setupChecklist: { pk: "SETTINGS", sk: "SETUP" },
  cursor: (accountId: string, folder: string) => ({ pk: `ACCOUNT#${accountId}`, sk: `CURSOR#${folder}` }),
  cursorPrefix: "CURSOR#",
  skipped: (accountId: string, folder: string, uid: number) => ({ pk: `ACCOUNT#${accountId}`, sk: `SKIPPED#${folder}#${uid}` }),
  skippedPrefix: "SKIPPED#",
  firstSeen: (messageKey: string) => ({ pk: `FIRSTSEEN#${messageKey}`, sk: "FIRSTSEEN" }),
  job: (jobId: string) => ({ pk: `JOB#${jobId}`, sk: "JOB" }),
  jobsIndex: (accountId: string) => `JOBS#${accountId}`,
  contact: (contactId: string) => ({ pk: `CONTACT#${contactId}`, sk: "CONTACT" }),
  contactsIndex: "CONTACTS",
  contactExternal: (externalId: string) => ({ pk: `CONTACTEXT#${externalId}`, sk: "CONTACTEXT" }),
  contactEmail: (email: string) => ({ pk: `EMAIL#${email}`, sk: "EMAIL" }),
  bootstrap: { pk: "META", sk: "BOOTSTRAP" },
  contactChange: (contactEmail: string, atIso: string, random: string) => ({ pk: `CHANGES#${contactEmail}`, sk: `${atIso}#${random}` }),
  contactChangesOf: (contactEmail: string) => `CHANGES#${contactEmail}`,
  mailCopy: (contactEmail: string, dateIso: string, messageKey: string, accountId: string) => ({ pk: contactEmail, sk: `${dateIso}#${messageKey}#${accountId}` }),
  backfill: (atIso: string, address: string) => ({ pk: "BACKFILL", sk: `${atIso}#${address}` }),
  apiKey: (keyId: string) => ({ pk: `APIKEY#${keyId}`, sk: "APIKEY" }),
  apiKeysIndex: "APIKEYS",
  apiKeyRequestsOf: (keyId: string) => `APIKEYREQ#${keyId}`,
  webhook: (webhookId: string) => ({ pk: `WEBHOOK#${webhookId}`, sk: "WEBHOOK" }),
  webhooksIndex: "WEBHOOKS",
  webhookDelivery: (webhookId: string, deliveryId: string) => ({ pk: `WEBHOOKDLV#${webhookId}`, sk: deliveryId }),
  webhookDeliveriesOf: (webhookId: string) => `WEBHOOKDLV#${webhookId}`,
  notification: (atIso: string, id: string) => ({ pk: `NOTIFY#${atIso.slice(0, 10)}`, sk: `${atIso}#${id}` }),
  notificationsOf: (day: string) => `NOTIFY#${day}`,
  auditEntry: (atIso: string, requestId: string) => ({ pk: `AUDIT#${atIso.slice(0, 7)}`, sk: `${atIso}#${requestId}` }),
  auditMonth: (month: string) => `AUDIT#${month}`,
};
