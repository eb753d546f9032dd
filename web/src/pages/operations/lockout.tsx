import { useCallback, useEffect, useState, type FormEvent } from "react";
import { api } from "../../api";
import type { LockedUser, LockRecord } from "../../api/types";
import { ErrorBanner, Loading, TextField, errorText, useNotify } from "../../components";
import { useSubmit } from "../../hooks";
import { formatDateTime, useI18n } from "../../i18n";

/** A count setting (1..max) as a small form: the lockout's two numbers, the pause rule's one. */
export function NumbersCard<K extends string>(props: {
  title: string;
  testId: string;
  fields: { key: K; label: string; hint: string }[];
  load: () => Promise<Record<K, number>>;
  save: (values: Record<K, number>) => Promise<Record<K, number>>;
  savedText: string;
}) {
  const { t } = useI18n();
  const notify = useNotify();
  const [values, setValues] = useState<Record<K, string> | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const submitting = useSubmit();
  const { load } = props;

  useEffect(() => {
    load()
      .then((v) => setValues(Object.fromEntries(Object.entries(v).map(([k, n]) => [k, String(n)])) as Record<K, string>))
      .catch((err) => setLoadError(errorText(err, t)));
  }, [load, t]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!values) return;
    const numbers = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Number(v)])) as Record<K, number>;
    const outcome = await submitting.run(() => props.save(numbers));
    if (outcome.ok) notify(props.savedText);
  }

  return (
    <form className="card form form--compact" onSubmit={submit} noValidate data-testid={props.testId}>
      <h2 className="card__title">{props.title}</h2>
      {loadError || submitting.errors.length ? <ErrorBanner messages={loadError ? [loadError] : submitting.errors} /> : null}
      {values === null ? (
        <Loading />
      ) : (
        props.fields.map((f) => (
          <TextField
            key={f.key}
            label={f.label}
            hint={f.hint}
            inputMode="numeric"
            error={submitting.fieldErrors[f.key]}
            value={values[f.key]}
            onValueChange={(v) => {
              setValues({ ...values, [f.key]: v });
              submitting.clearFieldError(f.key);
            }}
            testId={`${props.testId}-${f.key}`}
          />
        ))
      )}
      <div className="form__actions">
        <button type="submit" className="btn btn--primary" disabled={submitting.busy || values === null} data-testid={`${props.testId}-save`}>
          {submitting.busy ? t("common.saving") : t("common.save")}
        </button>
      </div>
    </form>
  );
}

/** Users locked now, each with "Unlock now", and (unless `withRecords` is false: the overview) the record of locks and unlocks. */
export function LockedUsersCard(props: { withRecords?: boolean } = {}) {
  const { t, lang } = useI18n();
  const notify = useNotify();
  const [locked, setLocked] = useState<LockedUser[] | null>(null);
  const [records, setRecords] = useState<LockRecord[]>([]);
  const [error, setError] = useState<string | null>(null);
  const unlocking = useSubmit({ fieldKey: () => null });

  const load = useCallback(async () => {
    try {
      const [users, log] = await Promise.all([api.listLockedUsers(), api.listLockRecords()]);
      setLocked(users.items);
      setRecords(log.items);
    } catch (err) {
      setError(errorText(err, t));
    }
  }, [t]);
  useEffect(() => {
    void load();
  }, [load]);

  async function unlock(u: LockedUser) {
    const outcome = await unlocking.run(() => api.unlockUser(u.id));
    if (!outcome.ok) return;
    notify(t("ops.locked.unlocked", { email: u.email }));
    await load();
  }

  const errors = [...(error ? [error] : []), ...unlocking.errors];
  return (
    <section className="card" data-testid="locked-users">
      <h2 className="card__title">{t("ops.locked.title")}</h2>
      {errors.length ? <ErrorBanner messages={errors} /> : null}
      {locked === null ? <Loading /> : null}
      {locked?.length === 0 ? <p className="muted">{t("ops.locked.empty")}</p> : null}
      <ul className="plain-list">
        {(locked ?? []).map((u) => (
          <li key={u.id} className="plain-list__row" data-testid="locked-user" data-email={u.email}>
            <span>
              <span className="cell-main">{u.name || u.email}</span> <span className="muted">{u.email}</span>
              <br />
              <span className="muted">{t("ops.locked.until", { at: formatDateTime(lang, u.lockedAt), until: formatDateTime(lang, u.unlockAt) })}</span>
            </span>
            <button type="button" className="btn btn--small" onClick={() => void unlock(u)} disabled={unlocking.busy} data-testid="locked-user-unlock">
              {t("ops.locked.unlock")}
            </button>
          </li>
        ))}
      </ul>
      {props.withRecords === false ? null : (
        <>
          <h3 className="card__subtitle">{t("ops.records.title")}</h3>
          {records.length === 0 ? <p className="muted">{t("ops.records.empty")}</p> : null}
          <ul className="plain-list" data-testid="lock-records">
            {records.map((r) => (
              <li key={r.id} className="plain-list__row" data-testid="lock-record" data-kind={r.kind} data-reason={r.reason ?? undefined}>
                <span>
                  {formatDateTime(lang, r.at)} · {r.email}
                </span>
                <span className="muted">
                  {r.kind === "locked"
                    ? t("ops.records.locked", { until: formatDateTime(lang, r.unlockAt) })
                    : r.reason === "expired"
                      ? t("ops.records.expired")
                      : t("ops.records.unlocked")}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
