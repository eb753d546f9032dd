import { useState, type FormEvent } from "react";
import { api } from "../../api";
import type { AuditEntry, AuditPage, User } from "../../api/types";
import { DataTable, EmptyState, ErrorBanner, FormField, Loading, PageHeader, RawDetails, errorText } from "../../components";
import { useLoad } from "../../hooks";
import { formatDateTime, useI18n, type MessageKey } from "../../i18n";

/**
 * The audit log (admins): who changed what, newest first, filtered by area, user and dates
 * (read in the admin's time zone), a page at a time. An entry's area is the API's tag; an
 * area this console has no name for (a newer server) shows as the tag itself.
 */
const AREAS: Record<string, MessageKey> = {
  users: "audit.area.users",
  session: "audit.area.session",
  accounts: "audit.area.accounts",
  contacts: "audit.area.contacts",
  messages: "audit.area.messages",
  discovery: "audit.area.discovery",
  settings: "audit.area.settings",
  "api-keys": "audit.area.api-keys",
  webhooks: "audit.area.webhooks",
  audit: "audit.area.audit",
  system: "audit.area.system",
  operations: "audit.area.operations",
  sending: "audit.area.sending",
  setup: "audit.area.setup",
};
const METHODS: Record<string, MessageKey> = { POST: "audit.method.POST", PUT: "audit.method.PUT", PATCH: "audit.method.PATCH", DELETE: "audit.method.DELETE" };

type Filter = { area: string; actorId: string; from: string; to: string };
const NO_FILTER: Filter = { area: "", actorId: "", from: "", to: "" };
/** A date input's day as the start (or the end) of that day in the browser's time zone, as ISO. */
const dayBound = (day: string, end: boolean): string | undefined => (day ? new Date(`${day}T${end ? "23:59:59.999" : "00:00:00.000"}`).toISOString() : undefined);

