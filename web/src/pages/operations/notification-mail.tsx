import { useEffect, useState, type FormEvent } from "react";
import { api } from "../../api";
import type { Account, NotificationSettings, NotificationSettingsInput } from "../../api/types";
import { ErrorBanner, FormField, Loading, SecuritySelect, TextAreaField, TextField, errorText, useNotify } from "../../components";
import { useSubmit } from "../../hooks";
import { useI18n, type MessageKey } from "../../i18n";

type Security = "tls" | "starttls" | "none";

/** The form's state: the saved settings as editable text, the password only when typed. */
interface Draft {
  enabled: boolean;
  kind: "smtp" | "mailbox";
  host: string;
  port: string;
  security: Security;
  user: string;
  password: string;
  accountId: string;
  fromAddress: string;
  fromName: string;
  notifyAdmins: boolean;
  extraRecipients: string;
  timeZone: string;
  events: Record<string, boolean>;
}

function draftOf(s: NotificationSettings): Draft {
  const smtp = s.server?.kind === "smtp" ? s.server : null;
  return {
    enabled: s.enabled,
    kind: s.server?.kind ?? "smtp",
    host: smtp?.host ?? "",
    port: String(smtp?.port ?? 587),
    security: smtp?.security ?? "starttls",
    user: smtp?.user ?? "",
    password: "",
    accountId: s.server?.kind === "mailbox" ? s.server.accountId : "",
    fromAddress: s.fromAddress,
    fromName: s.fromName,
    notifyAdmins: s.notifyAdmins,
    extraRecipients: s.extraRecipients.join("; "),
    timeZone: s.timeZone,
    events: s.events,
  };
}

function inputOf(d: Draft): NotificationSettingsInput {
  const server: NotificationSettingsInput["server"] =
    d.kind === "mailbox"
      ? d.accountId
        ? { kind: "mailbox", accountId: d.accountId }
        : null
      : d.host.trim()
        ? { kind: "smtp", host: d.host.trim(), port: Number(d.port), security: d.security, user: d.user.trim(), ...(d.password ? { password: d.password } : {}) }
        : null;
  return {
    enabled: d.enabled,
    server,
    fromAddress: d.fromAddress,
    fromName: d.fromName,
    notifyAdmins: d.notifyAdmins,
    extraRecipients: d.extraRecipients,
    timeZone: d.timeZone,
    events: d.events,
  };
}

// "server.host" -> "host", "extraRecipients.2" -> "extraRecipients": each error under its field
const fieldKey = (f: string) =>
  f
    .replace(/^server\./, "")
    .replace(/^(extraRecipients)\.\d+$/, "$1")
    .replace(/^events\..*$/, "events");

/**
 * Notification mail (admins): sending on or off, the system's SMTP server (Amazon SES's SMTP
 * endpoint is one) or a connected mailbox, From, recipients, events, time zone, and a test.
 */
