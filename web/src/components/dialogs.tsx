// The confirm dialog, and notices (short-lived success messages that survive navigation).
import { createContext, useCallback, useContext, useId, useRef, useState, type ReactNode } from "react";
import { useI18n } from "../i18n";
import { ErrorBanner } from "./feedback";
import { IconCheck } from "./icons";
import { useModalDialog } from "./modal";

// ---- Modal and confirm dialogs ----------------------------------------------------------------

/**
 * A modal <dialog> with its title (the dialog's name): Tab stays inside and the focus goes back
 * to the opener (useModalDialog); Escape closes it unless it is busy.
 */
export function Modal(props: { title: string; describedBy?: string; busy?: boolean | undefined; onClose: () => void; testId: string; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useModalDialog(ref);
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      aria-describedby={props.describedBy}
      data-testid={props.testId}
      onCancel={(e) => {
        e.preventDefault();
        if (!props.busy) props.onClose();
      }}
    >
      <h2 id={titleId} className="dialog__title">
        {props.title}
      </h2>
      {props.children}
    </dialog>
  );
}

export function ConfirmDialog(props: {
  title: string;
  body: string;
  confirmLabel: string;
  /** The confirm button's text while busy; default "Deleting…". */
  busyLabel?: string;
  /** The button that backs out; default "Cancel". */
  cancelLabel?: string;
  busy?: boolean;
  error?: string | null;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const bodyId = useId();
  return (
    <Modal title={props.title} describedBy={bodyId} busy={props.busy} onClose={props.onCancel} testId="confirm-dialog">
      <p id={bodyId} className="dialog__body">
        {props.body}
      </p>
      {props.error ? <ErrorBanner messages={[props.error]} /> : null}
      <div className="dialog__actions">
        <button type="button" className="btn" onClick={props.onCancel} disabled={props.busy} data-testid="confirm-cancel" autoFocus>
          {props.cancelLabel ?? t("common.cancel")}
        </button>
        <button type="button" className="btn btn--danger" onClick={props.onConfirm} disabled={props.busy} data-testid="confirm-ok">
          {props.busy ? (props.busyLabel ?? t("common.deleting")) : props.confirmLabel}
        </button>
      </div>
    </Modal>
  );
}

// ---- Notices (short-lived success messages that survive navigation) ---------------------------

interface Notice {
  id: number;
  text: string;
  tone: "ok" | "info";
}

const NoticeContext = createContext<(text: string, tone?: Notice["tone"]) => void>(() => undefined);

export function useNotify() {
  return useContext(NoticeContext);
}

export function NoticeProvider(props: { children: ReactNode }) {
  const [notices, setNotices] = useState<Notice[]>([]);
  const next = useRef(1);
  const { t } = useI18n();
  const dismiss = useCallback((id: number) => setNotices((list) => list.filter((n) => n.id !== id)), []);
  const notify = useCallback(
    (text: string, tone: Notice["tone"] = "ok") => {
      const id = next.current++;
      setNotices((list) => [...list.slice(-2), { id, text, tone }]);
      window.setTimeout(() => dismiss(id), 6000);
    },
    [dismiss],
  );
  return (
    <NoticeContext.Provider value={notify}>
      {props.children}
      <div className="notices" role="status" aria-live="polite">
        {notices.map((n) => (
          <div key={n.id} className={`notice notice--${n.tone}`} data-testid="notice">
            <IconCheck />
            <span className="notice__text">{n.text}</span>
            <button type="button" className="notice__close" onClick={() => dismiss(n.id)} aria-label={t("common.dismiss")}>
              ×
            </button>
          </div>
        ))}
      </div>
    </NoticeContext.Provider>
  );
}
