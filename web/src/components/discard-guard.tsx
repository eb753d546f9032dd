// Asking before a filled form is thrown away: Cancel (or Back), the console's own links and the
// browser's Back open an in-page confirmation, and leaving the page (reload, closing the tab)
// gets the browser's own question.
import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import { useI18n } from "../i18n";
import { addLeaveGuard } from "../router";
import { ConfirmDialog } from "./dialogs";

export interface DiscardGuard {
  /** Runs `leave` at once when nothing was typed, else after the user agrees to lose it. */
  guard: (leave: () => void) => void;
  /** The confirmation, while it is asked: render it anywhere in the form's tree. */
  dialog: ReactNode;
  /** The form was saved: moving on (e.g. `navigate` after the save) no longer asks. */
  release: () => void;
}

/**
 * `dirty`: the form holds something the user typed and has not saved. The browser's
 * beforeunload prompt covers reloads and closing the tab (its text is the browser's own);
 * the console's links and the browser's Back move within the page's hash, where no browser
 * prompt exists, so the router asks this guard first (addLeaveGuard) and the form's own Cancel
 * and Back go through `guard`. Either way it is the one dialog below.
 */
export function useDiscardGuard(dirty: boolean): DiscardGuard {
  const { t } = useI18n();
  const [pending, setPending] = useState<(() => void) | null>(null);
  // Set once the user chose "Discard" or the form was saved: the move that follows (a Cancel
  // that navigates, the page after a save) must not ask again before the form unmounts.
  // A ref, because that move's hashchange can come before React renders the new state.
  const released = useRef(false);

  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => {
      if (released.current) return;
      e.preventDefault();
      // older Chromium shows the prompt only when returnValue is set
      e.returnValue = "";
    };
    window.addEventListener("beforeunload", warn);
    const removeLeaveGuard = addLeaveGuard((proceed) => {
      if (released.current) return false;
      setPending(() => proceed);
      return true;
    });
    return () => {
      window.removeEventListener("beforeunload", warn);
      removeLeaveGuard();
    };
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
        released.current = true;
        setPending(null);
        pending();
      }}
      onCancel={() => setPending(null)}
    />
  ) : null;
  const release = useCallback(() => {
    released.current = true;
  }, []);
  return { guard, dialog, release };
}