export function NotificationMailCard() {
  const { t } = useI18n();
  const notify = useNotify();
  const [saved, setSaved] = useState<NotificationSettings | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [mailboxes, setMailboxes] = useState<Account[]>([]);
  const [loadError, setLoadError] = useState<string | null>(null);
  const submitting = useSubmit({ fieldKey, mapFields: (fields) => mergeByField(fields.map((f) => ({ ...f, field: fieldKey(f.field) }))) });
  const testing = useSubmit({ fieldKey: () => null });

  useEffect(() => {
    Promise.all([api.getNotificationSettings(), api.listAccounts()])
      .then(([s, accounts]) => {
        setSaved(s);
        setDraft(draftOf(s));
        setMailboxes(accounts.items);
      })
      .catch((err) => setLoadError(errorText(err, t)));
  }, [t]);

  if (loadError) return <ErrorBanner messages={[loadError]} />;
  if (!draft || !saved) return <Loading />;
  const set = (patch: Partial<Draft>) => {
    setDraft({ ...draft, ...patch });
    submitting.clearFieldError(...Object.keys(patch));
  };
  const errs = submitting.fieldErrors;
  const hasPassword = saved.server?.kind === "smtp" && saved.server.hasPassword;

  async function submit(e: FormEvent) {
    e.preventDefault();
    const outcome = await submitting.run(() => api.saveNotificationSettings(inputOf(draft!)));
    if (!outcome.ok) return;
    setSaved(outcome.value);
    setDraft(draftOf(outcome.value));
    notify(t("ops.mail.saved"));
  }

  async function sendTest() {
    const outcome = await testing.run(() => api.sendTestNotification());
    if (!outcome.ok) return;
    const { sent, refused } = outcome.value;
    notify([t("ops.mail.testSent", { list: sent.join(", ") }), refused.length ? t("ops.mail.testRefused", { list: refused.join(", ") }) : ""].filter(Boolean).join(" "));
  }

  const check = (label: string, checked: boolean, onChange: (v: boolean) => void, testId: string, hint?: string) => (
    <label className="check">
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} data-testid={testId} />
      <span className="check__text">
        <span className="check__label">{label}</span>
        {hint ? <span className="check__hint">{hint}</span> : null}
      </span>
    </label>
  );

  return (
    <form className="card form" onSubmit={submit} noValidate data-testid="notification-mail">
      <h2 className="card__title">{t("ops.mail.title")}</h2>
      {submitting.errors.length ? <ErrorBanner messages={submitting.errors} /> : null}
      {check(t("ops.mail.enabled"), draft.enabled, (enabled) => set({ enabled }), "notify-enabled", t("ops.mail.enabledHint"))}
      <FormField label={t("ops.mail.server")} error={errs.server}>
        {() => (
          <div className="radio-row">
            {(["smtp", "mailbox"] as const).map((kind) => (
              <label key={kind} className="check">
                <input type="radio" name="notify-server" checked={draft.kind === kind} onChange={() => set({ kind })} data-testid={`notify-server-${kind}`} />
                <span className="check__label">{t(kind === "smtp" ? "ops.mail.server.smtp" : "ops.mail.server.mailbox")}</span>
              </label>
            ))}
          </div>
        )}
      </FormField>
      {draft.kind === "smtp" ? (
        <>
          <TextField
            label={t("ops.mail.host")}
            hint={t("ops.mail.server.smtpHint")}
            error={errs.host}
            value={draft.host}
            onValueChange={(host) => set({ host })}
            spellCheck={false}
            testId="notify-host"
          />
          <div className="form__row">
            <TextField label={t("ops.mail.port")} error={errs.port} value={draft.port} onValueChange={(port) => set({ port })} inputMode="numeric" testId="notify-port" />
            <SecuritySelect label={t("ops.mail.security")} error={errs.security} value={draft.security} onChange={(security) => set({ security })} testId="notify-security" />
          </div>
          <TextField
            label={t("ops.mail.user")}
            error={errs.user}
            value={draft.user}
            onValueChange={(user) => set({ user })}
            autoComplete="off"
            spellCheck={false}
            testId="notify-user"
          />
          <TextField
            label={t("ops.mail.password")}
            type="password"
            hint={t("ops.mail.passwordHint")}
            placeholder={hasPassword ? t("ops.mail.passwordSaved") : undefined}
            error={errs.password}
            value={draft.password}
            onValueChange={(password) => set({ password })}
            autoComplete="new-password"
            testId="notify-password"
          />
        </>
      ) : (
        <FormField label={t("ops.mail.mailbox")} error={errs.accountId}>
          {({ id }) => (
            <select id={id} className="input" value={draft.accountId} onChange={(e) => set({ accountId: e.target.value })} data-testid="notify-mailbox">
              <option value="">{t("ops.mail.mailboxPick")}</option>
              {mailboxes.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.email}
                </option>
              ))}
            </select>
          )}
        </FormField>
      )}
      <div className="form__row">
        <TextField
          label={t("ops.mail.from")}
          hint={t("ops.mail.fromHint")}
          error={errs.fromAddress}
          value={draft.fromAddress}
          onValueChange={(fromAddress) => set({ fromAddress })}
          type="email"
          testId="notify-from"
        />
        <TextField label={t("ops.mail.fromName")} error={errs.fromName} value={draft.fromName} onValueChange={(fromName) => set({ fromName })} testId="notify-from-name" />
      </div>
      {check(t("ops.mail.admins"), draft.notifyAdmins, (notifyAdmins) => set({ notifyAdmins }), "notify-admins")}
      <TextAreaField
        label={t("ops.mail.extra")}
        hint={t("ops.mail.extraHint")}
        optional
        rows={2}
        error={errs.extraRecipients}
        value={draft.extraRecipients}
        onValueChange={(extraRecipients) => set({ extraRecipients })}
        spellCheck={false}
        testId="notify-extra"
      />
      <TextField
        label={t("ops.mail.timeZone")}
        error={errs.timeZone}
        value={draft.timeZone}
        onValueChange={(timeZone) => set({ timeZone })}
        spellCheck={false}
        testId="notify-time-zone"
      />
      <fieldset className="fieldset" data-testid="notify-events">
        <legend className="field__label">{t("ops.mail.events")}</legend>
        {Object.keys(draft.events).map((kind) =>
          check(t(`ops.event.${kind}` as MessageKey), draft.events[kind] !== false, (on) => set({ events: { ...draft.events, [kind]: on } }), `notify-event-${kind}`),
        )}
      </fieldset>
      {testing.errors.length ? <ErrorBanner messages={testing.errors} /> : null}
      <div className="form__actions">
        <button type="submit" className="btn btn--primary" disabled={submitting.busy} data-testid="notify-save">
          {submitting.busy ? t("common.saving") : t("common.save")}
        </button>
        <button type="button" className="btn" onClick={() => void sendTest()} disabled={testing.busy || !saved.server} data-testid="notify-test">
          {testing.busy ? t("ops.mail.testing") : t("ops.mail.test")}
        </button>
      </div>
    </form>
  );
}

/** Several bad extra addresses are one field on the form: their messages joined. */
function mergeByField<F extends { field: string; message: string }>(fields: F[]): F[] {
  const out = new Map<string, F>();
  for (const f of fields) {
    const had = out.get(f.field);
    out.set(f.field, had ? { ...had, message: `${had.message} ${f.message}` } : f);
  }
  return [...out.values()];
}
