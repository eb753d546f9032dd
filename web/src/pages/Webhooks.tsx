import { useCallback, useEffect, useState, type FormEvent } from "react";
import { ApiError, request } from "../api";
import { ErrorBanner, FormField, TextField, errorText, splitFieldErrors, useNotify } from "../components";
import { formatDateTime, useI18n } from "../i18n";
import { useIntegrationsText, type IntegrationsText } from "../integrationsI18n";
import type { User } from "../api";

/** The events an endpoint can subscribe to, as core/integrations/webhooks/schema.ts lists them. */
const EVENTS = ["mail.added", "mail.sent", "mail.failed", "mailbox.paused", "mailbox.resumed", "contact.backfill_done"] as const;
type EventType = (typeof EVENTS)[number];

interface Webhook {
  id: string;
  url: string;
  events: EventType[];
  userId: string;
  disabledAt: string | null;
  failingSince: string | null;
}
interface Delivery {
  id: string;
  eventId: string;
  type: string;
  status: "delivered" | "retrying" | "failed";
  attempts: number;
  responseCode: number | null;
  durationMs: number | null;
  createdAt: string;
  lastAttemptAt: string | null;
}
interface Notification {
  kind: string;
  at: string;
  url?: string;
}

const enc = encodeURIComponent;
const hooksApi = {
  list: () => request<{ items: Webhook[] }>("GET", "/api/webhooks"),
  create: (body: { url: string; events: EventType[]; userId: string }) => request<Webhook & { secret: string }>("POST", "/api/webhooks", { body }),
  remove: (id: string) => request<void>("DELETE", `/api/webhooks/${enc(id)}`),
  enable: (id: string) => request<Webhook>("POST", `/api/webhooks/${enc(id)}/enable`, { body: {} }),
  test: (id: string) => request<{ eventId: string }>("POST", `/api/webhooks/${enc(id)}/test`, { body: {} }),
  deliveries: (id: string) => request<{ items: Delivery[] }>("GET", `/api/webhooks/${enc(id)}/deliveries`),
  resend: (id: string, deliveryId: string) => request<void>("POST", `/api/webhooks/${enc(id)}/deliveries/${enc(deliveryId)}/resend`, { body: {} }),
  replay: (id: string, from: string, to: string) => request<{ queued: number }>("POST", `/api/webhooks/${enc(id)}/replay`, { body: { from, to } }),
  notifications: () => request<{ items: Notification[] }>("GET", "/api/notifications"),
};

/** Admins: the CRM's webhook endpoints, their deliveries, and the notifications about them. */
export function WebhooksSection(props: { users: User[] }) {
  const { t, lang } = useI18n();
  const x = useIntegrationsText();
  const [hooks, setHooks] = useState<Webhook[] | null>(null);
  const [notes, setNotes] = useState<Notification[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const [h, n] = await Promise.all([hooksApi.list(), hooksApi.notifications()]);
      setHooks(h.items);
      setNotes(n.items.filter((i) => i.kind === "webhook_disabled"));
    } catch (err) {
      setError(errorText(err, t));
    }
  }, [t]);
  useEffect(() => void load(), [load]);

  return (
    <section className="card" data-testid="webhooks">
      <h2 className="card__title">{x("hooks.title")}</h2>
      <p className="field__hint">{x("hooks.subtitle")}</p>
      {error ? <ErrorBanner messages={[error]} /> : null}
      {notes.map((n) => (
        <p key={`${n.at}${n.url}`} className="field__error" role="status" data-testid="webhook-notification">
          {x("hooks.disabledNotice", { url: n.url ?? "", at: formatDateTime(lang, n.at) })}
        </p>
      ))}
      {secret ? (
        <div role="status" data-testid="webhook-secret-shown">
          <p>{x("hooks.secretShown")}</p>
          <code data-testid="webhook-secret">{secret}</code>{" "}
          <button type="button" className="btn btn--small" onClick={() => setSecret(null)}>
            {x("shown.done")}
          </button>
        </div>
      ) : null}
      {hooks?.length === 0 ? <p className="empty">{x("hooks.empty")}</p> : null}
      {(hooks ?? []).map((h) => (
        <WebhookRow key={h.id} hook={h} x={x} onChanged={() => void load()} />
      ))}
      <NewWebhookForm
        users={props.users}
        x={x}
        onCreated={(created) => {
          setSecret(created.secret);
          void load();
        }}
      />
    </section>
  );
}

