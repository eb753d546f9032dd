/**
 * What operations are told about, and the one port every producer goes through. The sync
 * (a mailbox pausing), the sign-in lockout, the job monitor, OAuth2 (consent revoked) and the
 * webhook sender (an endpoint disabled) each describe what happened as an `OpsEvent`; how and to
 * whom it is told (notification mail per the settings, the log, a metric) is the notifier's
 * business, so producers stay free of SMTP and settings.
 *
 * Events carry ids, addresses and times, never a password, token or message body: they end up
 * in mails and log lines.
 */
import type { Logger } from "../shared/log";
export { parseRecipients } from "./recipients";

/**
 * Who a job's event goes to when its job type names its own recipients (the job monitor's
 * per-type settings): they replace the notification settings' admins and extra addresses.
 * Absent or empty: those, as for every other event.
 */
type Routed = { recipients?: string[] };

export type OpsEvent =
  | { kind: "mailbox.paused"; accountId: string; address: string; ownerId: string; failedLogins: number; code: string; at: string }
  | { kind: "mailbox.resumed"; accountId: string; address: string; ownerId: string; at: string }
  | { kind: "mailbox.failing"; accountId: string; address: string; ownerId: string; code: string; failedRuns: number; since: string; at: string }
  | { kind: "mailbox.recovered"; accountId: string; address: string; ownerId: string; since: string; at: string }
  | { kind: "mailbox.reconnect_needed"; accountId: string; address: string; ownerId: string; code: string; at: string }
  | { kind: "signin.locked"; userId: string; email: string; lockedAt: string; unlockAt: string; failedSignIns?: number }
  | { kind: "signin.unlocked"; userId: string; email: string; unlockedAt: string; byUserId?: string }
  | ({ kind: "job.failed"; jobType: string; jobId: string; subject: string; code: string; at: string } & Routed)
  | ({ kind: "job.succeeded"; jobType: string; jobId: string; subject: string; at: string } & Routed)
  | ({ kind: "job.long_running"; jobType: string; jobId: string; subject: string; startedAt: string; at: string } & Routed)
  | ({ kind: "job.stalled"; jobType: string; jobId: string; subject: string; heartbeatAt: string; at: string } & Routed)
  | ({ kind: "job.resolved"; jobType: string; jobId: string; subject: string; incident: "long_running" | "stalled"; at: string } & Routed)
  | ({ kind: "deadletter.not_empty"; queue: string; count: number; at: string } & Routed)
  | { kind: "webhook.endpoint_disabled"; endpointId: string; url: string; ownerId: string; at: string };

export type OpsEventKind = OpsEvent["kind"];

/** Every kind, for settings that switch each one on or off (kept in step with the union by the type below). */
export const opsEventKinds = [
  "mailbox.paused",
  "mailbox.resumed",
  "mailbox.failing",
  "mailbox.recovered",
  "mailbox.reconnect_needed",
  "signin.locked",
  "signin.unlocked",
  "job.failed",
  "job.succeeded",
  "job.long_running",
  "job.stalled",
  "job.resolved",
  "deadletter.not_empty",
  "webhook.endpoint_disabled",
] as const satisfies readonly OpsEventKind[];
// fails the type-check when a kind is added to the union but not to the list
const everyKindListed: Exclude<OpsEventKind, (typeof opsEventKinds)[number]> extends never ? true : false = true;
void everyKindListed;

/** The port: tell operations about one event. Implementations never throw to the producer. */
export interface Notifier {
  notify(event: OpsEvent): Promise<void>;
}

/** Writes each event as one log line (`ops.<kind>`): the default until notification mail is configured. */
export function logNotifier(log: Logger): Notifier {
  return {
    async notify(event) {
      log.warn(`ops.${event.kind}`, { ...event });
    },
  };
}
