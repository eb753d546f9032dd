// Writing to a contact through one's own mailbox: a new mail from the contact's page, or a
// reply / reply all / forward from a message. The API queues it and answers at once; the history
// shows it (queued, then sent or not sent) from then on.
import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from "react";
import { api } from "../../api";
import { ErrorBanner, FormField, TextAreaField, TextField, useDiscardGuard, useModalDialog } from "../../components";
import { useSubmit } from "../../hooks";
import { formatBytes, useI18n } from "../../i18n";
import type { DraftMode, Outgoing, Sender } from "../../api/types";

export interface ComposeSeed {
  to: string[];
  cc?: string[];
  subject?: string;
  text?: string;
  accountId?: string | null;
  from?: string | null;
  original?: { messageId: string; mode: DraftMode };
  /** The contact's addresses, primary first: the one in To can be switched. */
  contactAddresses?: string[];
}

interface Attached {
  id: string;
  name: string;
  size: number;
}

/** "a@x, b@y," -> ["a@x", "b@y"]: the form's comma-separated recipient fields. */
export const splitAddresses = (value: string): string[] =>
  value
    .split(/[,;\s]+/)
    .map((a) => a.trim())
    .filter(Boolean);

/** Where a field error of the send is shown: "cc.2" beside Cc, the mailbox beside From. */
const fieldKey = (field: string): string | null => {
  const head = field.split(".")[0]!;
  if (head === "accountId" || head === "from") return "from";
  if (["to", "cc", "bcc", "subject", "text", "attachments"].includes(head)) return head;
  return null;
};

/** A recipients field with completion from the contacts: the list offers "what is typed so far, then the contact's address". */
function RecipientsField(props: { label: string; value: string; onChange: (v: string) => void; error?: string; hint?: string; testId: string; optional?: boolean }) {
  const listId = useId();
  const [options, setOptions] = useState<{ value: string; label: string }[]>([]);
  const { value } = props;
  useEffect(() => {
    const cut = value.lastIndexOf(",");
    const head = cut < 0 ? "" : `${value.slice(0, cut + 1)} `;
    const q = value.slice(cut + 1).trim();
    if (q.length < 2) {
      setOptions([]);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      api
        .listContacts(q, controller.signal)
        .then((page) =>
          setOptions(
            page.items
              .slice(0, 8)
              .flatMap((c) => [c.primaryEmail, ...c.secondaryEmails].map((email) => ({ value: `${head}${email}`, label: `${c.name}${c.company ? ` (${c.company})` : ""}` }))),
          ),
        )
        .catch(() => undefined);
    }, 200);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [value]);
  return (
    <>
      <TextField
        label={props.label}
        error={props.error}
        hint={props.hint}
        optional={props.optional}
        value={value}
        onValueChange={props.onChange}
        list={listId}
        autoComplete="off"
        spellCheck={false}
        testId={props.testId}
      />
      <datalist id={listId}>
        {options.map((o) => (
          <option key={o.value} value={o.value} label={o.label} />
        ))}
      </datalist>
    </>
  );
}

