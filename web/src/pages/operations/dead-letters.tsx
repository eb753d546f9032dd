// Dead letters on the overview: how many jobs wait in each dead-letter queue, the jobs with
// their last error on demand, and "Send back to queue" for each.
import { useState } from "react";
import { api } from "../../api";
import type { DeadLetter, OperationsOverview } from "../../api";
import { ErrorBanner, Loading, errorText, useNotify } from "../../components";
import { useSubmit } from "../../hooks";
import { formatDateTime, formatNumber, type MessageKey, useI18n } from "../../i18n";

export function DeadLettersCard(props: { counts: OperationsOverview["deadLetters"]; onChanged: () => void }) {
  const { t, lang } = useI18n();
  const notify = useNotify();
  const [items, setItems] = useState<DeadLetter[] | null>(null);
  const [loading, setLoading] = useState(false);
  const [loadError, setLoadError] = useState<unknown>(null);
  const redrive = useSubmit();
  const total = (props.counts ?? []).reduce((n, c) => n + c.count, 0);

  async function show() {
    setLoading(true);
    setLoadError(null);
    try {
      setItems((await api.listDeadLetters()).items);
    } catch (err) {
      setLoadError(err);
    } finally {
      setLoading(false);
    }
  }

  async function sendBack(d: DeadLetter) {
    const outcome = await redrive.run(() => api.redriveDeadLetter(d.queue, d.messageId));
    if (!outcome.ok) return;
    setItems((list) => (list ?? []).filter((x) => x.messageId !== d.messageId));
    notify(t("deadLetters.redriven"));
    props.onChanged();
  }

  return (
    <section className="card card--flush ops-card" data-testid="overview-dead-letters">
      <h2 className="card__title">{t("deadLetters.title")}</h2>
      <p className="card__intro muted">{t("deadLetters.intro")}</p>
      {props.counts === null ? (
        <p className="empty">{t("deadLetters.unavailable")}</p>
      ) : total === 0 && !items?.length ? (
        <p className="empty" data-testid="dead-letters-empty">
          {t("deadLetters.none")}
        </p>
      ) : (
        <>
          <p className="run-line">
            {props.counts.map((c) => (
              <span key={c.queue} className={`badge badge--${c.count ? "error" : "neutral"}`} data-testid="dead-letter-count" data-queue={c.queue} data-count={c.count}>
                {t(`deadLetters.count.${c.queue}` as MessageKey, { count: formatNumber(lang, c.count) })}
              </span>
            ))}
            {items === null ? (
              <button type="button" className="btn btn--small" onClick={() => void show()} disabled={loading} data-testid="dead-letters-show">
                {t("deadLetters.show")}
              </button>
            ) : null}
          </p>
          {loading ? <Loading /> : null}
          {loadError ? <ErrorBanner messages={[errorText(loadError, t)]} onRetry={() => void show()} /> : null}
          {redrive.errors.length ? <ErrorBanner messages={redrive.errors} /> : null}
          {items?.length ? (
            <div className="table-wrap">
              <table className="table" data-testid="dead-letters-table">
                <thead>
                  <tr>
                    <th scope="col">{t("deadLetters.col.job")}</th>
                    <th scope="col">{t("deadLetters.col.error")}</th>
                    <th scope="col">{t("deadLetters.col.tries")}</th>
                    <th scope="col">{t("deadLetters.col.sent")}</th>
                    <th scope="col" className="table__actions-col" />
                  </tr>
                </thead>
                <tbody>
                  {items.map((d) => (
                    <tr key={d.messageId} data-testid="dead-letter-row" data-message-id={d.messageId}>
                      <td>
                        <div className="cell-main">{d.subject}</div>
                        <div className="cell-sub">{d.jobId ?? d.messageId}</div>
                      </td>
                      <td className="text-error">{d.lastError?.message ?? "—"}</td>
                      <td>{formatNumber(lang, d.receiveCount)}</td>
                      <td className="nowrap">{formatDateTime(lang, d.sentAt)}</td>
                      <td className="table__actions">
                        <button type="button" className="btn btn--small" onClick={() => void sendBack(d)} disabled={redrive.busy} data-testid="dead-letter-redrive">
                          {t("deadLetters.redrive")}
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </>
      )}
    </section>
  );
}
