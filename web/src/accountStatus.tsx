// How a mailbox's sync is doing: state, last run with its counts, and the first sync's progress.
import { useEffect, useState } from "react";
import { api } from "./api";
import { ErrorBanner, IconSync, ProgressBar, StateBadge, errorText, useNotify } from "./components";
import { type MessageKey, formatDateTime, formatDateTimeLong, formatDuration, formatNumber, formatRelative, useI18n } from "./i18n";
import { usePolling } from "./hooks";
import type { Account, ProviderId, ProviderView, SyncCounts } from "./api/types";

/** While a job is queued or running, or the first sync reports progress, the page polls. */
export function syncActive(a: Account): boolean {
  const status = a.lastJob?.status;
  return a.state === "syncing" || a.syncProgress !== null || status === "queued" || status === "running" || status === "continued";
}

export const POLL_ACTIVE_MS = 2000;

/** Providers from GET /api/providers, in the current language; null while loading or on failure. */
export function useProviders(): { providers: ProviderView[] | null; failed: boolean } {
  const { lang } = useI18n();
  const [providers, setProviders] = useState<ProviderView[] | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let cancelled = false;
    api
      .listProviders()
      .then((res) => {
        if (cancelled) return;
        setProviders(res.items);
        setFailed(false);
      })
      .catch(() => {
        if (!cancelled) setFailed(true);
      });
    return () => {
      cancelled = true;
    };
  }, [lang]);
  return { providers, failed };
}

/** The provider's name in the UI language; ours when the API's list is not there. */
export function useProviderLabel(providers: ProviderView[] | null) {
  const { t } = useI18n();
  return (id: ProviderId | string | null | undefined) => {
    if (!id) return t("provider.other");
    const fromApi = providers?.find((p) => p.id === id)?.label;
    if (fromApi) return fromApi;
    const key = `provider.${id}` as MessageKey;
    const ours = t(key);
    return ours === key ? id : ours;
  };
}

export function SyncProgress(props: { account: Account; compact?: boolean }) {
  const { t, lang } = useI18n();
  const p = props.account.syncProgress;
  if (!p) return null;
  const params = { done: formatNumber(lang, p.done), total: formatNumber(lang, p.total), folder: p.folder };
  return <ProgressBar done={p.done} total={p.total} label={props.compact ? t("accounts.progress", params) : t("accounts.progressFolder", params)} testId="sync-progress" />;
}

/**
 * Why a "disabled" mailbox is held from outside it (its owner deactivated), next to the state
 * badge in the list (and its phone cards) and on the status panel; nothing when it is not held.
 */
export function HeldReason(props: { account: Account }) {
  const { t } = useI18n();
  const reason = props.account.heldBecause;
  if (!reason) return null;
  return (
    <div className="cell-sub" data-testid="account-held-reason" data-held-because={reason}>
      {t(`accounts.held.${reason}`)}
    </div>
  );
}

const COUNT_KEYS: (keyof SyncCounts)[] = ["folders", "fetched", "matched", "written", "skipped"];

/** Brings the mailbox form's password field into view and focus (a paused mailbox's way out). */
function focusPassword() {
  const field = document.querySelector<HTMLInputElement>('[data-testid="account-password"]');
  field?.scrollIntoView({ block: "center" });
  field?.focus();
}

