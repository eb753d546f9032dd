import { logNotifier, type Notifier } from "../notifications/index";
import { mailEvent, type NotificationMailDeps } from "./deliver";

/**
 * The runtime's notifier: every event is logged (`ops.<kind>`, what CloudWatch and `npm start`
 * show), then mailed per the notification settings. A mail that cannot go out is logged and
 * never thrown to the producer: a sync or a sign-in must not fail because the SMTP server is down.
 */
export function mailNotifier(deps: NotificationMailDeps): Notifier {
  const logged = logNotifier(deps.log);
  return {
    async notify(event) {
      await logged.notify(event);
      try {
        const report = await mailEvent(deps, event);
        if (report) deps.log.info("ops.mail.sent", { kind: event.kind, sent: report.sent.length, refused: report.refused.length });
      } catch (err) {
        deps.log.warn("ops.mail.failed", { kind: event.kind, err });
      }
    },
  };
}
