import { useEffect, useRef, useState, type FormEvent } from "react";
import { api, ApiError } from "../api";
import { EmptyState, ErrorBanner, FormField, IconSearch, IconUpload, Loading, PageHeader, TextAreaField, TextField, errorText, useNotify } from "../components";
import { contactSubmitOptions, parseEmails } from "../contactFields";
import { useLoad, useSubmit } from "../hooks";
import { formatDate, useI18n } from "../i18n";
import { href, navigate } from "../router";
import type { Contact } from "../api/types";
import { ReadingField } from "./contact/reading-field";

export function ContactsPage() {
  const { t, lang } = useI18n();
  const [query, setQuery] = useState("");
  const [debounced, setDebounced] = useState("");
  useEffect(() => {
    const timer = window.setTimeout(() => setDebounced(query.trim()), 250);
    return () => window.clearTimeout(timer);
  }, [query]);

  // Pages of up to 500 in name order (in Japanese: 50音 order of the フリガナ, else the name):
  // the first with the search, more on "Load more".
  const order = lang === "ja" ? "kana" : "name";
  const list = useLoad((signal) => api.listContacts(debounced || undefined, signal, undefined, order), [debounced, order]);
  const [more, setMore] = useState<{ after: string; items: Contact[]; nextCursor: string | null } | null>(null);
  const [moreBusy, setMoreBusy] = useState(false);
  const [moreError, setMoreError] = useState<unknown>(null);
  const firstPage = list.data;
  // A new first page (search changed, reload) drops the pages loaded after the old one.
  const pagesAfter = more && firstPage && more.after === `${order}\n${debounced}\n${firstPage.nextCursor}` ? more : null;
  const contacts = firstPage ? [...firstPage.items, ...(pagesAfter?.items ?? [])] : null;
  const nextCursor = pagesAfter ? pagesAfter.nextCursor : (firstPage?.nextCursor ?? null);
  const loading = list.status === "loading";
  const loadError = list.status === "error" ? list.error : moreError;
  const reload = list.reload;

  async function loadMore() {
    if (!firstPage || !nextCursor || moreBusy) return;
    setMoreBusy(true);
    setMoreError(null);
    try {
      const page = await api.listContacts(debounced || undefined, undefined, nextCursor, order);
      const base = pagesAfter ?? { after: `${order}\n${debounced}\n${firstPage.nextCursor}`, items: [], nextCursor: null };
      setMore({ after: base.after, items: [...base.items, ...page.items], nextCursor: page.nextCursor });
    } catch (err) {
      setMoreError(err);
    } finally {
      setMoreBusy(false);
    }
  }

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
            {contacts && !loadError ? <span className="toolbar__count">{t(nextCursor ? "contacts.countMore" : "contacts.count", { count: contacts.length })}</span> : null}
          </div>
          {loadError ? <ErrorBanner messages={[errorText(loadError, t)]} onRetry={list.status === "error" ? reload : () => void loadMore()} /> : null}
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
                              {c.reading ? (
                                <div className="cell-sub contact-reading" lang="ja" data-testid="contact-row-reading">
                                  {c.reading}
                                </div>
                              ) : null}
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
              {nextCursor ? (
                <div className="list-more">
                  <button type="button" className="btn" onClick={() => void loadMore()} disabled={moreBusy} data-testid="contacts-more">
                    {moreBusy ? t("common.loading") : t("contacts.loadMore")}
                  </button>
                </div>
              ) : null}
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
  const [reading, setReading] = useState("");
  const [company, setCompany] = useState("");
  const [primaryEmail, setPrimaryEmail] = useState("");
  const [secondary, setSecondary] = useState("");
  const { busy, errors, fieldErrors, run } = useSubmit(contactSubmitOptions(parseEmails(secondary)));
  // a 409: the contact that already has this primary address, to open instead
  const [existing, setExisting] = useState<{ id: string; name: string } | null>(null);
  const nameRef = useRef<HTMLInputElement>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setExisting(null);
    const outcome = await run(() =>
      api.createContact({
        name: name.trim(),
        ...(reading.trim() ? { reading: reading.trim() } : {}),
        ...(company.trim() ? { company: company.trim() } : {}),
        primaryEmail: primaryEmail.trim(),
        secondaryEmails: parseEmails(secondary),
      }),
    );
    if (outcome.ok) {
      const created = outcome.value;
      setName("");
      setReading("");
      setCompany("");
      setPrimaryEmail("");
      setSecondary("");
      notify(t("contactForm.created", { name: created.name }));
      props.onCreated(created);
      nameRef.current?.focus();
      return;
    }
    // a 409 names the contact that already has this primary address: offer to open it
    const err = outcome.error;
    const other = err instanceof ApiError && err.status === 409 ? (err.body.contact as { id: string; name: string } | undefined) : undefined;
    if (other) setExisting(other);
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
      <ReadingField value={reading} onValueChange={setReading} error={fieldErrors.reading} testId="contact-new-reading" />
      <TextField label={t("contactForm.company")} error={fieldErrors.company} optional value={company} onValueChange={setCompany} autoComplete="off" testId="contact-new-company" />
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
      <TextAreaField
        label={t("contactForm.secondaryEmails")}
        error={fieldErrors.secondaryEmails}
        hint={t("contactForm.secondaryHint")}
        optional
        rows={3}
        value={secondary}
        onValueChange={setSecondary}
        spellCheck={false}
        testId="contact-new-secondary"
      />
      <div className="form__actions">
        <button type="submit" className="btn btn--primary" disabled={busy} data-testid="contact-new-save">
          {busy ? t("common.saving") : t("contacts.add")}
        </button>
      </div>
    </form>
  );
}
