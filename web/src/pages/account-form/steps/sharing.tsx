import { useEffect, useState } from "react";
import { FormField } from "../../../components";
import { useI18n, type MessageKey } from "../../../i18n";
import { api } from "../../../api";
import { SHARING_MODES } from "../model";
import type { Contact } from "../../../api/types";
import type { FormCtx } from "./context";

/** Step 3's sharing: who may read the mail, and the domains never stored. */
export function SharingSection(props: { ctx: FormCtx }) {
  const { t } = useI18n();
  const { form, set, clearFieldError, err, tooWide, mayWiden, baseMode } = props.ctx;
  return (
    <fieldset className="form__section">
      <legend className="form__legend">{t("accountForm.sectionSharing")}</legend>
      <div className="radio-cards" role="radiogroup" aria-label={t("accountForm.sharingMode")}>
        <p className="field__label">{t("accountForm.sharingMode")}</p>
        {SHARING_MODES.map((mode) => (
          <label key={mode} className={`radio-card${form.sharingMode === mode ? " radio-card--checked" : ""}`}>
            <input
              type="radio"
              name="sharing"
              value={mode}
              checked={form.sharingMode === mode}
              disabled={tooWide(mode) && form.sharingMode !== mode}
              onChange={() => {
                set("sharingMode", mode);
                clearFieldError("sharing");
              }}
              data-testid={`account-sharing-${mode}`}
            />
            <span className="check__text">
              <span className="check__label">{t(`accountForm.sharing.${mode}` as MessageKey)}</span>
              <span className="check__hint">{t(`accountForm.sharing.${mode}Hint` as MessageKey)}</span>
            </span>
          </label>
        ))}
        {!mayWiden && baseMode !== "public" ? (
          <p className="field__hint" data-testid="account-sharing-owner-only">
            {t("accountForm.sharingOwnerOnly")}
          </p>
        ) : null}
        {err("sharing") ? <p className="field__error">{err("sharing")}</p> : null}
      </div>
      {form.sharingMode === "custom" ? <ContactPicker value={form.contactIds} onChange={(ids) => set("contactIds", ids)} /> : null}
      <FormField label={t("accountForm.excludedDomains")} error={err("excludedDomains")} hint={t("accountForm.excludedDomainsHint")} optional>
        {({ id, describedBy, invalid }) => (
          <textarea
            id={id}
            className="input textarea"
            rows={2}
            value={form.excludedDomains}
            onChange={(e) => {
              set("excludedDomains", e.target.value);
              clearFieldError("excludedDomains");
            }}
            aria-describedby={describedBy}
            aria-invalid={invalid || undefined}
            spellCheck={false}
            data-testid="account-excluded-domains"
          />
        )}
      </FormField>
    </fieldset>
  );
}

/** Custom sharing: the contacts whose mail is shared, searched by name, company or address. */
function ContactPicker(props: { value: string[]; onChange: (ids: string[]) => void }) {
  const { t, lang } = useI18n();
  const [query, setQuery] = useState("");
  const [matches, setMatches] = useState<Contact[]>([]);
  const [names, setNames] = useState<Record<string, Contact>>({});

  useEffect(() => {
    const missing = props.value.filter((id) => !names[id]).slice(0, 50);
    if (!missing.length) return;
    let cancelled = false;
    void Promise.all(missing.map((id) => api.getContact(id).catch(() => null))).then((found) => {
      if (cancelled) return;
      setNames((n) => ({ ...n, ...Object.fromEntries(found.filter((c): c is Contact => !!c).map((c) => [c.id, c])) }));
    });
    return () => {
      cancelled = true;
    };
  }, [props.value, names]);

  useEffect(() => {
    const q = query.trim();
    if (!q) {
      setMatches([]);
      return;
    }
    const controller = new AbortController();
    const timer = window.setTimeout(() => {
      api
        .listContacts(q, controller.signal)
        .then((res) => setMatches(res.items.slice(0, 8)))
        .catch(() => undefined);
    }, 200);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [query]);

  return (
    <div className="contact-picker" data-testid="account-sharing-contacts">
      <p className="field__label">{t("accountForm.sharingContacts")}</p>
      {props.value.length ? (
        <ul className="chips">
          {props.value.map((id) => {
            const c = names[id];
            const label = c ? c.name : id;
            return (
              <li key={id} className="chip">
                <span>{label}</span>
                {c ? <span className="chip__sub">{c.primaryEmail}</span> : null}
                <button
                  type="button"
                  className="chip__remove"
                  aria-label={t("accountForm.sharingContactRemove", { name: label })}
                  onClick={() => props.onChange(props.value.filter((x) => x !== id))}
                >
                  ×
                </button>
              </li>
            );
          })}
        </ul>
      ) : (
        <p className="field__hint">{t("accountForm.sharingContactsEmpty")}</p>
      )}
      <input
        type="search"
        className="input"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        placeholder={t("contacts.searchPlaceholder")}
        aria-label={t("accountForm.sharingContactsSearch")}
        lang={lang}
      />
      {matches.length ? (
        <ul className="picker-results">
          {matches
            .filter((c) => !props.value.includes(c.id))
            .map((c) => (
              <li key={c.id}>
                <button
                  type="button"
                  className="picker-results__item"
                  onClick={() => {
                    setNames((n) => ({ ...n, [c.id]: c }));
                    props.onChange([...props.value, c.id]);
                    setQuery("");
                  }}
                >
                  <span className="cell-main">{c.name}</span>
                  <span className="cell-sub">
                    {c.company ? `${c.company} · ` : ""}
                    {c.primaryEmail}
                  </span>
                </button>
              </li>
            ))}
        </ul>
      ) : null}
    </div>
  );
}
