import { randomUUID } from "node:crypto";
import type { Db } from "../store/db";
import { keys } from "../store/keys";
import { release, reserve, type Reservation } from "../store/rate-limit";
import { isAppError } from "../shared/errors";
import type { Logger } from "../shared/log";
import type { SecretStore } from "../secrets/index";
import { checkHost, getAccountRecord, isPaused, MAILBOX_LOGIN_FAILURES, type AccountRecord, type HostAllowance } from "../accounts/index";
import { mailSecretsFor, type OAuthProviders } from "../oauth/index";
import type { Notifier } from "../notifications/index";
import { authenticationCodes, createSmtpMailer, defaultSaveSentCopy, diagnose, type Diagnosis, type DiagnosisContext, type Mailer, type SmtpSettings } from "../mail/index";
import { buildMessage } from "./build-message";
import { getOutgoing, showStatus, type OutgoingRecord, type SendFailure, type SendStatus } from "./outbox";
import { saveToSent } from "./save-to-sent";
import type { AttachmentStore } from "./attachments";
import type { SendJob } from "./queue";

export interface DeliverDeps {
  db: Db;
  secrets: SecretStore;
  log: Logger;
  hostAllowance: HostAllowance;
  attachments?: AttachmentStore;
  /** Extra trusted CA (PEM) for the mailbox's servers. */
  ca?: string;
  /** The Mailer for these SMTP settings; default the SMTP adapter (core/mail/smtp.ts). */
  mailer?: (settings: SmtpSettings) => Mailer;
  /** How long an attempt holds the message (ms) before another may call it abandoned. Default 5 minutes, more than the function's timeout. */
  claimMs?: number;
  /** Attempts before a transient failure becomes final. Default MAX_ATTEMPTS. */
  maxAttempts?: number;
  /** OAuth2 providers, for mailboxes connected with Google or Microsoft: they send with XOAUTH2 (core/oauth). */
  oauth?: OAuthProviders;
  /** Told when an OAuth2 mailbox's grant has ended (mailbox.reconnect_needed). */
  notifier?: Notifier;
  /** The OAuth2 token endpoint's HTTP client (tests). Default: global fetch. */
  fetch?: typeof fetch;
  /** Told when a message is sent or has failed for good (webhooks); none: nobody is told. */
  events?: SendEventSink;
}

/**
 * A port for whoever wants to hear how a message written in the CRM ended (webhooks'
 * mail.sent and mail.failed, core/integrations): told once, after the record says so.
 * Implementations never throw: the message's fate is already recorded.
 */
export interface SendEventSink {
  sendEnded(record: OutgoingRecord, status: "sent" | "failed", failure?: SendFailure): Promise<void>;
}

/** Transient failures are retried up to this many attempts, with backoff (backoffSeconds). */
export const MAX_ATTEMPTS = 5;

/** What became of one job: "retry" asks the caller to hand the job back after `delaySeconds`. */
export type DeliverOutcome = { outcome: "sent" | "failed" | "skipped" } | { outcome: "retry"; delaySeconds: number };

/** A retry's wait: 30 s, 1, 2, 4 ... minutes, at most 15 (SQS's longest delay). */
export const retryDelaySeconds = (attempt: number): number => Math.min(900, 30 * 2 ** Math.max(0, attempt - 1));

const failureOf = (code: string, kind: "transient" | "permanent", params: Record<string, string | number> = {}): SendFailure => ({
  code,
  kind,
  params,
  at: new Date().toISOString(),
});
const fromDiagnosis = (d: Diagnosis): SendFailure => failureOf(d.code, d.kind, d.params);

/**
 * Delivers one queued message, at most once. The record is the idempotency record:
 * 1. claim it (queued -> sending, conditional): a second delivery of the job finds it sending,
 *    accepted, sent or failed, and sends nothing;
 * 2. send over SMTP; the moment the server accepts, record "accepted" before anything else;
 * 3. APPEND the copy to Sent (unless the provider files it itself), then "sent".
 * A failure before acceptance is diagnosed: transient ones go back to queued for a retry with
 * backoff, permanent ones (and the last attempt) stop as failed, shown on the history row. A
 * failure once the server may have the message (its reply to the data lost, or the attempt
 * dying while it held the claim) is never retried blindly: it fails as "send_uncertain".
 */
