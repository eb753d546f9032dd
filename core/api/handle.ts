import { timingSafeEqual } from "node:crypto";
import { AppError, fieldError, httpStatusOf, isAppError } from "../shared/errors";
import { hasMessage, pickLanguage, translate, type Lang } from "../shared/i18n";
import * as users from "../users/index";
import { clearSessionCookies, sessionCookie, sessionToken, type ApiRequest, type ApiResponse } from "./http";
import { openApiDocument } from "./openapi";
import { routes } from "./routes/index";
import type { ApiDeps, Route, RouteResult } from "./types";
import { parseOrThrow } from "../shared/validation";
import { consume } from "../store/rate-limit";
import { authenticateApiKey, bearerToken, recordApiKeyRequest } from "../integrations/index";
import { isAudited, recordAudit } from "../audit/index";

const MAX_BODY = 256 * 1024;
/** Longer path parameters are refused before they reach a key: every id here is far shorter. */
const MAX_PARAM = 256;

interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  names: string[];
}

const compiled: CompiledRoute[] = routes.map((route) => {
  const names: string[] = [];
  const source = route.path.replace(/\{(\w+)\}/g, (_, n: string) => {
    names.push(n);
    return "([^/]+)";
  });
  return { route, pattern: new RegExp(`^${source}/?$`), names };
});

export const protectedRoutes = routes.filter((r) => r.auth !== "public").map((r) => ({ method: r.method, path: r.path }));

let bootstrapped = false;

/** What a session whose password must change (core/users/password-link.ts) may still do: see itself, sign out, change it. */
const WHILE_PASSWORD_MUST_CHANGE = new Set(["GET /api/session", "DELETE /api/session", "POST /api/session/password"]);

/**
 * The whole API in one function: language, routing, session, CSRF, validation, and the one
 * place where errors become HTTP statuses. Unknown errors are logged with a reference and
 * answered with a 500 that says nothing about internals.
 */
export async function handleApiRequest(deps: ApiDeps, req: ApiRequest): Promise<ApiResponse> {
  const caller: Caller = {};
  const res = await answer(deps, req, caller);
  if (caller.keyId) await recordKeyUse(deps, req, caller, res.status);
  if (caller.user && caller.reached && isAudited(req.method, caller.reached.route.path, res.status)) await audit(deps, req, caller, res.status);
  return res;
}

/**
 * Who made the request and what it reached, filled in as `answer` learns it: the key's request
 * record and the audit log are written from it after the answer.
 */
interface Caller {
  keyId?: string;
  route?: string;
  user?: users.User;
  reached?: { route: Route; params: Record<string, string>; body?: unknown };
}

async function answer(deps: ApiDeps, req: ApiRequest, caller: Caller): Promise<ApiResponse> {
  const lang = pickLanguage(req.query.lang ?? req.headers["accept-language"]);
  try {
    checkOrigin(deps, req);
    if (req.method === "GET" && req.path === "/api/openapi.json") return json(200, openApiDocument());
    const match = findRoute(req.method, req.path);
    if (!match) {
      throw new AppError("notFound", "route_not_found", { params: { method: req.method, path: req.path } });
    }
    const { route, params } = match;
    caller.reached = { route, params };
    if (!bootstrapped && deps.bootstrapAdmin) {
      const admin = await deps.bootstrapAdmin();
      if (admin) await users.ensureBootstrapAdmin(deps.db, admin.email, admin.password);
      bootstrapped = true;
    }
    let session: (users.Session & { token: string }) | undefined;
    const bearer = route.auth !== "public" ? bearerToken(req.headers.authorization) : undefined;
    if (bearer) {
      // A key needs no CSRF token: no browser attaches an Authorization header on its own.
      const key = await authenticateApiKey(deps.db, bearer);
      Object.assign(caller, { keyId: key.keyId, route: route.path });
      if (!route.scope || !key.scopes.includes(route.scope)) throw new AppError("forbidden", "api_key_scope_missing", { params: { scope: route.scope ?? "-" } });
      // on an admin route (webhooks) the scope is the admin's grant: the key needs nothing more
      session = { user: key.user, csrfToken: "", expiresAt: 0, token: "" };
      caller.user = key.user;
    } else if (route.auth !== "public") {
      const token = sessionToken(req.cookies);
      const found = token ? await users.readSession(deps.db, token) : undefined;
      if (!found || !token) throw new AppError("unauthenticated", token ? "session_expired" : "unauthenticated");
      session = { ...found, token };
      if (route.method !== "GET") checkCsrf(req, found.csrfToken);
      // from here a refusal (a member on an admin route) is audited too
      caller.user = found.user;
      // signed in with a temporary password an admin made: nothing but choosing a new one
      if (found.user.mustChangePassword && !WHILE_PASSWORD_MUST_CHANGE.has(`${route.method} ${route.path}`)) throw new AppError("forbidden", "password_change_required");
      if (route.auth === "admin" && found.user.role !== "admin") throw new AppError("forbidden", "admin_only");
    }
    if (route.rateLimit && session) await consume(deps.db, route.rateLimit, session.user.id);
    if (req.body && Buffer.byteLength(req.body) > MAX_BODY) throw new AppError("validation", "body_too_large");
    let body: unknown;
    // A body must say it is JSON: an HTML form can post text/plain or form-encoded bodies
    // across sites without a preflight, never application/json.
    if (req.body && route.body && !isJson(req.headers["content-type"])) throw new AppError("unsupportedMediaType", "unsupported_media_type");
    if (route.body) {
      let raw: unknown;
      try {
        raw = req.body ? JSON.parse(req.body) : undefined;
      } catch {
        throw new AppError("validation", "invalid_json");
      }
      caller.reached.body = raw;
      body = parseOrThrow(route.body, raw ?? {});
    }
    const query = route.query ? parseOrThrow(route.query, req.query) : {};
    const result: RouteResult = await route.handle({ deps, req, lang, params, body, query, session: session!, apiKeyId: caller.keyId });
    const res = json(result.status ?? route.status ?? 200, result.body);
    if (result.setSession) res.cookies.push(sessionCookie(result.setSession, users.SESSION_SECONDS, req.secure));
    if (result.clearSession) res.cookies.push(...clearSessionCookies(req.secure));
    return res;
  } catch (err) {
    return errorResponse(deps, req, err, lang);
  }
}

