// Form building blocks: a labelled field with its hint and error, and where a 400's field problems go.
import { useId, type InputHTMLAttributes, type ReactNode, type TextareaHTMLAttributes } from "react";
import { ApiError } from "../api";
import { type MessageKey, type Translate, useI18n } from "../i18n";
import type { FieldError, Security } from "../api/types";

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

/**
 * Splits a 400's field problems into those a form shows next to a field and the rest. A field
 * shows one reason, the first the server gives ("is required." before "must be a valid email
 * address."): several sentences under one input read as noise, and fixing the first is what to
 * do. A list shown as one input (a line per domain) still says each line's problem.
 */
export function splitFieldErrors(fields: FieldError[], known: (field: string) => string | null): { byField: Record<string, string>; other: string[] } {
  const byField: Record<string, string> = {};
  const other: string[] = [];
  const said = new Set<string>();
  for (const f of fields) {
    const key = known(f.field);
    if (!key) other.push(f.message);
    else if (!said.has(f.field)) {
      // several lines of one list field ("domains.0", "domains.2") each keep their own problem
      byField[key] = byField[key] ? `${byField[key]} ${f.message}` : f.message;
    }
    said.add(f.field);
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

/** A labelled textarea (one address or domain a line, say): TextField's counterpart. */
export function TextAreaField(
  props: Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "id" | "value" | "onChange" | "aria-describedby" | "aria-invalid"> & {
    label: string;
    error?: string | undefined;
    hint?: ReactNode;
    optional?: boolean;
    value: string;
    onValueChange: (value: string) => void;
    testId?: string;
  },
) {
  const { label, error, hint, optional, value, onValueChange, testId, className, ...textarea } = props;
  return (
    <FormField label={label} error={error} hint={hint} optional={optional}>
      {({ id, describedBy, invalid }) => (
        <textarea
          {...textarea}
          id={id}
          className={className ?? "input textarea"}
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

const SECURITY_MODES: Security[] = ["tls", "starttls", "none"];

/** A labelled choice of a server's security (TLS, STARTTLS, none), as the mailbox form and the domains page ask it. */
export function SecuritySelect(props: { label: string; value: Security; onChange: (security: Security) => void; error?: string | undefined; className?: string; testId: string }) {
  const { t } = useI18n();
  return (
    <FormField label={props.label} error={props.error} className={props.className}>
      {({ id, describedBy, invalid }) => (
        <select
          id={id}
          className="input"
          value={props.value}
          onChange={(e) => props.onChange(e.target.value as Security)}
          aria-describedby={describedBy}
          aria-invalid={invalid || undefined}
          data-testid={props.testId}
        >
          {SECURITY_MODES.map((s) => (
            <option key={s} value={s}>
              {t(`security.${s}` as MessageKey)}
            </option>
          ))}
        </select>
      )}
    </FormField>
  );
}
