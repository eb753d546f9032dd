/*
 * A mailbox's last runs on its page: when each started, how long it took, what it counted and,
 * for a failure, the diagnosis in the user's language. Reloads as the mailbox's last job moves on.
 */
import { api } from "./api";
import { ErrorBanner, StoredError, errorText } from "./components";
import { useLoad } from "./hooks";
import { formatDateTime, formatDateTimeLong, formatDuration, formatNumber, useI18n, type MessageKey } from "./i18n";
import type { MailboxRun } from "./api/types";

export function RecentRuns(props: { accountId: string; /** Reloads when it changes (the last job and its status). */ refreshKey?: string | null }) {
  const { t, lang } = useI18n();
  const runs = useLoad(() => api.accountRuns(props.accountId).then((r) => r.items), [props.accountId, props.refreshKey, lang]);
  const statusText = (r: MailboxRun) => {
    const key = `job.status.${r.status}` as MessageKey;
    return t(key) === key ? r.status : t(key);
  };
  const tone = (r: MailboxRun) =>
    r.status === "done" ? "ok" : r.status === "failed" || r.status === "abandoned" ? "error" : r.status === "running" || r.status === "queued" ? "info" : "neutral";
  return (
    <section className="card card--flush ops-card" data-testid="account-runs">
      <h2 className="card__title">{t("runs.title")}</h2>
      {runs.status === "error" ? <ErrorBanner messages={[errorText(runs.error, t)]} onRetry={runs.reload} /> : null}
      {runs.data && runs.data.length === 0 ? <p className="empty">{t("runs.none")}</p> : null}
      {runs.data?.length ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t("runs.col.started")}</th>
                <th scope="col">{t("runs.col.duration")}</th>
                <th scope="col">{t("runs.col.status")}</th>
                <th scope="col">{t("runs.col.counts")}</th>
                <th scope="col">{t("runs.col.diagnosis")}</th>
              </tr>
            </thead>
            <tbody>
              {runs.data.map((r) => {
                const at = r.startedAt ?? r.enqueuedAt;
                return (
                  <tr key={r.jobId} data-testid="account-run" data-status={r.status}>
                    <td className="nowrap">
                      {at ? (
                        <time dateTime={at} title={formatDateTimeLong(lang, at)}>
                          {formatDateTime(lang, at)}
                        </time>
                      ) : (
                        "—"
                      )}
                    </td>
                    <td className="nowrap">{r.durationMs !== null ? formatDuration(lang, r.durationMs) : "—"}</td>
                    <td>
                      <span className={`badge badge--${tone(r)}`}>
                        <span className="badge__dot" aria-hidden="true" />
                        {statusText(r)}
                      </span>
                    </td>
                    <td className="nowrap">
                      {r.counts
                        ? t("runs.counts", {
                            fetched: formatNumber(lang, r.counts.fetched ?? 0),
                            written: formatNumber(lang, r.counts.written ?? 0),
                            skipped: formatNumber(lang, r.counts.skipped ?? 0),
                          })
                        : "—"}
                    </td>
                    <td className="text-error">
                      <StoredError error={r.error} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
