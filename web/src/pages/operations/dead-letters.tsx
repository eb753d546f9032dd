// Dead letters on the overview: how many jobs wait in each dead-letter queue, the jobs with
// their last error on demand, and "Send back to queue" for each.
import { useState } from "react";
import { api } from "../../api";
import type { DeadLetter, OperationsOverview } from "../../api";
import { DataTable, ErrorBanner, Loading, StoredError, errorText, useNotify } from "../../components";
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
            <DataTable
              testId="dead-letters-table"
              rows={items}
              rowKey={(d) => d.messageId}
              rowProps={(d) => ({ "data-testid": "dead-letter-row", "data-message-id": d.messageId })}
              columns={[
                {
                  label: t("deadLetters.col.job"),
                  cell: (d) => (
                    <>
                      <div className="cell-main">{d.subject}</div>
                      <div className="cell-sub">{d.jobId ?? d.messageId}</div>
                    </>
                  ),
                },
                {
                  label: t("deadLetters.col.error"),
                  status: true,
                  cellProps: () => ({ className: "text-error" }),
                  cell: (d) => (d.lastError ? <StoredError error={d.lastError} /> : "—"),
                },
                { label: t("deadLetters.col.tries"), cell: (d) => formatNumber(lang, d.receiveCount) },
                { label: t("deadLetters.col.sent"), cellProps: () => ({ className: "nowrap" }), cell: (d) => formatDateTime(lang, d.sentAt) },
                {
                  label: t("deadLetters.redrive"),
                  actions: true,
                  cell: (d) => (
                    <button type="button" className="btn btn--small" onClick={() => void sendBack(d)} disabled={redrive.busy} data-testid="dead-letter-redrive">
                      {t("deadLetters.redrive")}
                    </button>
                  ),
                },
              ]}
            />
          ) : null}
        </>
      )}
    </section>
  );
}
