/**
 * The API's own request/response shapes: independent of API Gateway, so the same core runs
 * behind the Lambda adapter (functions/api.ts) and in tests.
 */
export interface ApiRequest {
  method: string;
  /** Path without query, e.g. "/api/contacts/abc". */
  path: string;
  query: Record<string, string | undefined>;
  headers: Record<string, string | undefined>;
  cookies: Record<string, string>;
  body: string | undefined;
  /** True when the client reached us over https (Secure, __Host- cookies). */
  secure: boolean;
  /** The client's address, for per-source limits (sign-in); the adapter says where it comes from. */
  sourceIp?: string;
  requestId: string;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  /** Set-Cookie values, one per cookie. */
  cookies: string[];
  body: string;
}

export function parseCookies(header: string | undefined, list?: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const parts = [...(list ?? []), ...(header ? header.split(";") : [])];
  for (const part of parts) {
    const i = part.indexOf("=");
    if (i < 1) continue;
    const name = part.slice(0, i).trim();
    const value = part.slice(i + 1).trim();
    try {
      out[name] = decodeURIComponent(value);
    } catch {
      out[name] = value;
    }
  }
  return out;
}

/** The session cookie's name over http (the local runtime). */
export const SESSION_COOKIE = "sid";
/**
 * Its name over https: a browser keeps a `__Host-` cookie only if it is Secure, has Path=/ and
 * no Domain, so a sibling subdomain (or a man in the middle on http) cannot plant or shadow it.
 */
export const SECURE_SESSION_COOKIE = "__Host-sid";

export function sessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  // HttpOnly: no script reads it. SameSite=Strict: no other site sends it. Over http (local
  // only) Path=/api keeps it to the API; __Host- requires Path=/.
  return secure
    ? `${SECURE_SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}; Secure`
    : `${SESSION_COOKIE}=${token}; Path=/api; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}`;
}

/** The session token a request carries: the __Host- cookie first, the plain one (http, or a session from before the prefix). */
export const sessionToken = (cookies: Record<string, string>): string | undefined => cookies[SECURE_SESSION_COOKIE] || cookies[SESSION_COOKIE] || undefined;

/** Set-Cookie values that remove the session cookie (over https the old plain one too). */
export const clearSessionCookies = (secure: boolean): string[] =>
  secure ? [sessionCookie("", 0, true), `${SESSION_COOKIE}=; Path=/api; HttpOnly; SameSite=Strict; Max-Age=0; Secure`] : [sessionCookie("", 0, false)];
