import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { Db, Item } from "../store/db";
import { keys } from "../store/keys";
import { AppError, fieldError } from "../shared/errors";
import { newId, nowIso } from "../shared/ids";
import { consume, type RateLimit } from "../store/rate-limit";
import * as users from "../users/index";
import { API_SCOPES, apiScope, type ApiScope } from "./scopes";

/**
 * API keys for a CRM: `cms_<keyId>_<secret>`. Only sha256(secret) is stored (the secret is
 * 32 random bytes, so a fast hash is enough: nothing to brute-force); the key id in clear lets
 * one GetItem find the key and lets the console revoke it by id. A key acts as the
 * integration user an admin chose, so every read goes through that user's sharing rule.
 */
const PREFIX = "cms_";

/** Requests per key and minute, shared by every API instance (core/store/rate-limit.ts). */
export const API_KEY_LIMIT: RateLimit = { bucket: "api-key", limit: 600, windowSeconds: 60 };
/** lastUsedAt is written at most this often, as a session's lastSeenAt. */
const TOUCH_EVERY_MS = 60_000;
/** The request record (key, route, status) is kept this long; DynamoDB's TTL tidies up. */
const REQUEST_LOG_SECONDS = 30 * 24 * 3600;

export const apiKeyInput = z.strictObject({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(apiScope).min(1).max(API_SCOPES.length),
  /** The user whose sharing rule the key reads mail under. */
  userId: z.string().trim().min(1).max(64),
  expiresAt: z.iso.datetime({ offset: true }).nullish(),
});
export type ApiKeyInput = z.infer<typeof apiKeyInput>;

export const apiKeyOutput = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(apiScope),
  userId: z.string(),
  /** The first characters of the key, so people can tell keys apart; never the secret. */
  preview: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});
export type ApiKey = z.infer<typeof apiKeyOutput>;

export const createdApiKeyOutput = apiKeyOutput.extend({ key: z.string().describe("The key itself: shown this once, never stored") });

export const apiKeyRequestOutput = z.object({ at: z.string(), method: z.string(), route: z.string(), status: z.number() });

const hashOf = (secret: string) => createHash("sha256").update(secret).digest();

const toKey = (item: Item): ApiKey => ({
  id: item.id,
  name: item.name,
  scopes: item.scopes,
  userId: item.userId,
  preview: item.preview,
  createdAt: item.createdAt,
  createdBy: item.createdBy,
  expiresAt: item.expiresAt ?? null,
  revokedAt: item.revokedAt ?? null,
  lastUsedAt: item.lastUsedAt ?? null,
});

export async function createApiKey(db: Db, actor: users.User, input: ApiKeyInput): Promise<ApiKey & { key: string }> {
  if (!(await users.getUser(db, input.userId))) throw fieldError("userId", "api_key_user_unknown");
  if (input.expiresAt && Date.parse(input.expiresAt) <= Date.now()) throw fieldError("expiresAt", "api_key_expiry_past");
  const id = newId().replace(/[-_]/g, "").slice(0, 16) || newId();
  const secret = randomBytes(32).toString("base64url");
  const key = `${PREFIX}${id}_${secret}`;
  const record: ApiKey = {
    id,
    name: input.name,
    scopes: [...new Set(input.scopes)],
    userId: input.userId,
    preview: key.slice(0, PREFIX.length + 6),
    createdAt: nowIso(),
    createdBy: actor.id,
    expiresAt: input.expiresAt ? new Date(input.expiresAt).toISOString() : null,
    revokedAt: null,
    lastUsedAt: null,
  };
  // nulls are left out of the item: revoking is a conditional write on "no revokedAt yet"
  const { revokedAt: _r, lastUsedAt: _l, expiresAt, ...stored } = record;
  await db.put("main", {
    ...keys.apiKey(id),
    gsi1pk: keys.apiKeysIndex,
    gsi1sk: `${record.createdAt}#${id}`,
    ...stored,
    ...(expiresAt ? { expiresAt } : {}),
    secretHash: hashOf(secret).toString("hex"),
  });
  return { ...record, key };
}

