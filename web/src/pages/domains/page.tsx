import { useMemo, useState, type FormEvent } from "react";
import { api } from "../../api";
import type { Account, ConnectionTestResult, DomainSettings, DomainSettingsInput, ProviderView, Security } from "../../api/types";
import {
  ConfirmDialog,
  DataTable,
  useDiscardGuard,
  EmptyState,
  ErrorBanner,
  FormField,
  Loading,
  PageHeader,
  SecuritySelect,
  TextField,
  errorText,
  useNotify,
} from "../../components";
import { TestResults } from "../../connectionTest";
import { useLoad, useSubmit } from "../../hooks";
import { useI18n, type MessageKey } from "../../i18n";

/**
 * Company domains (admins): the IMAP and SMTP settings pinned per domain, which autodiscovery
 * puts above every other source (HubSpot's "settings pre-set by your admin"), so a member
 * connects by typing only address and password. Each row says how many connected mailboxes
 * have an address in the domain and how many of them use the pinned IMAP server; the form can
 * test the settings once with one mailbox's address and password, which are not saved.
 */
type Server = { host: string; port: string; security: Security };
type Draft = { domain: string; provider: ProviderView["id"]; imap: Server; smtp: Server; username: DomainSettingsInput["username"] };

const blank = (): Draft => ({
  domain: "",
  provider: "other",
  imap: { host: "", port: "993", security: "tls" },
  smtp: { host: "", port: "465", security: "tls" },
  username: "email",
});
const toDraft = (d: DomainSettings): Draft => ({
  domain: d.domain,
  provider: d.provider ?? "other",
  imap: { ...d.imap, port: String(d.imap.port) },
  smtp: { ...d.smtp, port: String(d.smtp.port) },
  username: d.username,
});
/** A port the server must judge is sent as typed when it is not a number, so the 400 names it. */
const port = (text: string): number => (/^\d+$/.test(text.trim()) ? Number(text.trim()) : (text as unknown as number));
const toInput = (d: Draft): DomainSettingsInput => ({
  provider: d.provider,
  imap: { host: d.imap.host.trim(), port: port(d.imap.port), security: d.imap.security },
  smtp: { host: d.smtp.host.trim(), port: port(d.smtp.port), security: d.smtp.security },
  username: d.username,
});
const domainOfAddress = (email: string) => email.slice(email.lastIndexOf("@") + 1).toLowerCase();

