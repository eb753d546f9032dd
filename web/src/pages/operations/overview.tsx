// Admins land here: mailboxes needing attention, jobs running long, stalled or failed, dead
// letters and locked users, each with the action that fixes it.
// The page refreshes itself and its relative times keep moving.
import { useState } from "react";
import { api } from "../../api";
import type { AttentionMailbox, FailedRun, Incident, OperationsOverview } from "../../api";
import { ErrorBanner, IconSync, Loading, PageHeader, errorText, useNotify } from "../../components";
import { useLoad, useNow, usePolling } from "../../hooks";
import { type MessageKey, formatDateTimeLong, formatRelative, useI18n } from "../../i18n";
import { href } from "../../router";
import { DeadLettersCard } from "./dead-letters";
import { LockedUsersCard } from "./lockout";

/** How often the overview asks again (the monitor itself checks every 5 minutes at most). */
const REFRESH_MS = 10_000;

export function OverviewPage() {
  const { t, lang } = useI18n();
  const loaded = useLoad((signal) => api.operationsOverview(signal), [lang]);
  usePolling(loaded.reload, REFRESH_MS, loaded.status !== "loading");
  const now = useNow(15_000);
  const data = loaded.data;
  return (
    <>
      <PageHeader
        title={t("overview.title")}
        subtitle={
          <>
            {t("overview.subtitle")}{" "}
            {data ? (
              <span className="muted" data-testid="overview-updated">
                {t("overview.updated", { when: formatRelative(lang, data.generatedAt, now) })}
              </span>
            ) : null}
          </>
        }
        actions={
          <a className="btn" href={href("/settings/monitor")} data-testid="overview-monitor-settings">
            {t("overview.monitorSettings")}
          </a>
        }
      />
      {loaded.status === "error" ? <ErrorBanner messages={[errorText(loaded.error, t)]} onRetry={loaded.reload} /> : null}
      {!data && loaded.status === "loading" ? <Loading /> : null}
      {data ? (
        <div data-testid="overview">
          <MailboxesCard items={data.mailboxes} now={now} onChanged={loaded.reload} />
          <JobsCard data={data} now={now} />
          <DeadLettersCard counts={data.deadLetters} onChanged={loaded.reload} />
          <LockedUsersCard withRecords={false} />
        </div>
      ) : null}
    </>
  );
}

