// One contact: its details (edit, delete) and its email history (./timeline.tsx).
import { useCallback, useEffect, useRef, useState, type FormEvent } from "react";
import { api, ApiError } from "../../api";
import { ConfirmDialog, ErrorBanner, IconBack, Loading, PageHeader, TextAreaField, TextField, errorText, useDiscardGuard, useNotify } from "../../components";
import { contactSubmitOptions, parseEmails } from "../../contactFields";
import { useSubmit } from "../../hooks";
import { Timeline } from "./timeline";
import { ComposeDialog, type ComposeSeed } from "./compose";
import { formatDate, useI18n } from "../../i18n";
import { href, navigate } from "../../router";
import { ReadingField } from "./reading-field";
import type { Contact, DraftMode, SendingSettings, User } from "../../api/types";

export function ContactPage(props: { id: string; messageId?: string; user: User }) {
  const { t, lang } = useI18n();
  const notify = useNotify();
  const [contact, setContact] = useState<Contact | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [editing, setEditing] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [deleteBusy, setDeleteBusy] = useState(false);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  // sending from the CRM: compose is offered only while the organisation allows it
  const [sending, setSending] = useState<SendingSettings | null>(null);
  const [compose, setCompose] = useState<ComposeSeed | null>(null);
  const [refreshKey, setRefreshKey] = useState(0);
  // a reply's compose dialog was opened from a message panel that is gone when it closes: focus returns here
  const composeButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    api
      .getSendingSettings()
      .then(setSending)
      .catch(() => setSending(null));
  }, []);

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

  const canCompose = !!sending?.enabled;
  const writeNew = () => setCompose({ to: [contact.primaryEmail], contactAddresses: [contact.primaryEmail, ...contact.secondaryEmails] });
  const reply = (messageId: string, mode: DraftMode) => {
    api
      .getDraft(messageId, mode)
      .then((d) => {
        navigate(`/contacts/${encodeURIComponent(contact.id)}`);
        setCompose({ to: d.to, cc: d.cc, subject: d.subject, text: d.text, accountId: d.accountId, from: d.from, original: d.original });
      })
      .catch((err) => notify(errorText(err, t)));
  };

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
              {contact.reading ? (
                <p className="contact-head__reading" lang="ja" data-testid="contact-reading">
                  {contact.reading}
                </p>
              ) : null}
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
              {canCompose ? (
                <button type="button" className="btn btn--primary" onClick={writeNew} ref={composeButton} data-testid="contact-compose">
                  {t("compose.write")}
                </button>
              ) : null}
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

      <Timeline
        contactId={contact.id}
        changedAt={contact.updatedAt}
        user={props.user}
        openMessageId={props.messageId}
        refreshKey={refreshKey}
        onReply={canCompose ? reply : undefined}
      />

      {compose && sending ? (
        <ComposeDialog
          seed={compose}
          maxMessageMb={sending.maxMessageMb}
          onClose={() => setCompose(null)}
          returnFocus={() => composeButton.current}
          onQueued={(sent) => {
            setCompose(null);
            notify(t("compose.queued", { from: sent.from.address }));
            setRefreshKey((n) => n + 1);
          }}
        />
      ) : null}

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

function EditContactForm(props: { contact: Contact; onCancel: () => void; onSaved: (c: Contact) => void }) {
  const { t } = useI18n();
  const [name, setName] = useState(props.contact.name);
  const [reading, setReading] = useState(props.contact.reading ?? "");
  const [company, setCompany] = useState(props.contact.company ?? "");
  const [primaryEmail, setPrimaryEmail] = useState(props.contact.primaryEmail);
  const [secondary, setSecondary] = useState(props.contact.secondaryEmails.join("\n"));
  const { busy, errors, fieldErrors, run } = useSubmit(contactSubmitOptions(parseEmails(secondary)));
  const c = props.contact;
  const discard = useDiscardGuard(!busy && (name !== c.name || company !== (c.company ?? "") || primaryEmail !== c.primaryEmail || secondary !== c.secondaryEmails.join("\n")));

  async function submit(e: FormEvent) {
    e.preventDefault();
    const outcome = await run(() =>
      api.updateContact(props.contact.id, {
        name: name.trim(),
        reading: reading.trim() ? reading.trim() : null,
        company: company.trim() ? company.trim() : null,
        primaryEmail: primaryEmail.trim(),
        secondaryEmails: parseEmails(secondary),
      }),
    );
    if (outcome.ok) props.onSaved(outcome.value);
  }

  return (
    <form className="card form" onSubmit={submit} noValidate>
      <h2 className="card__title">{t("contact.editTitle")}</h2>
      <ErrorBanner messages={errors} testId="contact-edit-error" />
      <div className="form__row">
        <TextField label={t("contactForm.name")} error={fieldErrors.name} value={name} onValueChange={setName} />
        <ReadingField value={reading} onValueChange={setReading} error={fieldErrors.reading} testId="contact-edit-reading" />
      </div>
      <div className="form__row">
        <TextField label={t("contactForm.company")} error={fieldErrors.company} optional value={company} onValueChange={setCompany} />
      </div>
      <div className="form__row">
        <TextField label={t("contactForm.primaryEmail")} error={fieldErrors.primaryEmail} type="email" value={primaryEmail} onValueChange={setPrimaryEmail} spellCheck={false} />
        <TextAreaField
          label={t("contactForm.secondaryEmails")}
          error={fieldErrors.secondaryEmails}
          hint={t("contactForm.secondaryHint")}
          optional
          rows={3}
          value={secondary}
          onValueChange={setSecondary}
          spellCheck={false}
        />
      </div>
      <div className="form__actions">
        <button type="button" className="btn" onClick={() => discard.guard(props.onCancel)} disabled={busy} data-testid="contact-edit-cancel">
          {t("common.cancel")}
        </button>
        <button type="submit" className="btn btn--primary" disabled={busy} data-testid="contact-edit-save">
          {busy ? t("common.saving") : t("common.save")}
        </button>
      </div>
      {discard.dialog}
    </form>
  );
}