/** The account page's status card: state, last sync, last run (status, times, counts), progress. */
export function AccountStatusPanel(props: { account: Account; onChanged: (a: Account) => void }) {
  const { t, lang } = useI18n();
  const notify = useNotify();
  const a = props.account;
  const job = a.lastJob;
  const [requested, setRequested] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const active = syncActive(a);

  // Keep "running for 12 s" moving while a job runs.
  usePolling(() => setNow(Date.now()), 1000, active);

  async function syncNow() {
    setError(null);
    setRequested(true);
    try {
      await api.syncAccount(a.id);
      notify(t("accounts.syncStarted", { email: a.email }), "info");
      props.onChanged(await api.getAccount(a.id));
    } catch (err) {
      setError(errorText(err, t));
    } finally {
      window.setTimeout(() => setRequested(false), POLL_ACTIVE_MS);
    }
  }

  // A running job may not have recorded its start yet: count from when it was queued.
  const startIso = job?.startedAt ?? (active ? job?.enqueuedAt : null);
  const started = startIso ? Date.parse(startIso) : NaN;
  const ended = job?.endedAt ? Date.parse(job.endedAt) : NaN;
  const statusKey = job ? (`job.status.${job.status}` as MessageKey) : null;
  const reasonKey = job ? (`job.reason.${job.reason}` as MessageKey) : null;
  const statusText = statusKey ? (t(statusKey) === statusKey ? job!.status : t(statusKey)) : "";
  const reasonText = reasonKey ? (t(reasonKey) === reasonKey ? job!.reason : t(reasonKey)) : "";
  const tone =
    job?.status === "done" ? "ok" : job?.status === "failed" ? "error" : job?.status === "running" || job?.status === "queued" || job?.status === "continued" ? "info" : "neutral";

  return (
    <section className="card status-card" aria-label={t("accountForm.status")} data-testid="account-status">
      <div className="status-card__top">
        {/* polite live regions: a screen reader hears the state and the run's status change as the
            panel polls (not the ticking duration next to them) */}
        <div className="status-card__item" aria-live="polite">
          <span className="status-card__label">{t("accountForm.status")}</span>
          <StateBadge state={a.state} />
        </div>
        <div className="status-card__item">
          <span className="status-card__label">{t("accountForm.lastSync")}</span>
          {a.lastSyncAt ? (
            <time dateTime={a.lastSyncAt} title={formatDateTimeLong(lang, a.lastSyncAt)}>
              {formatRelative(lang, a.lastSyncAt, now)} · {formatDateTime(lang, a.lastSyncAt)}
            </time>
          ) : (
            <span className="muted">{t("accounts.neverSynced")}</span>
          )}
        </div>
        <div className="status-card__actions">
          {a.state === "paused" ? (
            // nothing would log in anyway: the way out is a new password, typed in the form below
            <button type="button" className="btn btn--small btn--primary" onClick={focusPassword} data-testid="account-update-password">
              {t("accounts.updatePassword")}
            </button>
          ) : a.heldBecause ? null : ( // held from outside the mailbox: the API refuses Sync now, the reason shows below
            <button
              type="button"
              className="btn btn--small"
              onClick={() => void syncNow()}
              disabled={requested || active || !a.syncEnabled}
              title={!a.syncEnabled ? t("accounts.syncOff") : undefined}
              data-testid="account-sync"
            >
              <IconSync />
              {t("accountForm.syncNow")}
            </button>
          )}
        </div>
      </div>
      {a.state === "paused" ? (
        <p className="account-paused-reason" data-testid="account-paused-reason">
          {t("accounts.pausedReason")}
        </p>
      ) : null}
      <HeldReason account={a} />
      {error ? <ErrorBanner messages={[error]} /> : null}
      {a.lastError ? (
        <p className="status-card__error" data-testid="account-last-error">
          <span className="status-card__label">{t("accountForm.lastError")}</span>
          <span className="text-error">{a.lastError.message}</span>
        </p>
      ) : null}
      {a.syncProgress ? (
        <div className="status-card__progress">
          <span className="status-card__label">{t("accountForm.progress")}</span>
          <SyncProgress account={a} />
        </div>
      ) : null}
      <div className="status-card__run" data-testid="account-last-run">
        <span className="status-card__label">{t("accountForm.lastRun")}</span>
        {job ? (
          <>
            <div className="run-line">
              <span className={`badge badge--${tone}`} data-job-status={job.status} aria-live="polite">
                <span className="badge__dot" aria-hidden="true" />
                {statusText}
              </span>
              {reasonText ? <span className="muted">{reasonText}</span> : null}
              {job.startedAt ? (
                <span>
                  {t("accountForm.started")}: <time dateTime={job.startedAt}>{formatDateTime(lang, job.startedAt)}</time>
                </span>
              ) : null}
              {job.endedAt ? (
                <span>
                  {t("accountForm.ended")}: <time dateTime={job.endedAt}>{formatDateTime(lang, job.endedAt)}</time>
                </span>
              ) : null}
              {Number.isFinite(started) ? (
                <span className="muted">
                  {Number.isFinite(ended)
                    ? t("accountForm.duration", { duration: formatDuration(lang, ended - started) })
                    : active
                      ? t("accountForm.running", { duration: formatDuration(lang, now - started) })
                      : null}
                </span>
              ) : null}
            </div>
            {job.counts ? (
              <dl className="counts" data-testid="account-counts">
                {COUNT_KEYS.map((k) => (
                  <div key={k} className="counts__item" data-count={k}>
                    <dt>{t(`accountForm.counts.${k}` as MessageKey)}</dt>
                    <dd>{formatNumber(lang, job.counts![k] ?? 0)}</dd>
                  </div>
                ))}
              </dl>
            ) : null}
            {/* job.error is a catalogue code ("diag.timeout"); the account's lastError has its words */}
            {job.error && !a.lastError && /\s/.test(job.error) ? <p className="text-error">{job.error}</p> : null}
          </>
        ) : (
          <span className="muted">{t("accountForm.noRun")}</span>
        )}
      </div>
    </section>
  );
}