function MailboxesCard(props: { items: AttentionMailbox[]; now: number; onChanged: () => void }) {
  const { t, lang } = useI18n();
  const notify = useNotify();
  const [error, setError] = useState<string | null>(null);
  const [asked, setAsked] = useState<Set<string>>(new Set());

  async function syncNow(m: AttentionMailbox) {
    setError(null);
    setAsked((s) => new Set(s).add(m.accountId));
    try {
      await api.syncAccount(m.accountId);
      notify(t("overview.syncStarted", { email: m.email }), "info");
      props.onChanged();
    } catch (err) {
      setError(errorText(err, t));
    }
  }

  return (
    <section className="card card--flush ops-card" data-testid="overview-mailboxes">
      <h2 className="card__title">{t("overview.mailboxes")}</h2>
      {error ? <ErrorBanner messages={[error]} /> : null}
      {props.items.length === 0 ? (
        <p className="empty">{t("overview.mailboxes.none")}</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <tbody>
              {props.items.map((m) => (
                <tr key={m.accountId} data-testid="attention-mailbox" data-reason={m.reason} data-keeps-failing={m.keepsFailing ? "true" : undefined} data-account-id={m.accountId}>
                  <td>
                    <div className="cell-main">{m.email}</div>
                    <div className="cell-sub">
                      {m.reason === "never_synced"
                        ? t("overview.hint.never_synced", { when: formatRelative(lang, m.since, props.now) })
                        : m.keepsFailing && m.since
                          ? t("overview.hint.keepsFailing", { count: m.failedRuns ?? 0, when: formatRelative(lang, m.since, props.now) })
                          : t(`overview.hint.${m.reason}` as MessageKey)}
                    </div>
                    {m.lastError ? <div className="cell-sub cell-sub--error clamp-2">{m.lastError.message}</div> : null}
                  </td>
                  <td>
                    <span className={`badge badge--${m.reason === "never_synced" ? "neutral" : "error"}`}>
                      <span className="badge__dot" aria-hidden="true" />
                      {t(`overview.reason.${m.reason}` as MessageKey)}
                    </span>
                  </td>
                  <td className="table__actions">
                    {m.reason === "paused" ? (
                      <a className="btn btn--small btn--primary" href={href(`/accounts/${encodeURIComponent(m.accountId)}`)} data-testid="attention-action">
                        {t("overview.action.updatePassword")}
                      </a>
                    ) : (
                      <>
                        <button type="button" className="btn btn--small" onClick={() => void syncNow(m)} disabled={asked.has(m.accountId)} data-testid="attention-action">
                          <IconSync />
                          {t("overview.action.syncNow")}
                        </button>
                        <a className="btn btn--small" href={href(`/accounts/${encodeURIComponent(m.accountId)}`)}>
                          {t("overview.action.open")}
                        </a>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function JobsCard(props: { data: OperationsOverview; now: number }) {
  const { t } = useI18n();
  const incidents = props.data.incidents.filter((i) => i.kind !== "deadletter");
  const runs = props.data.failedRuns;
  return (
    <section className="card card--flush ops-card" data-testid="overview-jobs">
      <h2 className="card__title">{t("overview.jobs")}</h2>
      {incidents.length + runs.length === 0 ? (
        <p className="empty">{t("overview.jobs.none")}</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <tbody>
              {incidents.map((i) => (
                <IncidentRow key={`${i.kind}#${i.jobType}#${i.subject}`} incident={i} now={props.now} />
              ))}
              {runs.map((r) => (
                <FailedRunRow key={r.jobId} run={r} now={props.now} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function IncidentRow(props: { incident: Incident; now: number }) {
  const { t, lang } = useI18n();
  const i = props.incident;
  const kind = i.kind as "long_running" | "stalled";
  return (
    <tr data-testid="overview-incident" data-kind={i.kind}>
      <td>
        <div className="cell-main">
          {t(`jobType.${i.jobType}` as MessageKey)} · {i.subject}
        </div>
        <div className="cell-sub">{t(`overview.hint.${kind}` as MessageKey)}</div>
      </td>
      <td>
        <span className={`badge badge--${kind === "stalled" ? "error" : "info"}`}>
          <span className="badge__dot" aria-hidden="true" />
          {t(`overview.incident.${kind}` as MessageKey)}
        </span>
        {i.since ? (
          <div className="cell-sub">
            <time dateTime={i.since} title={formatDateTimeLong(lang, i.since)}>
              {t(`overview.incident.since.${kind}` as MessageKey, { when: formatRelative(lang, i.since, props.now) })}
            </time>
          </div>
        ) : null}
      </td>
      <td className="table__actions">
        {i.accountId ? (
          <a className="btn btn--small" href={href(`/accounts/${encodeURIComponent(i.accountId)}`)}>
            {t("overview.action.open")}
          </a>
        ) : null}
      </td>
    </tr>
  );
}

function FailedRunRow(props: { run: FailedRun; now: number }) {
  const { t, lang } = useI18n();
  const r = props.run;
  const at = r.endedAt ?? r.startedAt;
  const action =
    r.jobType === "import"
      ? { to: "/contacts/import", label: t("overview.action.importAgain") }
      : r.jobType === "webhook"
        ? { to: "/integrations", label: t("overview.action.webhooks") }
        : null;
  return (
    <tr data-testid="overview-failed-run" data-job-type={r.jobType}>
      <td>
        <div className="cell-main">
          {t(`jobType.${r.jobType}` as MessageKey)} · {r.subject}
        </div>
        {r.error ? <div className="cell-sub cell-sub--error clamp-2">{r.error.message}</div> : null}
        <div className="cell-sub">{t(`overview.hint.${r.jobType}` as MessageKey)}</div>
      </td>
      <td>
        <span className="badge badge--error">
          <span className="badge__dot" aria-hidden="true" />
          {r.status === "abandoned" ? t("overview.abandonedRun") : t("overview.failedRun")}
        </span>
        <div className="cell-sub">
          <time dateTime={at} title={formatDateTimeLong(lang, at)}>
            {formatRelative(lang, at, props.now)}
          </time>
        </div>
      </td>
      <td className="table__actions">
        {action ? (
          <a className="btn btn--small" href={href(action.to)}>
            {action.label}
          </a>
        ) : null}
      </td>
    </tr>
  );
}
