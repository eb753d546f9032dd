import { useRef, useState, type FormEvent } from "react";
import { api } from "../api";
import { ErrorBanner, FormField, LanguageSelect, TextField } from "../components";
import { useSubmit } from "../hooks";
import { useI18n } from "../i18n";
import type { SessionInfo } from "../api/types";

export function SignInPage(props: { notice: string | null; onSignedIn: (info: SessionInfo) => void }) {
  const { t } = useI18n();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const { busy, errors: error, fieldErrors, run } = useSubmit({ fieldKey: (f) => (f === "email" || f === "password" ? f : null) });
  const passwordRef = useRef<HTMLInputElement>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const outcome = await run(() => api.signIn(email.trim(), password));
    if (!outcome.ok && outcome.skipped) return;
    setPassword("");
    if (outcome.ok) props.onSignedIn(outcome.value);
    else passwordRef.current?.focus();
  }

  return (
    // the page's one main landmark (it is shown without the console's header and <main>)
    <main className="signin">
      <div className="signin__lang">
        <LanguageSelect className="lang__select lang__select--light" />
      </div>
      <div className="signin__card">
        <div className="signin__brand">
          <span className="brand__mark brand__mark--large" aria-hidden="true">
            <svg width="22" height="22" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" strokeLinejoin="round">
              <rect x="3" y="5" width="18" height="14" rx="2" />
              <path d="m3 7 9 6 9-6" />
            </svg>
          </span>
          <div>
            <p className="signin__product" translate="no">
              {t("app.name")}
            </p>
            <p className="signin__tagline">{t("app.tagline")}</p>
          </div>
        </div>
        <h1 className="signin__title">{t("signin.title")}</h1>
        <p className="signin__subtitle">{t("signin.subtitle")}</p>
        {props.notice && !error.length ? <div className="banner banner--info">{props.notice}</div> : null}
        <ErrorBanner messages={error} testId="signin-error" />
        <form onSubmit={submit} noValidate className="form">
          <TextField
            label={t("signin.email")}
            error={fieldErrors.email}
            type="email"
            autoComplete="username"
            autoFocus
            value={email}
            onValueChange={setEmail}
            testId="signin-email"
          />
          <FormField label={t("signin.password")} error={fieldErrors.password}>
            {({ id, describedBy, invalid }) => (
              <input
                id={id}
                ref={passwordRef}
                type="password"
                className="input"
                autoComplete="current-password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                aria-describedby={describedBy}
                aria-invalid={invalid || undefined}
                data-testid="signin-password"
              />
            )}
          </FormField>
          <button type="submit" className="btn btn--primary btn--block" disabled={busy} data-testid="signin-submit">
            {busy ? t("signin.submitting") : t("signin.submit")}
          </button>
        </form>
      </div>
    </main>
  );
}
