// Small shared building blocks: fields, banners, badges, confirm dialog, notices.
import { createContext, useCallback, useContext, useEffect, useId, useRef, useState, type InputHTMLAttributes, type ReactNode } from "react";
import { ApiError } from "./api";
import { LANGUAGES, isLang, type MessageKey, type Translate, formatNumber, useI18n } from "./i18n";
import type { AccountState, FieldError } from "./types";

/** The text to show for a failed request: the server's (already localised) message, else ours. */
export function errorText(err: unknown, t: Translate): string {
  if (err instanceof ApiError) {
    if (err.status === 0) return t("error.network");
    if (err.message) return err.message;
    if (err.status === 403) return t("error.forbidden");
    return t("error.unexpected", { status: err.status });
  }
  return t("error.unexpected", { status: "?" });
}

/** Splits a 400's field problems into those a form shows next to a field and the rest. */
export function splitFieldErrors(fields: FieldError[], known: (field: string) => string | null): { byField: Record<string, string>; other: string[] } {
  const byField: Record<string, string> = {};
  const other: string[] = [];
  for (const f of fields) {
    const key = known(f.field);
    if (key) byField[key] = byField[key] ? `${byField[key]} ${f.message}` : f.message;
    else other.push(f.message);
  }
  return { byField, other };
}

export function FormField(props: {
  label: string;
  error?: string | undefined;
  hint?: ReactNode;
  optional?: boolean;
  className?: string;
  children: (ids: { id: string; describedBy: string | undefined; invalid: boolean }) => ReactNode;
}) {
  const { t } = useI18n();
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [props.hint ? hintId : null, props.error ? errorId : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className={`field${props.error ? " field--invalid" : ""}${props.className ? ` ${props.className}` : ""}`}>
      <label htmlFor={id} className="field__label">
        {props.label}
        {props.optional ? <span className="field__optional"> ({t("common.optional")})</span> : null}
      </label>
      {props.children({ id, describedBy, invalid: Boolean(props.error) })}
      {props.error ? (
        <p id={errorId} className="field__error" role="alert">
          {props.error}
        </p>
      ) : null}
      {props.hint ? (
        <p id={hintId} className="field__hint">
          {props.hint}
        </p>
      ) : null}
    </div>
  );
}

/**
 * A labelled text input: the FormField and the input that every form repeats. Any other input
 * attribute (type, autoComplete, spellCheck, placeholder, inputMode...) passes through.
 */
export function TextField(
  props: Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "value" | "onChange" | "aria-describedby" | "aria-invalid"> & {
    label: string;
    error?: string | undefined;
    hint?: ReactNode;
    optional?: boolean;
    /** Class of the field wrapper (the input's own is `className`, default "input"). */
    fieldClassName?: string;
    value: string;
    onValueChange: (value: string) => void;
    testId?: string;
  },
) {
  const { label, error, hint, optional, fieldClassName, value, onValueChange, testId, className, ...input } = props;
  return (
    <FormField label={label} error={error} hint={hint} optional={optional} className={fieldClassName}>
      {({ id, describedBy, invalid }) => (
        <input
          {...input}
          id={id}
          className={className ?? "input"}
          value={value}
          onChange={(e) => onValueChange(e.target.value)}
          aria-describedby={describedBy}
          aria-invalid={invalid || undefined}
          data-testid={testId}
        />
      )}
    </FormField>
  );
}

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

const STATE_TONE: Record<AccountState, string> = {
  init: "neutral",
  connected: "ok",
  syncing: "info",
  authenticationError: "error",
  connectError: "warn",
  paused: "error",
  disabled: "muted",
};