export function ComposeDialog(props: {
  seed: ComposeSeed;
  maxMessageMb: number;
  onClose: () => void;
  onQueued: (sent: Outgoing) => void;
  /** Where the focus goes on close when the button that opened it is gone (a reply from a closed message). */
  returnFocus?: () => HTMLElement | null;
}) {
  const { t, lang } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  const { seed } = props;
  const [senders, setSenders] = useState<Sender[] | null>(null);
  const [from, setFrom] = useState("");
  const [to, setTo] = useState(seed.to.join(", "));
  const [cc, setCc] = useState((seed.cc ?? []).join(", "));
  const [bcc, setBcc] = useState("");
  const [subject, setSubject] = useState(seed.subject ?? "");
  const [text, setText] = useState(seed.text ?? "");
  const [attached, setAttached] = useState<Attached[]>([]);
  const [uploading, setUploading] = useState<string | null>(null);
  const [attachError, setAttachError] = useState<string | null>(null);
  const { busy, errors, fieldErrors, run } = useSubmit({ fieldKey });
  const maxBytes = props.maxMessageMb * 1024 * 1024;
  // the seed (a reply's quote, say) is not the user's work; anything typed or attached is
  const discard = useDiscardGuard(
    !busy &&
      (to !== seed.to.join(", ") || cc !== (seed.cc ?? []).join(", ") || bcc !== "" || subject !== (seed.subject ?? "") || text !== (seed.text ?? "") || attached.length > 0),
  );
  const close = () => discard.guard(props.onClose);

  useModalDialog(ref, props.returnFocus);

  useEffect(() => {
    api
      .listSenders()
      .then((res) => {
        setSenders(res.items);
        const usable = res.items.filter((s) => s.canSend);
        const preferred = usable.find((s) => s.accountId === seed.accountId) ?? usable[0];
        if (preferred) setFrom(`${preferred.accountId}|${seed.from && preferred.addresses.includes(seed.from) ? seed.from : preferred.addresses[0]}`);
      })
      .catch(() => setSenders([]));
  }, [seed.accountId, seed.from]);

  const contactInTo = useMemo(() => (seed.contactAddresses ?? []).find((a) => splitAddresses(to).includes(a)) ?? "", [seed.contactAddresses, to]);
  const sender = senders?.find((s) => from.startsWith(`${s.accountId}|`));
  const usedBytes = attached.reduce((n, a) => n + a.size, 0);

  async function attach(files: FileList | null) {
    setAttachError(null);
    let total = usedBytes;
    for (const file of Array.from(files ?? [])) {
      // the limit is known before a byte moves: the server would refuse it the same way
      if (total + file.size > maxBytes) {
        setAttachError(t("compose.attachTooLarge", { name: file.name, size: formatBytes(lang, total + file.size, t), max: props.maxMessageMb }));
        continue;
      }
      setUploading(file.name);
      try {
        const target = await api.createUpload({ filename: file.name, contentType: file.type || "application/octet-stream", size: file.size });
        const put = await fetch(target.url, { method: "PUT", headers: target.headers, body: file });
        if (!put.ok) throw new Error(`upload answered ${put.status}`);
        total += file.size;
        setAttached((list) => [...list, { id: target.id, name: file.name, size: file.size }]);
      } catch {
        setAttachError(t("compose.uploadFailed", { name: file.name }));
      } finally {
        setUploading(null);
      }
    }
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const [accountId = "", address = ""] = from.split("|");
    const outcome = await run(() =>
      api.send({
        accountId,
        from: address,
        to: splitAddresses(to),
        cc: splitAddresses(cc),
        bcc: splitAddresses(bcc),
        subject,
        text,
        ...(seed.original ? { original: seed.original } : {}),
        attachments: attached.map((a) => a.id),
      }),
    );
    if (outcome.ok) props.onQueued(outcome.value);
  }

  const title = seed.original ? (seed.original.mode === "forward" ? t("compose.titleForward") : t("compose.titleReply")) : t("compose.title");
  const noSender = senders !== null && !senders.some((s) => s.canSend);

  return (
    <dialog
      ref={ref}
      className="drawer compose"
      aria-labelledby="compose-title"
      data-testid="compose"
      onCancel={(e) => {
        e.preventDefault();
        close();
      }}
    >
      <form className="drawer__panel form" onSubmit={submit} noValidate>
        <div className="drawer__head">
          <h2 id="compose-title" className="drawer__title">
            {title}
          </h2>
          <button type="button" className="btn btn--small" onClick={close} data-testid="compose-close">
            {t("common.cancel")}
          </button>
        </div>
        <div className="drawer__body">
          <ErrorBanner messages={noSender ? [t("compose.noSender"), ...errors] : errors} testId="compose-error" />
          <FormField label={t("compose.from")} error={fieldErrors.from}>
            {({ id, describedBy, invalid }) => (
              <select
                id={id}
                className="input"
                value={from}
                onChange={(e) => setFrom(e.target.value)}
                aria-describedby={describedBy}
                aria-invalid={invalid || undefined}
                data-testid="compose-from"
              >
                {(senders ?? []).flatMap((s) =>
                  s.addresses.map((a) => (
                    <option key={`${s.accountId}|${a}`} value={`${s.accountId}|${a}`} disabled={!s.canSend}>
                      {s.canSend ? (s.displayName ? `${s.displayName} <${a}>` : a) : t("compose.fromCannotSend", { address: a })}
                    </option>
                  )),
                )}
              </select>
            )}
          </FormField>
          {seed.contactAddresses && seed.contactAddresses.length > 1 ? (
            <FormField label={t("compose.contactAddress")}>
              {({ id }) => (
                <select
                  id={id}
                  className="input"
                  value={contactInTo}
                  onChange={(e) => {
                    const others = splitAddresses(to).filter((a) => !(seed.contactAddresses ?? []).includes(a));
                    setTo([e.target.value, ...others].join(", "));
                  }}
                  data-testid="compose-contact-address"
                >
                  {(seed.contactAddresses ?? []).map((a) => (
                    <option key={a} value={a}>
                      {a}
                    </option>
                  ))}
                </select>
              )}
            </FormField>
          ) : null}
          <RecipientsField label={t("compose.to")} value={to} onChange={setTo} error={fieldErrors.to} hint={t("compose.recipientsHint")} testId="compose-to" />
          <RecipientsField label={t("compose.cc")} value={cc} onChange={setCc} error={fieldErrors.cc} optional testId="compose-cc" />
          <RecipientsField label={t("compose.bcc")} value={bcc} onChange={setBcc} error={fieldErrors.bcc} optional testId="compose-bcc" />
          <TextField label={t("compose.subject")} error={fieldErrors.subject} value={subject} onValueChange={setSubject} testId="compose-subject" />
          <TextAreaField
            label={t("compose.text")}
            error={fieldErrors.text}
            hint={sender?.signature ? t("compose.signatureNote") : undefined}
            rows={12}
            value={text}
            onValueChange={setText}
            testId="compose-text"
          />
          <FormField
            label={t("compose.attachments")}
            error={fieldErrors.attachments ?? attachError ?? undefined}
            hint={t("compose.attachLimit", { max: props.maxMessageMb })}
            optional
          >
            {({ id, describedBy }) => (
              <div className="compose__files">
                <input
                  id={id}
                  type="file"
                  multiple
                  aria-describedby={describedBy}
                  onChange={(e) => void attach(e.target.files).then(() => (e.target.value = ""))}
                  disabled={!!uploading}
                  data-testid="compose-attach"
                />
                {uploading ? (
                  <span className="muted" role="status">
                    {t("compose.uploading", { name: uploading })}
                  </span>
                ) : null}
                <ul className="compose__attached" data-testid="compose-attached">
                  {attached.map((a) => (
                    <li key={a.id}>
                      <span>{a.name}</span> <span className="muted">{formatBytes(lang, a.size, t)}</span>{" "}
                      <button
                        type="button"
                        className="btn btn--small"
                        onClick={() => setAttached((list) => list.filter((x) => x.id !== a.id))}
                        aria-label={t("compose.remove", { name: a.name })}
                      >
                        ×
                      </button>
                    </li>
                  ))}
                </ul>
              </div>
            )}
          </FormField>
        </div>
        <div className="form__actions">
          <button type="submit" className="btn btn--primary" disabled={busy || !!uploading || noSender || senders === null} data-testid="compose-send">
            {busy ? t("compose.sending") : t("compose.send")}
          </button>
        </div>
      </form>
      {discard.dialog}
    </dialog>
  );
}