export function DomainsPage() {
  const { t } = useI18n();
  const notify = useNotify();
  const list = useLoad(() => api.listDomainSettings().then((r) => r.items), []);
  const accounts = useLoad<Account[]>(() => api.listAccounts().then((r) => r.items), []).data;
  const providers = useLoad<ProviderView[]>(() => api.listProviders().then((r) => r.items), []).data ?? [];
  const [editing, setEditing] = useState<{ draft: Draft; isNew: boolean } | null>(null);
  const [removing, setRemoving] = useState<string | null>(null);
  const remove = useSubmit();

  const usage = useMemo(() => {
    const out = new Map<string, { count: number; matching: number }>();
    for (const d of list.data ?? []) {
      const mine = (accounts ?? []).filter((a) => domainOfAddress(a.email) === d.domain);
      out.set(d.domain, { count: mine.length, matching: mine.filter((a) => a.imap.host.toLowerCase() === d.imap.host.toLowerCase()).length });
    }
    return out;
  }, [list.data, accounts]);

  async function confirmRemove() {
    if (!removing) return;
    const domain = removing;
    const outcome = await remove.run(() => api.deleteDomainSettings(domain));
    if (!outcome.ok) return;
    setRemoving(null);
    list.set((latest) => (latest ?? []).filter((d) => d.domain !== domain));
    notify(t("domains.removed", { domain }));
  }

  return (
    <>
      <PageHeader
        title={t("domains.title")}
        subtitle={t("domains.subtitle")}
        actions={
          editing ? null : (
            <button type="button" className="btn btn--primary" onClick={() => setEditing({ draft: blank(), isNew: true })} data-testid="domain-add">
              {t("domains.add")}
            </button>
          )
        }
      />
      {list.status === "error" ? <ErrorBanner messages={[errorText(list.error, t)]} onRetry={list.reload} /> : null}
      {editing ? (
        <DomainForm
          key={editing.isNew ? "new" : editing.draft.domain}
          initial={editing.draft}
          isNew={editing.isNew}
          providers={providers}
          onCancel={() => setEditing(null)}
          onSaved={(saved) => {
            setEditing(null);
            list.set((latest) => [...(latest ?? []).filter((d) => d.domain !== saved.domain), saved].sort((a, b) => a.domain.localeCompare(b.domain)));
            notify(t("domains.saved", { domain: saved.domain }));
          }}
        />
      ) : null}
      {list.data === null ? (
        list.status === "loading" ? (
          <Loading />
        ) : null
      ) : list.data.length === 0 ? (
        <EmptyState title={t("domains.empty")} hint={t("domains.emptyHint")} />
      ) : (
        <div className="card card--flush">
          <DataTable
            testId="domains-table"
            rows={list.data}
            rowKey={(d) => d.domain}
            rowProps={(d) => ({ "data-testid": "domain-row", "data-domain": d.domain })}
            columns={[
              { label: t("domains.col.domain"), cell: (d) => <strong>{d.domain}</strong> },
              {
                label: t("domains.col.servers"),
                cell: (d) => (
                  <>
                    <div>
                      IMAP {d.imap.host}:{d.imap.port} · {t(`security.${d.imap.security}` as MessageKey)}
                    </div>
                    <div>
                      SMTP {d.smtp.host}:{d.smtp.port} · {t(`security.${d.smtp.security}` as MessageKey)}
                    </div>
                  </>
                ),
              },
              { label: t("domains.col.username"), cell: (d) => t(`domains.username.${d.username}` as MessageKey) },
              {
                label: t("domains.col.mailboxes"),
                testId: "domain-usage",
                cell: (d) => {
                  const used = usage.get(d.domain);
                  return used && used.count ? t("domains.mailboxes", { count: used.count, matching: used.matching }) : t("domains.mailboxesNone");
                },
              },
              {
                label: t("common.edit"),
                actions: true,
                cell: (d) => (
                  <>
                    <button type="button" className="btn btn--small" onClick={() => setEditing({ draft: toDraft(d), isNew: false })} data-testid="domain-edit">
                      {t("common.edit")}
                    </button>
                    <button type="button" className="btn btn--small btn--danger-ghost" onClick={() => setRemoving(d.domain)} data-testid="domain-remove">
                      {t("domains.remove")}
                    </button>
                  </>
                ),
              },
            ]}
          />
        </div>
      )}
      {removing ? (
        <ConfirmDialog
          title={t("domains.removeTitle", { domain: removing })}
          body={t("domains.removeBody")}
          confirmLabel={t("domains.remove")}
          busy={remove.busy}
          error={remove.errors[0] ?? null}
          onConfirm={() => void confirmRemove()}
          onCancel={() => setRemoving(null)}
        />
      ) : null}
    </>
  );
}

