import { useState, type FormEvent } from "react";
import { api } from "../../api";
import type { CreatedWebhook, User, WebhookEvent } from "../../api";
import { ErrorBanner, TextField, errorText } from "../../components";
import { useLoad, useSubmit } from "../../hooks";
import { formatDateTime, useI18n } from "../../i18n";
import { IntegrationUserSelect, chosenUser } from "./user-select";
import { WebhookRow } from "./webhook-row";

/** Every event an endpoint can ask for, in the order shown: one the API adds fails the type-check here until it is listed. */
const EVENT_LIST: Record<WebhookEvent, true> = {
  "mail.added": true,
  "mail.sent": true,
  "mail.failed": true,
  "mailbox.paused": true,
  "mailbox.resumed": true,
  "contact.backfill_done": true,
};
const EVENTS = Object.keys(EVENT_LIST) as WebhookEvent[];

/** Admins: the CRM's webhook endpoints, their deliveries, and the notifications about them. */
export function WebhooksSection(props: { users: User[] }) {
  const { t, lang } = useI18n();
  const loaded = useLoad(
    () =>
      Promise.all([api.listWebhooks(), api.listNotifications()]).then(([h, n]) => ({
        hooks: h.items,
        // until notification mail exists, this page is where a disabled endpoint is announced
        notes: n.items.filter((i) => i.kind === "webhook_disabled"),
      })),
    // again in a newly chosen language, so a load error reads in it
    [lang],
  );
  const hooks = loaded.data?.hooks ?? null;
  const [secret, setSecret] = useState<string | null>(null);

  return (
    <section className="card" data-testid="webhooks">
      <h2 className="card__title">{t("webhooks.title")}</h2>
      <p className="field__hint">{t("webhooks.subtitle")}</p>
      {/* the header's format is for the developer writing the receiver: behind a disclosure, as code */}
      <details className="raw-details">
        <summary>{t("webhooks.signature")}</summary>
        <code>{t("webhooks.signatureSpec")}</code>
      </details>
      {loaded.status === "error" ? <ErrorBanner messages={[errorText(loaded.error, t)]} /> : null}
      {(loaded.data?.notes ?? []).map((n) => (
        <p key={`${n.at}${n.url}`} className="field__error" role="status" data-testid="webhook-notification">
          {t("webhooks.disabledNotice", { url: n.url ?? "", at: formatDateTime(lang, n.at) })}
        </p>
      ))}
      {secret ? (
        <div role="status" data-testid="webhook-secret-shown">
          <p>{t("webhooks.secretShown")}</p>
          <code data-testid="webhook-secret">{secret}</code>{" "}
          <button type="button" className="btn btn--small" onClick={() => setSecret(null)}>
            {t("integrations.shown.done")}
          </button>
        </div>
      ) : null}
      {hooks?.length === 0 ? <p className="empty">{t("webhooks.empty")}</p> : null}
      {(hooks ?? []).map((h) => (
        <WebhookRow key={h.id} hook={h} onChanged={loaded.reload} />
      ))}
      <NewWebhookForm
        users={props.users}
        onCreated={(created) => {
          setSecret(created.secret);
          loaded.reload();
        }}
      />
    </section>
  );
}

const webhookField = (f: string) => (["url", "userId"].includes(f) ? f : f.startsWith("events") ? "events" : null);

function NewWebhookForm(props: { users: User[]; onCreated: (w: CreatedWebhook) => void }) {
  const { t } = useI18n();
  const [url, setUrl] = useState("");
  const [userId, setUserId] = useState("");
  const [events, setEvents] = useState<WebhookEvent[]>(["mail.added"]);
  const { busy, errors, fieldErrors, run } = useSubmit({ fieldKey: webhookField });

  async function submit(e: FormEvent) {
    e.preventDefault();
    const outcome = await run(() => api.createWebhook({ url: url.trim(), events, userId: chosenUser(userId, props.users) }));
    if (!outcome.ok) return;
    props.onCreated(outcome.value);
    setUrl("");
  }
  const toggle = (ev: WebhookEvent) => setEvents((list) => (list.includes(ev) ? list.filter((v) => v !== ev) : [...list, ev]));

  return (
    <form className="form form--compact" onSubmit={submit} noValidate autoComplete="off" data-testid="webhook-new">
      <h3 className="card__title">{t("webhooks.new")}</h3>
      <ErrorBanner messages={errors} testId="webhook-new-error" />
      <TextField label={t("webhooks.url")} hint={t("webhooks.urlHint")} error={fieldErrors.url} value={url} onValueChange={setUrl} spellCheck={false} testId="webhook-new-url" />
      <IntegrationUserSelect
        users={props.users}
        value={chosenUser(userId, props.users)}
        onChange={setUserId}
        label={t("integrations.new.user")}
        hint={t("webhooks.userHint")}
        error={fieldErrors.userId}
        testId="webhook-new-user"
      />
      <fieldset className="field">
        <legend className="field__label">{t("webhooks.events")}</legend>
        {EVENTS.map((ev) => (
          <label key={ev} className="check">
            <input type="checkbox" checked={events.includes(ev)} onChange={() => toggle(ev)} data-testid={`webhook-event-${ev}`} /> {t(`webhooks.event.${ev}`)} <code>{ev}</code>
          </label>
        ))}
        {fieldErrors.events ? <p className="field__error">{fieldErrors.events}</p> : null}
      </fieldset>
      <div className="form__actions">
        <button type="submit" className="btn btn--primary" disabled={busy} data-testid="webhook-new-save">
          {busy ? t("integrations.new.creating") : t("webhooks.create")}
        </button>
      </div>
    </form>
  );
}
