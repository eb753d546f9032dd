import { useCallback, useEffect, useState, type FormEvent } from "react";
import { api, ApiError } from "../api";
import {
  ConfirmDialog,
  EmptyState,
  ErrorBanner,
  FormField,
  IconBack,
  IconReceived,
  IconSent,
  Loading,
  PageHeader,
  errorText,
  useNotify,
} from "../components";
import { contactFieldErrors, parseEmails } from "../contactFields";
import { formatDate, formatDateTime, formatDateTimeLong, useI18n } from "../i18n";
import { href, navigate } from "../router";
import type { Contact, MessageSummary } from "../types";

const PAGE_SIZE = 50;

export function ContactPage(props: { id: string }) {
  const { t, lang } = useI18n();
  const notify = useNotify();
  const [contact, setContact] = useState<Contact | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [editing, setEditing] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [deleteBusy, setDeleteBusy] = useState(false);
  const [deleteError, setDeleteError] = useState<string | null>(null);

  const load = useCallback(() => {
    setLoadError(null);
    api
      .getContact(props.id)
      .then(setContact)
      .catch((err) => setLoadError(err));
  }, [props.id]);

  useEffect(load, [load]);

  const back = (
    <a className="back-link" href={href("/contacts")}>
      <IconBack />
      {t("contact.back")}
    </a>
  );

  if (loadError) {
    const notFound = loadError instanceof ApiError && loadError.status === 404;
    return (
      <>
        <PageHeader title={t("contacts.title")} back={back} />
        <ErrorBanner messages={[notFound ? t("contact.notFound") : errorText(loadError, t)]} onRetry={notFound ? undefined : load} />
      </>
    );
  }
  if (!contact) {
    return (
      <>
        <PageHeader title={t("contacts.title")} back={back} />
        <Loading />
      </>
    );
  }

  async function doDelete() {
    if (!contact) return;
    setDeleteBusy(true);
    setDeleteError(null);
    try {
      await api.deleteContact(contact.id);
      notify(t("contact.deleted", { name: contact.name }));
      navigate("/contacts");
    } catch (err) {
      setDeleteError(errorText(err, t));
      setDeleteBusy(false);
    }
  }

  return (
    <>
      <div className="page-header">
        <div className="page-header__back">{back}</div>
        <div className="page-header__row">
          <div className="contact-head">
            <span className="avatar" aria-hidden="true">
              {(contact.name.trim()[0] ?? "?").toUpperCase()}
            </span>
            <div>
              <h1 className="page-header__title" data-testid="contact-name">
                {contact.name}
              </h1>
              <p className="page-header__subtitle">
                {contact.company ? <span className="contact-head__company">{contact.company}</span> : null}
                <span className="muted">{t("contact.added", { date: formatDate(lang, contact.createdAt) })}</span>
              </p>
            </div>
          </div>
          {!editing ? (
            <div className="page-header__actions">
              <button type="button" className="btn" onClick={() => setEditing(true)} data-testid="contact-edit">
                {t("common.edit")}
              </button>
              <button
                type="button"
                className="btn btn--danger-ghost"
                onClick={() => {
                  setDeleteError(null);
                  setConfirmDelete(true);
                }}
                data-testid="contact-delete"
              >
                {t("common.delete")}
              </button>
            </div>
          ) : null}
        </div>
      </div>

      {editing ? (
        <EditContactForm
          contact={contact}
          onCancel={() => setEditing(false)}
          onSaved={(c) => {
            setContact(c);
            setEditing(false);
            notify(t("contactForm.saved", { name: c.name }));
          }}
        />
      ) : (
        <div className="card emails-card">
          <h2 className="card__label">{t("contact.emails")}</h2>
          <ul className="email-list">
            <li>
              <a className="link" href={`mailto:${contact.primaryEmail}`}>
                {contact.primaryEmail}
              </a>
              <span className="tag tag--primary">{t("contact.primary")}</span>
            </li>
            {contact.secondaryEmails.map((e) => (
              <li key={e}>
                <a className="link" href={`mailto:${e}`}>
                  {e}
                </a>
              </li>
            ))}
          </ul>
        </div>
      )}

      <Timeline contactId={contact.id} />

      {confirmDelete ? (
        <ConfirmDialog
          title={t("contact.deleteTitle")}
          body={t("contact.deleteBody", { name: contact.name })}
          confirmLabel={t("common.delete")}
          busy={deleteBusy}
          error={deleteError}
          onConfirm={() => void doDelete()}
          onCancel={() => setConfirmDelete(false)}
        />
      ) : null}
    </>
  );
}

