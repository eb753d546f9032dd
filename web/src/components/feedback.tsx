// What a page shows besides its content: error banners, loading, headers, empty states, state badges, progress.
import { type ReactNode } from "react";
import { type MessageKey, formatNumber, useI18n } from "../i18n";
import type { AccountState } from "../api/types";
import { IconAlert, IconInbox } from "./icons";

export function ErrorBanner(props: { messages: string[]; testId?: string; onRetry?: () => void }) {
  const { t } = useI18n();
  if (!props.messages.length) return null;
  return (
    <div className="banner banner--error" role="alert" data-testid={props.testId}>
      <IconAlert />
      <div className="banner__body">
        {props.messages.map((m, i) => (
          <p key={i}>{m}</p>
        ))}
      </div>
      {props.onRetry ? (
        <button type="button" className="btn btn--small" onClick={props.onRetry}>
          {t("common.retry")}
        </button>
      ) : null}
    </div>
  );
}

export function Loading() {
  const { t } = useI18n();
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {t("common.loading")}
    </div>
  );
}

export function PageHeader(props: { title: string; subtitle?: ReactNode; actions?: ReactNode; back?: ReactNode }) {
  return (
    <div className="page-header">
      {props.back ? <div className="page-header__back">{props.back}</div> : null}
      <div className="page-header__row">
        <div>
          <h1 className="page-header__title">{props.title}</h1>
          {props.subtitle ? <p className="page-header__subtitle">{props.subtitle}</p> : null}
        </div>
        {props.actions ? <div className="page-header__actions">{props.actions}</div> : null}
      </div>
    </div>
  );
}

export function EmptyState(props: { title: string; hint?: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <IconInbox />
      <p className="empty__title">{props.title}</p>
      {props.hint ? <p className="empty__hint">{props.hint}</p> : null}
      {props.children}
    </div>
  );
}

// Partial: the server may add a state before the console knows it; such a state shows under its
// own name, in the neutral tone.
const STATE_TONE: Partial<Record<string, string>> & Record<AccountState, string> = {
  init: "neutral",
  connected: "ok",
  syncing: "info",
  authenticationError: "error",
  connectError: "warn",
  paused: "error",
  disabled: "muted",
};

export function StateBadge(props: { state: AccountState | (string & {}); title?: string | undefined }) {
  const { t } = useI18n();
  const key = `state.${props.state}` as MessageKey;
  const label = t(key);
  return (
    <span className={`badge badge--${STATE_TONE[props.state] ?? "neutral"}`} title={props.title} data-state={props.state}>
      <span className="badge__dot" aria-hidden="true" />
      {label && label !== key ? label : props.state}
    </span>
  );
}

/** A determinate progress bar, e.g. the first sync: "1,234 of 5,000 emails". */
export function ProgressBar(props: { done: number; total: number; label: string; testId?: string }) {
  const { lang } = useI18n();
  const total = Math.max(0, props.total);
  const done = Math.min(Math.max(0, props.done), total || props.done);
  const pct = total > 0 ? Math.round((done / total) * 100) : 0;
  return (
    <div className="progress" data-testid={props.testId}>
      <div
        className="progress__track"
        role="progressbar"
        aria-label={props.label}
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
        aria-valuetext={`${formatNumber(lang, done)} / ${formatNumber(lang, total)}`}
      >
        <div className="progress__bar" style={{ width: `${pct}%` }} />
      </div>
      <span className="progress__label">{props.label}</span>
    </div>
  );
}

/** Whether a list of texts is the same as another (for dirty checks). */
export function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
