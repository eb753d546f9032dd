// Minimal hash router: #/contacts, #/contacts/import, #/contacts/:id, #/accounts/new, ...
import { useEffect, useState } from "react";

export type Route =
  | { name: "signin" }
  | { name: "contacts" }
  | { name: "contactsImport" }
  | { name: "contact"; id: string; messageId?: string }
  | { name: "accounts" }
  | { name: "accountNew" }
  | { name: "accountEdit"; id: string }
  | { name: "users" }
  | { name: "password" }
  | { name: "reset"; token: string }
  | { name: "integrations" }
  | { name: "settings" }
  | { name: "domains" }
  | { name: "audit" }
  | { name: "overview" }
  | { name: "storedData" }
  | { name: "monitorSettings" }
  | { name: "notFound" };

export function currentPath(): string {
  const hash = window.location.hash.replace(/^#/, "");
  return hash.startsWith("/") ? hash : `/${hash}`;
}

export function parseRoute(path: string): Route {
  const clean = path.split("?")[0] ?? "";
  const parts = clean
    .split("/")
    .filter(Boolean)
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  const [first, second, ...rest] = parts;
  // #/contacts/:id/messages/:messageId opens one email over the contact's page
  if (first === "contacts" && second !== undefined && rest.length === 2 && rest[0] === "messages") return { name: "contact", id: second, messageId: rest[1]! };
  if (rest.length) return { name: "notFound" };
  switch (first) {
    case undefined:
      return { name: "contacts" };
    case "signin":
      return second === undefined ? { name: "signin" } : { name: "notFound" };
    case "contacts":
      if (second === undefined) return { name: "contacts" };
      // Contact ids are generated (newId), never the word "import".
      return second === "import" ? { name: "contactsImport" } : { name: "contact", id: second };
    case "accounts":
      if (second === undefined) return { name: "accounts" };
      return second === "new" ? { name: "accountNew" } : { name: "accountEdit", id: second };
    case "users":
      return second === undefined ? { name: "users" } : { name: "notFound" };
    case "password":
      return second === undefined ? { name: "password" } : { name: "notFound" };
    case "reset":
      // #/reset/<token>: the one-time set-password link mailed to a user (reset or invitation)
      return second === undefined ? { name: "notFound" } : { name: "reset", token: second };
    case "integrations":
      return second === undefined ? { name: "integrations" } : { name: "notFound" };
    case "settings":
      // #/settings: notification mail, lockout, pause rule; #/settings/monitor: the job monitor
      return second === undefined ? { name: "settings" } : second === "monitor" ? { name: "monitorSettings" } : { name: "notFound" };
    case "domains":
      return second === undefined ? { name: "domains" } : { name: "notFound" };
    case "audit":
      return second === undefined ? { name: "audit" } : { name: "notFound" };
    case "overview":
      return second === undefined ? { name: "overview" } : { name: "notFound" };
    case "stored-data":
      return second === undefined ? { name: "storedData" } : { name: "notFound" };
    default:
      return { name: "notFound" };
  }
}

export function href(path: string): string {
  return `#${path}`;
}

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  const target = href(path);
  if (window.location.hash === target) return;
  if (options.replace) {
    window.history.replaceState(null, "", target);
    window.dispatchEvent(new HashChangeEvent("hashchange"));
  } else {
    window.location.hash = path;
  }
}

// ---- leaving a page with unsaved changes ----------------------------------------------------
// The console's links and the browser's Back only change the hash, where the browser asks
// nothing. A form with unsaved changes registers a guard; the router consults the guards before
// it shows the new page, so a refused move never unmounts the form (its typed values stay).

/** Returns true when it holds the move: it then calls `proceed` once the user agrees to leave. */
export type LeaveGuard = (proceed: () => void) => boolean;

const leaveGuards = new Set<LeaveGuard>();
const pathListeners = new Set<(path: string) => void>();
// The address of the page on screen: what a refused move puts back.
let shownHref: string | null = null;

/** Registers a guard; the returned function removes it. */
export function addLeaveGuard(guard: LeaveGuard): () => void {
  leaveGuards.add(guard);
  return () => leaveGuards.delete(guard);
}

function show(targetHref: string): void {
  shownHref = targetHref;
  // replaceState: the history entry the move created (or Back reached) keeps its place
  if (window.location.href !== targetHref) window.history.replaceState(window.history.state, "", targetHref);
  const path = currentPath();
  for (const listener of pathListeners) listener(path);
}

// One guard asks at a time: after its "Discard", the move is tried again for the next one.
function tryMove(targetHref: string, skip: Set<LeaveGuard>): void {
  for (const guard of leaveGuards) {
    if (skip.has(guard)) continue;
    if (guard(() => tryMove(targetHref, new Set([...skip, guard])))) return;
  }
  show(targetHref);
}

function onHashChange(): void {
  const targetHref = window.location.href;
  if (targetHref === shownHref) return;
  const from = shownHref;
  // The address bar goes back at once, before any page renders; "Discard" moves it on again.
  if (from !== null && leaveGuards.size > 0) window.history.replaceState(window.history.state, "", from);
  tryMove(targetHref, new Set());
}

export function useHashPath(): string {
  const [path, setPath] = useState(currentPath);
  useEffect(() => {
    if (pathListeners.size === 0) {
      shownHref = window.location.href;
      window.addEventListener("hashchange", onHashChange);
    }
    pathListeners.add(setPath);
    setPath(currentPath());
    return () => {
      pathListeners.delete(setPath);
      if (pathListeners.size === 0) window.removeEventListener("hashchange", onHashChange);
    };
  }, []);
  return path;
}
