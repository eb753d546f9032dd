import type { Lang } from "./i18n";

/** Options of humanDuration. */
export interface HumanDurationOptions {
  /**
   * Below this many seconds the text is "less than N seconds" / "N秒未満" rather than a count:
   * a connection step of 120 ms or a 3-second job run is "quick", and "0秒" or "120ミリ秒" is
   * noise. Default 1 (only a sub-second wait is "less than 1 second").
   */
  under?: number;
}

/**
 * A wait as people say it: "less than 5 seconds" / "5秒未満" below the `under` floor, "30
 * seconds" / "30秒" under a minute, then "about 7 minutes" / "約7分", "about 2 hours 5 minutes" /
 * "約2時間5分", "about 3 days" / "約3日". A count of seconds past a minute ("439秒") or of
 * milliseconds makes the reader do arithmetic. The one formatter for every duration shown: the
 * API's messages, notification mail and the console (web/src/i18n imports it).
 */
export function humanDuration(seconds: number, lang: Lang, options: HumanDurationOptions = {}): string {
  const en = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;
  const under = Math.max(1, Math.round(options.under ?? 1));
  if (!(seconds >= under)) return lang === "ja" ? `${under}秒未満` : `less than ${en(under, "second")}`;
  const s = Math.round(seconds);
  if (s < 60) return lang === "ja" ? `${s}秒` : en(s, "second");
  const minutes = Math.round(s / 60);
  if (minutes < 60) return lang === "ja" ? `約${minutes}分` : `about ${en(minutes, "minute")}`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours < 24) return lang === "ja" ? `約${hours}時間${rest ? `${rest}分` : ""}` : `about ${en(hours, "hour")}${rest ? ` ${en(rest, "minute")}` : ""}`;
  const days = Math.round(hours / 24);
  return lang === "ja" ? `約${days}日` : `about ${en(days, "day")}`;
}

/**
 * A moment in a time zone, as a person reads it: "2026/11/30 14:05 (Asia/Tokyo)" in Japanese,
 * "30 Nov 2026, 14:05 (Asia/Tokyo)" in English (the zone named, as the reader may be elsewhere).
 */
export function formatInZone(iso: string, lang: Lang, timeZone: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const text = new Intl.DateTimeFormat(lang === "ja" ? "ja-JP" : "en-GB", {
    timeZone,
    year: "numeric",
    month: lang === "ja" ? "2-digit" : "short",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(d);
  return `${text} (${timeZone})`;
}
