// Translation for the console: the typed catalogue (en.ts defines every key, ja.ts has exactly
// the same), the language choice, and date/number formats per language.
import { createContext, useContext } from "react";
import type { Lang } from "../api";
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

export function translate(lang: Lang, key: MessageKey, params?: Params): string {
  const template = dictionaries[lang][key] ?? en[key] ?? key;
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
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
  return new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: "full", timeStyle: "long" }).format(d);
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

/** "42 s" / "3 min 5 s" from milliseconds. */
export function formatDuration(ms: number, t: Translate): string {
  const total = Math.max(0, Math.round(ms / 1000));
  if (total < 60) return t("duration.s", { n: total });
  return t("duration.m", { m: Math.floor(total / 60), s: total % 60 });
}
