import { useCallback, useEffect, useMemo, useState } from "react";
import { api } from "../api";
import { ConfirmDialog, DataTable, EmptyState, ErrorBanner, IconPlus, IconSync, Loading, PageHeader, StateBadge, errorText, useNotify } from "../components";
import { HeldReason, POLL_ACTIVE_MS, SyncProgress, syncActive, useProviderLabel, useProviders } from "../accountStatus";
import { formatDateTime, formatDateTimeLong, formatRelative, useI18n } from "../i18n";
import { useChangedSince, useNow, usePolling } from "../hooks";
import { href } from "../router";
import type { Account, User } from "../api/types";
import { ExcludedDomainsCard } from "./ExcludedDomains";
import { SendingSettingsCard } from "./SendingSettings";

const POLL_MS = POLL_ACTIVE_MS;
/** While nothing runs: how often the list asks whether anything changed (a scheduled sync starting, an edit elsewhere). */
const CHANGED_POLL_MS = 5000;

export function AccountsPage(props: { user: User }) {
  const { t, lang } = useI18n();
  const notify = useNotify();
  const [accounts, setAccounts] = useState<Account[] | null>(null);
  const [users, setUsers] = useState<Map<string, User>>(new Map());
  const [loadError, setLoadError] = useState<unknown>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [syncing, setSyncing] = useState<Set<string>>(new Set());
  const [toDelete, setToDelete] = useState<Account | null>(null);
  const [deleteBusy, setDeleteBusy] = useState(false);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  // how many stored copies disconnecting deletes: asked when the confirmation opens
  const [deleteCount, setDeleteCount] = useState<number | null>(null);
  const isAdmin = props.user.role === "admin";
  const { providers } = useProviders();
  const providerLabel = useProviderLabel(providers);

  const load = useCallback(async (quiet = false) => {
    if (!quiet) setLoadError(null);
    try {
      const res = await api.listAccounts();
      setAccounts(res.items);
      setLoadError(null);
    } catch (err) {
      if (!quiet) setLoadError(err);
    }
  }, []);

  // Reload on language change too: lastError messages come back in the request's language.
  useEffect(() => {
    void load();
  }, [load, lang]);

  useEffect(() => {
    if (!isAdmin) return;
    api
      .listUsers()
      .then((res) => setUsers(new Map(res.items.map((u) => [u.id, u]))))
      .catch(() => undefined);
  }, [isAdmin]);

  // While a mailbox is syncing (or was just asked to), refresh quietly so the status moves on.
  const anyBusy = syncing.size > 0 || (accounts ?? []).some(syncActive);
  usePolling(() => void load(true), POLL_MS, anyBusy);
  // Otherwise a cheap fingerprint of the list is polled, and the list reloaded only when it changed.
  useChangedSince(
    () => api.accountsVersion().then((r) => r.version),
    () => void load(true),
    CHANGED_POLL_MS,
    !anyBusy && accounts !== null,
  );
  // "3 minutes ago" keeps moving
  const now = useNow(15_000);

  const owner = useCallback(
    (id: string): { name: string; email: string; removed?: boolean } => {
      if (id === props.user.id) return { name: props.user.name, email: props.user.email };
      const u = users.get(id);
      // admins see every user: an owner not among them was removed (its mailbox does not sync)
      return u ? { name: u.name, email: u.email } : { name: t("accounts.unknownOwner"), email: "", removed: isAdmin && users.size > 0 };
    },
    [props.user, users, t, isAdmin],
  );

  useEffect(() => {
    setDeleteCount(null);
    if (!toDelete) return;
    let live = true;
    api
      .accountCopies(toDelete.id)
      .then((res) => live && setDeleteCount(res.count))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [toDelete]);

  async function syncNow(account: Account) {
    setActionError(null);
    setSyncing((s) => new Set(s).add(account.id));
    try {
      await api.syncAccount(account.id);
      notify(t("accounts.syncStarted", { email: account.email }), "info");
      await load(true);
    } catch (err) {
      setActionError(errorText(err, t));
    } finally {
      window.setTimeout(() => {
        setSyncing((s) => {
          const next = new Set(s);
          next.delete(account.id);
          return next;
        });
      }, POLL_MS * 2);
    }
  }

  async function confirmDelete() {
    if (!toDelete) return;
    setDeleteBusy(true);
    setDeleteError(null);
    try {
      await api.deleteAccount(toDelete.id);
      setAccounts((list) => (list ?? []).filter((a) => a.id !== toDelete.id));
      notify(t("accounts.deleted", { email: toDelete.email }));
      setToDelete(null);
    } catch (err) {
      setDeleteError(errorText(err, t));
    } finally {
      setDeleteBusy(false);
    }
  }

  const sorted = useMemo(() => [...(accounts ?? [])].sort((a, b) => a.email.localeCompare(b.email)), [accounts]);

  return (
    <>
      <PageHeader
        title={t("accounts.title")}
        subtitle={t("accounts.subtitle")}
        actions={
          <a className="btn btn--primary" href={href("/accounts/new")} data-testid="account-new">
            <IconPlus />
            {t("accounts.add")}
          </a>
        }
      />
      {loadError ? <ErrorBanner messages={[errorText(loadError, t)]} onRetry={() => void load()} /> : null}
      {actionError ? <ErrorBanner messages={[actionError]} /> : null}
      {accounts === null && !loadError ? <Loading /> : null}
      {isAdmin ? <ExcludedDomainsCard /> : null}
      {isAdmin ? <SendingSettingsCard /> : null}
      {accounts !== null ? (
        <div className="card card--flush">
          {sorted.length === 0 ? (
            <EmptyState title={t("accounts.empty")} hint={t("accounts.emptyHint")}>
              <a className="btn btn--primary" href={href("/accounts/new")}>
                <IconPlus />
                {t("accounts.add")}
              </a>
            </EmptyState>
          ) : (
            <DataTable
              testId="accounts-table"
              rows={sorted}
              rowKey={(a) => a.id}
              rowProps={(a) => ({ "data-testid": "account-row", "data-account-id": a.id })}
              columns={[
                {
                  label: t("accounts.col.owner"),
                  cell: (a) => {
                    const o = owner(a.ownerId);
                    return (
                      <>
                        <div className="cell-main" translate="no">
                          {o.name}
                        </div>
                        {o.email ? <div className="cell-sub">{o.email}</div> : null}
                        {o.removed ? (
                          <div className="cell-sub cell-sub--error" data-testid="account-owner-removed">
                            {t("accounts.ownerRemoved")}
                          </div>
                        ) : null}
                      </>
                    );
                  },
                },
                {
                  label: t("accounts.col.address"),
                  cell: (a) => (
                    <>
                      <div className="cell-main">
                        <a href={href(`/accounts/${encodeURIComponent(a.id)}`)} className="link">
                          {a.email}
                        </a>
                      </div>
                      {a.displayName ? <div className="cell-sub">{a.displayName}</div> : null}
                    </>
                  ),
                },
                {
                  label: t("accounts.col.provider"),
                  testId: "account-provider",
                  cellProps: (a) => ({ className: "provider-cell", "data-provider": a.provider }),
                  cell: (a) => (
                    <>
                      <div className="cell-main">{providerLabel(a.provider)}</div>
                      <div className="cell-sub">{a.imap.host}</div>
                    </>
                  ),
                },
                {
                  label: t("accounts.col.state"),
                  status: true,
                  cell: (a) => (
                    <>
                      <div className="state-cell">
                        <StateBadge state={a.state} title={a.lastError?.message} />
                        {!a.syncEnabled && a.state !== "disabled" ? <span className="tag">{t("accounts.syncOff")}</span> : null}
                      </div>
                      <HeldReason account={a} />
                      {a.syncProgress ? <SyncProgress account={a} compact /> : null}
                      {a.state === "paused" ? (
                        <span className="account-paused-reason" data-testid="account-paused-reason">
                          {t("accounts.pausedReason")}
                        </span>
                      ) : null}
                      {a.lastError ? (
                        <div className="cell-sub cell-sub--error clamp-2" title={a.lastError.message} data-testid="account-error">
                          {a.lastError.message}
                        </div>
                      ) : null}
                    </>
                  ),
                },
                {
                  label: t("accounts.col.lastSync"),
                  cellProps: () => ({ className: "nowrap" }),
                  cell: (a) =>
                    a.lastSyncAt ? (
                      <time dateTime={a.lastSyncAt} title={formatDateTimeLong(lang, a.lastSyncAt)}>
                        <div className="cell-main" data-testid="account-last-sync">
                          {formatRelative(lang, a.lastSyncAt, now)}
                        </div>
                        <div className="cell-sub">{formatDateTime(lang, a.lastSyncAt)}</div>
                      </time>
                    ) : (
                      <span className="muted">{t("accounts.neverSynced")}</span>
                    ),
                },
                {
                  label: t("accounts.col.actions"),
                  actions: true,
                  cell: (a) => (
                    <>
                      {a.state === "paused" ? (
                        // nothing would log in anyway: the way out is a new password
                        <a className="btn btn--small btn--primary" href={href(`/accounts/${encodeURIComponent(a.id)}`)} data-testid="account-update-password">
                          {t("accounts.updatePassword")}
                        </a>
                      ) : a.heldBecause ? null : ( // held from outside the mailbox: the API refuses Sync now, the reason shows in the status column
                        <button
                          type="button"
                          className="btn btn--small"
                          onClick={() => void syncNow(a)}
                          disabled={syncing.has(a.id) || syncActive(a) || !a.syncEnabled}
                          title={!a.syncEnabled ? t("accounts.syncOff") : undefined}
                          data-testid="account-sync"
                        >
                          <IconSync />
                          {t("accounts.syncNow")}
                        </button>
                      )}
                      <a className="btn btn--small" href={href(`/accounts/${encodeURIComponent(a.id)}`)} data-testid="account-edit">
                        {t("common.edit")}
                      </a>
                      <button
                        type="button"
                        className="btn btn--small btn--danger-ghost"
                        onClick={() => {
                          setDeleteError(null);
                          setToDelete(a);
                        }}
                        data-testid="account-delete"
                      >
                        {t("common.delete")}
                      </button>
                    </>
                  ),
                },
              ]}
            />
          )}
        </div>
      ) : null}
      {toDelete ? (
        <ConfirmDialog
          title={t("accounts.deleteTitle")}
          body={deleteCount === null ? t("accounts.deleteBody", { email: toDelete.email }) : t("accounts.deleteBodyCount", { email: toDelete.email, count: deleteCount })}
          confirmLabel={t("common.delete")}
          busy={deleteBusy}
          error={deleteError}
          onConfirm={() => void confirmDelete()}
          onCancel={() => setToDelete(null)}
        />
      ) : null}
    </>
  );
}
