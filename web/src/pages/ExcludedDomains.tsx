import { useEffect, useState, type FormEvent } from "react";
import { api, ApiError } from "../api";
import { ErrorBanner, TextAreaField, errorText, useNotify } from "../components";
import { useI18n } from "../i18n";
import { useSubmit } from "../hooks";
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
  const [loadError, setLoadError] = useState<string | null>(null);
  const domainsField = (f: string) => (/^domains\.\d+$/.test(f) ? "domains" : null);
  const submitting = useSubmit({
    fieldKey: domainsField,
    // "domains.2" names a line: show it under the field with the domain it is about, and no banner
    mapFields: (fields) => fields.map((f) => (domainsField(f.field) ? { ...f, message: `${parseDomains(text ?? "")[Number(f.field.split(".")[1])] ?? ""}: ${f.message}` } : f)),
    headline: (err) => (err instanceof ApiError && err.fields.some((f) => domainsField(f.field)) ? "" : errorText(err, t)),
  });
  const { busy } = submitting;
  const error = loadError ?? submitting.errors[0] ?? null;
  const fieldError = submitting.fieldErrors.domains;

  useEffect(() => {
    api
      .getExcludedDomains()
      .then((res) => {
        setSaved(res.domains);
        setText(res.domains.join("\n"));
      })
      .catch((err) => setLoadError(errorText(err, t)));
  }, [t]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy || text === null) return;
    const domains = parseDomains(text);
    const adding = domains.filter((d) => !saved.includes(d));
    if (adding.length && !window.confirm(t("settings.excludedConfirm", { domains: adding.join(", ") }))) return;
    setLoadError(null);
    const outcome = await submitting.run(() => api.setExcludedDomains(domains));
    if (!outcome.ok) return;
    setSaved(outcome.value.domains);
    setText(outcome.value.domains.join("\n"));
    notify(t("settings.excludedSaved", { count: outcome.value.removed }));
  }

  return (
    <form className="card form form--compact" onSubmit={submit} noValidate data-testid="excluded-domains">
      <h2 className="card__title">{t("settings.excludedTitle")}</h2>
      {error ? <ErrorBanner messages={[error]} /> : null}
      <TextAreaField
        label={t("settings.excludedLabel")}
        error={fieldError}
        hint={t("settings.excludedHint")}
        optional
        rows={2}
        value={text ?? ""}
        disabled={text === null}
        onValueChange={setText}
        spellCheck={false}
        testId="excluded-domains-input"
      />
      <div className="form__actions">
        <button type="submit" className="btn btn--primary" disabled={busy || text === null} data-testid="excluded-domains-save">
          {busy ? t("common.saving") : t("common.save")}
        </button>
      </div>
    </form>
  );
}
