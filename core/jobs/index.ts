/**
 * What the sync remembers per mailbox: job records (queued, running, finished), the short
 * owner-token lease that keeps two workers off one mailbox, and the per-folder cursors. Kept
 * below both accounts (which shows job status and forgets cursors on a server change) and sync
 * (which writes them), so that neither needs the other for it.
 */
export * from "./jobs";
export * from "./lease";
export * from "./cursors";
export * from "./job-types";
export * from "./runs";
export * from "./leases-held";
