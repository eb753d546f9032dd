import { FormField, RawDetails } from "../../../components";
import { formatDuration, useI18n, type MessageKey } from "../../../i18n";
import { noteText } from "../../../i18n/dynamic";
import { PROVIDER_ORDER, looksLikeEmail } from "../model";
import type { ProviderId } from "../../../api/types";
import { ServerLine } from "./servers";
import type { FormCtx, Discovery } from "./context";

/** Step 1: the owner (admins), the address with autodiscovery, and the provider cards. */
export function MailboxStep(props: { ctx: FormCtx }) {
  const { t } = useI18n();
  const { form, set, changeEmail, clearFieldError, err, editing, isAdmin, ownerChoices, providers, providersFailed, providerLabel, discovery, detect, chooseProvider } = props.ctx;
  return (
    <section className="card form-step" aria-labelledby="step-mailbox">
      <h2 className="form-step__title" id="step-mailbox">
        <span className="form-step__num" aria-hidden="true">
          1
        </span>
        {t("accountForm.step1")}
      </h2>
      {!editing ? <p className="form-step__hint">{t("accountForm.step1Hint")}</p> : null}
      {isAdmin ? (
        <FormField label={t("accountForm.owner")} error={err("ownerId")} hint={editing ? t("accountForm.ownerChangeHint") : undefined}>
          {({ id, describedBy, invalid }) => (
            <select
              id={id}
              className="input"
              value={form.ownerId}
              onChange={(e) => {
                set("ownerId", e.target.value);
                props.ctx.setOwnerTouched();
                clearFieldError("ownerId");
              }}
              aria-describedby={describedBy}
              aria-invalid={invalid || undefined}
              data-testid="account-owner"
            >
              {ownerChoices.some((u) => u.id === form.ownerId) ? null : <option value={form.ownerId}>{t("common.unknownUser")}</option>}
              {ownerChoices.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name ? `${u.name} <${u.email}>` : u.email}
                </option>
              ))}
            </select>
          )}
        </FormField>
      ) : null}
      <FormField label={t("accountForm.email")} error={err("email")}>
        {({ id, describedBy, invalid }) => (
          <div className="input-row">
            <input
              id={id}
              type="email"
              className="input"
              value={form.email}
              onChange={(e) => {
                const email = e.target.value;
                changeEmail(email);
                clearFieldError("email");
              }}
              onBlur={() => {
                const email = form.email.trim();
                const last = discovery.status === "idle" ? "" : discovery.email;
                if (!editing && looksLikeEmail(email) && email !== last) void detect(email);
              }}
              aria-describedby={describedBy}
              aria-invalid={invalid || undefined}
              autoComplete="off"
              spellCheck={false}
              placeholder="name@example.co.jp"
              data-testid="account-email"
            />
            {/* While a lookup runs the button says so with aria-disabled, not disabled: leaving the
                address with Tab lands here and starts the lookup, and a disabled button would
                drop that focus to the page's body. */}
            <button
              type="button"
              className="btn"
              onClick={() => {
                if (discovery.status !== "running") void detect(form.email);
              }}
              disabled={!looksLikeEmail(form.email)}
              aria-disabled={discovery.status === "running" || undefined}
              data-testid="account-detect"
            >
              {t("accountForm.detect")}
            </button>
          </div>
        )}
      </FormField>
      <DiscoveryBox discovery={discovery} providerLabel={providerLabel} />

      <fieldset className="providers" aria-describedby={providersFailed ? "providers-failed" : undefined}>
        <legend className="field__label">{t("accountForm.chooseProvider")}</legend>
        {providersFailed ? (
          <p id="providers-failed" className="field__hint">
            {t("accountForm.providersUnavailable")}
          </p>
        ) : null}
        <div className="providers__grid" data-testid="provider-cards">
          {(providers ? PROVIDER_ORDER.filter((id) => providers.some((p) => p.id === id)) : (["other"] as ProviderId[])).map((id) => {
            const p = providers?.find((x) => x.id === id);
            const checked = form.provider === id;
            return (
              <label key={id} className={`provider-card${checked ? " provider-card--checked" : ""}`} data-testid={`provider-${id}`}>
                <input type="radio" name="provider" value={id} checked={checked} onChange={() => chooseProvider(id)} className="visually-hidden" />
                <span className={`provider-card__logo provider-card__logo--${id}`} aria-hidden="true" translate="no">
                  {providerInitial(id)}
                </span>
                <span className="provider-card__text">
                  {/* a provider's name is a brand: written as it writes it, in every language */}
                  <span className="provider-card__name" translate={id === "other" ? undefined : "no"}>
                    {providerLabel(id)}
                  </span>
                  <span className="provider-card__host">{p?.imap ? p.imap.host : t("provider.otherHint")}</span>
                </span>
              </label>
            );
          })}
        </div>
        {err("provider") ? <p className="field__error">{err("provider")}</p> : null}
      </fieldset>
    </section>
  );
}

function providerInitial(id: ProviderId): string {
  const letters: Record<ProviderId, string> = {
    gmail: "G",
    microsoft365: "M",
    outlook: "O",
    yahoo: "Y!",
    yahoo_japan: "Y!",
    zoho: "Z",
    zoho_pro: "Z",
    icloud: "i",
    aol: "A",
    other: "@",
  };
  return letters[id];
}

function DiscoveryBox(props: { discovery: Discovery; providerLabel: (id: ProviderId) => string }) {
  const { t, lang } = useI18n();
  const d = props.discovery;
  if (d.status === "idle") return null;
  if (d.status === "running") {
    return (
      <div className="discovery discovery--running" role="status" data-testid="account-discovery">
        <span className="spinner spinner--small" aria-hidden="true" />
        {t("accountForm.detecting", { domain: d.domain })}
      </div>
    );
  }
  if (d.status === "error") {
    return (
      <div className="discovery discovery--none" role="status" data-testid="account-discovery" data-status="error">
        {t("accountForm.detectFailed", { error: d.message })}
      </div>
    );
  }
  const r = d.result;
  const found = r.imap !== null;
  return (
    <div className={`discovery${found ? " discovery--found" : " discovery--none"}`} role="status" data-testid="account-discovery" data-status={found ? "found" : "none"}>
      {found ? (
        <>
          <p className="discovery__title">
            {t("accountForm.detected", { domain: r.domain })}
            <span className="discovery__provider">{t("accountForm.detectedProvider", { provider: props.providerLabel(r.provider) })}</span>
          </p>
          <p className="server-summary">
            <ServerLine label={t("accountForm.incoming")} server={r.imap ? { ...r.imap, port: String(r.imap.port) } : null} source={r.imap?.source ?? null} />
            <ServerLine label={t("accountForm.outgoing")} server={r.smtp ? { ...r.smtp, port: String(r.smtp.port) } : null} source={r.smtp?.source ?? null} />
          </p>
        </>
      ) : (
        <p>{t("accountForm.detectNone", { domain: r.domain })}</p>
      )}
      {r.sources.length ? (
        <details className="discovery__details">
          <summary>{t("accountForm.detectDetails")}</summary>
          <ul>
            {r.sources.map((s) => (
              <li key={s.step} data-status={s.status}>
                <span className="discovery__step">{t(`source.${s.step}` as MessageKey)}</span>
                <span className={`discovery__status discovery__status--${s.status}`}>{t(`discovery.status.${s.status}` as MessageKey)}</span>
                {s.status !== "skipped" ? <span className="muted">{formatDuration(lang, s.ms)}</span> : null}
                <span className="discovery__detail">{noteText(t, lang, s.note)}</span>
                <RawDetails text={s.detail} className="discovery__raw" />
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}