export async function listApiKeys(db: Db): Promise<ApiKey[]> {
  return (await db.queryIndex(keys.apiKeysIndex)).map(toKey).reverse();
}

/** Revoking keeps the item (the console still shows the key, revoked); the key answers 401 from now on. */
export async function revokeApiKey(db: Db, id: string): Promise<ApiKey> {
  const item = await db.get("main", keys.apiKey(id));
  if (!item) throw new AppError("notFound", "api_key_not_found");
  if (!item.revokedAt) {
    item.revokedAt = nowIso();
    // conditional: a second revoke keeps the first time
    await db.update("main", keys.apiKey(id), {
      expression: "SET revokedAt = :at",
      condition: "attribute_not_exists(revokedAt)",
      values: { ":at": item.revokedAt },
      returnValues: "NONE",
    });
  }
  return toKey(item);
}

/** The key's recent requests (key, route, status, never a body), newest first. */
export async function apiKeyRequests(db: Db, id: string, limit = 100): Promise<z.infer<typeof apiKeyRequestOutput>[]> {
  const { items } = await db.query("main", {
    KeyConditionExpression: "pk = :pk",
    ExpressionAttributeValues: { ":pk": keys.apiKeyRequestsOf(id) },
    ScanIndexForward: false,
    Limit: limit,
  });
  return items.map((i) => ({ at: i.at, method: i.method, route: i.route, status: i.status }));
}

/** The bearer token of an Authorization header, if it carries one. */
export function bearerToken(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return m?.[1];
}

export interface KeyCaller {
  keyId: string;
  scopes: ApiScope[];
  user: users.UserRecord;
}

/**
 * Who a bearer key is: 401 for a key that is malformed, unknown, revoked or expired, or
 * whose integration user is gone (the same answer for each, so a caller learns nothing about
 * other keys); then counted against the key's rate limit (429).
 */
export async function authenticateApiKey(db: Db, token: string): Promise<KeyCaller> {
  const m = /^cms_([A-Za-z0-9]{1,32})_([A-Za-z0-9_-]{20,100})$/.exec(token);
  const item = m ? await db.get("main", keys.apiKey(m[1]!)) : undefined;
  const expected = Buffer.from(item?.secretHash ?? "", "hex");
  const given = m ? hashOf(m[2]!) : Buffer.alloc(0);
  if (!item || expected.length !== given.length || !timingSafeEqual(expected, given)) throw new AppError("unauthenticated", "api_key_invalid");
  if (item.revokedAt || (item.expiresAt && Date.parse(item.expiresAt) <= Date.now())) throw new AppError("unauthenticated", "api_key_invalid");
  const user = await users.getUser(db, item.userId);
  // a deactivated integration user's keys stop with the user (core/users/manage.ts)
  if (!user?.active) throw new AppError("unauthenticated", "api_key_invalid");
  await consume(db, API_KEY_LIMIT, item.id);
  if (!item.lastUsedAt || Date.now() - Date.parse(item.lastUsedAt) > TOUCH_EVERY_MS) {
    await db.update("main", keys.apiKey(item.id), { expression: "SET lastUsedAt = :now", values: { ":now": nowIso() }, returnValues: "NONE" });
  }
  return { keyId: item.id, scopes: item.scopes, user };
}

/** Records one request of a key: when, which route (its pattern, not the ids in it), and the status. Never a body. */
export async function recordApiKeyRequest(db: Db, keyId: string, request: { method: string; route: string; status: number; requestId: string }): Promise<void> {
  const at = nowIso();
  await db.put("main", {
    pk: keys.apiKeyRequestsOf(keyId),
    sk: `${at}#${request.requestId}`,
    at,
    method: request.method,
    route: request.route,
    status: request.status,
    expiresAt: Math.floor(Date.now() / 1000) + REQUEST_LOG_SECONDS,
  });
}
