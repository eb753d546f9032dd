import { api } from "../../api";
import { PageHeader } from "../../components";
import { useI18n } from "../../i18n";
import { NotificationMailCard } from "./notification-mail";
import { LockedUsersCard, NumbersCard } from "./lockout";

/** Operations settings (admins): notification mail, the sign-in lockout and its locked users, the pause rule. */
export function OperationsSettingsPage() {
  const { t } = useI18n();
  return (
    <>
      <PageHeader title={t("ops.title")} subtitle={t("ops.subtitle")} />
      <div className="split">
        <section className="split__main">
          <NotificationMailCard />
        </section>
        <aside className="split__side">
          <NumbersCard
            title={t("ops.lockout.title")}
            testId="lockout"
            fields={[
              { key: "failures", label: t("ops.lockout.failures"), hint: t("ops.lockout.failuresHint") },
              { key: "minutes", label: t("ops.lockout.minutes"), hint: t("ops.lockout.minutesHint") },
            ]}
            load={api.getLockoutRule}
            save={api.saveLockoutRule}
            savedText={t("ops.lockout.saved")}
          />
          <LockedUsersCard />
          <NumbersCard
            title={t("ops.pause.title")}
            testId="pause-rule"
            fields={[{ key: "failedLogins", label: t("ops.pause.failedLogins"), hint: t("ops.pause.hint") }]}
            load={api.getPauseRule}
            save={api.savePauseRule}
            savedText={t("ops.pause.saved")}
          />
        </aside>
      </div>
    </>
  );
}
