// #/reset/<token>: the page a one-time link (password reset or invitation) opens. No session is
// needed; the token stays in the address's fragment, which the browser never sends to a server.
import { useState, type FormEvent } from "react";
import { api } from "../../api";
import { ErrorBanner, LanguageSelect, TextField } from "../../components";
import { useSubmit } from "../../hooks";
import { useI18n } from "../../i18n";
import { href } from "../../router";

export function SetPasswordPage(props: { token: string }) {
  const { t } = useI18n();
  const [password, setPassword] = useState("");
  const [again, setAgain] = useState("");
  const [mismatch, setMismatch] = useState(false);
  const [done, setDone] = useState(false);
  const { busy, errors, fieldErrors, run } = useSubmit({ fieldKey: (f) => (f === "password" ? f : null) });

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setMismatch(password !== again);
    if (password !== again) return;
    const secret = password;
    setPassword("");
    setAgain("");
    const outcome = await run(() => api.usePasswordLink(props.token, secret));
    if (outcome.ok) setDone(true);
  }

  return (
    // the page's one main landmark, as the sign-in page: there is no console frame around it
    <main className="boot">
      <div className="boot__card card">
        <div className="form__actions">
          <LanguageSelect />
        </div>
        <h1 className="card__title">{t("reset.title")}</h1>
        {done ? (
          <>
            <p role="status" data-testid="reset-done">
              {t("reset.done")}
            </p>
            <a className="btn btn--primary" href={href("/signin")} data-testid="reset-signin">
              {t("reset.signIn")}
            </a>
          </>
        ) : (
          <form className="form" onSubmit={submit} noValidate>
            <p className="cell-sub">{t("reset.subtitle")}</p>
            <ErrorBanner messages={errors} testId="reset-error" />
            <TextField
              label={t("reset.new")}
              error={fieldErrors.password}
              type="password"
              value={password}
              onValueChange={setPassword}
              autoComplete="new-password"
              testId="reset-new"
            />
            <TextField
              label={t("reset.confirm")}
              error={mismatch ? t("reset.mismatch") : undefined}
              type="password"
              value={again}
              onValueChange={setAgain}
              autoComplete="new-password"
              testId="reset-confirm"
            />
            <div className="form__actions">
              <button type="submit" className="btn btn--primary" disabled={busy} data-testid="reset-save">
                {t("reset.save")}
              </button>
            </div>
          </form>
        )}
      </div>
    </main>
  );
}
