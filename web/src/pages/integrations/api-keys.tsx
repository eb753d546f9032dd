import { useState, type FormEvent } from "react";
import { api } from "../../api";
import type { ApiKey, ApiKeyScope, CreatedApiKey, User } from "../../api";
import { DataTable, ErrorBanner, TextField } from "../../components";
import { useSubmit } from "../../hooks";
import { formatDateTime, useI18n, type MessageKey } from "../../i18n";
import { IntegrationUserSelect, chosenUser } from "./user-select";

/** Every scope a key can hold, in the order shown: a scope the API adds fails the type-check here until it has a label. */
const SCOPE_LABELS: Record<ApiKeyScope, MessageKey> = {
  "contacts:read": "integrations.scope.contacts:read",
  "contacts:write": "integrations.scope.contacts:write",
  "messages:read": "integrations.scope.messages:read",
  "mailboxes:read": "integrations.scope.mailboxes:read",
  "webhooks:manage": "integrations.scope.webhooks:manage",
};
const SCOPES = Object.keys(SCOPE_LABELS) as ApiKeyScope[];

const statusOf = (k: ApiKey): "revoked" | "expired" | "active" => (k.revokedAt ? "revoked" : k.expiresAt && Date.parse(k.expiresAt) <= Date.now() ? "expired" : "active");

/** The keys, never the keys themselves: a name, the first characters, who it acts as, and its state. */
export function ApiKeysTable(props: { keys: ApiKey[]; users: User[]; onRevoke: (k: ApiKey) => void }) {
  const { t, lang } = useI18n();
  const userName = (id: string) => props.users.find((u) => u.id === id)?.email ?? id;
  return (
    <div className="card card--flush">
      <h2 className="card__title">{t("integrations.keys.title")}</h2>
      {props.keys.length === 0 ? (
        <p className="empty__title empty">{t("integrations.keys.empty")}</p>
      ) : (
        <DataTable
          testId="api-keys-table"
          rows={props.keys}
          rowKey={(k) => k.id}
          rowProps={(k) => ({ "data-testid": "api-key-row", "data-key-id": k.id })}
          columns={[
            {
              label: t("integrations.col.name"),
              cell: (k) => (
                <>
                  <span className="cell-main">{k.name}</span> <code>{k.preview}…</code>
                </>
              ),
            },
            { label: t("integrations.col.scopes"), cell: (k) => k.scopes.map((s) => t(SCOPE_LABELS[s])).join(", ") },
            { label: t("integrations.col.user"), cell: (k) => userName(k.userId) },
            { label: t("integrations.col.expires"), cell: (k) => (k.expiresAt ? formatDateTime(lang, k.expiresAt) : t("integrations.noExpiry")) },
            { label: t("integrations.col.lastUsed"), cell: (k) => (k.lastUsedAt ? formatDateTime(lang, k.lastUsedAt) : t("integrations.never")) },
            { label: t("integrations.col.status"), testId: "api-key-status", status: true, cell: (k) => t(`integrations.status.${statusOf(k)}`) },
            {
              label: t("integrations.revoke"),
              actions: true,
              cell: (k) => (
                <button type="button" className="btn btn--small btn--danger-ghost" disabled={!!k.revokedAt} onClick={() => props.onRevoke(k)} data-testid="api-key-revoke">
                  {t("integrations.revoke")}
                </button>
              ),
            },
          ]}
        />
      )}
    </div>
  );
}

/** A new key, shown this once: only its hash is kept, so it is gone from the page once acknowledged. */
export function ShownKey(props: { value: string; onDone: () => void }) {
  const { t } = useI18n();
  return (
    <div className="card" role="status" data-testid="api-key-shown">
      <h2 className="card__title">{t("integrations.shown.title")}</h2>
      <p>{t("integrations.shown.body")}</p>
      <code className="cell-main" data-testid="api-key-value">
        {props.value}
      </code>
      <div className="form__actions">
        <button type="button" className="btn" onClick={props.onDone} data-testid="api-key-shown-done">
          {t("integrations.shown.done")}
        </button>
      </div>
    </div>
  );
}

const keyField = (f: string) => (["name", "userId", "expiresAt"].includes(f) ? f : f.startsWith("scopes") ? "scopes" : null);

export function NewKeyForm(props: { users: User[]; onCreated: (k: CreatedApiKey) => void }) {
  const { t } = useI18n();
  const [name, setName] = useState("");
  const [userId, setUserId] = useState("");
  const [scopes, setScopes] = useState<ApiKeyScope[]>(["contacts:read"]);
  const [expires, setExpires] = useState("");
  const { busy, errors, fieldErrors, run } = useSubmit({ fieldKey: keyField });

  async function submit(e: FormEvent) {
    e.preventDefault();
    // a date input gives the day: the key lasts to the end of it, in the admin's time zone
    const expiresAt = expires ? new Date(`${expires}T23:59:59`).toISOString() : null;
    const outcome = await run(() => api.createApiKey({ name: name.trim(), scopes, userId: chosenUser(userId, props.users), expiresAt }));
    if (!outcome.ok) return;
    props.onCreated(outcome.value);
    setName("");
    setExpires("");
  }

  const toggle = (s: ApiKeyScope) => setScopes((list) => (list.includes(s) ? list.filter((v) => v !== s) : [...list, s]));

  return (
    <form className="card form form--compact" onSubmit={submit} noValidate autoComplete="off" data-testid="api-key-new">
      <h2 className="card__title">{t("integrations.new.title")}</h2>
      <ErrorBanner messages={errors} testId="api-key-new-error" />
      <TextField label={t("integrations.new.name")} error={fieldErrors.name} value={name} onValueChange={setName} testId="api-key-new-name" />
      <IntegrationUserSelect
        users={props.users}
        value={chosenUser(userId, props.users)}
        onChange={setUserId}
        label={t("integrations.new.user")}
        hint={t("integrations.new.userHint")}
        error={fieldErrors.userId}
        testId="api-key-new-user"
      />
      <fieldset className="field" aria-invalid={!!fieldErrors.scopes || undefined}>
        <legend className="field__label">{t("integrations.new.scopes")}</legend>
        {SCOPES.map((s) => (
          <label key={s} className="check">
            <input type="checkbox" checked={scopes.includes(s)} onChange={() => toggle(s)} data-testid={`api-key-scope-${s}`} /> {t(SCOPE_LABELS[s])}
          </label>
        ))}
        {fieldErrors.scopes ? <p className="field__error">{fieldErrors.scopes}</p> : null}
      </fieldset>
      <TextField
        label={t("integrations.new.expiresAt")}
        hint={t("integrations.new.expiresHint")}
        optional
        error={fieldErrors.expiresAt}
        type="date"
        value={expires}
        onValueChange={setExpires}
        testId="api-key-new-expires"
      />
      <div className="form__actions">
        <button type="submit" className="btn btn--primary" disabled={busy} data-testid="api-key-new-save">
          {busy ? t("integrations.new.creating") : t("integrations.new.create")}
        </button>
      </div>
    </form>
  );
}