export async function deliverOutgoing(deps: DeliverDeps, job: SendJob): Promise<DeliverOutcome> {
  const { db, log } = deps;
  const record = await getOutgoing(db, job.sendId);
  if (!record) {
    log.warn("send.record.missing", { sendId: job.sendId });
    return { outcome: "skipped" };
  }
  const claimId = randomUUID();
  const now = Date.now();
  const claimed = await db.update("main", keys.outgoing(record.sendId), {
    expression: "SET #s = :sending, claimId = :c, claimUntil = :u, attempts = attempts + :one, updatedAt = :at",
    names: { "#s": "status" },
    values: { ":sending": "sending", ":queued": "queued", ":c": claimId, ":u": now + (deps.claimMs ?? 5 * 60_000), ":one": 1, ":at": new Date(now).toISOString() },
    condition: "#s = :queued",
  });
  if (claimed === false) return abandonedOrSkip(deps, record.sendId);
  const held = claimed as OutgoingRecord;
  const log1 = log.child({ sendId: held.sendId, accountId: held.accountId, attempt: held.attempts });

  const account = await getAccountRecord(db, held.accountId);
  if (!account) return finish(deps, held, claimId, "failed", failureOf("account_not_found", "permanent"));
  // a paused mailbox's saved password was refused again and again: it is not sent once more
  if (isPaused(account)) return finish(deps, held, claimId, "failed", failureOf("send_mailbox_paused", "permanent"));
  const smtp = account.smtp;
  if (!smtp) return finish(deps, held, claimId, "failed", failureOf("diag.smtp_not_configured", "permanent"));
  const ctx: DiagnosisContext = { protocol: "smtp", step: "smtp_send", host: smtp.host, port: smtp.port, security: smtp.security, provider: account.provider };

  let mailer: Mailer | undefined;
  let reservation: Reservation | undefined;
  let built: { delivery: Buffer; sentCopy: Buffer };
  let imapPassword: string | undefined;
  let imapToken: string | undefined;
  try {
    built = await buildMessage({ ...held, attachments: await readAttachments(deps, held) });
  } catch (err) {
    log1.error("send.build.failed", { err });
    return finish(deps, held, claimId, "failed", failureOf("send_upload_not_found", "permanent"));
  }
  try {
    // a password, or for an OAuth2 mailbox an access token (its SMTP always shares the sign-in)
    const { password, smtpPassword, accessToken } = await mailSecretsFor(deps, account);
    const same = smtp.sameCredentials !== false || accessToken !== undefined;
    const secret = same ? password : smtpPassword;
    if (!secret && !accessToken) return finish(deps, held, claimId, "failed", failureOf("password_missing", "permanent"));
    imapPassword = password ?? "";
    imapToken = accessToken;
    const address = await checkHost(smtp.host, deps.hostAllowance, "smtp.host");
    const user = same ? account.imap.user : smtp.user;
    // a refused login counts against the mailbox as the connection test's do (login-limits.ts)
    reservation = await reserve(db, MAILBOX_LOGIN_FAILURES, `${user.trim().toLowerCase()}@${smtp.host.trim().toLowerCase()}`, { target: user });
    mailer = (deps.mailer ?? createSmtpMailer)({
      ...smtp,
      user,
      address,
      password: secret ?? "",
      accessToken,
      allowInsecureCerts: account.allowInsecureCerts,
      ca: deps.ca,
      provider: account.provider,
    });
    const envelopeTo = [...new Set([...held.to, ...held.cc, ...held.bcc, ...(held.bccSelf ? [account.email] : [])])];
    const result = await mailer.send({ envelope: { from: held.from.address, to: envelopeTo }, raw: built.delivery, messageId: held.messageId });
    await release(db, reservation).catch(() => undefined);
    reservation = undefined;
    // accepted: from here on nothing may send it again, whatever fails next
    await advance(db, held, claimId, "accepted", { response: result.response ?? "", rejected: result.rejected });
    log1.info("send.accepted", { accepted: result.accepted.length, rejected: result.rejected.length });
  } catch (err) {
    const d = diagnose(err, ctx);
    if (reservation && !authenticationCodes.has(d.code)) await release(db, reservation).catch(() => undefined);
    if (isAppError(err) && err.kind === "rateLimited") return retryOrFail(deps, held, claimId, failureOf("mailbox_login_limited", "transient", err.params));
    if (isAppError(err) && (err.code === "password_destination_changed" || err.code === "account_paused"))
      return finish(deps, held, claimId, "failed", failureOf(err.code === "account_paused" ? "send_mailbox_paused" : err.code, "permanent"));
    log1.warn("send.failed", { code: d.code, kind: d.kind, err });
    // the server's answer may have been lost with the connection: it may have the message
    if (mayHaveBeenAccepted(err, d)) return finish(deps, held, claimId, "failed", failureOf("send_uncertain", "permanent"));
    return d.kind === "transient" ? retryOrFail(deps, held, claimId, fromDiagnosis(d)) : finish(deps, held, claimId, "failed", fromDiagnosis(d));
  } finally {
    mailer?.close();
  }

  // the copy in Sent: the message went out, so a failure here is reported, never retried as a send
  const keepCopy = account.saveSentCopy ?? defaultSaveSentCopy(account.provider);
  let extra: Record<string, unknown> = {};
  if (keepCopy) {
    const saved = await saveToSent({ ...deps, log: log1 }, account as AccountRecord, imapPassword ?? "", built.sentCopy, new Date(held.date), imapToken);
    extra = saved.ok ? { savedCopyFolder: saved.folder } : { savedCopyFailure: fromDiagnosis(saved.diagnosis) };
    if (!saved.ok) log1.warn("send.sent_copy.failed", { code: saved.diagnosis.code });
  }
  await advance(db, held, claimId, "sent", extra);
  await showStatus(db, held, "sent");
  await deps.events?.sendEnded(held, "sent");
  log1.info("send.sent", { savedCopy: keepCopy });
  return { outcome: "sent" };
}

