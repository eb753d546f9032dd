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
 * | set-password link      | PWLINK#<sha256(token)>    | PWLINK               | PWLINKS#<userId>    | <createdAt>               |
 * | rate-limit counter     | RATE#<bucket>#<subject>   | <window start epoch> |                     |                           |
 * | mailbox account        | ACCOUNT#<accountId>       | ACCOUNT              | ACCOUNTS            | <ownerId>#<accountId>     |
 * | account email (unique) | ACCOUNTEMAIL#<email>      | ACCOUNTEMAIL         |                     |                           |
 * | mail partition written | ACCOUNT#<accountId>       | MAILPK#<contactEmail> |                    |                           |
 * | folder sync cursor     | ACCOUNT#<accountId>       | CURSOR#<folderPath>  |                     |                           |
 * | sync job               | JOB#<jobId>               | JOB                  | JOBS#<accountId>    | <startedAt>               |
 * | run (job of no mailbox)| JOB#<jobId>               | JOB                  | JOBTYPE#<jobType>   | <startedAt>               |
 * | monitor settings       | SETTINGS                  | MONITOR              |                     |                           |
 * | monitor state          | MONITOR                   | STATE                |                     |                           |
 * | open incident          | INCIDENTS                 | <kind>#<jobType>#<subject> |               |                           |
 * | skipped message        | ACCOUNT#<accountId>       | SKIPPED#<folder>#<uid> |                   |                           |
 * | undated message's date | FIRSTSEEN#<messageKey>    | FIRSTSEEN            |                     |                           |
 * | contact                | CONTACT#<contactId>       | CONTACT              | CONTACTS            | <nfkc lower name>#<id>    |
 * | contact company entry  | CONTACT#<contactId>       | COMPANY              | CONTACTCOMPANIES    | <nfkc lower company>#<id> |
 * | contact 50音 entry     | CONTACT#<contactId>       | KANA                 | CONTACTSKANA        | <hiragana reading|name>#<id> |
 * | 50音 entries complete  | META                      | KANA_ORDER           |                     |                           |
 * | contact by external id | CONTACTEXT#<externalId>   | CONTACTEXT           |                     |                           |
 * | contact email index    | EMAIL#<normalisedEmail>   | EMAIL                |                     |                           |
 * | settings (road)        | SETTINGS                  | <area>               |                     |                           |
 * | admin-pinned domain    | SETTINGS                  | DOMAIN#<domain>      |                     |                           |
 * | excluded domains (org) | SETTINGS                  | EXCLUDED_DOMAINS     |                     |                           |
 * | setup checklist put away | SETTINGS                | SETUP                |                     |                           |
 * | notification mail      | SETTINGS                  | NOTIFICATION_MAIL    |                     |                           |
 * | sign-in lockout rule   | SETTINGS                  | SIGNIN_LOCKOUT       |                     |                           |
 * | mailbox pause rule     | SETTINGS                  | MAILBOX_PAUSE        |                     |                           |
 * | sign-in lock / unlock  | SIGNINLOCKS               | <at>#<id>            |                     |                           |
 * | notification (road)    | NOTIFY#<yyyy-mm-dd>       | <at>#<id>            |                     |                           |
 * | bootstrap marker       | META                      | BOOTSTRAP            |                     |                           |
 * | contact address change | CHANGES#<contactEmail>    | <ISO at>#<random>    |                     |                           |
 * | OAuth2 sign-in started | OAUTHSTATE#<sha256(state)> | OAUTHSTATE          |                     |                           |
 * | audit entry            | AUDIT#<yyyy-mm>           | <ISO at>#<requestId> |                     |                           |
 * | sending settings (org) | SETTINGS                  | SENDING              |                     |                           |
 * | outgoing message       | SEND#<sendId>             | SEND                 | SENDS#<userId>      | <createdAt>#<sendId>      |
 * | attachment upload      | UPLOAD#<uploadId>         | UPLOAD               |                     |                           |
 *
 * Audit entries (core/audit): one per change a signed-in user or an API key made through the
 * API (every non-GET route but probes), by month, newest read first; kept AUDIT_DAYS.
 *
 * Outgoing message (SEND#, core/sending): what a user composed in the CRM, its fixed
 * Message-ID and Date, and the idempotency state of its delivery (`status`: queued, sending,
 * accepted, sent, failed; `claim` of the attempt holding it). It holds the plain-text body (as
 * the mail server does once sent), never a password. Its history items are ordinary mail copies
 * (below) under each recipient contact, with `sendId` and `sendStatus`, keyed exactly as the
 * sync keys the same message read back from Sent, so the sync's put replaces them: one item.
 * An upload item records an attachment the browser put into storage (key, name, type, size,
 * uploader); it expires after a day unless a message uses it.
 * An OAuth2 sign-in item (core/oauth/sign-in.ts) binds the `state` sent to Google or Microsoft
 * to the session that started it (`sessionHash`, sha256 of the session token), the user, the
 * provider, the redirect URI and the mailbox being reconnected; it expires after 10 minutes
 * (`expiresAt`, checked at read) and is deleted by the one callback that may use it. It holds
 * no secret: the PKCE verifier is derived from the session token and the state, never stored.
 *
 * A contact may hold `reading` (フリガナ, kana). Its 50音 entry (core/contacts/kana-order.ts) orders
 * the Japanese console's list and finds readings by their start: its gsi1sk is the reading (else
 * the name) in NFKC, lower case, katakana folded to hiragana. Contacts saved before the entries
 * existed get theirs in one pass the first time the order is needed; META/KANA_ORDER then says so.
 *
 * The contact email index item holds `contactIds` (a string set): the sync matches a
 * participant with one BatchGetItem of EMAIL#<address> keys, primary and secondary alike.
 *
 * A user item may carry `signinFailures` (failed sign-ins in a row), `lockedUntil` (epoch seconds,
 * checked at read time), `lockedAt` and `lang` (the console language of the last sign-in, or the
 * one an admin set, for mails), `lastSignInAt`, `deactivatedAt`/`deactivatedBy` (an admin
 * deactivated the user) and `mustChangePassword` (a temporary password is in use). A set-password
 * link item holds `userId`, `kind` (reset, invite) and `expiresAt` (checked at read), never the token. Notification mail's SMTP password is the secret `notifications/smtp`, never an item.
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
 * The account item is written only by core/accounts (what a sync job records on it: its
 * sync-record.ts), except the fields of core/jobs: the lease (lease*), queuedAt, and the
 * updatedAt stamp of forgotten cursors.
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
 * Jobs and the monitor (core/jobs, core/monitoring): a sync job's item carries `jobType` ("sync"
 * or "backfill"; older items have none and are typed by their `reason`, core/jobs/job-types.ts).
 * A run is a job of no mailbox (fan-out, contact import, webhook delivery batch), indexed per
 * type. The monitor finds running sync jobs through the leases on the account items: one Query
 * of the ACCOUNTS index filtered on attribute_exists(leaseJobId), projected to the lease fields,
 * per check. That reads every account item once per check (about 190 read units at 1,000
 * accounts: $0.20 a month at one check every 5 minutes), where a jobs-by-status index would add
 * an index write to every queued and ended job (two per tick, about $11 a month at 1,000
 * mailboxes every 5 minutes): the read is the cheaper side while checks are rarer than ticks.
 * Runs are found by their type's index (the last 25 hours: past the longest threshold).
 * An open incident (long_running, stalled, deadletter) is one item in the small INCIDENTS
 * partition, put with attribute_not_exists (so it is told once) and deleted when it resolves
 * (told once more); the overview reads the partition with one Query. MONITOR/STATE keeps when
 * each job type was last checked (each type has its own interval on one 5-minute schedule).
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
  /** A one-time set-password link (reset or invitation), by the sha256 of its token (core/users/password-link.ts). */
  passwordLink: (tokenHash: string) => ({ pk: `PWLINK#${tokenHash}`, sk: "PWLINK" }),
  passwordLinksOf: (userId: string) => `PWLINKS#${userId}`,
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
  notificationMail: { pk: "SETTINGS", sk: "NOTIFICATION_MAIL" },
  signinLockout: { pk: "SETTINGS", sk: "SIGNIN_LOCKOUT" },
  mailboxPause: { pk: "SETTINGS", sk: "MAILBOX_PAUSE" },
  /** A sign-in lock or unlock record: newest first by sort key (core/users/lockout.ts). */
  signinLockEvent: (atIso: string, id: string) => ({ pk: "SIGNINLOCKS", sk: `${atIso}#${id}` }),
  signinLockEvents: "SIGNINLOCKS",
  cursor: (accountId: string, folder: string) => ({ pk: `ACCOUNT#${accountId}`, sk: `CURSOR#${folder}` }),
  cursorPrefix: "CURSOR#",
  skipped: (accountId: string, folder: string, uid: number) => ({ pk: `ACCOUNT#${accountId}`, sk: `SKIPPED#${folder}#${uid}` }),
  skippedPrefix: "SKIPPED#",
  firstSeen: (messageKey: string) => ({ pk: `FIRSTSEEN#${messageKey}`, sk: "FIRSTSEEN" }),
  job: (jobId: string) => ({ pk: `JOB#${jobId}`, sk: "JOB" }),
  jobsIndex: (accountId: string) => `JOBS#${accountId}`,
  jobsOfType: (jobType: string) => `JOBTYPE#${jobType}`,
  monitorSettings: { pk: "SETTINGS", sk: "MONITOR" },
  monitorState: { pk: "MONITOR", sk: "STATE" },
  incident: (kind: string, jobType: string, subject: string) => ({ pk: "INCIDENTS", sk: `${kind}#${jobType}#${subject}` }),
  incidentsPartition: "INCIDENTS",
  contact: (contactId: string) => ({ pk: `CONTACT#${contactId}`, sk: "CONTACT" }),
  contactsIndex: "CONTACTS",
  contactExternal: (externalId: string) => ({ pk: `CONTACTEXT#${externalId}`, sk: "CONTACTEXT" }),
  contactEmail: (email: string) => ({ pk: `EMAIL#${email}`, sk: "EMAIL" }),
  bootstrap: { pk: "META", sk: "BOOTSTRAP" },
  contactChange: (contactEmail: string, atIso: string, random: string) => ({ pk: `CHANGES#${contactEmail}`, sk: `${atIso}#${random}` }),
  contactChangesOf: (contactEmail: string) => `CHANGES#${contactEmail}`,
  oauthState: (stateHash: string) => ({ pk: `OAUTHSTATE#${stateHash}`, sk: "OAUTHSTATE" }),
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
  sendingSettings: { pk: "SETTINGS", sk: "SENDING" },
  outgoing: (sendId: string) => ({ pk: `SEND#${sendId}`, sk: "SEND" }),
  outgoingIndex: (userId: string) => `SENDS#${userId}`,
  upload: (uploadId: string) => ({ pk: `UPLOAD#${uploadId}`, sk: "UPLOAD" }),
};
