import { useCallback, useEffect, useState, type FormEvent } from "react";
import { api } from "../api";
import { ConfirmDialog, ErrorBanner, FormField, Loading, PageHeader, TextField, errorText, useNotify } from "../components";
import { useSubmit } from "../hooks";
import { useI18n } from "../i18n";
import type { Role, User } from "../api/types";

export function UsersPage(props: { user: User }) {
  const { t } = useI18n();
  const notify = useNotify();
  const [users, setUsers] = useState<User[] | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [toRemove, setToRemove] = useState<User | null>(null);
  const [removeBusy, setRemoveBusy] = useState(false);
  const [removeError, setRemoveError] = useState<string | null>(null);

  const load = useCallback(async () => {
    setLoadError(null);
    try {
      const res = await api.listUsers();
      setUsers(res.items);
    } catch (err) {
      setLoadError(err);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  async function confirmRemove() {
    if (!toRemove) return;
    setRemoveBusy(true);
    setRemoveError(null);
    try {
      await api.deleteUser(toRemove.id);
      setUsers((list) => (list ?? []).filter((u) => u.id !== toRemove.id));
      notify(t("users.removed", { name: toRemove.name || toRemove.email }));
      setToRemove(null);
    } catch (err) {
      setRemoveError(errorText(err, t));
    } finally {
      setRemoveBusy(false);
    }
  }

  const sorted = [...(users ?? [])].sort((a, b) => (a.role === b.role ? a.name.localeCompare(b.name) : a.role === "admin" ? -1 : 1));

  return (
    <>
      <PageHeader title={t("users.title")} subtitle={t("users.subtitle")} />
      <div className="split">
        <section className="split__main">
          {loadError ? <ErrorBanner messages={[errorText(loadError, t)]} onRetry={() => void load()} /> : null}
          {users === null && !loadError ? <Loading /> : null}
          {users !== null ? (
            <div className="card card--flush">
              {sorted.length === 0 ? (
                <p className="empty__title empty">{t("users.empty")}</p>
              ) : (
                <div className="table-wrap">
                  <table className="table" data-testid="users-table">
                    <thead>
                      <tr>
                        <th scope="col">{t("users.col.name")}</th>
                        <th scope="col">{t("users.col.email")}</th>
                        <th scope="col">{t("users.col.role")}</th>
                        <th scope="col" className="table__actions-col">
                          <span className="visually-hidden">{t("users.col.actions")}</span>
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {sorted.map((u) => {
                        const self = u.id === props.user.id;
                        return (
                          <tr key={u.id} data-testid="user-row" data-user-id={u.id}>
                            <td>
                              <span className="cell-main" translate="no">
                                {u.name}
                              </span>
                              {self ? <span className="tag tag--primary">{t("users.you")}</span> : null}
                            </td>
                            <td>{u.email}</td>
                            <td>
                              <span className={`role role--${u.role}`}>{t(u.role === "admin" ? "role.admin" : "role.member")}</span>
                            </td>
                            <td className="table__actions">
                              <button
                                type="button"
                                className="btn btn--small btn--danger-ghost"
                                disabled={self}
                                onClick={() => {
                                  setRemoveError(null);
                                  setToRemove(u);
                                }}
                                data-testid="user-delete"
                              >
                                {t("users.remove")}
                              </button>
                            </td>
                          </tr>
                        );
                      })}
                    </tbody>
                  </table>
                </div>
              )}
            </div>
          ) : null}
        </section>
        <aside className="split__side">
          <NewUserForm
            onCreated={(u) => {
              setUsers((list) => [...(list ?? []), u]);
              notify(t("users.created", { name: u.name || u.email }));
            }}
          />
        </aside>
      </div>
      {toRemove ? (
        <ConfirmDialog
          title={t("users.removeTitle")}
          body={t("users.removeBody", { name: toRemove.name, email: toRemove.email })}
          confirmLabel={t("users.remove")}
          busy={removeBusy}
          error={removeError}
          onConfirm={() => void confirmRemove()}
          onCancel={() => setToRemove(null)}
        />
      ) : null}
    </>
  );
}

function NewUserForm(props: { onCreated: (u: User) => void }) {
  const { t } = useI18n();
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState<Role>("member");
  const { busy, errors, fieldErrors, run } = useSubmit({ fieldKey: (f) => (["email", "name", "password", "role"].includes(f) ? f : null) });

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const secret = password;
    setPassword("");
    const outcome = await run(() => api.createUser({ email: email.trim(), name: name.trim(), password: secret, role }));
    if (!outcome.ok) return;
    setEmail("");
    setName("");
    setRole("member");
    props.onCreated(outcome.value);
  }

  return (
    <form className="card form form--compact" onSubmit={submit} noValidate autoComplete="off">
      <h2 className="card__title">{t("users.add")}</h2>
      <ErrorBanner messages={errors} testId="user-new-error" />
      <TextField label={t("users.name")} error={fieldErrors.name} value={name} onValueChange={setName} testId="user-new-name" />
      <TextField
        label={t("users.email")}
        error={fieldErrors.email}
        type="email"
        value={email}
        onValueChange={setEmail}
        autoComplete="off"
        spellCheck={false}
        testId="user-new-email"
      />
      <TextField
        label={t("users.password")}
        error={fieldErrors.password}
        hint={t("users.passwordHint")}
        type="password"
        value={password}
        onValueChange={setPassword}
        autoComplete="new-password"
        testId="user-new-password"
      />
      <FormField label={t("users.role")} error={fieldErrors.role}>
        {({ id, describedBy, invalid }) => (
          <select
            id={id}
            className="input"
            value={role}
            onChange={(e) => setRole(e.target.value === "admin" ? "admin" : "member")}
            aria-describedby={describedBy}
            aria-invalid={invalid || undefined}
            data-testid="user-new-role"
          >
            <option value="member">{t("role.member")}</option>
            <option value="admin">{t("role.admin")}</option>
          </select>
        )}
      </FormField>
      <div className="form__actions">
        <button type="submit" className="btn btn--primary" disabled={busy} data-testid="user-new-save">
          {busy ? t("common.saving") : t("users.add")}
        </button>
      </div>
    </form>
  );
}
