import { useEffect, useState, type FormEvent } from "react";
import { api, ApiError } from "../api";
import { ErrorBanner, FormField, errorText, useNotify } from "../components";
import { useI18n } from "../i18n";
import { parseDomains } from "./account-form/model";

/**
 * The organisation's excluded domains (admins): mail whose other participants are all in these
 * domains is never stored, and saving a new one deletes the copies already stored under it.
 * The company's own domains are the usual entry, so internal mail is never logged.
 */
export function ExcludedDomainsCard() {
  const { t } = useI18n();
  const notify = useNotify();
  const [text, setText] = useState<string | null>(null);
  const [saved, setSaved] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldError, setFieldError] = useState<string | undefined>();

  useEffect(() => {
    api
      .getExcludedDomains()
      .then((res) => {
        setSaved(res.domains);
        setText(res.domains.join("\n"));
      })
      .catch((err) => setError(errorText(err, t)));
  }, [t]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy || text === null) return;
    const domains = parseDomains(text);
    const adding = domains.filter((d) => !saved.includes(d));
    if (adding.length && !window.confirm(t("settings.excludedConfirm", { domains: adding.join(", ") }))) return;
    setBusy(true);
    setError(null);
    setFieldError(undefined);
    try {
      const res = await api.setExcludedDomains(domains);
      setSaved(res.domains);
      setText(res.domains.join("\n"));
      notify(t("settings.excludedSaved", { count: res.removed }));
    } catch (err) {
      const f = err instanceof ApiError ? err.fields[0] : undefined;
      const m = f ? /^domains\.(\d+)$/.exec(f.field) : null;
      if (f && m) setFieldError(`${domains[Number(m[1])] ?? ""}: ${f.message}`);
      else setError(errorText(err, t));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card form form--compact" onSubmit={submit} noValidate data-testid="excluded-domains">
      <h2 className="card__title">{t("settings.excludedTitle")}</h2>
      {error ? <ErrorBanner messages={[error]} /> : null}
      <FormField label={t("settings.excludedLabel")} error={fieldError} hint={t("settings.excludedHint")} optional>
        {({ id, describedBy, invalid }) => (
          <textarea
            id={id}
            className="input textarea"
            rows={2}
            value={text ?? ""}
            disabled={text === null}
            onChange={(e) => setText(e.target.value)}
            aria-describedby={describedBy}
            aria-invalid={invalid || undefined}
            spellCheck={false}
            data-testid="excluded-domains-input"
          />
        )}
      </FormField>
      <div className="form__actions">
        <button type="submit" className="btn btn--primary" disabled={busy || text === null} data-testid="excluded-domains-save">
          {busy ? t("common.saving") : t("common.save")}
        </button>
      </div>
    </form>
  );
}
