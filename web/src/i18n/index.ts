// Translation for the console: the typed catalogue (en.ts defines every key, ja.ts has exactly
// the same), the language choice, and date/number formats per language.
import { createContext, useContext } from "react";
import type { Lang } from "../api";
import { humanDuration } from "../../../core/shared/durations";
import { type MessageKey, en } from "./en";
import { ja } from "./ja";

export type { Lang, MessageKey };

export const dictionaries: Record<Lang, Record<MessageKey, string>> = { en, ja };

/** Labels of the language switcher, each in its own language. */
export const LANGUAGES: { value: Lang; label: string }[] = [
  { value: "en", label: "English" },
  { value: "ja", label: "日本語" },
];

export type Params = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: Params) => string;

/**
 * The message with its placeholders filled. `{name}` takes a param as it is; `{name|one|other}`
 * picks the plural form for the number `name` by the language's plural rules, `#` standing for the
 * number ("{count|# contact|# contacts}": "1 contact", "2 contacts"). Japanese has no plural and
 * writes its counter in the plain form ("{count}件", "{count}人", "{count}通").
 */
export function translate(lang: Lang, key: MessageKey, params?: Params): string {
  const template = dictionaries[lang][key] ?? en[key] ?? key;
  if (!params) return template;
  return template.replace(/\{(\w+)(?:\|([^|{}]*)\|([^|{}]*))?\}/g, (whole, name: string, one?: string, other?: string) => {
    if (!(name in params)) return whole;
    const value = params[name]!;
    if (one === undefined || other === undefined) return String(value);
    return plural(lang, Number(value), one, other).replace(/#/g, String(value));
  });
}

/** The form for `n` by the language's plural rules: `one` for exactly 1 in English, else `other`. */
export function plural(lang: Lang, n: number, one: string, other: string): string {
  return new Intl.PluralRules(LOCALES[lang]).select(n) === "one" ? one : other;
}

const STORAGE_KEY = "crm-mail-sync.lang";

export function isLang(value: unknown): value is Lang {
  return value === "en" || value === "ja";
}

/** Saved choice first, then the browser's language (ja* -> Japanese), else English. */
export function initialLanguage(): Lang {
  try {
    const saved = window.localStorage.getItem(STORAGE_KEY);
    if (isLang(saved)) return saved;
  } catch {
    // storage blocked: fall through
  }
  const preferred = [...(navigator.languages ?? []), navigator.language].filter(Boolean);
  const first = preferred[0]?.toLowerCase() ?? "en";
  return first.startsWith("ja") ? "ja" : "en";
}

export function rememberLanguage(lang: Lang): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // storage blocked: the choice lasts for this page only
  }
}

const LOCALES: Record<Lang, string> = { en: "en-GB", ja: "ja-JP" };

function parse(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** e.g. "12 Mar 2025, 14:05" / "2025/03/12 14:05". */
export function formatDateTime(lang: Lang, iso: string | null | undefined): string {
  const d = parse(iso);
  if (!d) return "";
  return new Intl.DateTimeFormat(LOCALES[lang], {
    year: "numeric",
    month: lang === "ja" ? "2-digit" : "short",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
  }).format(d);
}

export function formatDate(lang: Lang, iso: string | null | undefined): string {
  const d = parse(iso);
  if (!d) return "";
  return new Intl.DateTimeFormat(LOCALES[lang], { year: "numeric", month: lang === "ja" ? "2-digit" : "short", day: "2-digit" }).format(d);
}

/** Full date and time with weekday and zone, for tooltips. */
export function formatDateTimeLong(lang: Lang, iso: string | null | undefined): string {
  const d = parse(iso);
  if (!d) return "";
  // the zone by its name ("日本標準時", "協定世界時"), not an abbreviation ("UTC") a Japanese reader would not say
  return new Intl.DateTimeFormat(LOCALES[lang], {
    year: "numeric",
    month: "long",
    day: "numeric",
    weekday: "long",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    timeZoneName: "long",
  }).format(d);
}

/** "5 minutes ago" / "5 分前". */
export function formatRelative(lang: Lang, iso: string | null | undefined, now = Date.now()): string {
  const d = parse(iso);
  if (!d) return "";
  const seconds = Math.round((d.getTime() - now) / 1000);
  const rtf = new Intl.RelativeTimeFormat(LOCALES[lang], { numeric: "auto" });
  const abs = Math.abs(seconds);
  if (abs < 45) return rtf.format(0, "second");
  if (abs < 3600) return rtf.format(Math.round(seconds / 60), "minute");
  if (abs < 86400) return rtf.format(Math.round(seconds / 3600), "hour");
  if (abs < 86400 * 30) return rtf.format(Math.round(seconds / 86400), "day");
  return formatDate(lang, iso);
}

export interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: Translate;
}

export const I18nContext = createContext<I18n>({
  lang: "en",
  setLang: () => undefined,
  t: (key, params) => translate("en", key, params),
});

export function useI18n(): I18n {
  return useContext(I18nContext);
}

/** "1,234" / "1,234". */
export function formatNumber(lang: Lang, n: number): string {
  return new Intl.NumberFormat(LOCALES[lang]).format(n);
}

/** "512 B", "14 KB", "2.5 MB" (1 KB = 1,024 bytes, as mail clients count). */
export function formatBytes(lang: Lang, bytes: number, t: Translate): string {
  if (!Number.isFinite(bytes) || bytes < 0) return "";
  if (bytes < 1024) return t("size.bytes", { n: formatNumber(lang, bytes) });
  if (bytes < 1024 * 1024) return t("size.kb", { n: formatNumber(lang, Math.round(bytes / 1024)) });
  const mb = bytes / (1024 * 1024);
  return t("size.mb", { n: new Intl.NumberFormat(LOCALES[lang], { maximumFractionDigits: mb < 10 ? 1 : 0 }).format(mb) });
}

/**
 * A duration in milliseconds as people say it ("less than 1 second", "12 seconds", "約7分",
 * "約2時間15分"): the API's formatter (core/shared/durations.ts), so the console and the API's
 * messages and mail never disagree. `under` (seconds) sets the "less than N seconds" floor.
 */
export function formatDuration(lang: Lang, ms: number, under?: number): string {
  return humanDuration(Math.max(0, ms) / 1000, lang, { under });
}
