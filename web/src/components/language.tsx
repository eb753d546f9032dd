// The UI language switcher (header and sign-in page).
import { LANGUAGES, isLang, useI18n } from "../i18n";

/** The UI language switcher (header and sign-in page). */
export function LanguageSelect(props: { className?: string }) {
  const { t, lang, setLang } = useI18n();
  return (
    <select
      className={props.className ?? "lang__select"}
      value={lang}
      onChange={(e) => {
        if (isLang(e.target.value)) setLang(e.target.value);
      }}
      data-testid="lang-select"
      aria-label={t("header.language")}
    >
      {LANGUAGES.map((l) => (
        <option key={l.value} value={l.value} lang={l.value}>
          {l.label}
        </option>
      ))}
    </select>
  );
}