export function StateBadge(props: { state: AccountState; title?: string | undefined }) {
  const { t } = useI18n();
  const key = `state.${props.state}` as MessageKey;
  return (
    <span className={`badge badge--${STATE_TONE[props.state] ?? "neutral"}`} title={props.title} data-state={props.state}>
      <span className="badge__dot" aria-hidden="true" />
      {t(key) || props.state}
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

// ---- Confirm dialog -------------------------------------------------------------------------

export function ConfirmDialog(props: {
  title: string;
  body: string;
  confirmLabel: string;
  busy?: boolean;
  error?: string | null;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const bodyId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      data-testid="confirm-dialog"
      onCancel={(e) => {
        e.preventDefault();
        if (!props.busy) props.onCancel();
      }}
    >
      <h2 id={titleId} className="dialog__title">
        {props.title}
      </h2>
      <p id={bodyId} className="dialog__body">
        {props.body}
      </p>
      {props.error ? <ErrorBanner messages={[props.error]} /> : null}
      <div className="dialog__actions">
        <button type="button" className="btn" onClick={props.onCancel} disabled={props.busy} data-testid="confirm-cancel" autoFocus>
          {t("common.cancel")}
        </button>
        <button type="button" className="btn btn--danger" onClick={props.onConfirm} disabled={props.busy} data-testid="confirm-ok">
          {props.busy ? t("common.deleting") : props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}

// ---- Notices (short-lived success messages that survive navigation) ---------------------------

interface Notice {
  id: number;
  text: string;
  tone: "ok" | "info";
}

const NoticeContext = createContext<(text: string, tone?: Notice["tone"]) => void>(() => undefined);

export function useNotify() {
  return useContext(NoticeContext);
}

export function NoticeProvider(props: { children: ReactNode }) {
  const [notices, setNotices] = useState<Notice[]>([]);
  const next = useRef(1);
  const { t } = useI18n();
  const dismiss = useCallback((id: number) => setNotices((list) => list.filter((n) => n.id !== id)), []);
  const notify = useCallback(
    (text: string, tone: Notice["tone"] = "ok") => {
      const id = next.current++;
      setNotices((list) => [...list.slice(-2), { id, text, tone }]);
      window.setTimeout(() => dismiss(id), 6000);
    },
    [dismiss],
  );
  return (
    <NoticeContext.Provider value={notify}>
      {props.children}
      <div className="notices" role="status" aria-live="polite">
        {notices.map((n) => (
          <div key={n.id} className={`notice notice--${n.tone}`} data-testid="notice">
            <IconCheck />
            <span className="notice__text">{n.text}</span>
            <button type="button" className="notice__close" onClick={() => dismiss(n.id)} aria-label={t("common.dismiss")}>
              ×
            </button>
          </div>
        ))}
      </div>
    </NoticeContext.Provider>
  );
}

// ---- Icons (inline SVG, decorative) ----------------------------------------------------------

const svg = { width: 16, height: 16, viewBox: "0 0 24 24", fill: "none", stroke: "currentColor", strokeWidth: 2, strokeLinecap: "round", strokeLinejoin: "round", "aria-hidden": true } as const;

export function IconReceived() {
  return (
    <svg {...svg} className="icon icon--received">
      <path d="M17 7 7 17" />
      <path d="M16 17H7V8" />
    </svg>
  );
}

/** Mail the contact was copied on (someone else wrote it). */
export function IconCopy() {
  return (
    <svg {...svg} className="icon icon--copy">
      <rect x="8" y="8" width="12" height="12" rx="2" />
      <path d="M16 8V6a2 2 0 0 0-2-2H6a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h2" />
    </svg>
  );
}

export function IconSent() {
  return (
    <svg {...svg} className="icon icon--sent">
      <path d="M7 17 17 7" />
      <path d="M8 7h9v9" />
    </svg>
  );
}

export function IconAlert() {
  return (
    <svg {...svg} className="icon">
      <circle cx="12" cy="12" r="9" />
      <path d="M12 8v5" />
      <path d="M12 16h.01" />
    </svg>
  );
}

export function IconWarning() {
  return (
    <svg {...svg} className="icon">
      <path d="M10.3 3.9 1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0Z" />
      <path d="M12 9v4" />
      <path d="M12 17h.01" />
    </svg>
  );
}

export function IconCheck() {
  return (
    <svg {...svg} className="icon">
      <path d="M20 6 9 17l-5-5" />
    </svg>
  );
}

export function IconSync() {
  return (
    <svg {...svg} className="icon">
      <path d="M21 12a9 9 0 0 1-15.5 6.3L3 16" />
      <path d="M3 12a9 9 0 0 1 15.5-6.3L21 8" />
      <path d="M21 3v5h-5" />
      <path d="M3 21v-5h5" />
    </svg>
  );
}

export function IconPlus() {
  return (
    <svg {...svg} className="icon">
      <path d="M12 5v14" />
      <path d="M5 12h14" />
    </svg>
  );
}

export function IconSearch() {
  return (
    <svg {...svg} className="icon">
      <circle cx="11" cy="11" r="7" />
      <path d="m20 20-3.5-3.5" />
    </svg>
  );
}

export function IconBack() {
  return (
    <svg {...svg} className="icon">
      <path d="M15 18 9 12l6-6" />
    </svg>
  );
}

export function IconInbox() {
  return (
    <svg {...svg} width={28} height={28} className="icon icon--empty">
      <path d="M22 12h-6l-2 3h-4l-2-3H2" />
      <path d="M5.5 5.1 2 12v6a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2v-6l-3.5-6.9A2 2 0 0 0 16.8 4H7.2a2 2 0 0 0-1.7 1.1Z" />
    </svg>
  );
}

export function IconCross() {
  return (
    <svg {...svg} className="icon">
      <path d="M18 6 6 18" />
      <path d="m6 6 12 12" />
    </svg>
  );
}

export function IconMinus() {
  return (
    <svg {...svg} className="icon">
      <path d="M5 12h14" />
    </svg>
  );
}

export function IconPaperclip() {
  return (
    <svg {...svg} className="icon">
      <path d="m21.4 11.1-9.2 9.2a6 6 0 0 1-8.5-8.5l9.2-9.2a4 4 0 0 1 5.7 5.7l-9.2 9.2a2 2 0 0 1-2.8-2.8l8.5-8.5" />
    </svg>
  );
}

export function IconChevron(props: { open?: boolean }) {
  return (
    <svg {...svg} className={`icon icon--chevron${props.open ? " icon--open" : ""}`}>
      <path d="m9 18 6-6-6-6" />
    </svg>
  );
}

export function IconMail() {
  return (
    <svg {...svg} className="icon">
      <rect x="3" y="5" width="18" height="14" rx="2" />
      <path d="m3 7 9 6 9-6" />
    </svg>
  );
}

export function IconUpload(props: { size?: number }) {
  return (
    <svg {...svg} width={props.size ?? 16} height={props.size ?? 16} className="icon">
      <path d="M21 15v4a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2v-4" />
      <path d="m17 8-5-5-5 5" />
      <path d="M12 3v12" />
    </svg>
  );
}

/** The UI language switcher (header and sign-in page). */
export function LanguageSelect(props: { className?: string }) {
  const { t, lang, setLang } = useI18n();
  return (
    <select
      className={props.className ?? "lang__select"}
      value={lang}
      onChange={(e) => {
        if (isLang(e.target.value)) setLang(e.target.value);
      }}
      data-testid="lang-select"
      aria-label={t("header.language")}
    >
      {LANGUAGES.map((l) => (
        <option key={l.value} value={l.value} lang={l.value}>
          {l.label}
        </option>
      ))}
    </select>
  );
}
