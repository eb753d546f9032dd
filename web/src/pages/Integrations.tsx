import { useCallback, useEffect, useState, type FormEvent } from "react";
import { api, ApiError, request } from "../api";
import { ConfirmDialog, ErrorBanner, FormField, Loading, PageHeader, TextField, errorText, splitFieldErrors, useNotify } from "../components";
import { formatDateTime, useI18n } from "../i18n";
import { useIntegrationsText, type IntegrationsText } from "../integrationsI18n";
import { WebhooksSection } from "./Webhooks";
import type { User } from "../api";

/** The scopes a key can hold, as core/integrations/scopes.ts lists them. */
const SCOPES = ["contacts:read", "contacts:write", "messages:read", "mailboxes:read", "webhooks:manage"] as const;
type Scope = (typeof SCOPES)[number];

interface ApiKey {
  id: string;
  name: string;
  scopes: Scope[];
  userId: string;
  preview: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

const keysApi = {
  list: () => request<{ items: ApiKey[] }>("GET", "/api/api-keys"),
  create: (body: { name: string; scopes: Scope[]; userId: string; expiresAt: string | null }) => request<ApiKey & { key: string }>("POST", "/api/api-keys", { body }),
  revoke: (id: string) => request<ApiKey>("DELETE", `/api/api-keys/${encodeURIComponent(id)}`),
};

const statusOf = (k: ApiKey): "revoked" | "expired" | "active" => (k.revokedAt ? "revoked" : k.expiresAt && Date.parse(k.expiresAt) <= Date.now() ? "expired" : "active");

/** Admins: the CRM's API keys (created here, shown once, revoked here). */
export function IntegrationsPage() {
  const { t, lang } = useI18n();
  const x = useIntegrationsText();
  const notify = useNotify();
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [users, setUsers] = useState<User[]>([]);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [toRevoke, setToRevoke] = useState<ApiKey | null>(null);
  const [revokeBusy, setRevokeBusy] = useState(false);
  const [revokeError, setRevokeError] = useState<string | null>(null);
  const [shownKey, setShownKey] = useState<string | null>(null);

  const load = useCallback(async () => {
    setLoadError(null);
    try {
      const [k, u] = await Promise.all([keysApi.list(), api.listUsers()]);
      setKeys(k.items);
      setUsers(u.items);
    } catch (err) {
      setLoadError(err);
    }
  }, []);
  useEffect(() => void load(), [load]);

  async function confirmRevoke() {
    if (!toRevoke) return;
    setRevokeBusy(true);
    setRevokeError(null);
    try {
      const revoked = await keysApi.revoke(toRevoke.id);
      setKeys((list) => (list ?? []).map((k) => (k.id === revoked.id ? revoked : k)));
      notify(x("revokedNotice", { name: revoked.name }));
      setToRevoke(null);
    } catch (err) {
      setRevokeError(errorText(err, t));
    } finally {
      setRevokeBusy(false);
    }
  }

  const userName = (id: string) => users.find((u) => u.id === id)?.email ?? id;

  return (
    <>
      <PageHeader title={x("title")} subtitle={x("subtitle")} />
      <div className="split">
        <section className="split__main">
          {loadError ? <ErrorBanner messages={[errorText(loadError, t)]} onRetry={() => void load()} /> : null}
          {keys === null && !loadError ? <Loading /> : null}
          {shownKey ? (
            <div className="card" role="status" data-testid="api-key-shown">
              <h2 className="card__title">{x("shown.title")}</h2>
              <p>{x("shown.body")}</p>
              <code className="cell-main" data-testid="api-key-value">{shownKey}</code>
              <div className="form__actions">
                <button type="button" className="btn" onClick={() => setShownKey(null)} data-testid="api-key-shown-done">
                  {x("shown.done")}
                </button>
              </div>
            </div>
          ) : null}
          {keys !== null ? (
            <div className="card card--flush">
              <h2 className="card__title">{x("keys.title")}</h2>
              {keys.length === 0 ? (
                <p className="empty__title empty">{x("keys.empty")}</p>
              ) : (
                <div className="table-wrap">
                  <table className="table" data-testid="api-keys-table">
                    <thead>
                      <tr>
                        <th scope="col">{x("col.name")}</th>
                        <th scope="col">{x("col.scopes")}</th>
                        <th scope="col">{x("col.user")}</th>
                        <th scope="col">{x("col.expires")}</th>
                        <th scope="col">{x("col.lastUsed")}</th>
                        <th scope="col">{x("col.status")}</th>
                        <th scope="col" className="table__actions-col" />
                      </tr>
                    </thead>
                    <tbody>
                      {keys.map((k) => (
                        <tr key={k.id} data-testid="api-key-row" data-key-id={k.id}>
                          <td>
                            <span className="cell-main">{k.name}</span> <code>{k.preview}…</code>
                          </td>
                          <td>{k.scopes.map((s) => x(`scope.${s}`)).join(", ")}</td>
                          <td>{userName(k.userId)}</td>
                          <td>{k.expiresAt ? formatDateTime(lang, k.expiresAt) : x("noExpiry")}</td>
                          <td>{k.lastUsedAt ? formatDateTime(lang, k.lastUsedAt) : x("never")}</td>
                          <td data-testid="api-key-status">{x(statusOf(k))}</td>
                          <td className="table__actions">
                            <button type="button" className="btn btn--small btn--danger-ghost" disabled={!!k.revokedAt} onClick={() => setToRevoke(k)} data-testid="api-key-revoke">
                              {x("revoke")}
                            </button>
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </div>
          ) : null}
          {keys !== null ? <WebhooksSection users={users} /> : null}
        </section>
        <aside className="split__side">
          <NewKeyForm
            users={users}
            x={x}
            onCreated={(created) => {
              const { key, ...listed } = created;
              setKeys((list) => [listed, ...(list ?? [])]);
              setShownKey(key);
            }}
          />
        </aside>
      </div>
      {toRevoke ? (
        <ConfirmDialog
          title={x("revokeTitle")}
          body={x("revokeBody", { name: toRevoke.name })}
          confirmLabel={x("revoke")}
          busy={revokeBusy}
          error={revokeError}
          onConfirm={() => void confirmRevoke()}
          onCancel={() => setToRevoke(null)}
        />
      ) : null}
    </>
  );
}

function NewKeyForm(props: { users: User[]; x: IntegrationsText; onCreated: (k: ApiKey & { key: string }) => void }) {
  const { t } = useI18n();
  const { x } = props;
  const [name, setName] = useState("");
  const [userId, setUserId] = useState("");
  const [scopes, setScopes] = useState<Scope[]>(["contacts:read"]);
  const [expires, setExpires] = useState("");
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
      // a date input gives the day: the key lasts to the end of it, in the admin's time zone
      const expiresAt = expires ? new Date(`${expires}T23:59:59`).toISOString() : null;
      props.onCreated(await keysApi.create({ name: name.trim(), scopes, userId: chosenUser, expiresAt }));
      setName("");
      setExpires("");
    } catch (err) {
      const split = splitFieldErrors(err instanceof ApiError ? err.fields : [], (f) => (["name", "userId", "expiresAt"].includes(f) ? f : f.startsWith("scopes") ? "scopes" : null));
      setFieldErrors(split.byField);
      setErrors([errorText(err, t), ...split.other]);
    } finally {
      setBusy(false);
    }
  }

  const toggle = (s: Scope) => setScopes((list) => (list.includes(s) ? list.filter((v) => v !== s) : [...list, s]));

  return (
    <form className="card form form--compact" onSubmit={submit} noValidate autoComplete="off" data-testid="api-key-new">
      <h2 className="card__title">{x("new.title")}</h2>
      <ErrorBanner messages={errors} testId="api-key-new-error" />
      <TextField label={x("new.name")} error={fieldErrors.name} value={name} onValueChange={setName} testId="api-key-new-name" />
      <FormField label={x("new.user")} error={fieldErrors.userId} hint={x("new.userHint")}>
        {({ id, describedBy, invalid }) => (
          <select id={id} className="input" value={chosenUser} onChange={(e) => setUserId(e.target.value)} aria-describedby={describedBy} aria-invalid={invalid || undefined} data-testid="api-key-new-user">
            {props.users.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name ? `${u.name} <${u.email}>` : u.email}
              </option>
            ))}
          </select>
        )}
      </FormField>
      <fieldset className="field" aria-invalid={!!fieldErrors.scopes || undefined}>
        <legend className="field__label">{x("new.scopes")}</legend>
        {SCOPES.map((s) => (
          <label key={s} className="check">
            <input type="checkbox" checked={scopes.includes(s)} onChange={() => toggle(s)} data-testid={`api-key-scope-${s}`} /> {x(`scope.${s}`)}
          </label>
        ))}
        {fieldErrors.scopes ? <p className="field__error">{fieldErrors.scopes}</p> : null}
      </fieldset>
      <TextField label={x("new.expiresAt")} hint={x("new.expiresHint")} optional error={fieldErrors.expiresAt} type="date" value={expires} onValueChange={setExpires} testId="api-key-new-expires" />
      <div className="form__actions">
        <button type="submit" className="btn btn--primary" disabled={busy} data-testid="api-key-new-save">
          {busy ? x("new.creating") : x("new.create")}
        </button>
      </div>
    </form>
  );
}