/**
 * Whether the server may have the message although the send failed: the connection closed or
 * went silent mid-session without a reply (nodemailer reports both as "CONN", whatever the
 * stage, so one cut during the message's data looks like one during the greeting). Such a
 * failure is not retried blindly. A reply code (4xx or 5xx) is the server's answer, so its
 * failure is certain; a refused or unreachable port never reached a server at all.
 */
function mayHaveBeenAccepted(err: unknown, d: Diagnosis): boolean {
  if (d.kind !== "transient" || (d.code !== "connection_closed" && d.code !== "timeout")) return false;
  const seen = new Set<unknown>();
  let socketTimeout = false;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- walks library errors of any shape through their causes
  for (let e: any = err; e && typeof e === "object" && !seen.has(e); e = e.cause) {
    seen.add(e);
    if (typeof e.responseCode === "number") return false;
    if (e.timeoutType === "SOCKET_TIMEOUT" || e.code === "SOCKET_TIMEOUT") socketTimeout = true;
  }
  // a timeout while connecting or waiting for the greeting sent nothing
  return d.code === "connection_closed" || socketTimeout;
}

async function readAttachments(deps: DeliverDeps, record: OutgoingRecord) {
  if (!record.attachmentRefs?.length) return [];
  if (!deps.attachments) throw new Error("no attachment store");
  return Promise.all(
    record.attachmentRefs.map(async (a) => {
      const content = await deps.attachments!.read(a.key);
      if (!content) throw new Error(`attachment ${a.uploadId} is missing`);
      return { filename: a.filename, contentType: a.contentType, content };
    }),
  );
}

/** Moves the record on, only while this attempt holds it. */
async function advance(db: Db, record: OutgoingRecord, claimId: string, status: SendStatus, extra: Record<string, unknown> = {}): Promise<boolean> {
  const names: Record<string, string> = { "#s": "status" };
  const values: Record<string, unknown> = { ":s": status, ":c": claimId, ":at": new Date().toISOString() };
  const sets = ["#s = :s", "updatedAt = :at"];
  for (const [k, v] of Object.entries(extra)) {
    names[`#${k}`] = k;
    values[`:${k}`] = v;
    sets.push(`#${k} = :${k}`);
  }
  // a message that went out carries no failure of an earlier attempt
  const clear = (status === "accepted" || status === "sent") && !("failure" in extra) ? " REMOVE failure" : "";
  return (
    (await db.update("main", keys.outgoing(record.sendId), { expression: `SET ${sets.join(", ")}${clear}`, names, values, condition: "claimId = :c", returnValues: "NONE" })) !==
    false
  );
}

async function finish(deps: DeliverDeps, record: OutgoingRecord, claimId: string, status: "failed", failure: SendFailure): Promise<DeliverOutcome> {
  await advance(deps.db, record, claimId, status, { failure });
  await showStatus(deps.db, record, status, failure);
  await deps.events?.sendEnded(record, "failed", failure);
  deps.log.warn("send.stopped", { sendId: record.sendId, code: failure.code });
  return { outcome: "failed" };
}

/** A transient failure: back to queued for another attempt, or failed after the last one. */
async function retryOrFail(deps: DeliverDeps, record: OutgoingRecord, claimId: string, failure: SendFailure): Promise<DeliverOutcome> {
  if (record.attempts >= (deps.maxAttempts ?? MAX_ATTEMPTS)) return finish(deps, record, claimId, "failed", { ...failure, kind: "permanent" });
  await advance(deps.db, record, claimId, "queued", { failure });
  await showStatus(deps.db, record, "queued", failure);
  return { outcome: "retry", delaySeconds: retryDelaySeconds(record.attempts) };
}

/**
 * The claim was not ours to take. A message still "sending" past its claim was held by an
 * attempt that died: it may have reached the server, so it fails as uncertain instead of being
 * sent again. Anything else (sent, failed, or another attempt at work) leaves it alone.
 */
async function abandonedOrSkip(deps: DeliverDeps, sendId: string): Promise<DeliverOutcome> {
  const record = await getOutgoing(deps.db, sendId);
  if (!record || record.status !== "sending" || (record.claimUntil ?? 0) > Date.now()) return { outcome: "skipped" };
  const failure = failureOf("send_uncertain", "permanent");
  const taken = await deps.db.update("main", keys.outgoing(sendId), {
    expression: "SET #s = :failed, failure = :f, updatedAt = :at",
    names: { "#s": "status" },
    values: { ":failed": "failed", ":f": failure, ":at": new Date().toISOString(), ":c": record.claimId ?? "", ":sending": "sending" },
    condition: "#s = :sending AND claimId = :c",
    returnValues: "NONE",
  });
  if (taken === false) return { outcome: "skipped" };
  await showStatus(deps.db, record, "failed", failure);
  deps.log.warn("send.uncertain", { sendId });
  return { outcome: "failed" };
}
