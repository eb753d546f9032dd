import { useCallback, useEffect, useRef, useState, type FormEvent } from "react";
import { api, ApiError } from "../api";
import { EmptyState, ErrorBanner, FormField, IconSearch, IconUpload, Loading, PageHeader, TextField, errorText, useNotify } from "../components";
import { contactFieldErrors, parseEmails } from "../contactFields";
import { formatDate, useI18n } from "../i18n";
import { href, navigate } from "../router";
import type { Contact } from "../api/types";

export function ContactsPage() {
  const { t, lang } = useI18n();
  const [query, setQuery] = useState("");
  const [debounced, setDebounced] = useState("");
  const [contacts, setContacts] = useState<Contact[] | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [reloadKey, setReloadKey] = useState(0);

  useEffect(() => {
    const timer = window.setTimeout(() => setDebounced(query.trim()), 250);
    return () => window.clearTimeout(timer);
  }, [query]);

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    api
      .listContacts(debounced || undefined, controller.signal)
      .then((res) => {
        setContacts(res.items);
        setLoadError(null);
        setLoading(false);
      })
      .catch((err) => {
        if (controller.signal.aborted) return;
        setLoadError(err);
        setLoading(false);
      });
    return () => controller.abort();
  }, [debounced, reloadKey]);

  const reload = useCallback(() => setReloadKey((k) => k + 1), []);

  return (
    <>
      <PageHeader
        title={t("contacts.title")}
        subtitle={t("contacts.subtitle")}
        actions={
          <a className="btn" href={href("/contacts/import")} data-testid="import-open">
            <IconUpload />
            {t("contacts.import")}
          </a>
        }
      />
      <div className="split">
        <section className="split__main">
          <div className="toolbar">
            <label className="search">
              <IconSearch />
              <span className="visually-hidden">{t("contacts.searchLabel")}</span>
              <input
                type="search"
                className="search__input"
                placeholder={t("contacts.searchPlaceholder")}
                value={query}
                onChange={(e) => setQuery(e.target.value)}
                aria-label={t("contacts.searchLabel")}
                data-testid="contacts-search"
              />
            </label>
            {contacts && !loadError ? <span className="toolbar__count">{t("contacts.count", { count: contacts.length })}</span> : null}
          </div>
          {loadError ? <ErrorBanner messages={[errorText(loadError, t)]} onRetry={reload} /> : null}
          {contacts === null && loading && !loadError ? <Loading /> : null}
          {contacts !== null ? (
            <div className={`card card--flush${loading ? " is-refreshing" : ""}`}>
              {contacts.length === 0 ? (
                debounced ? (
                  <EmptyState title={t("contacts.noMatch", { q: debounced })} />
                ) : (
                  <EmptyState title={t("contacts.empty")} hint={t("contacts.emptyHint")} />
                )
              ) : (
                <div className="table-wrap">
                  <table className="table table--clickable" data-testid="contacts-table">
                    <thead>
                      <tr>
                        <th scope="col">{t("contacts.col.name")}</th>
                        <th scope="col">{t("contacts.col.company")}</th>
                        <th scope="col">{t("contacts.col.email")}</th>
                        <th scope="col">{t("contacts.col.created")}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {contacts.map((c) => {
                        const to = `/contacts/${encodeURIComponent(c.id)}`;
                        return (
                          <tr
                            key={c.id}
                            data-testid="contact-row"
                            data-contact-id={c.id}
                            onClick={(e) => {
                              if ((e.target as HTMLElement).closest("a")) return;
                              navigate(to);
                            }}
                          >
                            <td>
                              <a className="link cell-main" href={href(to)}>
                                {c.name}
                              </a>
                            </td>
                            <td>{c.company ? c.company : <span className="muted">{t("common.none")}</span>}</td>
                            <td>
                              <div className="cell-main">{c.primaryEmail}</div>
                              {c.secondaryEmails.length ? (
                                <div className="cell-sub" title={c.secondaryEmails.join("\n")}>
                                  {c.secondaryEmails.length === 1 ? c.secondaryEmails[0] : `${c.secondaryEmails[0]} +${c.secondaryEmails.length - 1}`}
                                </div>
                              ) : null}
                            </td>
                            <td className="nowrap muted">{formatDate(lang, c.createdAt)}</td>
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
          <NewContactForm onCreated={reload} />
        </aside>
      </div>
    </>
  );
}

function NewContactForm(props: { onCreated: (c: Contact) => void }) {
  const { t } = useI18n();
  const notify = useNotify();
  const [name, setName] = useState("");
  const [company, setCompany] = useState("");
  const [primaryEmail, setPrimaryEmail] = useState("");
  const [secondary, setSecondary] = useState("");
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<string[]>([]);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  // a 409: the contact that already has this primary address, to open instead
  const [existing, setExisting] = useState<{ id: string; name: string } | null>(null);
  const nameRef = useRef<HTMLInputElement>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const secondaryEmails = parseEmails(secondary);
    setBusy(true);
    setErrors([]);
    setFieldErrors({});
    setExisting(null);
    try {
      const created = await api.createContact({
        name: name.trim(),
        ...(company.trim() ? { company: company.trim() } : {}),
        primaryEmail: primaryEmail.trim(),
        secondaryEmails,
      });
      setName("");
      setCompany("");
      setPrimaryEmail("");
      setSecondary("");
      notify(t("contactForm.created", { name: created.name }));
      props.onCreated(created);
      nameRef.current?.focus();
    } catch (err) {
      const split = contactFieldErrors(err instanceof ApiError ? err.fields : [], secondaryEmails);
      setFieldErrors(split.byField);
      setErrors([errorText(err, t), ...split.other]);
      const other = err instanceof ApiError && err.status === 409 ? (err.body.contact as { id: string; name: string } | undefined) : undefined;
      if (other) setExisting(other);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card form form--compact" onSubmit={submit} noValidate>
      <h2 className="card__title">{t("contacts.add")}</h2>
      <ErrorBanner messages={errors} testId="contact-new-error" />
      {existing ? (
        <p className="field__hint">
          <a className="link" href={href(`/contacts/${encodeURIComponent(existing.id)}`)} data-testid="contact-new-open-existing">
            {t("contactForm.openExisting", { name: existing.name })}
          </a>
        </p>
      ) : null}
      <FormField label={t("contactForm.name")} error={fieldErrors.name}>
        {({ id, describedBy, invalid }) => (
          <input
            id={id}
            ref={nameRef}
            className="input"
            value={name}
            onChange={(e) => setName(e.target.value)}
            aria-describedby={describedBy}
            aria-invalid={invalid || undefined}
            autoComplete="off"
            data-testid="contact-new-name"
          />
        )}
      </FormField>
      <TextField
        label={t("contactForm.company")}
        error={fieldErrors.company}
        optional
        value={company}
        onValueChange={setCompany}
        autoComplete="off"
        testId="contact-new-company"
      />
      <TextField
        label={t("contactForm.primaryEmail")}
        error={fieldErrors.primaryEmail}
        type="email"
        value={primaryEmail}
        onValueChange={setPrimaryEmail}
        autoComplete="off"
        spellCheck={false}
        testId="contact-new-email"
      />
      <FormField label={t("contactForm.secondaryEmails")} error={fieldErrors.secondaryEmails} hint={t("contactForm.secondaryHint")} optional>
        {({ id, describedBy, invalid }) => (
          <textarea
            id={id}
            className="input textarea"
            rows={3}
            value={secondary}
            onChange={(e) => setSecondary(e.target.value)}
            aria-describedby={describedBy}
            aria-invalid={invalid || undefined}
            spellCheck={false}
            data-testid="contact-new-secondary"
          />
        )}
      </FormField>
      <div className="form__actions">
        <button type="submit" className="btn btn--primary" disabled={busy} data-testid="contact-new-save">
          {busy ? t("common.saving") : t("contacts.add")}
        </button>
      </div>
    </form>
  );
}
