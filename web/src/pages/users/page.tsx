// The Users page (admins): the list (a card per user on a phone), add, edit, deactivate or
// reactivate, reset a password, remove.
import { useCallback, useEffect, useState } from "react";
import { api } from "../../api";
import { ConfirmDialog, DataTable, ErrorBanner, Loading, PageHeader, errorText, useNotify, type Column } from "../../components";
import { useNow } from "../../hooks";
import { formatDateTime, formatRelative, useI18n } from "../../i18n";
import type { User } from "../../api/types";
import { EditUserDialog, TemporaryPasswordDialog } from "./dialogs";
import { NewUserForm } from "./new-user-form";

type Status = "active" | "deactivated" | "locked";
const statusOf = (u: User, now: number): Status => (!u.active ? "deactivated" : u.lockedUntil && Date.parse(u.lockedUntil) > now ? "locked" : "active");
const TONE: Record<Status, string> = { active: "ok", deactivated: "muted", locked: "warn" };

/** What the confirm dialog is asking about. */
type Pending = { kind: "remove" | "deactivate" | "reset"; user: User };

export function UsersPage(props: { user: User }) {
  const { t, lang } = useI18n();
  const notify = useNotify();
  const now = useNow(15_000);
  const [users, setUsers] = useState<User[] | null>(null);
  const [passwordMail, setPasswordMail] = useState(false);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const [editing, setEditing] = useState<User | null>(null);
  const [temporary, setTemporary] = useState<{ user: User; password: string } | null>(null);

  const load = useCallback(async () => {
    setLoadError(null);
    try {
      const res = await api.listUsers();
      setUsers(res.items);
      setPasswordMail(res.passwordMail);
    } catch (err) {
      setLoadError(err);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const replace = (u: User) => setUsers((list) => (list ?? []).map((x) => (x.id === u.id ? u : x)));
  const label = (u: User) => u.name || u.email;

  /** Runs a row action, showing its error in the row's dialog or as a banner when there is none. */
  async function act(action: () => Promise<void>) {
    setBusy(true);
    setActionError(null);
    try {
      await action();
      setPending(null);
    } catch (err) {
      setActionError(errorText(err, t));
    } finally {
      setBusy(false);
    }
  }

  async function confirm() {
    if (!pending) return;
    const { kind, user } = pending;
    await act(async () => {
      if (kind === "remove") {
        await api.deleteUser(user.id);
        setUsers((list) => (list ?? []).filter((u) => u.id !== user.id));
        notify(t("users.removed", { name: label(user) }));
      } else if (kind === "deactivate") {
        const { mailboxesChanged, ...after } = await api.deactivateUser(user.id);
        replace(after);
        notify(t("users.deactivated", { name: label(user), count: mailboxesChanged }));
      } else {
        const reply = await api.resetUserPassword(user.id);
        if (reply.method === "temporary") setTemporary({ user, password: reply.temporaryPassword });
        else notify(t("users.resetMailed", { email: reply.sentTo }));
      }
    });
  }

  async function reactivate(user: User) {
    await act(async () => {
      const { mailboxesChanged, ...after } = await api.reactivateUser(user.id);
      replace(after);
      notify(t("users.reactivated", { name: label(user), count: mailboxesChanged }));
    });
  }

  const sorted = [...(users ?? [])].sort((a, b) => (a.role === b.role ? a.name.localeCompare(b.name) : a.role === "admin" ? -1 : 1));
  const columns: Column<User>[] = [
    {
      label: t("users.col.status"),
      testId: "user-status",
      status: true,
      cell: (u) => {
        const status = statusOf(u, now);
        return (
          <span className={`badge badge--${TONE[status]}`} data-status={status}>
            <span className="badge__dot" aria-hidden="true" />
            {t(`users.status.${status}`)}
          </span>
        );
      },
    },
    {
      label: t("users.col.name"),
      cell: (u) => (
        <>
          <span className="cell-main" translate="no">
            {u.name}
          </span>
          {u.id === props.user.id ? <span className="tag tag--primary">{t("users.you")}</span> : null}
        </>
      ),
    },
    { label: t("users.col.email"), cell: (u) => u.email },
    { label: t("users.col.role"), testId: "user-role", cell: (u) => <span className={`role role--${u.role}`}>{t(u.role === "admin" ? "role.admin" : "role.member")}</span> },
    {
      label: t("users.col.lastSignIn"),
      testId: "user-last-sign-in",
      // relative and ticking, as the mailbox list's last sync; the exact time on hover
      cell: (u) => (u.lastSignInAt ? <span title={formatDateTime(lang, u.lastSignInAt)}>{formatRelative(lang, u.lastSignInAt, now)}</span> : t("users.never")),
    },
    {
      label: t("users.col.actions"),
      actions: true,
      cell: (u) => {
        const self = u.id === props.user.id;
        const ask = (kind: Pending["kind"]) => () => {
          setActionError(null);
          setPending({ kind, user: u });
        };
        return (
          <>
            <button type="button" className="btn btn--small" onClick={() => setEditing(u)} data-testid="user-edit">
              {t("users.edit")}
            </button>
            <button type="button" className="btn btn--small" disabled={!u.active} onClick={ask("reset")} data-testid="user-reset">
              {t("users.resetPassword")}
            </button>
            {u.active ? (
              <button type="button" className="btn btn--small btn--danger-ghost" disabled={self} onClick={ask("deactivate")} data-testid="user-deactivate">
                {t("users.deactivate")}
              </button>
            ) : (
              <button type="button" className="btn btn--small" disabled={busy} onClick={() => void reactivate(u)} data-testid="user-reactivate">
                {t("users.reactivate")}
              </button>
            )}
            <button type="button" className="btn btn--small btn--danger-ghost" disabled={self} onClick={ask("remove")} data-testid="user-delete">
              {t("users.remove")}
            </button>
          </>
        );
      },
    },
  ];

  const dialogText = (p: Pending) => {
    const name = label(p.user);
    if (p.kind === "remove") return { title: t("users.removeTitle"), body: t("users.removeBody", { name: p.user.name, email: p.user.email }), confirm: t("users.remove") };
    if (p.kind === "deactivate")
      return { title: t("users.deactivateTitle", { name }), body: t("users.deactivateBody", { name, email: p.user.email }), confirm: t("users.deactivate") };
    return {
      title: t("users.resetTitle", { name }),
      body: passwordMail ? t("users.resetBodyMail", { email: p.user.email }) : t("users.resetBodyTemporary"),
      confirm: t("users.resetPassword"),
    };
  };

  return (
    <>
      <PageHeader title={t("users.title")} subtitle={t("users.subtitle")} />
      <div className="split">
        <section className="split__main">
          {loadError ? <ErrorBanner messages={[errorText(loadError, t)]} onRetry={() => void load()} /> : null}
          {actionError && !pending ? <ErrorBanner messages={[actionError]} testId="user-action-error" /> : null}
          {users === null && !loadError ? <Loading /> : null}
          {users !== null ? (
            <div className="card card--flush users-list">
              {sorted.length === 0 ? (
                <p className="empty__title empty">{t("users.empty")}</p>
              ) : (
                <DataTable
                  testId="users-table"
                  columns={columns}
                  rows={sorted}
                  rowKey={(u) => u.id}
                  rowProps={(u) => ({ "data-testid": "user-row", "data-user-id": u.id, "data-email": u.email })}
                />
              )}
            </div>
          ) : null}
        </section>
        <aside className="split__side">
          <NewUserForm
            passwordMail={passwordMail}
            onCreated={(u, invitation) => {
              setUsers((list) => [...(list ?? []), u]);
              const name = label(u);
              notify(invitation === "sent" ? t("users.invited", { name }) : invitation === "failed" ? t("users.inviteFailed", { name }) : t("users.created", { name }));
            }}
          />
        </aside>
      </div>
      {pending ? (
        <ConfirmDialog
          title={dialogText(pending).title}
          body={dialogText(pending).body}
          confirmLabel={dialogText(pending).confirm}
          busyLabel={pending.kind === "remove" ? undefined : t("common.saving")}
          busy={busy}
          error={actionError}
          onConfirm={() => void confirm()}
          onCancel={() => setPending(null)}
        />
      ) : null}
      {editing ? (
        <EditUserDialog
          user={editing}
          onClose={() => setEditing(null)}
          onSaved={(u) => {
            replace(u);
            setEditing(null);
            notify(t("users.saved", { name: label(u) }));
          }}
        />
      ) : null}
      {temporary ? <TemporaryPasswordDialog user={temporary.user} password={temporary.password} onClose={() => setTemporary(null)} /> : null}
    </>
  );
}
