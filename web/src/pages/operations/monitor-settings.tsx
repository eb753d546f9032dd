// The job monitor's settings (admins), as eSales Manager's background-job monitor: per job type,
// monitoring on or off, the check interval (5-60 minutes in steps of 5), after how many hours
// a run counts as long (1-24), which ends to notify, and to whom (the type's own ";"-separated
// addresses, or the notification mail settings' recipients when left empty).
import { useEffect, useState, type FormEvent } from "react";
import { api } from "../../api";
import type { JobType, JobTypeSettings, MonitorSettings } from "../../api";
import { ErrorBanner, Loading, PageHeader, errorText, useNotify } from "../../components";
import { useSubmit } from "../../hooks";
import { type MessageKey, useI18n } from "../../i18n";

const JOB_TYPES: JobType[] = ["sync", "backfill", "fanout", "import", "webhook", "send"];
const INTERVALS = Array.from({ length: 12 }, (_, i) => (i + 1) * 5);
const HOURS = Array.from({ length: 24 }, (_, i) => i + 1);
const NOTIFY: (keyof JobTypeSettings["notify"])[] = ["normal", "abnormal", "longRunning"];

export function MonitorSettingsPage() {
  const { t } = useI18n();
  const notify = useNotify();
  const [types, setTypes] = useState<MonitorSettings["types"] | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const saving = useSubmit({ fieldKey: () => null });

  useEffect(() => {
    api.getMonitorSettings().then((s) => setTypes(s.types), setLoadError);
  }, []);

  const change = (type: JobType, patch: Partial<JobTypeSettings>) => setTypes((all) => (all ? { ...all, [type]: { ...all[type], ...patch } } : all));

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!types) return;
    const outcome = await saving.run(() => api.saveMonitorSettings({ types }));
    if (!outcome.ok) return;
    setTypes(outcome.value.types);
    notify(t("monitor.saved"));
  }

  return (
    <>
      <PageHeader title={t("monitor.title")} subtitle={t("monitor.subtitle")} />
      {loadError ? <ErrorBanner messages={[errorText(loadError, t)]} /> : null}
      {!types && !loadError ? <Loading /> : null}
      {types ? (
        <form className="card card--flush ops-card" onSubmit={submit} noValidate data-testid="monitor-settings">
          {saving.errors.length ? <ErrorBanner messages={saving.errors} /> : null}
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t("monitor.col.type")}</th>
                  <th scope="col">{t("monitor.col.enabled")}</th>
                  <th scope="col">{t("monitor.col.interval")}</th>
                  <th scope="col">{t("monitor.col.longRunning")}</th>
                  <th scope="col">{t("monitor.col.notify")}</th>
                  <th scope="col">{t("monitor.col.recipients")}</th>
                </tr>
              </thead>
              <tbody>
                {JOB_TYPES.map((type) => {
                  const s = types[type];
                  const label = t(`jobType.${type}` as MessageKey);
                  return (
                    <tr key={type} data-testid="monitor-type" data-job-type={type}>
                      <th scope="row">{label}</th>
                      <td>
                        <input
                          type="checkbox"
                          checked={s.enabled}
                          onChange={(e) => change(type, { enabled: e.target.checked })}
                          aria-label={`${label}: ${t("monitor.col.enabled")}`}
                          data-testid="monitor-enabled"
                        />
                      </td>
                      <td>
                        <select
                          className="input"
                          value={s.intervalMinutes}
                          disabled={!s.enabled}
                          onChange={(e) => change(type, { intervalMinutes: Number(e.target.value) })}
                          aria-label={`${label}: ${t("monitor.col.interval")}`}
                          data-testid="monitor-interval"
                        >
                          {INTERVALS.map((n) => (
                            <option key={n} value={n}>
                              {t("monitor.minutes", { n })}
                            </option>
                          ))}
                        </select>
                      </td>
                      <td>
                        <select
                          className="input"
                          value={s.longRunningHours}
                          disabled={!s.enabled}
                          onChange={(e) => change(type, { longRunningHours: Number(e.target.value) })}
                          aria-label={`${label}: ${t("monitor.col.longRunning")}`}
                          data-testid="monitor-long-running"
                        >
                          {HOURS.map((n) => (
                            <option key={n} value={n}>
                              {t("monitor.hours", { n })}
                            </option>
                          ))}
                        </select>
                      </td>
                      <td>
                        {NOTIFY.map((k) => (
                          <label key={k} className="check-inline">
                            <input
                              type="checkbox"
                              checked={s.notify[k]}
                              disabled={!s.enabled}
                              onChange={(e) => change(type, { notify: { ...s.notify, [k]: e.target.checked } })}
                              data-testid={`monitor-notify-${k}`}
                            />{" "}
                            {t(`monitor.notify.${k}` as MessageKey)}
                          </label>
                        ))}
                      </td>
                      <td>
                        <input
                          className="input"
                          type="text"
                          inputMode="email"
                          value={s.recipients ?? ""}
                          disabled={!s.enabled}
                          placeholder={t("monitor.recipientsDefault")}
                          onChange={(e) => change(type, { recipients: e.target.value })}
                          aria-label={`${label}: ${t("monitor.col.recipients")}`}
                          data-testid="monitor-recipients"
                        />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <p className="card__intro muted">{t("monitor.recipients")}</p>
          <div className="form__actions">
            <button type="submit" className="btn btn--primary" disabled={saving.busy} data-testid="monitor-save">
              {saving.busy ? t("common.saving") : t("common.save")}
            </button>
          </div>
        </form>
      ) : null}
    </>
  );
}
