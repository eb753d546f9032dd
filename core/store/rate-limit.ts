import type { Db } from "./db";
import { AppError } from "../shared/errors";
import type { MessageKey } from "../shared/i18n";

/**
 * Sliding-window counters in DynamoDB, shared by every Lambda instance: item
 * RATE#<bucket>#<subject> / <window start>, counted with a conditional ADD (atomic, no
 * transaction), kept two windows (expiresAt; DynamoDB's TTL tidies up, reads never need it).
 *
 * The window slides the usual way (Cloudflare's): what the previous fixed window counted is
 * weighted by how much of it still overlaps the last `windowSeconds`, so a burst at the end of
 * one window and another at the start of the next cannot double the limit.
 */
export interface RateLimit {
  /** What is counted, e.g. "probe" or "signin-failure". */
  bucket: string;
  limit: number;
  windowSeconds: number;
  /** The message key of the 429 (default "rate_limited"); it gets {seconds} and the error's params. */
  code?: MessageKey;
}

/** One counted use, which `release` can give back (e.g. a sign-in that turned out right). */
export interface Reservation {
  pk: string;
  sk: string;
}

const key = (rule: RateLimit, subject: string, window: number): Reservation => ({ pk: `RATE#${rule.bucket}#${subject}`, sk: String(window) });
const windowOf = (rule: RateLimit, now: number) => Math.floor(now / rule.windowSeconds) * rule.windowSeconds;

function limited(rule: RateLimit, window: number, now: number, params: Record<string, string | number>): AppError {
  return new AppError("rateLimited", rule.code ?? "rate_limited", { params: { ...params, seconds: Math.max(1, window + rule.windowSeconds - now) } });
}

/** What the previous window still weighs now: its count times the part of it inside the sliding window. */
async function carriedOver(db: Db, rule: RateLimit, subject: string, window: number, now: number): Promise<number> {
  const previous = await db.get("main", key(rule, subject, window - rule.windowSeconds));
  const overlap = 1 - (now - window) / rule.windowSeconds;
  return Math.floor(((previous?.count as number | undefined) ?? 0) * overlap);
}

/**
 * Counts one use before the work it guards, so concurrent requests cannot all pass a check
 * made before any of them was counted; throws rate_limited (429, with the seconds to wait)
 * when the window is full. `params` go into the 429's message.
 */
export async function reserve(db: Db, rule: RateLimit, subject: string, params: Record<string, string | number> = {}): Promise<Reservation> {
  const now = Math.floor(Date.now() / 1000);
  const window = windowOf(rule, now);
  const room = rule.limit - (await carriedOver(db, rule, subject, window, now));
  if (room <= 0) throw limited(rule, window, now, params);
  const at = key(rule, subject, window);
  const counted = await db.update("main", at, {
    expression: "ADD #c :one SET expiresAt = :exp",
    names: { "#c": "count" },
    values: { ":one": 1, ":exp": window + 2 * rule.windowSeconds, ":room": room },
    condition: "attribute_not_exists(#c) OR #c < :room",
  });
  if (counted === false) throw limited(rule, window, now, params);
  return at;
}

/** Counts one use like `reserve`, for callers that never give it back. */
export async function consume(db: Db, rule: RateLimit, subject: string, params: Record<string, string | number> = {}): Promise<void> {
  await reserve(db, rule, subject, params);
}

/** Gives back a use counted by `reserve` (never below zero). */
export async function release(db: Db, reservation: Reservation): Promise<void> {
  await db.update("main", reservation, {
    expression: "ADD #c :minus",
    names: { "#c": "count" },
    values: { ":minus": -1, ":zero": 0 },
    condition: "#c > :zero",
  });
}

/** Throws rate_limited when the window is already full, without counting. */
export async function ensureUnder(db: Db, rule: RateLimit, subject: string, params: Record<string, string | number> = {}): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  const window = windowOf(rule, now);
  const item = await db.get("main", key(rule, subject, window));
  const used = ((item?.count as number | undefined) ?? 0) + (await carriedOver(db, rule, subject, window, now));
  if (used >= rule.limit) throw limited(rule, window, now, params);
}
