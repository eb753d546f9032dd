/**
 * Notification mail: how operations events (core/notifications) reach people. The settings
 * (the system's SMTP server or a connected mailbox, From, recipients, events, time zone), the
 * plain-text mails in the recipient's language, and the notifier the runtime uses. Producers
 * never import this: they tell core/notifications' port.
 */
export * from "./settings";
export { mailEvent, sendTestNotification, type NotificationMailDeps, type DeliveryReport } from "./deliver";
export { mailNotifier } from "./notifier";
export { humanDuration, formatInZone } from "../shared/durations";
export { passwordMailReady, sendPasswordLinkMail, type PasswordLinkMail } from "./password-link-mail";
