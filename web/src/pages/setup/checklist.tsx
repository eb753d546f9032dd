import { api } from "../../api";
import type { SetupStatus } from "../../api/types";
import { IconCheck } from "../../components";
import { useLoad, useSubmit } from "../../hooks";
import { useI18n, type MessageKey } from "../../i18n";
import { href } from "../../router";

type StepId = SetupStatus["steps"][number]["id"];
/** Where each step is done in the console. */
const WHERE: Record<StepId, string> = { password: "/password", domain: "/domains", users: "/users", mailboxes: "/accounts/new", contacts: "/contacts/import" };

/**
 * The admin's first-run checklist: shown on the admin's landing page until every step is done
 * or an admin hides it. Each step's state comes from the server (read from the data), so a step
 * done elsewhere is ticked here too.
 */
export function SetupChecklist() {
  const { t } = useI18n();
  const status = useLoad<SetupStatus>(() => api.getSetup(), []);
  const hide = useSubmit();
  const data = status.data;
  if (!data || data.dismissed || data.done === data.steps.length) return null;

  async function dismiss() {
    const outcome = await hide.run(() => api.setSetupDismissed(true));
    if (outcome.ok) status.set(outcome.value);
  }

  return (
    <section className="card setup" aria-labelledby="setup-title" data-testid="setup-checklist">
      <div className="setup__head">
        <h2 className="card__title" id="setup-title">
          {t("setup.title")}
        </h2>
        <span className="muted" data-testid="setup-progress">
          {t("setup.progress", { done: data.done, total: data.steps.length })}
        </span>
        <button type="button" className="btn btn--small" onClick={() => void dismiss()} disabled={hide.busy} data-testid="setup-dismiss">
          {t("setup.dismiss")}
        </button>
      </div>
      <ol className="setup__steps">
        {data.steps.map((step) => (
          <li key={step.id} className={`setup__step${step.done ? " setup__step--done" : ""}`} data-testid="setup-step" data-step={step.id} data-done={String(step.done)}>
            <span className="setup__mark" aria-hidden="true">
              {step.done ? <IconCheck /> : null}
            </span>
            <div className="setup__text">
              <span className="cell-main">{t(`setup.step.${step.id}` as MessageKey)}</span>
              <span className="field__hint">
                {step.id === "mailboxes" && step.total ? `${t("setup.step.mailboxes.count", { count: step.count ?? 0, total: step.total })} · ` : ""}
                {t(`setup.step.${step.id}.hint` as MessageKey)}
              </span>
            </div>
            {step.done ? (
              <span className="visually-hidden">{t("setup.done")}</span>
            ) : (
              <a className="btn btn--small" href={href(WHERE[step.id])} data-testid={`setup-go-${step.id}`}>
                {t("setup.go")}
              </a>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