export function AuditPage() {
  const { t } = useI18n();
  const [filter, setFilter] = useState<Filter>(NO_FILTER);
  const [draft, setDraft] = useState<Filter>(NO_FILTER);
  const [more, setMore] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });
  const users = useLoad<User[]>(() => api.listUsers().then((r) => r.items), []).data ?? [];
  const query = () => ({ area: filter.area || undefined, actorId: filter.actorId || undefined, from: dayBound(filter.from, false), to: dayBound(filter.to, true) });
  const page = useLoad<AuditPage>(() => api.listAudit(query()), [filter]);

  function apply(e: FormEvent) {
    e.preventDefault();
    setFilter(draft);
  }

  async function loadMore() {
    if (!page.data?.nextCursor || more.busy) return;
    setMore({ busy: true, error: null });
    try {
      const next = await api.listAudit({ ...query(), cursor: page.data.nextCursor });
      page.set((latest) => ({ items: [...(latest?.items ?? []), ...next.items], nextCursor: next.nextCursor }));
      setMore({ busy: false, error: null });
    } catch (err) {
      setMore({ busy: false, error: errorText(err, t) });
    }
  }

  const areaLabel = (area: string) => (AREAS[area] ? t(AREAS[area]) : area);
  const select = (key: "area" | "actorId", label: string, options: { value: string; label: string }[]) => (
    <FormField label={label}>
      {({ id }) => (
        <select id={id} className="input" value={draft[key]} onChange={(e) => setDraft((d) => ({ ...d, [key]: e.target.value }))} data-testid={`audit-filter-${key}`}>
          <option value="">{t("audit.filter.all")}</option>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </FormField>
  );
  const day = (key: "from" | "to", label: string) => (
    <FormField label={label}>
      {({ id }) => (
        <input id={id} type="date" className="input" value={draft[key]} onChange={(e) => setDraft((d) => ({ ...d, [key]: e.target.value }))} data-testid={`audit-filter-${key}`} />
      )}
    </FormField>
  );

  return (
    <>
      <PageHeader title={t("audit.title")} subtitle={t("audit.subtitle")} />
      <form className="card form audit-filter" onSubmit={apply} data-testid="audit-filter">
        <div className="audit-filter__row">
          {select(
            "area",
            t("audit.filter.area"),
            Object.keys(AREAS).map((a) => ({ value: a, label: areaLabel(a) })),
          )}
          {select(
            "actorId",
            t("audit.filter.user"),
            users.map((u) => ({ value: u.id, label: `${u.name} <${u.email}>` })),
          )}
          {day("from", t("audit.filter.from"))}
          {day("to", t("audit.filter.to"))}
          <div className="audit-filter__apply">
            <button type="submit" className="btn btn--primary" data-testid="audit-filter-apply">
              {t("audit.filter.apply")}
            </button>
          </div>
        </div>
      </form>
      {page.status === "error" ? <ErrorBanner messages={[errorText(page.error, t)]} onRetry={page.reload} /> : null}
      {page.data === null ? (
        page.status === "loading" ? (
          <Loading />
        ) : null
      ) : page.data.items.length === 0 ? (
        <EmptyState title={t("audit.empty")} />
      ) : (
        <div className="card card--flush">
          <AuditTable entries={page.data.items} areaLabel={areaLabel} />
          {more.error ? <ErrorBanner messages={[more.error]} /> : null}
          {page.data.nextCursor ? (
            <div className="load-more">
              <button type="button" className="btn" disabled={more.busy} onClick={() => void loadMore()} data-testid="audit-load-more">
                {more.busy ? t("common.loading") : t("audit.loadMore")}
              </button>
            </div>
          ) : null}
        </div>
      )}
    </>
  );
}

function AuditTable(props: { entries: AuditEntry[]; areaLabel: (area: string) => string }) {
  const { t, lang } = useI18n();
  const method = (action: string) => action.split(" ")[0] ?? "";
  return (
    <DataTable
      testId="audit-table"
      rows={props.entries}
      rowKey={(e) => `${e.at}${e.action}${e.actorId}`}
      rowProps={(e) => ({ "data-testid": "audit-row", "data-action": e.action, "data-ok": String(e.ok) })}
      columns={[
        { label: t("audit.col.at"), cell: (e) => formatDateTime(lang, e.at) },
        {
          label: t("audit.col.who"),
          cell: (e) => (
            <>
              <span className="cell-main">{e.actorEmail}</span>
              {e.apiKeyId ? <span className="muted"> {t("audit.viaKey")}</span> : null}
            </>
          ),
        },
        {
          label: t("audit.col.action"),
          cell: (e) => (
            <>
              <span className="cell-main">
                {props.areaLabel(e.area)}: {METHODS[method(e.action)] ? t(METHODS[method(e.action)]!) : method(e.action)}
              </span>
              <div>
                <code>{e.action}</code>
              </div>
            </>
          ),
        },
        // internal ids and the request's field names are for support: behind "Details", as code
        { label: t("audit.col.target"), cell: (e) => (Object.values(e.target).length ? <RawDetails text={Object.values(e.target).join(", ")} /> : t("common.none")) },
        {
          label: t("audit.col.details"),
          cell: (e) =>
            Object.keys(e.changes).length ? (
              <details className="raw-details">
                <summary>{t("audit.changes", { count: Object.keys(e.changes).length })}</summary>
                <dl className="audit-changes">
                  {Object.entries(e.changes).map(([k, v]) => (
                    <div key={k}>
                      <dt>
                        <code>{k}</code>
                      </dt>
                      <dd>
                        <code>{v}</code>
                      </dd>
                    </div>
                  ))}
                </dl>
              </details>
            ) : (
              t("common.none")
            ),
        },
        { label: t("audit.col.outcome"), testId: "audit-outcome", status: true, cell: (e) => (e.ok ? t("audit.ok") : t("audit.refused", { status: e.status })) },
      ]}
    />
  );
}
