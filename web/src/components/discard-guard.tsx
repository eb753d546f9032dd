// Asking before a filled form is thrown away: Cancel (or Back) opens an in-page confirmation,
// and leaving the page (reload, closing the tab) gets the browser's own question.
import { useCallback, useEffect, useState, type ReactNode } from "react";
import { useI18n } from "../i18n";
import { ConfirmDialog } from "./dialogs";

export interface DiscardGuard {
  /** Runs `leave` at once when nothing was typed, else after the user agrees to lose it. */
  guard: (leave: () => void) => void;
  /** The confirmation, while it is asked: render it anywhere in the form's tree. */
  dialog: ReactNode;
}

/**
 * `dirty`: the form holds something the user typed and has not saved. The browser's
 * beforeunload prompt covers reloads and closing the tab (its text is the browser's own);
 * the console's own links move within the page's hash, where no browser prompt exists, so the
 * form's Cancel and Back go through `guard`.
 */
export function useDiscardGuard(dirty: boolean): DiscardGuard {
  const { t } = useI18n();
  const [pending, setPending] = useState<(() => void) | null>(null);

  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      // older Chromium shows the prompt only when returnValue is set
      e.returnValue = "";
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);

  const guard = useCallback(
    (leave: () => void) => {
      if (dirty) setPending(() => leave);
      else leave();
    },
    [dirty],
  );

  const dialog = pending ? (
    <ConfirmDialog
      title={t("discard.title")}
      body={t("discard.body")}
      confirmLabel={t("discard.confirm")}
      cancelLabel={t("discard.keep")}
      onConfirm={() => {
        setPending(null);
        pending();
      }}
      onCancel={() => setPending(null)}
    />
  ) : null;
  return { guard, dialog };
}
