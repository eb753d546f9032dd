/*
 * The messages a mailbox's sync could not store, with the reason and whether a later sync will
 * try again: shown on the mailbox's page, and only when there are some.
 */
import { useEffect, useState } from "react";
import { api } from "./api";
import { ErrorBanner, IconWarning, errorText } from "./components";
import { formatDateTime, useI18n, type MessageKey } from "./i18n";
import type { SkippedMessage } from "./api/types";

export function SkippedMessages(props: { accountId: string; /** Reloads when it changes (the last sync's time). */ refreshKey?: string | null }) {
  const { t, lang } = useI18n();
  const [items, setItems] = useState<SkippedMessage[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    api
      .listSkipped(props.accountId)
      .then((res) => live && (setItems(res.items), setError(null)))
      .catch((err) => live && setError(errorText(err, t)));
    return () => {
      live = false;
    };
    // t changes with the language; the list itself does not
    // eslint-disable-next-line react-hooks/exhaustive-deps -- reloading on a language switch would refetch the same list
  }, [props.accountId, props.refreshKey]);

  if (error) return <ErrorBanner messages={[error]} />;
  if (!items?.length) return null;
  return (
    <section className="card" aria-labelledby="skipped-title" data-testid="skipped-messages">
      <h2 className="form-step__title" id="skipped-title">
        <IconWarning />
        {t("skipped.title", { count: items.length })}
      </h2>
      <p className="form-step__hint">{t("skipped.intro")}</p>
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t("skipped.col.folder")}</th>
              <th scope="col">{t("skipped.col.uid")}</th>
              <th scope="col">{t("skipped.col.reason")}</th>
              <th scope="col">{t("skipped.col.retry")}</th>
              <th scope="col">{t("skipped.col.at")}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((s) => (
              <tr key={`${s.folder}#${s.uid}`} data-testid="skipped-row" data-reason={s.reason}>
                <td>{s.folder}</td>
                <td>{s.uid}</td>
                <td>{t(`skipped.reason.${s.reason}` as MessageKey)}</td>
                <td>{s.permanent ? t("skipped.permanent", { attempts: s.attempts }) : t("skipped.willRetry", { attempts: s.attempts })}</td>
                <td className="nowrap">{formatDateTime(lang, s.at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
