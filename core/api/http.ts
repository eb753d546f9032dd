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
  /** True when the client reached us over https (Secure cookies). */
  secure: boolean;
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

export const SESSION_COOKIE = "sid";

export function sessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  // HttpOnly: no script reads it. SameSite=Strict: no other site sends it. Path=/api: only the API gets it.
  return `${SESSION_COOKIE}=${token}; Path=/api; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure ? "; Secure" : ""}`;
}

export const clearSessionCookie = (secure: boolean) => sessionCookie("", 0, secure);
