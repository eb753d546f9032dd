// A contact's email history: pages newest first, conversations folded, a filter by mailbox owner,
// and a notice while its past mail is still being fetched.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { api } from "../../api";
import { EmptyState, ErrorBanner, IconChevron, IconCopy, IconPaperclip, IconReceived, IconSent, Loading, errorText } from "../../components";
import { formatDateTime, formatDateTimeLong, useI18n } from "../../i18n";
import { navigate } from "../../router";
import type { Account, DraftMode, MessageOwner, MessageSummary, PastMailStatus, User } from "../../api/types";
import { SendStatus } from "./send-status";
import { MessageView } from "./message-view";
// pure, no imports: the API joins one page with it, the console every page it has loaded
import { joinThreads } from "../../../../core/messages/threads";

const PAGE_SIZE = 50;
/** How often the page asks whether the contact's past mail has arrived, while it is being fetched. */
const PAST_MAIL_POLL_MS = 5_000;

interface OwnerOption {
  userId: string;
  label: string;
}

/** A mailbox holding a copy: its owner's name and the mailbox address. */
export const ownerLabel = (o: MessageOwner) => (o.name ? `${o.name} (${o.email ?? o.accountId})` : (o.email ?? o.accountId));

/** The owners to filter by: the users whose mailboxes we know, named as well as we can. */
function useOwnerOptions(items: MessageSummary[] | null, me: User): OwnerOption[] {
  const { t } = useI18n();
  const [accounts, setAccounts] = useState<Account[]>([]);
  const [users, setUsers] = useState<User[]>([]);
  useEffect(() => {
    api
      .listAccounts()
      .then((res) => setAccounts(res.items))
      .catch(() => undefined);
    if (me.role === "admin")
      api
        .listUsers()
        .then((res) => setUsers(res.items))
        .catch(() => undefined);
  }, [me.role]);
  return useMemo(() => {
    const emails = new Map<string, Set<string>>();
    const names = new Map<string, string>();
    const add = (userId: string, email: string | null | undefined) => {
      const set = emails.get(userId) ?? new Set<string>();
      if (email) set.add(email);
      emails.set(userId, set);
    };
    for (const a of accounts) add(a.ownerId, a.email);
    for (const m of items ?? []) {
      for (const o of m.owners) {
        add(o.userId, o.email);
        if (o.name) names.set(o.userId, o.name);
      }
    }
    const name = (userId: string) => (userId === me.id ? me.name || me.email : (users.find((u) => u.id === userId)?.name ?? names.get(userId)));
    return [...emails.entries()]
      .map(([userId, set]) => {
        const addresses = [...set].sort().join(", ");
        const who = name(userId);
        return { userId, label: who ? (addresses ? `${who} (${addresses})` : who) : addresses || t("accounts.unknownOwner") };
      })
      .sort((a, b) => a.label.localeCompare(b.label));
  }, [accounts, users, items, me, t]);
}

/**
 * While the contact's past mail is being fetched (it just gained an address), says so and since
 * when, and reloads the history once it has arrived. Asked again whenever the contact changes.
 */
function usePastMail(contactId: string, changedAt: string | undefined, onArrived: () => void): PastMailStatus | null {
  const [status, setStatus] = useState<PastMailStatus | null>(null);
  const arrived = useRef(onArrived);
  arrived.current = onArrived;
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let wasPending = false;
    const check = async () => {
      try {
        const next = await api.getPastMail(contactId);
        if (stopped) return;
        setStatus(next);
        if (wasPending && !next.pending) arrived.current();
        wasPending = next.pending;
        if (next.pending) timer = setTimeout(() => void check(), PAST_MAIL_POLL_MS);
      } catch {
        // the notice is a courtesy: the history itself reports its own errors
      }
    };
    void check();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [contactId, changedAt]);
  return status;
}

