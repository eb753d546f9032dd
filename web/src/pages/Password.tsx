import { useState, type FormEvent } from "react";
import { api, ApiError } from "../api";
import { ErrorBanner, PageHeader, TextField, errorText, useNotify } from "../components";
import { useSubmit } from "../hooks";
import { useI18n } from "../i18n";

const FIELDS = ["currentPassword", "newPassword"];

/**
 * Change my password. The server checks the current one and signs out my other sessions. A
 * refusal is shown beside the field it concerns and keeps what was typed, except a wrong current
 * password, which is cleared so the next try starts from an empty field.
 * `forced`: signed in with a temporary password an admin made; the console shows nothing else
 * until it is changed (the API refuses other routes meanwhile), then `onChanged` reloads the session.
 */
export function PasswordPage(props: { forced?: boolean; onChanged?: () => void } = {}) {
  const { t } = useI18n();
  const notify = useNotify();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const { busy, errors, fieldErrors, run, clearFieldError } = useSubmit({
    fieldKey: (f) => (FIELDS.includes(f) ? f : null),
    // a field's problem is said beside the field, not again in a banner above the form
    headline: (err) => (err instanceof ApiError && err.fields.some((f) => FIELDS.includes(f.field)) ? "" : errorText(err, t)),
  });

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const outcome = await run(() => api.changePassword(current, next));
    if (outcome.ok) {
      // a changed password does not stay in the page
      setCurrent("");
      setNext("");
      notify(t("password.changed"));
      props.onChanged?.();
    } else if (outcome.error instanceof ApiError && outcome.error.fields.some((f) => f.field === "currentPassword")) {
      setCurrent("");
    }
  }

  return (
    <>
      <PageHeader title={t(props.forced ? "password.forcedTitle" : "password.title")} subtitle={t(props.forced ? "password.forcedSubtitle" : "password.subtitle")} />
      <form className="card form form--compact" onSubmit={submit} noValidate style={{ maxWidth: 480 }}>
        <ErrorBanner messages={errors} testId="password-error" />
        <TextField
          label={t(props.forced ? "password.currentTemporary" : "password.current")}
          error={fieldErrors.currentPassword}
          type="password"
          value={current}
          onValueChange={(v) => {
            setCurrent(v);
            clearFieldError("currentPassword");
          }}
          autoComplete="current-password"
          testId="password-current"
        />
        <TextField
          label={t("password.new")}
          error={fieldErrors.newPassword}
          hint={t("password.hint")}
          type="password"
          value={next}
          onValueChange={(v) => {
            setNext(v);
            clearFieldError("newPassword");
          }}
          autoComplete="new-password"
          testId="password-new"
        />
        <div className="form__actions">
          <button type="submit" className="btn btn--primary" disabled={busy} data-testid="password-save">
            {t("password.save")}
          </button>
        </div>
      </form>
    </>
  );
}