/** A failure to record is logged, never turned into a failed answer: the request itself is done. */
async function recordKeyUse(deps: ApiDeps, req: ApiRequest, caller: Caller, status: number): Promise<void> {
  try {
    await recordApiKeyRequest(deps.db, caller.keyId!, { method: req.method, route: caller.route ?? req.path, status, requestId: req.requestId });
  } catch (err) {
    deps.log.warn("api_key.record_failed", { keyId: caller.keyId, err });
  }
}

/** The audit entry of a change (core/audit); a failure to write it is logged, the answer stands. */
async function audit(deps: ApiDeps, req: ApiRequest, caller: Caller, status: number): Promise<void> {
  const { route, params, body } = caller.reached!;
  try {
    await recordAudit(deps.db, {
      at: new Date().toISOString(),
      requestId: req.requestId,
      actor: { userId: caller.user!.id, email: caller.user!.email, ...(caller.keyId ? { apiKeyId: caller.keyId } : {}) },
      method: req.method,
      route: route.path,
      area: route.tag,
      params,
      // a request refused before its body was read (a member on an admin route) still shows what it asked
      body: body ?? jsonOrUndefined(req.body),
      status,
    });
  } catch (err) {
    deps.log.warn("audit.record_failed", { requestId: req.requestId, route: route.path, err });
  }
}

function jsonOrUndefined(text: string | undefined): unknown {
  if (!text || Buffer.byteLength(text) > MAX_BODY) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function findRoute(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
  for (const c of compiled) {
    if (c.route.method !== method) continue;
    const m = c.pattern.exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    c.names.forEach((n, i) => (params[n] = decodeParam(n, m[i + 1]!)));
    return { route: c.route, params };
  }
  return undefined;
}

/** A path parameter, decoded: a bad % escape, a control character or an overlong value is the caller's mistake (400). */
function decodeParam(name: string, raw: string): string {
  let value: string;
  try {
    value = decodeURIComponent(raw);
  } catch {
    throw fieldError(name, "path_param_invalid");
  }
  // a decoded "/" or a control character is in no id or domain, and would only confuse keys and logs
  if (!value.trim() || /[\u0000-\u001f\u007f/]/.test(value)) throw fieldError(name, "path_param_invalid");
  if (value.length > MAX_PARAM) throw fieldError(name, "path_param_too_long", { max: MAX_PARAM });
  return value;
}

const isJson = (contentType: string | undefined) => /^application\/json\s*(;|$)/i.test(contentType?.trim() ?? "");

/**
 * In AWS the API is reached only through the Router, which adds a secret header (sst.config.ts):
 * a request straight to API Gateway's own URL would skip the Router's security headers and its
 * rate rule, so it is refused. Not configured (the local runtime, tests): not checked.
 */
function checkOrigin(deps: ApiDeps, req: ApiRequest): void {
  if (!deps.originSecret) return;
  const a = Buffer.from(req.headers["x-origin-verify"] ?? ""),
    b = Buffer.from(deps.originSecret);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw new AppError("forbidden", "forbidden");
}

/**
 * SameSite=Strict already keeps other sites' requests cookie-less; the synchroniser token
 * (returned at sign-in, sent back in x-csrf-token) also stops same-site attackers and old browsers.
 */
function checkCsrf(req: ApiRequest, expected: string): void {
  const given = req.headers["x-csrf-token"] ?? "";
  const a = Buffer.from(given),
    b = Buffer.from(expected);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw new AppError("forbidden", "csrf_failed");
}

function json(status: number, body: unknown): ApiResponse {
  return {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", "x-content-type-options": "nosniff" },
    cookies: [],
    body: status === 204 || body === undefined ? "" : JSON.stringify(body),
  };
}

function errorResponse(deps: ApiDeps, req: ApiRequest, err: unknown, lang: Lang): ApiResponse {
  if (isAppError(err) && err.kind !== "transient") {
    const status = httpStatusOf[err.kind];
    const res = json(status, {
      error: {
        code: err.code,
        message: translate(err.code, lang, err.params),
        ...(err.fields.length ? { fields: err.fields.map((f) => ({ field: f.field, code: f.key, message: translate(f.key, lang, f.params) })) } : {}),
        ...(err.details ? err.details(lang) : {}),
      },
    });
    if (err.kind === "unauthenticated" && err.code === "session_expired") res.cookies.push(...clearSessionCookies(req.secure));
    if (err.kind === "rateLimited" && err.params.seconds !== undefined) res.headers["retry-after"] = String(err.params.seconds);
    return res;
  }
  if (isAppError(err)) {
    deps.log.warn("api.unavailable", { requestId: req.requestId, path: req.path, err: err.cause ?? err });
    const code = hasMessage(err.code) ? err.code : "service_unavailable";
    return json(503, { error: { code, message: translate(code, lang, err.params) } });
  }
  deps.log.error("api.failed", { requestId: req.requestId, method: req.method, path: req.path, err });
  return json(500, { error: { code: "internal_error", message: translate("internal_error", lang, { ref: req.requestId }) } });
}
