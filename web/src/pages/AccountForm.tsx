import { useEffect, useState, type FormEvent } from "react";
import { api, ApiError } from "../api";
import { ErrorBanner, FormField, IconBack, IconWarning, Loading, PageHeader, StateBadge, errorText, splitFieldErrors, useNotify } from "../components";
import { formatDateTime, useI18n } from "../i18n";
import { href, navigate } from "../router";
import type { Account, AccountInput, Security, User } from "../types";

const USUAL_PORT: Record<Security, number> = { tls: 993, starttls: 143, none: 143 };
const SECURITIES: Security[] = ["tls", "starttls", "none"];

/** Field paths the API may name in error.fields, shown next to the matching input. */
const KNOWN_FIELDS = new Set(["ownerId", "email", "displayName", "imap.host", "imap.port", "imap.security", "imap.user", "password", "allowInsecureCerts", "syncEnabled"]);

interface FormState {
  ownerId: string;
  email: string;
  displayName: string;
  host: string;
  port: string;
  security: Security;
  user: string;
  allowInsecureCerts: boolean;
  syncEnabled: boolean;
}

function fromAccount(a: Account): FormState {
  return {
    ownerId: a.ownerId,
    email: a.email,
    displayName: a.displayName ?? "",
    host: a.imap.host,
    port: String(a.imap.port),
    security: a.imap.security,
    user: a.imap.user,
    allowInsecureCerts: a.allowInsecureCerts,
    syncEnabled: a.syncEnabled,
  };
}

