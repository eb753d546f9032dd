export { fanOut, isDue, type FanOutDeps } from "./fanout";
export { runSyncJob, type SyncDeps, type SyncOutcome } from "./sync-account";
export { enqueueNow, newJob, recentJobs, recordJob, recordQueued, serverHint } from "../jobs/index";
export { acquireLease, releaseLease, markAbandoned, LEASE_SECONDS } from "../jobs/index";
export { openImap, closeImap, translateImapError, type ImapSettings } from "../mail/index";
export { toMailRecord, participants, type MailRecord } from "./message-record";
export { listSkipped, SKIP_REASONS, SKIP_ATTEMPTS, type SkipReason } from "./accounting";
export { queueBackfillJobs, backfillStatus, type BackfillStatus } from "./backfill-jobs";
export { storeMessages, type MailEventSink } from "./store-messages";