function PastMailNotice(props: { status: PastMailStatus | null }) {
  const { t, lang } = useI18n();
  const s = props.status;
  if (!s?.pending) return null;
  return (
    <div className="banner banner--info" role="status" data-testid="past-mail-pending" data-requested-at={s.requestedAt ?? undefined}>
      <div className="banner__body">
        <span>{t("contact.pastMailPending", { time: formatDateTime(lang, s.requestedAt) })}</span>
        <span>{s.expectedAt ? t("contact.pastMailExpected", { time: formatDateTime(lang, s.expectedAt) }) : t("contact.pastMailSoon")}</span>
      </div>
    </div>
  );
}

/** While a message written here is queued, the history is asked again this often to show it sent (or not). */
const SENDING_POLL_MS = 3_000;

export function Timeline(props: {
  contactId: string;
  changedAt?: string;
  user: User;
  openMessageId?: string;
  /** Changes when a message was just queued from this page: the history is read again. */
  refreshKey?: number;
  /** Offered on an open message when sending is on. */
  onReply?: (messageId: string, mode: DraftMode) => void;
}) {
  const { t } = useI18n();
  const [items, setItems] = useState<MessageSummary[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [owner, setOwner] = useState("");
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  // The first page without a filter names every owner; keep them for the select.
  const [seen, setSeen] = useState<MessageSummary[]>([]);
  const ownerOptions = useOwnerOptions(seen, props.user);
  const request = useRef(0);
  // where the focus goes back to when a message opened by a link (not from its row) is closed
  const sectionRef = useRef<HTMLElement>(null);
  const titleRef = useRef<HTMLHeadingElement>(null);

  const fetchPage = useCallback(
    async (after: string | null) => {
      const mine = ++request.current;
      setError(null);
      if (after) setLoadingMore(true);
      else setLoading(true);
      try {
        const page = await api.listMessages(props.contactId, { cursor: after, limit: PAGE_SIZE, owner: owner || null });
        if (mine !== request.current) return;
        setItems((prev) => {
          const base = after ? (prev ?? []) : [];
          const known = new Set(base.map((m) => m.id));
          return [...base, ...page.items.filter((m) => !known.has(m.id))];
        });
        setSeen((prev) => {
          const known = new Set(prev.map((m) => m.id));
          return [...prev, ...page.items.filter((m) => !known.has(m.id))];
        });
        setCursor(page.nextCursor);
      } catch (err) {
        if (mine === request.current) setError(err);
      } finally {
        if (mine === request.current) {
          setLoadingMore(false);
          setLoading(false);
        }
      }
    },
    [props.contactId, owner],
  );

  useEffect(() => {
    void fetchPage(null);
  }, [fetchPage, props.refreshKey]);

  // a message queued from here turns sent (or not sent) within seconds: show it without a click
  const queued = (items ?? []).some((m) => m.sending?.status === "queued");
  useEffect(() => {
    if (!queued) return;
    const timer = setTimeout(() => void fetchPage(null), SENDING_POLL_MS);
    return () => clearTimeout(timer);
  }, [queued, items, fetchPage]);
  const pastMail = usePastMail(props.contactId, props.changedAt, () => void fetchPage(null));

  // Newest first: the first message of a thread met in the list is its latest. The pages
  // loaded so far are joined again: a reply on one page may name its parent on another.
  const threads = useMemo(() => {
    const list = items ?? [];
    const ids = joinThreads(list.map((m) => ({ date: m.date, threadKey: m.threadId, links: m.threadLinks })));
    const map = new Map<string, MessageSummary[]>();
    list.forEach((m, i) => {
      const id = ids[i]!;
      const group = map.get(id);
      if (group) group.push(m);
      else map.set(id, [m]);
    });
    return [...map.entries()].map(([id, messages]) => ({ id, messages }));
  }, [items]);

  const open = (m: MessageSummary) => navigate(`/contacts/${encodeURIComponent(props.contactId)}/messages/${encodeURIComponent(m.id)}`);
  const close = () => navigate(`/contacts/${encodeURIComponent(props.contactId)}`);
  const openSummary = props.openMessageId ? ((items ?? []).find((m) => m.id === props.openMessageId) ?? null) : null;
  const ownerLabel = ownerOptions.find((o) => o.userId === owner)?.label ?? owner;

  const countLabel =
    items && items.length > 0
      ? `${t("contact.threads", { count: threads.length })} · ${cursor ? t("contact.messagesShown", { count: items.length }) : t("contact.messagesAll", { count: items.length })}`
      : null;

  return (
    <section className="timeline" ref={sectionRef} data-testid="contact-messages" aria-labelledby="timeline-title" aria-busy={loading || undefined}>
      <div className="section-head section-head--tools">
        <h2 id="timeline-title" className="section-head__title" ref={titleRef} tabIndex={-1}>
          {t("contact.messages")}
        </h2>
        {countLabel ? (
          <span className="section-head__meta" data-testid="messages-count" data-threads={threads.length}>
            {countLabel}
          </span>
        ) : null}
        <div className="section-head__tools">
          <label className="inline-select">
            <span className="inline-select__label">{t("contact.filterOwner")}</span>
            <select
              className="input input--small"
              value={owner}
              onChange={(e) => {
                setOwner(e.target.value);
                setExpanded(new Set());
              }}
              data-testid="messages-owner-filter"
            >
              <option value="">{t("contact.filterOwnerAll")}</option>
              {owner && !ownerOptions.some((o) => o.userId === owner) ? <option value={owner}>{t("common.unknownUser")}</option> : null}
              {ownerOptions.map((o) => (
                <option key={o.userId} value={o.userId}>
                  {o.label}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="btn btn--small" onClick={() => void fetchPage(null)} disabled={loading} data-testid="messages-refresh">
            {t("contact.refresh")}
          </button>
        </div>
      </div>
      <PastMailNotice status={pastMail} />
      {error ? <ErrorBanner messages={[errorText(error, t)]} onRetry={() => void fetchPage(items?.length ? cursor : null)} /> : null}
      {items === null && !error ? <Loading /> : null}
      {items !== null ? (
        <div className={`card card--flush${loading ? " is-refreshing" : ""}`}>
          {items.length === 0 ? (
            <div data-testid="messages-empty">
              <EmptyState title={owner ? t("contact.noMessagesOwner", { owner: ownerLabel }) : t("contact.noMessages")} hint={owner ? undefined : t("contact.noMessagesHint")} />
            </div>
          ) : (
            <div className="msgs" role="list">
              <div className="msg msg--head" aria-hidden="true">
                <div className="msg__main">
                  <span className="msg__date">{t("contact.col.date")}</span>
                  <span className="msg__dir">{t("contact.col.direction")}</span>
                  <span className="msg__subject">{t("contact.col.subject")}</span>
                  <span className="msg__who">{t("contact.col.counterpart")}</span>
                  <span className="msg__owners">{t("contact.col.owners")}</span>
                </div>
                <span className="msg__toggle-col" />
              </div>
              {threads.map((thread) => {
                const isOpen = expanded.has(thread.id);
                const [latest, ...older] = thread.messages;
                const toggle = () =>
                  setExpanded((s) => {
                    const next = new Set(s);
                    if (next.has(thread.id)) next.delete(thread.id);
                    else next.add(thread.id);
                    return next;
                  });
                return (
                  <div
                    key={thread.id}
                    role="listitem"
                    className={`thread${isOpen ? " thread--open" : ""}`}
                    data-testid="thread"
                    data-thread-id={thread.id}
                    data-count={thread.messages.length}
                  >
                    <MessageRow m={latest!} count={thread.messages.length} open={isOpen} onToggle={toggle} onOpen={open} />
                    {isOpen ? older.map((m) => <MessageRow key={m.id} m={m} nested onOpen={open} />) : null}
                  </div>
                );
              })}
            </div>
          )}
        </div>
      ) : null}
      {cursor && items && items.length > 0 ? (
        <div className="load-more">
          <button type="button" className="btn" onClick={() => void fetchPage(cursor)} disabled={loadingMore} data-testid="messages-load-more">
            {loadingMore ? t("contact.loadingMore") : t("contact.loadMore")}
          </button>
        </div>
      ) : null}
      {props.openMessageId ? (
        <MessageView
          key={props.openMessageId}
          id={props.openMessageId}
          summary={openSummary}
          onClose={close}
          onReply={props.onReply}
          returnFocus={() => messageButton(sectionRef.current, props.openMessageId!) ?? titleRef.current}
        />
      ) : null}
    </section>
  );
}

/** The button of a message's row, when the row is shown (an older message of a closed thread is not). */
function messageButton(section: HTMLElement | null, messageId: string): HTMLElement | null {
  const row = [...(section?.querySelectorAll<HTMLElement>(".msg[data-message-id]") ?? [])].find((el) => el.dataset.messageId === messageId);
  return row?.querySelector<HTMLElement>("button.msg__main") ?? null;
}

function MessageRow(props: { m: MessageSummary; count?: number; open?: boolean; nested?: boolean; onToggle?: () => void; onOpen: (m: MessageSummary) => void }) {
  const { t, lang } = useI18n();
  const { m } = props;
  const subject = m.subject || t("contact.noSubject");
  const attachments = "attachments" in m && Array.isArray(m.attachments) ? m.attachments.length : 0;
  return (
    <div className={`msg${props.nested ? " msg--nested" : ""}`} data-testid="message-row" data-direction={m.direction} data-message-id={m.id}>
      <button type="button" className="msg__main" onClick={() => props.onOpen(m)} data-testid="message-open">
        <span className="msg__date">
          <time dateTime={m.date} title={formatDateTimeLong(lang, m.date)}>
            {formatDateTime(lang, m.date)}
          </time>
        </span>
        <span className="msg__dir">
          <span className={`direction direction--${m.direction}`} title={m.direction === "copy" ? t("direction.copyTitle") : undefined}>
            {m.direction === "received" ? <IconReceived /> : m.direction === "copy" ? <IconCopy /> : <IconSent />}
            {t(`direction.${m.direction}`)}
          </span>
          {m.sending ? <SendStatus sending={m.sending} /> : null}
        </span>
        <span className="msg__subject">
          <span className={`cell-main msg__subject-text${m.subject ? "" : " muted"}`}>
            {subject}
            {attachments ? (
              <span className="msg__clip" title={t("contact.attachmentsCount", { count: attachments })}>
                <IconPaperclip />
              </span>
            ) : null}
          </span>
          {m.preview ? <span className="cell-sub preview">{m.preview}</span> : null}
        </span>
        <span className="msg__who">
          {m.counterpart.name ? <span className="cell-main">{m.counterpart.name}</span> : null}
          <span className={m.counterpart.name ? "cell-sub" : "cell-main"}>{m.counterpart.address}</span>
        </span>
        <span className="msg__owners">
          {m.owners.map((o) => (
            <span key={o.accountId} className="cell-sub owner-line" title={o.email ?? undefined}>
              {ownerLabel(o)}
            </span>
          ))}
        </span>
      </button>
      <span className="msg__toggle-col">
        {props.count && props.count > 1 ? (
          <button
            type="button"
            className={`thread-toggle${props.open ? " thread-toggle--open" : ""}`}
            onClick={props.onToggle}
            aria-expanded={props.open}
            aria-label={props.open ? t("contact.threadCollapse") : t("contact.threadExpand", { count: props.count })}
            title={props.open ? t("contact.threadCollapse") : t("contact.threadExpand", { count: props.count })}
            data-testid="thread-toggle"
          >
            {t("contact.threadCount", { count: props.count })}
            <IconChevron open={props.open} />
          </button>
        ) : null}
      </span>
    </div>
  );
}
