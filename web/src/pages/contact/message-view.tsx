// One message in a drawer over the contact page: headers, attachments, owners, and its text
// fetched on demand.
import { useEffect, useRef, useState, type ReactNode } from "react";
import { api } from "../../api";
import { ErrorBanner, IconPaperclip, Loading, errorText, useModalDialog } from "../../components";
import { formatBytes, formatDateTimeLong, useI18n } from "../../i18n";
import { mimeKind } from "../../i18n/dynamic";
import type { Address, Attachment, DraftMode, MessageBody, MessageDetail, MessageSummary } from "../../api/types";
import { ownerLabel } from "./timeline";

const formatAddress = (a: Address) => (a.name ? `${a.name} <${a.address}>` : a.address);

/**
 * One email: headers, attachments (names, types, sizes) and the body fetched on demand from the
 * owner's mail server. Everything is rendered as React text: never innerHTML, no links made
 * from the text, no images, so a hostile mail can neither run script nor call out to the web.
 */
export function MessageView(props: {
  id: string;
  summary: MessageSummary | null;
  onClose: () => void;
  /** Reply, reply all, forward (when sending is on). */ onReply?: (messageId: string, mode: DraftMode) => void;
  /** Where the focus goes on close when the message was not opened from its row (a link). */
  returnFocus?: () => HTMLElement | null;
}) {
  const { t, lang } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  const [detail, setDetail] = useState<MessageDetail | null>(null);
  const [detailError, setDetailError] = useState<unknown>(null);
  const [body, setBody] = useState<MessageBody | null>(null);
  const [bodyError, setBodyError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);

  useModalDialog(ref, props.returnFocus);

  useEffect(() => {
    const controller = new AbortController();
    api
      .getMessage(props.id, controller.signal)
      .then(setDetail)
      .catch((err) => {
        if (!controller.signal.aborted) setDetailError(err);
      });
    return () => controller.abort();
  }, [props.id]);

  useEffect(() => {
    const controller = new AbortController();
    setBody(null);
    setBodyError(null);
    api
      .getMessageBody(props.id, controller.signal)
      .then(setBody)
      .catch((err) => {
        if (!controller.signal.aborted) setBodyError(err);
      });
    return () => controller.abort();
  }, [props.id, attempt]);

  const m: MessageSummary | MessageDetail | null = detail ?? props.summary;
  const attachments: Attachment[] | undefined = detail?.attachments;
  const subject = m ? m.subject || t("contact.noSubject") : t("message.title");

  return (
    <dialog
      ref={ref}
      className="drawer"
      aria-labelledby="message-title"
      data-testid="message-view"
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}
      onClick={(e) => {
        // a click on the backdrop (the dialog element itself, outside the panel) closes
        if (e.target === ref.current) props.onClose();
      }}
    >
      <div className="drawer__panel">
        <div className="drawer__head">
          <h2 id="message-title" className="drawer__title" data-testid="message-subject">
            {subject}
          </h2>
          <button type="button" className="btn btn--small" onClick={props.onClose} data-testid="message-close" autoFocus>
            {t("message.close")}
          </button>
        </div>
        {!m && !detailError ? <Loading /> : null}
        {detailError && !m ? <ErrorBanner messages={[errorText(detailError, t)]} /> : null}
        {detailError && m ? <p className="drawer__note">{t("message.detailsError", { error: errorText(detailError, t) })}</p> : null}
        {props.onReply ? (
          <div className="message-actions">
            {(["reply", "replyAll", "forward"] as const).map((mode) => (
              <button key={mode} type="button" className="btn btn--small" onClick={() => props.onReply!(props.id, mode)} data-testid={`message-${mode}`}>
                {t(`compose.${mode}`)}
              </button>
            ))}
          </div>
        ) : null}
        {m ? (
          <dl className="headers" data-testid="message-headers">
            <HeaderLine label={t("message.date")}>
              <time dateTime={m.date} title={formatDateTimeLong(lang, m.date)}>
                {formatDateTimeLong(lang, m.date)}
              </time>
            </HeaderLine>
            {m.from ? <HeaderLine label={t("message.from")}>{formatAddress(m.from)}</HeaderLine> : null}
            {m.to.length ? <HeaderLine label={t("message.to")}>{m.to.map(formatAddress).join(", ")}</HeaderLine> : null}
            {m.cc?.length ? <HeaderLine label={t("message.cc")}>{m.cc.map(formatAddress).join(", ")}</HeaderLine> : null}
            <HeaderLine label={t("message.mailbox")}>{m.owners.map(ownerLabel).join(", ")}</HeaderLine>
          </dl>
        ) : null}
        {detail?.messageId ? (
          // The Message-ID is for support and mail admins: behind "Details", not among the headers people read
          <details className="raw-details headers__technical" data-testid="message-technical">
            <summary>{t("details.technical")}</summary>
            <dl className="headers">
              <HeaderLine label={t("message.messageId")}>
                <code className="headers__code">{detail.messageId}</code>
              </HeaderLine>
            </dl>
          </details>
        ) : null}
        {attachments !== undefined ? (
          <div className="attachments" data-testid="message-attachments">
            <h3 className="drawer__section">{t("message.attachments")}</h3>
            {attachments.length ? (
              <ul className="attachments__list">
                {attachments.map((a, i) => (
                  <li key={i} className="attachment" data-testid="attachment">
                    <IconPaperclip />
                    <span className="attachment__name" translate={a.filename ? "no" : undefined}>
                      {a.filename || t("message.unnamed")}
                    </span>
                    <span className="attachment__meta" data-content-type={a.contentType}>
                      {t(mimeKind(a.contentType))}
                      {a.size != null ? ` · ${formatBytes(lang, a.size, t)}` : ""}
                    </span>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">{t("message.noAttachments")}</p>
            )}
          </div>
        ) : null}
        <div className="message-body-wrap">
          <h3 className="drawer__section">{t("message.body")}</h3>
          {body === null && !bodyError ? (
            <div className="loading" role="status" data-testid="message-body-loading">
              <span className="spinner" aria-hidden="true" />
              {t("message.bodyLoading")}
            </div>
          ) : null}
          {bodyError ? (
            <div className="banner banner--error" role="alert" data-testid="message-body-error">
              <div className="banner__body">
                <p>{t("message.bodyError", { error: errorText(bodyError, t) })}</p>
              </div>
              <button type="button" className="btn btn--small" onClick={() => setAttempt((n) => n + 1)}>
                {t("message.bodyRetry")}
              </button>
            </div>
          ) : null}
          {body ? (
            <>
              {body.truncated ? (
                <p className="drawer__note" data-testid="message-body-truncated">
                  {t("message.bodyTruncated")}
                </p>
              ) : null}
              {/* Text only: React escapes it; white-space keeps the mail's own line breaks. */}
              <div className="message-body" data-testid="message-body" lang="">
                {body.text ? body.text : <span className="muted">{t("message.bodyEmpty")}</span>}
              </div>
              <p className="drawer__note">{t("message.textOnly")}</p>
            </>
          ) : null}
        </div>
      </div>
    </dialog>
  );
}

function HeaderLine(props: { label: string; children: ReactNode }) {
  return (
    <div className="headers__line">
      <dt>{props.label}</dt>
      <dd>{props.children}</dd>
    </div>
  );
}
