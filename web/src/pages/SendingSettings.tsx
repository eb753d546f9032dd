import { useEffect, useState, type FormEvent } from "react";
import { api } from "../api";
import { ErrorBanner, TextField, errorText, useNotify } from "../components";
import { useI18n } from "../i18n";
import { useSubmit } from "../hooks";
import type { SendingSettings } from "../api/types";

/**
 * The organisation's sending settings (admins): whether salespeople may write from the CRM
 * (off hides compose and the API refuses), and each user's limits per hour and per day.
 */
export function SendingSettingsCard() {
  const { t } = useI18n();
  const notify = useNotify();
  const [form, setForm] = useState<{ enabled: boolean; perHour: string; perDay: string; maxMessageMb: string } | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const { busy, errors, fieldErrors, run } = useSubmit();

  const show = (s: SendingSettings) => setForm({ enabled: s.enabled, perHour: String(s.perHour), perDay: String(s.perDay), maxMessageMb: String(s.maxMessageMb) });
  useEffect(() => {
    api
      .getSendingSettings()
      .then(show)
      .catch((err) => setLoadError(errorText(err, t)));
  }, [t]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!form) return;
    // sent as typed: a bad number comes back as a field error in the user's language
    const num = (v: string) => (/^\d+$/.test(v.trim()) ? Number(v.trim()) : (v as unknown as number));
    const outcome = await run(() => api.setSendingSettings({ enabled: form.enabled, perHour: num(form.perHour), perDay: num(form.perDay), maxMessageMb: num(form.maxMessageMb) }));
    if (outcome.ok) {
      show(outcome.value);
      notify(t("sendingSettings.saved"));
    }
  }

  if (!form) return loadError ? <ErrorBanner messages={[loadError]} /> : null;
  const set = (key: "perHour" | "perDay" | "maxMessageMb") => (v: string) => setForm({ ...form, [key]: v });
  return (
    <form className="card form form--compact" onSubmit={submit} noValidate data-testid="sending-settings">
      <h2 className="card__title">{t("sendingSettings.title")}</h2>
      <p className="muted">{t("sendingSettings.hint")}</p>
      <ErrorBanner messages={errors} />
      <label className="check">
        <input type="checkbox" checked={form.enabled} onChange={(e) => setForm({ ...form, enabled: e.target.checked })} data-testid="sending-enabled" />
        <span>{t("sendingSettings.enabled")}</span>
      </label>
      <div className="form__row">
        <TextField
          label={t("sendingSettings.perHour")}
          error={fieldErrors.perHour}
          inputMode="numeric"
          value={form.perHour}
          onValueChange={set("perHour")}
          testId="sending-per-hour"
        />
        <TextField label={t("sendingSettings.perDay")} error={fieldErrors.perDay} inputMode="numeric" value={form.perDay} onValueChange={set("perDay")} testId="sending-per-day" />
        <TextField
          label={t("sendingSettings.maxMessageMb")}
          error={fieldErrors.maxMessageMb}
          inputMode="numeric"
          value={form.maxMessageMb}
          onValueChange={set("maxMessageMb")}
          testId="sending-max-mb"
        />
      </div>
      <div className="form__actions">
        <button type="submit" className="btn btn--primary" disabled={busy} data-testid="sending-save">
          {busy ? t("common.saving") : t("common.save")}
        </button>
      </div>
    </form>
  );
}