export function AccountFormPage(props: { user: User; id?: string }) {
  const { t, lang } = useI18n();
  const notify = useNotify();
  const editing = props.id !== undefined;
  const isAdmin = props.user.role === "admin";

  const [form, setForm] = useState<FormState>({
    ownerId: props.user.id,
    email: "",
    displayName: "",
    host: "",
    port: "993",
    security: "tls",
    user: "",
    allowInsecureCerts: false,
    syncEnabled: true,
  });
  // Write-only: lives only between typing and submit, never loaded from or kept after the API call.
  const [password, setPassword] = useState("");
  const [userTouched, setUserTouched] = useState(editing);
  const [account, setAccount] = useState<Account | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [users, setUsers] = useState<User[]>([]);
  const [busy, setBusy] = useState(false);
  const [generalErrors, setGeneralErrors] = useState<string[]>([]);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});

  useEffect(() => {
    if (!props.id) return;
    let cancelled = false;
    api
      .getAccount(props.id)
      .then((a) => {
        if (cancelled) return;
        setAccount(a);
        setForm(fromAccount(a));
      })
      .catch((err) => {
        if (!cancelled) setLoadError(err);
      });
    return () => {
      cancelled = true;
    };
  }, [props.id]);

  useEffect(() => {
    if (!isAdmin) return;
    api
      .listUsers()
      .then((res) => setUsers(res.items))
      .catch(() => undefined);
  }, [isAdmin]);

  function set<K extends keyof FormState>(key: K, value: FormState[K]) {
    setForm((f) => ({ ...f, [key]: value }));
  }

  function clearFieldError(path: string) {
    setFieldErrors((e) => {
      if (!(path in e)) return e;
      const next = { ...e };
      delete next[path];
      return next;
    });
  }

  function changeSecurity(security: Security) {
    setForm((f) => {
      const port = f.port.trim();
      const standard = port === "" || Object.values(USUAL_PORT).some((p) => String(p) === port);
      return { ...f, security, port: standard ? String(USUAL_PORT[security]) : f.port };
    });
    clearFieldError("imap.security");
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const portText = form.port.trim();
    const port: number | string = /^\d+$/.test(portText) ? Number(portText) : portText;
    const email = form.email.trim();
    const imap = { host: form.host.trim(), port, security: form.security, user: form.user.trim() || email };
    const secret = password;
    setPassword("");
    setBusy(true);
    setGeneralErrors([]);
    setFieldErrors({});
    try {
      let saved: Account;
      if (editing && props.id) {
        saved = await api.updateAccount(props.id, {
          email,
          displayName: form.displayName.trim(),
          ...(isAdmin ? { ownerId: form.ownerId } : {}),
          imap,
          ...(secret ? { password: secret } : {}),
          allowInsecureCerts: form.allowInsecureCerts,
          syncEnabled: form.syncEnabled,
        });
        notify(t("accountForm.saved", { email: saved.email }));
      } else {
        const input: AccountInput = {
          email,
          ...(form.displayName.trim() ? { displayName: form.displayName.trim() } : {}),
          ...(isAdmin && form.ownerId !== props.user.id ? { ownerId: form.ownerId } : {}),
          imap,
          password: secret,
          allowInsecureCerts: form.allowInsecureCerts,
          syncEnabled: form.syncEnabled,
        };
        saved = await api.createAccount(input);
        notify(t("accountForm.created", { email: saved.email }));
      }
      navigate("/accounts");
    } catch (err) {
      const fields = err instanceof ApiError ? err.fields : [];
      const split = splitFieldErrors(fields, (f) => (KNOWN_FIELDS.has(f) ? f : null));
      setFieldErrors(split.byField);
      const general = errorText(err, t);
      setGeneralErrors([general || t("error.fixFields"), ...split.other]);
      setBusy(false);
      window.scrollTo({ top: 0, behavior: "smooth" });
    }
  }

  const back = (
    <a className="back-link" href={href("/accounts")}>
      <IconBack />
      {t("accountForm.back")}
    </a>
  );

  if (editing && loadError) {
    const notFound = loadError instanceof ApiError && loadError.status === 404;
    return (
      <>
        <PageHeader title={t("accountForm.titleEdit")} back={back} />
        <ErrorBanner messages={[notFound ? t("accountForm.notFound") : errorText(loadError, t)]} />
      </>
    );
  }
  if (editing && !account) {
    return (
      <>
        <PageHeader title={t("accountForm.titleEdit")} back={back} />
        <Loading />
      </>
    );
  }

  const usualPort = USUAL_PORT[form.security];
  const portDiffers = form.port.trim() !== String(usualPort);
  const err = (path: string) => fieldErrors[path];
  const ownerChoices = isAdmin ? (users.length ? users : [props.user]) : [];

  return (
    <div className="narrow">
      <PageHeader title={editing ? t("accountForm.titleEdit") : t("accountForm.titleNew")} subtitle={account ? account.email : undefined} back={back} />

      {account ? (
        <div className="status-strip">
          <div className="status-strip__item">
            <span className="status-strip__label">{t("accountForm.status")}</span>
            <StateBadge state={account.state} />
          </div>
          <div className="status-strip__item">
            <span className="status-strip__label">{t("accountForm.lastSync")}</span>
            <span>{account.lastSyncAt ? formatDateTime(lang, account.lastSyncAt) : t("accounts.neverSynced")}</span>
          </div>
          {account.lastError ? (
            <div className="status-strip__item status-strip__item--wide">
              <span className="status-strip__label">{t("accountForm.lastError")}</span>
              <span className="text-error">{account.lastError.message}</span>
            </div>
          ) : null}
        </div>
      ) : null}

      <ErrorBanner messages={generalErrors} testId="account-form-error" />

      <form className="card form" onSubmit={submit} noValidate autoComplete="off">
        <fieldset className="form__section">
          <legend className="form__legend">{t("accountForm.sectionMailbox")}</legend>
          {isAdmin ? (
            <FormField label={t("accountForm.owner")} error={err("ownerId")}>
              {({ id, describedBy, invalid }) => (
                <select
                  id={id}
                  className="input"
                  value={form.ownerId}
                  onChange={(e) => {
                    set("ownerId", e.target.value);
                    clearFieldError("ownerId");
                  }}
                  aria-describedby={describedBy}
                  aria-invalid={invalid || undefined}
                  data-testid="account-owner"
                >
                  {ownerChoices.some((u) => u.id === form.ownerId) ? null : <option value={form.ownerId}>{form.ownerId}</option>}
                  {ownerChoices.map((u) => (
                    <option key={u.id} value={u.id}>
                      {u.name ? `${u.name} <${u.email}>` : u.email}
                    </option>
                  ))}
                </select>
              )}
            </FormField>
          ) : null}
          <div className="form__row">
            <FormField label={t("accountForm.email")} error={err("email")}>
              {({ id, describedBy, invalid }) => (
                <input
                  id={id}
                  type="email"
                  className="input"
                  value={form.email}
                  onChange={(e) => {
                    const email = e.target.value;
                    setForm((f) => ({ ...f, email, user: userTouched ? f.user : email }));
                    clearFieldError("email");
                  }}
                  aria-describedby={describedBy}
                  aria-invalid={invalid || undefined}
                  autoComplete="off"
                  spellCheck={false}
                  data-testid="account-email"
                />
              )}
            </FormField>
            <FormField label={t("accountForm.displayName")} error={err("displayName")} hint={t("accountForm.displayNameHint")} optional>
              {({ id, describedBy, invalid }) => (
                <input
                  id={id}
                  className="input"
                  value={form.displayName}
                  onChange={(e) => {
                    set("displayName", e.target.value);
                    clearFieldError("displayName");
                  }}
                  aria-describedby={describedBy}
                  aria-invalid={invalid || undefined}
                  data-testid="account-display-name"
                />
              )}
            </FormField>
          </div>
        </fieldset>

        <fieldset className="form__section">
          <legend className="form__legend">{t("accountForm.sectionServer")}</legend>
          <div className="form__row form__row--server">
            <FormField label={t("accountForm.host")} error={err("imap.host")} className="field--grow">
              {({ id, describedBy, invalid }) => (
                <input
                  id={id}
                  className="input"
                  value={form.host}
                  placeholder={t("accountForm.hostPlaceholder")}
                  onChange={(e) => {
                    set("host", e.target.value);
                    clearFieldError("imap.host");
                  }}
                  aria-describedby={describedBy}
                  aria-invalid={invalid || undefined}
                  autoComplete="off"
                  spellCheck={false}
                  data-testid="account-host"
                />
              )}
            </FormField>
            <FormField label={t("accountForm.security")} error={err("imap.security")} className="field--security">
              {({ id, describedBy, invalid }) => (
                <select
                  id={id}
                  className="input"
                  value={form.security}
                  onChange={(e) => changeSecurity(e.target.value as Security)}
                  aria-describedby={describedBy}
                  aria-invalid={invalid || undefined}
                  data-testid="account-security"
                >
                  {SECURITIES.map((s) => (
                    <option key={s} value={s}>
                      {t(`security.${s}`)}
                    </option>
                  ))}
                </select>
              )}
            </FormField>
            <FormField label={t("accountForm.port")} error={err("imap.port")} className="field--port">
              {({ id, describedBy, invalid }) => (
                <input
                  id={id}
                  className="input"
                  inputMode="numeric"
                  value={form.port}
                  onChange={(e) => {
                    set("port", e.target.value);
                    clearFieldError("imap.port");
                  }}
                  aria-describedby={describedBy}
                  aria-invalid={invalid || undefined}
                  autoComplete="off"
                  data-testid="account-port"
                />
              )}
            </FormField>
          </div>
          {portDiffers ? (
            <p className="inline-hint" data-testid="account-port-suggest">
              {t("accountForm.portSuggest", { security: t(`security.${form.security}`), port: usualPort })}{" "}
              <button
                type="button"
                className="btn-link"
                onClick={() => {
                  set("port", String(usualPort));
                  clearFieldError("imap.port");
                }}
              >
                {t("accountForm.usePort", { port: usualPort })}
              </button>
            </p>
          ) : null}
          {form.security === "none" ? (
            <div className="warning">
              <IconWarning />
              <span>{t("accountForm.noneWarning")}</span>
            </div>
          ) : null}
          <div className="form__row">
            <FormField label={t("accountForm.user")} error={err("imap.user")} hint={t("accountForm.userHint")}>
              {({ id, describedBy, invalid }) => (
                <input
                  id={id}
                  className="input"
                  value={form.user}
                  placeholder={form.email}
                  onChange={(e) => {
                    setUserTouched(true);
                    set("user", e.target.value);
                    clearFieldError("imap.user");
                  }}
                  aria-describedby={describedBy}
                  aria-invalid={invalid || undefined}
                  autoComplete="off"
                  spellCheck={false}
                  data-testid="account-user"
                />
              )}
            </FormField>
            <FormField
              label={t("accountForm.password")}
              error={err("password")}
              hint={editing && account?.hasPassword ? t("accountForm.passwordSaved") : t("accountForm.passwordHint")}
            >
              {({ id, describedBy, invalid }) => (
                <input
                  id={id}
                  type="password"
                  className="input"
                  value={password}
                  placeholder={editing && account?.hasPassword ? "••••••••" : undefined}
                  onChange={(e) => {
                    setPassword(e.target.value);
                    clearFieldError("password");
                  }}
                  aria-describedby={describedBy}
                  aria-invalid={invalid || undefined}
                  autoComplete="new-password"
                  data-testid="account-password"
                />
              )}
            </FormField>
          </div>
        </fieldset>

        <fieldset className="form__section">
          <legend className="form__legend">{t("accountForm.sectionOptions")}</legend>
          <label className={`check${form.allowInsecureCerts ? " check--warn" : ""}`}>
            <input
              type="checkbox"
              checked={form.allowInsecureCerts}
              onChange={(e) => {
                set("allowInsecureCerts", e.target.checked);
                clearFieldError("allowInsecureCerts");
              }}
              data-testid="account-insecure"
            />
            <span className="check__text">
              <span className="check__label">{t("accountForm.insecure")}</span>
              <span className={`check__hint${form.allowInsecureCerts ? " check__hint--warn" : ""}`}>
                {form.allowInsecureCerts ? <IconWarning /> : null}
                {t("accountForm.insecureWarning")}
              </span>
              {err("allowInsecureCerts") ? <span className="field__error">{err("allowInsecureCerts")}</span> : null}
            </span>
          </label>
          <label className="check">
            <input
              type="checkbox"
              checked={form.syncEnabled}
              onChange={(e) => {
                set("syncEnabled", e.target.checked);
                clearFieldError("syncEnabled");
              }}
              data-testid="account-sync-enabled"
            />
            <span className="check__text">
              <span className="check__label">{t("accountForm.syncEnabled")}</span>
              <span className="check__hint">{t("accountForm.syncEnabledHint")}</span>
              {err("syncEnabled") ? <span className="field__error">{err("syncEnabled")}</span> : null}
            </span>
          </label>
        </fieldset>

        <div className="form__actions">
          <a className="btn" href={href("/accounts")}>
            {t("common.cancel")}
          </a>
          <button type="submit" className="btn btn--primary" disabled={busy} data-testid="account-save">
            {busy ? t("common.saving") : t("common.save")}
          </button>
        </div>
      </form>
    </div>
  );
}
