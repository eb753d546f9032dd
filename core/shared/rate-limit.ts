import type { Db } from "../store/db";
import { AppError } from "./errors";

/**
 * Fixed-window counters in DynamoDB, shared by every Lambda instance: item
 * RATE#<bucket>#<subject> / <window start>, counted with a conditional ADD (atomic, no
 * transaction), kept two windows (expiresAt; DynamoDB's TTL tidies up, reads never need it).
 */
export interface RateLimit {
  /** What is counted, e.g. "probe" or "signin-failure". */
  bucket: string;
  limit: number;
  windowSeconds: number;
}

const key = (rule: RateLimit, subject: string, window: number) => ({ pk: `RATE#${rule.bucket}#${subject}`, sk: String(window) });
const windowOf = (rule: RateLimit, now: number) => Math.floor(now / rule.windowSeconds) * rule.windowSeconds;

function limited(rule: RateLimit, window: number, now: number): AppError {
  return new AppError("rateLimited", "rate_limited", { params: { seconds: Math.max(1, window + rule.windowSeconds - now) } });
}

/** Counts one use; throws rate_limited (429, with the seconds to wait) when the window is full. */
export async function consume(db: Db, rule: RateLimit, subject: string): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  const window = windowOf(rule, now);
  const counted = await db.update("main", key(rule, subject, window), {
    expression: "ADD #c :one SET expiresAt = :exp",
    names: { "#c": "count" },
    values: { ":one": 1, ":exp": window + 2 * rule.windowSeconds, ":limit": rule.limit },
    condition: "attribute_not_exists(#c) OR #c < :limit",
  });
  if (counted === false) throw limited(rule, window, now);
}

/** Throws rate_limited when the window is already full, without counting (for "count failures only"). */
export async function ensureUnder(db: Db, rule: RateLimit, subject: string): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  const window = windowOf(rule, now);
  const item = await db.get("main", key(rule, subject, window));
  if (item && item.count >= rule.limit) throw limited(rule, window, now);
}