function DomainForm(props: { initial: Draft; isNew: boolean; providers: ProviderView[]; onCancel: () => void; onSaved: (saved: DomainSettings) => void }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState<Draft>(props.initial);
  const save = useSubmit();
  const discard = useDiscardGuard(!save.busy && JSON.stringify(draft) !== JSON.stringify(props.initial));
  const err = (field: string) => save.fieldErrors[field];

  async function submit(e: FormEvent) {
    e.preventDefault();
    const outcome = await save.run(() => api.putDomainSettings(draft.domain.trim(), toInput(draft)));
    if (outcome.ok) props.onSaved(outcome.value);
  }

  const server = (which: "imap" | "smtp") => (
    <fieldset className="form__section" data-testid={`domain-${which}`}>
      <legend className="form__legend">{t(which === "imap" ? "domains.imap" : "domains.smtp")}</legend>
      <div className="form__row form__row--server">
        <TextField
          label={t("domains.host")}
          error={err(`${which}.host`)}
          value={draft[which].host}
          onValueChange={(host) => setDraft((d) => ({ ...d, [which]: { ...d[which], host } }))}
          autoComplete="off"
          spellCheck={false}
          testId={`domain-${which}-host`}
        />
        <SecuritySelect
          label={t("accountForm.security")}
          error={err(`${which}.security`)}
          value={draft[which].security}
          onChange={(security) => setDraft((d) => ({ ...d, [which]: { ...d[which], security } }))}
          testId={`domain-${which}-security`}
        />
        <TextField
          label={t("domains.port")}
          error={err(`${which}.port`)}
          inputMode="numeric"
          value={draft[which].port}
          onValueChange={(p) => setDraft((d) => ({ ...d, [which]: { ...d[which], port: p } }))}
          testId={`domain-${which}-port`}
        />
      </div>
    </fieldset>
  );

  return (
    <form className="card form" onSubmit={submit} noValidate data-testid="domain-form">
      <h2 className="card__title">{props.isNew ? t("domains.newTitle") : t("domains.editTitle", { domain: draft.domain })}</h2>
      {save.errors.length ? <ErrorBanner messages={save.errors} testId="domain-form-error" /> : null}
      <TextField
        label={t("domains.domain")}
        hint={t("domains.domainHint")}
        error={err("domain")}
        value={draft.domain}
        disabled={!props.isNew}
        onValueChange={(domain) => setDraft((d) => ({ ...d, domain }))}
        autoComplete="off"
        spellCheck={false}
        placeholder="example.co.jp"
        testId="domain-name"
      />
      <FormField label={t("domains.provider")} error={err("provider")}>
        {({ id, describedBy }) => (
          <select
            id={id}
            className="input"
            aria-describedby={describedBy}
            value={draft.provider}
            onChange={(e) => setDraft((d) => ({ ...d, provider: e.target.value as Draft["provider"] }))}
            data-testid="domain-provider"
          >
            <option value="other">{t("domains.provider.other")}</option>
            {props.providers
              .filter((p) => p.id !== "other")
              .map((p) => (
                <option key={p.id} value={p.id}>
                  {p.label}
                </option>
              ))}
          </select>
        )}
      </FormField>
      {server("imap")}
      {server("smtp")}
      <fieldset className="form__section">
        <legend className="form__legend">{t("domains.usernameLabel")}</legend>
        {(["email", "localpart"] as const).map((style) => (
          <label key={style} className="check">
            <input
              type="radio"
              name="username"
              value={style}
              checked={draft.username === style}
              onChange={() => setDraft((d) => ({ ...d, username: style }))}
              data-testid={`domain-username-${style}`}
            />{" "}
            {t(`domains.username.${style}` as MessageKey)}
          </label>
        ))}
      </fieldset>
      <DomainTest draft={draft} />
      <div className="form__actions">
        <button type="submit" className="btn btn--primary" disabled={save.busy} data-testid="domain-save">
          {save.busy ? t("common.saving") : t("common.save")}
        </button>
        <button type="button" className="btn" onClick={() => discard.guard(props.onCancel)} data-testid="domain-cancel">
          {t("common.cancel")}
        </button>
      </div>
      {discard.dialog}
    </form>
  );
}

/** One sign-in with a mailbox of the domain through the connection test: nothing is saved. */
function DomainTest(props: { draft: Draft }) {
  const { t } = useI18n();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [result, setResult] = useState<ConnectionTestResult | null>(null);
  const [localError, setLocalError] = useState<string | null>(null);
  const testing = useSubmit();
  const domain = props.draft.domain.trim().toLowerCase();

  async function run() {
    setResult(null);
    setLocalError(null);
    if (domain && domainOfAddress(email.trim()) !== domain) {
      setLocalError(t("domains.test.emailDomain", { domain }));
      return;
    }
    const input = toInput(props.draft);
    const address = email.trim();
    const user = props.draft.username === "localpart" ? address.slice(0, address.lastIndexOf("@")) : address;
    const outcome = await testing.run(() =>
      api.testSettings({
        email: address || undefined,
        provider: props.draft.provider,
        imap: { ...input.imap, user },
        smtp: { ...input.smtp, user, sameCredentials: true },
        password,
      }),
    );
    if (outcome.ok) setResult(outcome.value);
  }

  return (
    <fieldset className="form__section" data-testid="domain-test">
      <legend className="form__legend">{t("domains.test.title")}</legend>
      <p className="field__hint">{t("domains.test.hint")}</p>
      {localError || testing.errors.length ? <ErrorBanner messages={localError ? [localError] : testing.errors} testId="domain-test-error" /> : null}
      <div className="form__row">
        <TextField
          label={t("domains.test.email")}
          type="email"
          autoComplete="off"
          value={email}
          onValueChange={setEmail}
          error={testing.fieldErrors.email}
          testId="domain-test-email"
        />
        <TextField
          label={t("domains.test.password")}
          type="password"
          autoComplete="new-password"
          value={password}
          onValueChange={setPassword}
          error={testing.fieldErrors.password}
          testId="domain-test-password"
        />
      </div>
      <div className="form__actions">
        <button type="button" className="btn" disabled={testing.busy || !email.trim() || !password} onClick={() => void run()} data-testid="domain-test-run">
          {testing.busy ? t("domains.test.running") : t("domains.test.run")}
        </button>
      </div>
      {result ? <TestResults kind="connection" result={result} testId="domain-test-result" /> : null}
    </fieldset>
  );
}
