import type { Db } from "../store/db";
import type { SecretStore } from "../secrets/index";
import { AppError } from "../shared/errors";
import type { Lang } from "../shared/i18n";
import type { Logger } from "../shared/log";
import { checkHost, type HostAllowance, type Resolver } from "../mail/index";
import { createSmtpMailer, type Mailer, type SmtpSettings } from "../sending/index";
import { getAccountRecord, readBoundSecrets } from "../accounts/index";
import { adminContacts, mailContactOf, type MailContact } from "../users/index";
import type { OpsEvent } from "../notifications/index";
import { NOTIFICATION_SECRET, getNotificationSettings, type NotificationSettings } from "./settings";
import { buildMail, eventTexts, pickText, testTexts, type ComposeContext } from "./compose";

export interface NotificationMailDeps {
  db: Db;
  secrets: SecretStore;
  log: Logger;
  hostAllowance: HostAllowance;
  resolve?: Resolver;
  /** Extra CA (PEM) trusted for the SMTP server, as for mailboxes. */
  ca?: string;
  /** The Mailer for these settings; default the SMTP adapter (core/mail's one factory). */
  mailer?: (settings: SmtpSettings) => Mailer;
  now?: () => Date;
}

/**
 * The SMTP server notification mail goes through, with its password, after the host policy:
 * the system's own server (Amazon SES's SMTP endpoint is one: email-smtp.<region>.amazonaws.com,
 * 587 STARTTLS, the SMTP credentials as user and password), or a connected mailbox's outgoing
 * server with its saved password, read through the one binding check (a paused mailbox's
 * password is not sent). The password is used only where it was saved for.
 */
async function transportOf(deps: NotificationMailDeps, s: NotificationSettings): Promise<{ smtp: SmtpSettings; from: { name: string; address: string } }> {
  const server = s.server;
  if (!server) throw new AppError("permanent", "notification_not_configured");
  if (server.kind === "smtp") {
    const destination = `${server.host}:${server.port}/${server.security}`;
    if (s.passwordDestination !== destination) throw new AppError("permanent", "notification_password_unbound");
    const password = await deps.secrets.get(NOTIFICATION_SECRET);
    if (!password) throw new AppError("permanent", "notification_password_unbound");
    const address = await checkHost(server.host, deps.hostAllowance, "server.host", deps.resolve);
    return {
      smtp: { host: server.host, address, port: server.port, security: server.security, user: server.user, password, ca: deps.ca },
      from: { name: s.fromName, address: s.fromAddress },
    };
  }
  const account = await getAccountRecord(deps.db, server.accountId);
  if (!account) throw new AppError("permanent", "notification_not_configured");
  if (!account.smtp) throw new AppError("permanent", "notification_mailbox_no_smtp");
  const same = account.smtp.sameCredentials !== false;
  const secrets = await readBoundSecrets(deps, account);
  const password = same ? secrets.password : secrets.smtpPassword;
  if (!password) throw new AppError("permanent", "password_missing");
  const address = await checkHost(account.smtp.host, deps.hostAllowance, "server.accountId", deps.resolve);
  return {
    smtp: {
      host: account.smtp.host,
      address,
      port: account.smtp.port,
      security: account.smtp.security,
      user: same ? account.imap.user : account.smtp.user,
      password,
      allowInsecureCerts: account.allowInsecureCerts,
      ca: deps.ca,
      provider: account.provider,
    },
    // a mailbox's server usually sends only as that mailbox: its own address unless the admin set one
    from: { name: s.fromName, address: s.fromAddress || account.email },
  };
}

/** The people an event concerns: the locked user, the mailbox's or endpoint's owner. */
async function concernedOf(db: Db, event: OpsEvent): Promise<MailContact[]> {
  const id = "userId" in event ? event.userId : "ownerId" in event ? event.ownerId : undefined;
  const contact = id ? await mailContactOf(db, id) : undefined;
  return contact ? [contact] : [];
}

/**
 * Admins (when chosen), the people concerned, and the extra addresses: each once, with its
 * language when known. An event that names its own recipients (a job type's, from the job
 * monitor's settings) goes to those instead of the admins and extra addresses.
 */
async function recipientsOf(deps: NotificationMailDeps, s: NotificationSettings, concerned: MailContact[], own?: string[]): Promise<MailContact[]> {
  const everyone = own?.length ? own.map((email) => ({ email })) : [...(s.notifyAdmins ? await adminContacts(deps.db) : []), ...s.extraRecipients.map((email) => ({ email }))];
  const all: MailContact[] = [...concerned, ...everyone];
  const byAddress = new Map<string, MailContact>();
  for (const c of all) {
    const key = c.email.toLowerCase();
    if (!byAddress.get(key)?.lang) byAddress.set(key, { email: c.email, lang: byAddress.get(key)?.lang ?? c.lang });
  }
  return [...byAddress.values()];
}

export interface DeliveryReport {
  sent: string[];
  refused: string[];
}

/** One mail per recipient (each in their own language, no one sees the others' addresses). */
export async function sendEach(deps: NotificationMailDeps, s: NotificationSettings, recipients: MailContact[], texts: ReturnType<typeof testTexts>): Promise<DeliveryReport> {
  const { smtp, from } = await transportOf(deps, s);
  const mailer = (deps.mailer ?? createSmtpMailer)(smtp);
  const report: DeliveryReport = { sent: [], refused: [] };
  try {
    for (const r of recipients) {
      const { raw, messageId } = await buildMail(pickText(texts, r.lang as Lang | undefined), from, r.email, deps.now?.() ?? new Date());
      const result = await mailer.send({ envelope: { from: from.address, to: [r.email] }, raw, messageId });
      (result.accepted.length ? report.sent : report.refused).push(r.email);
    }
  } finally {
    mailer.close();
  }
  return report;
}

const contextOf = (deps: NotificationMailDeps, s: NotificationSettings): ComposeContext => ({ timeZone: s.timeZone, now: deps.now?.() ?? new Date() });

/** Mails one event per the settings; nothing when sending is off or the event's kind is. */
export async function mailEvent(deps: NotificationMailDeps, event: OpsEvent): Promise<DeliveryReport | undefined> {
  const s = await getNotificationSettings(deps.db);
  if (!s.enabled || s.events[event.kind] === false) return undefined;
  const recipients = await recipientsOf(deps, s, await concernedOf(deps.db, event), "recipients" in event ? event.recipients : undefined);
  if (!recipients.length) return undefined;
  return sendEach(deps, s, recipients, eventTexts(event, contextOf(deps, s)));
}

/** "Send a test notification": to the admins (when chosen) and the extra addresses, whether or not sending is on. */
export async function sendTestNotification(deps: NotificationMailDeps, actor: MailContact): Promise<DeliveryReport> {
  const s = await getNotificationSettings(deps.db);
  const recipients = await recipientsOf(deps, s, s.notifyAdmins ? [actor] : []);
  if (!recipients.length) throw new AppError("permanent", "notification_no_recipients");
  return sendEach(deps, s, recipients, testTexts(contextOf(deps, s)));
}