function WebhookRow(props: { hook: Webhook; x: IntegrationsText; onChanged: () => void }) {
  const { t, lang } = useI18n();
  const notify = useNotify();
  const { hook, x } = props;
  const [deliveries, setDeliveries] = useState<Delivery[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");

  const act = async (what: () => Promise<unknown>, done?: string) => {
    setError(null);
    try {
      await what();
      if (done) notify(done);
    } catch (err) {
      setError(errorText(err, t));
    }
  };
  const showDeliveries = () => act(async () => setDeliveries((await hooksApi.deliveries(hook.id)).items));
  const state = hook.disabledAt ? "disabled" : hook.failingSince ? "failing" : "active";

  return (
    <div className="card card--flush" data-testid="webhook-row" data-webhook-id={hook.id}>
      <p>
        <code className="cell-main">{hook.url}</code> <span data-testid="webhook-state">{x(`hooks.state.${state}`)}</span>
      </p>
      <p className="field__hint">{hook.events.join(", ")}</p>
      {error ? <ErrorBanner messages={[error]} /> : null}
      <div className="form__actions">
        <button type="button" className="btn btn--small" onClick={() => void act(() => hooksApi.test(hook.id), x("hooks.testQueued"))} data-testid="webhook-test">
          {x("hooks.test")}
        </button>
        <button type="button" className="btn btn--small" onClick={() => void showDeliveries()} data-testid="webhook-deliveries">
          {x("hooks.deliveries")}
        </button>
        {hook.disabledAt ? (
          <button type="button" className="btn btn--small" onClick={() => void act(() => hooksApi.enable(hook.id)).then(props.onChanged)} data-testid="webhook-enable">
            {x("hooks.enable")}
          </button>
        ) : null}
        <button type="button" className="btn btn--small btn--danger-ghost" onClick={() => window.confirm(x("hooks.removeConfirm", { url: hook.url })) && void act(() => hooksApi.remove(hook.id)).then(props.onChanged)} data-testid="webhook-remove">
          {x("hooks.remove")}
        </button>
      </div>
      {deliveries ? (
        <>
          <div className="table-wrap">
            <table className="table" data-testid="webhook-deliveries-table">
              <thead>
                <tr>
                  <th scope="col">{x("dlv.at")}</th>
                  <th scope="col">{x("dlv.type")}</th>
                  <th scope="col">{x("col.status")}</th>
                  <th scope="col">{x("dlv.code")}</th>
                  <th scope="col">{x("dlv.time")}</th>
                  <th scope="col" className="table__actions-col" />
                </tr>
              </thead>
              <tbody>
                {deliveries.map((d) => (
                  <tr key={d.id} data-testid="webhook-delivery">
                    <td>{formatDateTime(lang, d.lastAttemptAt ?? d.createdAt)}</td>
                    <td>{d.type}</td>
                    <td data-testid="webhook-delivery-status">{x(`dlv.status.${d.status}`, { attempts: d.attempts })}</td>
                    <td>{d.responseCode ?? "—"}</td>
                    <td>{d.durationMs === null ? "—" : `${d.durationMs} ms`}</td>
                    <td className="table__actions">
                      <button type="button" className="btn btn--small" onClick={() => void act(() => hooksApi.resend(hook.id, d.id), x("hooks.resendQueued"))} data-testid="webhook-resend">
                        {x("dlv.resend")}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <form
            className="form form--compact"
            onSubmit={(e) => {
              e.preventDefault();
              void act(async () => notify(x("hooks.replayQueued", { count: (await hooksApi.replay(hook.id, new Date(from).toISOString(), new Date(to).toISOString())).queued })));
            }}
          >
            <TextField label={x("replay.from")} type="datetime-local" value={from} onValueChange={setFrom} testId="webhook-replay-from" />
            <TextField label={x("replay.to")} type="datetime-local" value={to} onValueChange={setTo} testId="webhook-replay-to" />
            <button type="submit" className="btn btn--small" disabled={!from || !to} data-testid="webhook-replay">
              {x("replay.submit")}
            </button>
          </form>
        </>
      ) : null}
    </div>
  );
}

function NewWebhookForm(props: { users: User[]; x: IntegrationsText; onCreated: (w: Webhook & { secret: string }) => void }) {
  const { t } = useI18n();
  const { x } = props;
  const [url, setUrl] = useState("");
  const [userId, setUserId] = useState("");
  const [events, setEvents] = useState<EventType[]>(["mail.added"]);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<string[]>([]);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const chosenUser = userId || props.users[0]?.id || "";

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setErrors([]);
    setFieldErrors({});
    try {
      props.onCreated(await hooksApi.create({ url: url.trim(), events, userId: chosenUser }));
      setUrl("");
    } catch (err) {
      const split = splitFieldErrors(err instanceof ApiError ? err.fields : [], (f) => (["url", "userId"].includes(f) ? f : f.startsWith("events") ? "events" : null));
      setFieldErrors(split.byField);
      setErrors([errorText(err, t), ...split.other]);
    } finally {
      setBusy(false);
    }
  }
  const toggle = (ev: EventType) => setEvents((list) => (list.includes(ev) ? list.filter((v) => v !== ev) : [...list, ev]));

  return (
    <form className="form form--compact" onSubmit={submit} noValidate autoComplete="off" data-testid="webhook-new">
      <h3 className="card__title">{x("hooks.new")}</h3>
      <ErrorBanner messages={errors} testId="webhook-new-error" />
      <TextField label={x("hooks.url")} hint={x("hooks.urlHint")} error={fieldErrors.url} value={url} onValueChange={setUrl} spellCheck={false} testId="webhook-new-url" />
      <FormField label={x("new.user")} error={fieldErrors.userId} hint={x("hooks.userHint")}>
        {({ id, describedBy, invalid }) => (
          <select id={id} className="input" value={chosenUser} onChange={(e) => setUserId(e.target.value)} aria-describedby={describedBy} aria-invalid={invalid || undefined} data-testid="webhook-new-user">
            {props.users.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name ? `${u.name} <${u.email}>` : u.email}
              </option>
            ))}
          </select>
        )}
      </FormField>
      <fieldset className="field">
        <legend className="field__label">{x("hooks.events")}</legend>
        {EVENTS.map((ev) => (
          <label key={ev} className="check">
            <input type="checkbox" checked={events.includes(ev)} onChange={() => toggle(ev)} data-testid={`webhook-event-${ev}`} /> {ev}
          </label>
        ))}
        {fieldErrors.events ? <p className="field__error">{fieldErrors.events}</p> : null}
      </fieldset>
      <div className="form__actions">
        <button type="submit" className="btn btn--primary" disabled={busy} data-testid="webhook-new-save">
          {busy ? x("new.creating") : x("hooks.create")}
        </button>
      </div>
    </form>
  );
}
