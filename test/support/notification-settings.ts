import type { MailServersInfo } from "../harness/mail-servers";

/**
 * Notification mail settings that send through the harness's private Postfix (STARTTLS, as bob),
 * to nobody but the people an event or a link concerns: the body of PUT /api/settings/notifications.
 */
export function postfixNotificationSettings(mail: MailServersInfo, enabled = true) {
  const { bob } = mail.users;
  return {
    enabled,
    server: { kind: "smtp", host: mail.host, port: mail.smtpPort, security: "starttls", user: bob.email, password: bob.password },
    fromAddress: bob.email,
    fromName: "CRM Mail Sync",
    notifyAdmins: false,
    extraRecipients: "",
    events: {},
    timeZone: "Asia/Tokyo",
  };
}
