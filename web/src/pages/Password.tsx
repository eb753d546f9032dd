import { useState, type FormEvent } from "react";
import { api } from "../api";
import { ErrorBanner, PageHeader, TextField, useNotify } from "../components";
import { useSubmit } from "../hooks";
import { useI18n } from "../i18n";

/**
 * Change my password. The server checks the current one and signs out my other sessions.
 * `forced`: signed in with a temporary password an admin made; the console shows nothing else
 * until it is changed (the API refuses other routes meanwhile), then `onChanged` reloads the session.
 */
export function PasswordPage(props: { forced?: boolean; onChanged?: () => void } = {}) {
  const { t } = useI18n();
  const notify = useNotify();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const { busy, errors, fieldErrors, run } = useSubmit({ fieldKey: (f) => (f === "currentPassword" || f === "newPassword" ? f : null) });

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const [currentPassword, newPassword] = [current, next];
    // never keep passwords in the page after a submit
    setCurrent("");
    setNext("");
    const outcome = await run(() => api.changePassword(currentPassword, newPassword));
    if (!outcome.ok) return;
    notify(t("password.changed"));
    props.onChanged?.();
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
          onValueChange={setCurrent}
          autoComplete="current-password"
          testId="password-current"
        />
        <TextField
          label={t("password.new")}
          error={fieldErrors.newPassword}
          hint={t("users.passwordHint")}
          type="password"
          value={next}
          onValueChange={setNext}
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
