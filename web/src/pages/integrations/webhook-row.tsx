import { useState } from "react";
import { api } from "../../api";
import type { Webhook, WebhookDelivery } from "../../api";
import { DataTable, ErrorBanner, TextField, errorText, useNotify } from "../../components";
import { useLoad, useSubmit } from "../../hooks";
import { formatDateTime, useI18n } from "../../i18n";

/** One endpoint: its state, its actions, and on demand its deliveries with resend and replay. */
export function WebhookRow(props: { hook: Webhook; onChanged: () => void }) {
  const { t, lang } = useI18n();
  const notify = useNotify();
  const { hook } = props;
  const acting = useSubmit();
  // the deliveries load once asked for, and again at each ask (a delivery may have been retried since)
  const [showDeliveries, setShowDeliveries] = useState(false);
  const deliveries = useLoad((signal) => (showDeliveries ? api.listDeliveries(hook.id, signal).then((r) => r.items) : Promise.resolve(null)), [showDeliveries, hook.id]);
  const errors = [...acting.errors, ...(deliveries.status === "error" ? [errorText(deliveries.error, t)] : [])];

  /** Runs one action; `done` is announced when it worked. */
  const act = async (request: () => Promise<unknown>, done?: string) => {
    const outcome = await acting.run(request);
    if (outcome.ok && done) notify(done);
    return outcome;
  };
  const changeThen = (request: () => Promise<unknown>) =>
    void act(request).then((outcome) => {
      if (!("skipped" in outcome)) props.onChanged();
    });
  const replay = async (from: string, to: string) => {
    const { queued } = await api.replayWebhook(hook.id, { from: new Date(from).toISOString(), to: new Date(to).toISOString() });
    notify(t("webhooks.replayQueued", { count: queued }));
  };
  const state = hook.disabledAt ? "disabled" : hook.failingSince ? "failing" : "active";

  return (
    <div className="card card--flush" data-testid="webhook-row" data-webhook-id={hook.id}>
      <p>
        <code className="cell-main">{hook.url}</code> <span data-testid="webhook-state">{t(`webhooks.state.${state}`)}</span>
      </p>
      <p className="field__hint">{hook.events.map((ev) => t(`webhooks.event.${ev}`)).join(lang === "ja" ? "、" : ", ")}</p>
      <ErrorBanner messages={errors} />
      <div className="form__actions">
        <button type="button" className="btn btn--small" onClick={() => void act(() => api.testWebhook(hook.id), t("webhooks.testQueued"))} data-testid="webhook-test">
          {t("webhooks.test")}
        </button>
        <button type="button" className="btn btn--small" onClick={() => (showDeliveries ? deliveries.reload() : setShowDeliveries(true))} data-testid="webhook-deliveries">
          {t("webhooks.deliveries")}
        </button>
        {hook.disabledAt ? (
          <button type="button" className="btn btn--small" onClick={() => changeThen(() => api.enableWebhook(hook.id))} data-testid="webhook-enable">
            {t("webhooks.enable")}
          </button>
        ) : null}
        <button
          type="button"
          className="btn btn--small btn--danger-ghost"
          onClick={() => window.confirm(t("webhooks.removeConfirm", { url: hook.url })) && changeThen(() => api.removeWebhook(hook.id))}
          data-testid="webhook-remove"
        >
          {t("webhooks.remove")}
        </button>
      </div>
      {deliveries.data ? (
        <>
          <DeliveriesTable deliveries={deliveries.data} onResend={(id) => void act(() => api.resendDelivery(hook.id, id), t("webhooks.resendQueued"))} />
          <ReplayForm fieldErrors={acting.fieldErrors} onReplay={(from, to) => void act(() => replay(from, to))} />
        </>
      ) : null}
    </div>
  );
}

function DeliveriesTable(props: { deliveries: WebhookDelivery[]; onResend: (deliveryId: string) => void }) {
  const { t, lang } = useI18n();
  return (
    <DataTable
      testId="webhook-deliveries-table"
      rows={props.deliveries}
      rowKey={(d) => d.id}
      rowProps={() => ({ "data-testid": "webhook-delivery" })}
      columns={[
        { label: t("webhooks.delivery.at"), cell: (d) => formatDateTime(lang, d.lastAttemptAt ?? d.createdAt) },
        { label: t("webhooks.delivery.type"), cell: (d) => d.type },
        { label: t("integrations.col.status"), testId: "webhook-delivery-status", status: true, cell: (d) => t(`webhooks.delivery.status.${d.status}`, { attempts: d.attempts }) },
        { label: t("webhooks.delivery.code"), cell: (d) => d.responseCode ?? "—" },
        { label: t("webhooks.delivery.time"), cell: (d) => (d.durationMs === null ? "—" : `${d.durationMs} ms`) },
        {
          label: t("webhooks.delivery.resend"),
          actions: true,
          cell: (d) => (
            <button type="button" className="btn btn--small" onClick={() => props.onResend(d.id)} data-testid="webhook-resend">
              {t("webhooks.delivery.resend")}
            </button>
          ),
        },
      ]}
    />
  );
}

/** Sends again every event first delivered between two moments, read in the admin's time zone. */
function ReplayForm(props: { fieldErrors: Record<string, string>; onReplay: (from: string, to: string) => void }) {
  const { t } = useI18n();
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  return (
    <form
      className="form form--compact"
      onSubmit={(e) => {
        e.preventDefault();
        props.onReplay(from, to);
      }}
    >
      <TextField label={t("webhooks.replay.from")} type="datetime-local" error={props.fieldErrors.from} value={from} onValueChange={setFrom} testId="webhook-replay-from" />
      <TextField label={t("webhooks.replay.to")} type="datetime-local" error={props.fieldErrors.to} value={to} onValueChange={setTo} testId="webhook-replay-to" />
      <button type="submit" className="btn btn--small" disabled={!from || !to} data-testid="webhook-replay">
        {t("webhooks.replay.submit")}
      </button>
    </form>
  );
}
