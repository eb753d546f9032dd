// What every modal <dialog> of the console does: open as a modal, keep Tab inside, and give the
// focus back to where the user was when it closes.
import { useEffect, useRef, type RefObject } from "react";

const TABBABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';

function tabbables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(TABBABLE)].filter((el) => el.getClientRects().length > 0 && !el.closest("[inert]"));
}

/**
 * Opens the dialog with showModal() while the component is mounted. Tab and Shift+Tab wrap
 * around inside it (a modal dialog alone lets them leave the page for the browser's own UI, and
 * focus lands on the body when it comes back). On close, the focus returns to the element that
 * had it when the dialog opened (the row or button that opened it) or, when that is gone (the
 * dialog was opened from a link, or its opener was inside another dialog), to `fallback()`:
 * without this the focus falls to the page's body and a keyboard user starts from the top.
 */
export function useModalDialog(ref: RefObject<HTMLDialogElement | null>, fallback?: () => HTMLElement | null | undefined): void {
  // read during the first render: before autoFocus and showModal move the focus into the dialog
  const opener = useRef<Element | null | undefined>(undefined);
  if (opener.current === undefined) opener.current = typeof document === "undefined" ? null : document.activeElement;
  const fallbackRef = useRef(fallback);
  fallbackRef.current = fallback;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (!dialog.open) dialog.showModal();
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.key !== "Tab") return;
      const list = tabbables(dialog);
      if (!list.length) return;
      const first = list[0]!;
      const last = list[list.length - 1]!;
      const active = document.activeElement;
      if (e.shiftKey && (active === first || !dialog.contains(active))) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && (active === last || !dialog.contains(active))) {
        e.preventDefault();
        first.focus();
      }
    };
    dialog.addEventListener("keydown", onKeyDown);
    return () => {
      dialog.removeEventListener("keydown", onKeyDown);
      dialog.close();
      const back = opener.current;
      const target = back instanceof HTMLElement && back !== document.body && back.isConnected ? back : fallbackRef.current?.();
      // after React has finished removing the dialog (a hash change re-renders the page first)
      window.setTimeout(() => {
        if (document.activeElement && document.activeElement !== document.body && !dialog.contains(document.activeElement)) return;
        const el = target?.isConnected ? target : fallbackRef.current?.();
        el?.focus();
      }, 0);
    };
  }, [ref]);
}