function Timeline(props: { contactId: string }) {
  const { t, lang } = useI18n();
  const [items, setItems] = useState<MessageSummary[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const fetchPage = useCallback(
    async (after: string | null) => {
      setError(null);
      if (after) setLoadingMore(true);
      try {
        const page = await api.listMessages(props.contactId, after, PAGE_SIZE);
        setItems((prev) => {
          const base = after ? (prev ?? []) : [];
          const seen = new Set(base.map((m) => m.id));
          return [...base, ...page.items.filter((m) => !seen.has(m.id))];
        });
        setCursor(page.nextCursor);
      } catch (err) {
        setError(err);
      } finally {
        setLoadingMore(false);
      }
    },
    [props.contactId],
  );

  useEffect(() => {
    void fetchPage(null);
  }, [fetchPage]);

  const countLabel = items && items.length > 0 ? (cursor ? t("contact.messagesShown", { count: items.length }) : t("contact.messagesAll", { count: items.length })) : null;

  return (
    <section className="timeline" data-testid="contact-messages" aria-labelledby="timeline-title">
      <div className="section-head">
        <h2 id="timeline-title" className="section-head__title">
          {t("contact.messages")}
        </h2>
        {countLabel ? <span className="section-head__meta">{countLabel}</span> : null}
      </div>
      {error ? <ErrorBanner messages={[errorText(error, t)]} onRetry={() => void fetchPage(items?.length ? cursor : null)} /> : null}
      {items === null && !error ? <Loading /> : null}
      {items !== null ? (
        <div className="card card--flush">
          {items.length === 0 ? (
            <div data-testid="messages-empty">
              <EmptyState title={t("contact.noMessages")} hint={t("contact.noMessagesHint")} />
            </div>
          ) : (
            <div className="table-wrap">
              <table className="table table--messages">
                <thead>
                  <tr>
                    <th scope="col" className="col-date">
                      {t("contact.col.date")}
                    </th>
                    <th scope="col" className="col-direction">
                      {t("contact.col.direction")}
                    </th>
                    <th scope="col">{t("contact.col.subject")}</th>
                    <th scope="col">{t("contact.col.counterpart")}</th>
                    <th scope="col">{t("contact.col.owners")}</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((m) => (
                    <tr key={m.id} data-testid="message-row" data-direction={m.direction} data-message-id={m.id}>
                      <td className="nowrap col-date">
                        <time dateTime={m.date} title={formatDateTimeLong(lang, m.date)}>
                          {formatDateTime(lang, m.date)}
                        </time>
                      </td>
                      <td className="nowrap col-direction">
                        <span className={`direction direction--${m.direction}`}>
                          {m.direction === "received" ? <IconReceived /> : <IconSent />}
                          {t(m.direction === "received" ? "direction.received" : "direction.sent")}
                        </span>
                      </td>
                      <td className="col-subject">
                        <div className={`cell-main${m.subject ? "" : " muted"}`}>{m.subject || t("contact.noSubject")}</div>
                        {m.preview ? <div className="cell-sub preview">{m.preview}</div> : null}
                      </td>
                      <td className="col-counterpart">
                        {m.counterpart.name ? <div className="cell-main">{m.counterpart.name}</div> : null}
                        <div className={m.counterpart.name ? "cell-sub" : "cell-main"}>{m.counterpart.address}</div>
                      </td>
                      <td className="col-owners">
                        {m.owners.map((o) => (
                          <div key={`${o.accountId}`} className="cell-sub owner-line">
                            {o.email}
                          </div>
                        ))}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      ) : null}
      {cursor && items && items.length > 0 ? (
        <div className="load-more">
          <button type="button" className="btn" onClick={() => void fetchPage(cursor)} disabled={loadingMore} data-testid="messages-load-more">
            {loadingMore ? t("contact.loadingMore") : t("contact.loadMore")}
          </button>
        </div>
      ) : null}
    </section>
  );
}

function EditContactForm(props: { contact: Contact; onCancel: () => void; onSaved: (c: Contact) => void }) {
  const { t } = useI18n();
  const [name, setName] = useState(props.contact.name);
  const [company, setCompany] = useState(props.contact.company ?? "");
  const [primaryEmail, setPrimaryEmail] = useState(props.contact.primaryEmail);
  const [secondary, setSecondary] = useState(props.contact.secondaryEmails.join("\n"));
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<string[]>([]);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const secondaryEmails = parseEmails(secondary);
    setBusy(true);
    setErrors([]);
    setFieldErrors({});
    try {
      const saved = await api.updateContact(props.contact.id, {
        name: name.trim(),
        company: company.trim() ? company.trim() : null,
        primaryEmail: primaryEmail.trim(),
        secondaryEmails,
      });
      props.onSaved(saved);
    } catch (err) {
      const split = contactFieldErrors(err instanceof ApiError ? err.fields : [], secondaryEmails);
      setFieldErrors(split.byField);
      setErrors([errorText(err, t), ...split.other]);
      setBusy(false);
    }
  }

  return (
    <form className="card form" onSubmit={submit} noValidate>
      <h2 className="card__title">{t("contact.editTitle")}</h2>
      <ErrorBanner messages={errors} testId="contact-edit-error" />
      <div className="form__row">
        <FormField label={t("contactForm.name")} error={fieldErrors.name}>
          {({ id, describedBy, invalid }) => (
            <input id={id} className="input" value={name} onChange={(e) => setName(e.target.value)} aria-describedby={describedBy} aria-invalid={invalid || undefined} />
          )}
        </FormField>
        <FormField label={t("contactForm.company")} error={fieldErrors.company} optional>
          {({ id, describedBy, invalid }) => (
            <input id={id} className="input" value={company} onChange={(e) => setCompany(e.target.value)} aria-describedby={describedBy} aria-invalid={invalid || undefined} />
          )}
        </FormField>
      </div>
      <div className="form__row">
        <FormField label={t("contactForm.primaryEmail")} error={fieldErrors.primaryEmail}>
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              type="email"
              className="input"
              value={primaryEmail}
              onChange={(e) => setPrimaryEmail(e.target.value)}
              aria-describedby={describedBy}
              aria-invalid={invalid || undefined}
              spellCheck={false}
            />
          )}
        </FormField>
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
            />
          )}
        </FormField>
      </div>
      <div className="form__actions">
        <button type="button" className="btn" onClick={props.onCancel} disabled={busy}>
          {t("common.cancel")}
        </button>
        <button type="submit" className="btn btn--primary" disabled={busy} data-testid="contact-edit-save">
          {busy ? t("common.saving") : t("common.save")}
        </button>
      </div>
    </form>
  );
}
