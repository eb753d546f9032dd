import type { Db } from "../store/db";
import { consume, release, reserve, type RateLimit, type Reservation } from "../store/rate-limit";
import type { ConnectionReport, ConnectionSettings } from "./connection-test";

/**
 * Requests that make the server connect to hosts the user names (autodiscovery probes,
 * connection tests, saving a mailbox, test mail, folder lists), per user: enough for a person
 * setting up mailboxes, too little to turn the service into a port scanner or a mail cannon.
 */
export const PROBE_LIMIT: RateLimit = { bucket: "probe", limit: 30, windowSeconds: 600 };

/**
 * Failed logins per target mailbox (user name at host), whoever asks: a password guessed through
 * our connection test costs the real owner a locked mailbox (Microsoft's smart lockout and most
 * IMAP servers lock after about 10 failures), so guesses stop at this many in 15 minutes.
 */
export const MAILBOX_LOGIN_FAILURES: RateLimit = { bucket: "mailbox-login-failure", limit: 10, windowSeconds: 900, code: "mailbox_login_limited" };

const targetOf = (server: { user: string; host: string }) => `${server.user.trim().toLowerCase()}@${server.host.trim().toLowerCase()}`;

/** Whether the report shows a login to this protocol's server that the server refused. */
const loginFailed = (report: ConnectionReport, protocol: "imap" | "smtp") =>
  report.steps.some((s) => s.protocol === protocol && s.step === `${protocol}_login` && !s.ok && !s.skipped);

/**
 * Runs a connection test with a password someone typed: counted as a probe of `actorId` (when
 * given; routes with PROBE_LIMIT are counted before), and as a failed login on each target
 * mailbox, reserved before the test (so concurrent guesses cannot all pass) and given back when
 * that login did not fail. Over a limit: 429 with the seconds to wait.
 */
export async function limitedConnectionTest(db: Db, actorId: string | undefined, settings: ConnectionSettings, run: () => Promise<ConnectionReport>): Promise<ConnectionReport> {
  if (actorId) await consume(db, PROBE_LIMIT, actorId);
  const targets = new Map<"imap" | "smtp", string>([["imap", targetOf(settings.imap)]]);
  if (settings.smtp) targets.set("smtp", targetOf(settings.smtp.sameCredentials === false ? settings.smtp : { ...settings.smtp, user: settings.imap.user }));
  const held = new Map<"imap" | "smtp", Reservation>();
  const giveBack = (which: "imap" | "smtp") => release(db, held.get(which)!).catch(() => undefined);
  try {
    for (const [protocol, target] of targets) {
      // one mailbox behind both protocols is one target: reserved once
      if (protocol === "smtp" && target === targets.get("imap")) continue;
      held.set(protocol, await reserve(db, MAILBOX_LOGIN_FAILURES, target, { target }));
    }
  } catch (err) {
    await Promise.all([...held.keys()].map(giveBack));
    throw err;
  }
  let report: ConnectionReport;
  try {
    report = await run();
  } catch (err) {
    await Promise.all([...held.keys()].map(giveBack));
    throw err;
  }
  const failed = { imap: loginFailed(report, "imap"), smtp: loginFailed(report, "smtp") };
  if (!held.has("smtp")) failed.imap ||= failed.smtp; // shared target: either failure counts
  await Promise.all([...held.keys()].filter((p) => !failed[p]).map(giveBack));
  return report;
}
