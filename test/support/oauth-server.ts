/**
 * A small OAuth2 / OpenID Connect authorization server for the tests, on 127.0.0.1: it plays
 * Google (/google/...) and Microsoft Entra (/microsoft/<tenant>/oauth2/v2.0/...) closely enough
 * for the product's flow, and answers Dovecot's RFC 7662 introspection (/dovecot/introspect),
 * so the real Dovecot (and Postfix through Dovecot's SASL) accept exactly the access tokens it
 * issued and has not revoked.
 *
 * Our own rather than oauth2-mock-server: that package's /introspect ignores the posted token
 * (test-servers notes), and the tests need single-use codes checked against PKCE, refresh
 * tokens that rotate (Microsoft) or not (Google), revocation of a user's consent, per-user
 * failures (admin consent, scopes left unticked) and counters of refresh grants, all of which
 * are a few lines each here.
 *
 * What it does like the real servers:
 * - /authorize shows a sign-in page (an address field and "Allow" / "Deny"); "Allow" redirects
 *   to redirect_uri with `code` and `state`, "Deny" with `error=access_denied`. A user set to
 *   fail (admin consent, wrong tenant) is redirected with `error` and an AADSTS description.
 * - /token: authorization_code (code single use, bound to client, redirect_uri and the PKCE
 *   S256 challenge; a reused code answers invalid_grant) and refresh_token (invalid_grant once
 *   revoked or rotated away). Google keeps the refresh token; Microsoft sends a new one with
 *   every refresh and the old one stops working (stricter than Entra, which lets the old one
 *   live on: a product that forgot to save the new one fails here).
 * - id_token: a JWT (HS256 with the client secret) naming the address (`email`, and
 *   Microsoft's `preferred_username`).
 *
 * Test controls (POST JSON): /admin/user {email, accessTtl?, grant?: scopes, fail?: {error, description}},
 * /admin/revoke {email}; GET /admin/stats?email= → {codeGrants, refreshGrants, introspections}.
 */
import http from "node:http";
import { createHash, createHmac, randomBytes } from "node:crypto";

export interface OAuthTestClient {
  id: string;
  secret: string;
}

export const TEST_CLIENTS = {
  google: { id: "google-test-client.apps.example", secret: "google-test-client-secret" },
  microsoft: { id: "00000000-test-4000-8000-microsoft00", secret: "microsoft-test-client-secret" },
} as const satisfies Record<string, OAuthTestClient>;

type Provider = keyof typeof TEST_CLIENTS;

interface UserSettings {
  /** Seconds an access token lives. Default 3600. */
  accessTtl?: number;
  /** The scopes the user grants (Google lets a user untick some). Default: all asked for. */
  grant?: string[];
  /** Refuse the sign-in with this error at the redirect (admin consent, wrong tenant...). */
  fail?: { error: string; description: string };
}

interface Pending {
  provider: Provider;
  tenant?: string;
  clientId: string;
  redirectUri: string;
  state: string;
  scope: string;
  challenge: string;
  method: string;
}

interface Grant {
  provider: Provider;
  email: string;
  clientId: string;
  scope: string;
  /** Bumped by a revocation: every token of an older generation is dead. */
  generation: number;
}

export interface OAuthServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString("base64url");
const token = (prefix: string) => `${prefix}.${randomBytes(24).toString("base64url")}`;

export async function startOAuthServer(options: { port?: number } = {}): Promise<OAuthServer> {
  const users = new Map<string, UserSettings>();
  const generations = new Map<string, number>();
  const stats = new Map<string, { codeGrants: number; refreshGrants: number; introspections: number }>();
  const pending = new Map<string, Pending>();
  const codes = new Map<string, Grant & { pending: Pending; used: boolean }>();
  const refreshTokens = new Map<string, Grant & { alive: boolean }>();
  const accessTokens = new Map<string, Grant & { expiresAt: number }>();
  const statOf = (email: string) => {
    let s = stats.get(email);
    if (!s) stats.set(email, (s = { codeGrants: 0, refreshGrants: 0, introspections: 0 }));
    return s;
  };
  const generationOf = (email: string) => generations.get(email) ?? 0;
  const live = (g: Grant) => g.generation === generationOf(g.email);

  const issue = (grant: Grant, withIdToken: boolean, client: OAuthTestClient) => {
    const ttl = users.get(grant.email)?.accessTtl ?? 3600;
    const access = token("at");
    accessTokens.set(access, { ...grant, expiresAt: Date.now() + ttl * 1000 });
    const body: Record<string, unknown> = { access_token: access, token_type: "Bearer", expires_in: ttl, scope: grant.scope };
    if (withIdToken) body.id_token = idToken(grant, client);
    return body;
  };

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const text = typeof body === "string" ? body : JSON.stringify(body);
      res.writeHead(status, { "content-type": typeof body === "string" ? "text/html; charset=utf-8" : "application/json", "cache-control": "no-store", ...headers });
      res.end(text);
    };
    try {
      const form = req.method === "POST" ? await readBody(req) : new URLSearchParams();
      const route = routeOf(url.pathname);
      if (route?.endpoint === "authorize" && req.method === "GET") {
        const q = url.searchParams;
        const client = TEST_CLIENTS[route.provider];
        if (q.get("client_id") !== client.id) return send(400, page("Unknown client", `<p id="error">invalid_client</p>`));
        if (q.get("response_type") !== "code" || !q.get("redirect_uri") || !q.get("code_challenge")) return send(400, page("Bad request", `<p id="error">invalid_request</p>`));
        const id = randomBytes(12).toString("hex");
        pending.set(id, {
          provider: route.provider,
          tenant: route.tenant,
          clientId: client.id,
          redirectUri: q.get("redirect_uri")!,
          state: q.get("state") ?? "",
          scope: q.get("scope") ?? "",
          challenge: q.get("code_challenge")!,
          method: q.get("code_challenge_method") ?? "plain",
        });
        return send(
          200,
          page(
            `Sign in to ${route.provider}`,
            `<form method="get" action="/consent" data-request="${id}"><input type="hidden" name="request" value="${id}">` +
              `<label>Email <input name="email" type="email" data-testid="oauth-email" value="${escapeHtml(q.get("login_hint") ?? "")}"></label>` +
              `<button name="answer" value="allow" data-testid="oauth-allow">Allow</button> <button name="answer" value="deny" data-testid="oauth-deny">Deny</button></form>`,
          ),
        );
      }
      if (url.pathname === "/consent" && req.method === "GET") {
        const p = pending.get(url.searchParams.get("request") ?? "");
        if (!p) return send(400, page("Expired", `<p id="error">unknown request</p>`));
        pending.delete(url.searchParams.get("request")!);
        const email = (url.searchParams.get("email") ?? "").trim().toLowerCase();
        const back = new URL(p.redirectUri);
        back.searchParams.set("state", p.state);
        const fail = users.get(email)?.fail;
        if (url.searchParams.get("answer") !== "allow") {
          back.searchParams.set("error", "access_denied");
          back.searchParams.set("error_description", "The user denied the request.");
        } else if (fail) {
          back.searchParams.set("error", fail.error);
          back.searchParams.set("error_description", fail.description);
        } else {
          const code = token("code");
          const granted = users.get(email)?.grant;
          const scope = granted
            ? p.scope
                .split(" ")
                .filter((s) => granted.includes(s))
                .join(" ")
            : p.scope;
          codes.set(code, { provider: p.provider, email, clientId: p.clientId, scope, generation: generationOf(email), pending: p, used: false });
          back.searchParams.set("code", code);
        }
        res.writeHead(302, { location: back.toString() });
        return res.end();
      }
      if (route?.endpoint === "token" && req.method === "POST") {
        const client = TEST_CLIENTS[route.provider];
        if (form.get("client_id") !== client.id || form.get("client_secret") !== client.secret) return send(401, { error: "invalid_client" });
        const grantType = form.get("grant_type");
        if (grantType === "authorization_code") {
          const c = codes.get(form.get("code") ?? "");
          if (!c || c.used || c.clientId !== client.id || !live(c)) {
            // a replayed code: RFC 6749 4.1.2 says the server SHOULD revoke what it issued; answered as Google does
            return send(400, { error: "invalid_grant", error_description: "Malformed auth code." });
          }
          c.used = true;
          if (c.pending.redirectUri !== form.get("redirect_uri")) return send(400, { error: "redirect_uri_mismatch" });
          const verifier = form.get("code_verifier") ?? "";
          const computed = c.pending.method === "S256" ? b64url(createHash("sha256").update(verifier).digest()) : verifier;
          if (computed !== c.pending.challenge) return send(400, { error: "invalid_grant", error_description: "code_verifier does not match the challenge" });
          statOf(c.email).codeGrants++;
          const grant: Grant = { provider: c.provider, email: c.email, clientId: c.clientId, scope: c.scope, generation: c.generation };
          const refresh = token("rt");
          refreshTokens.set(refresh, { ...grant, alive: true });
          return send(200, { ...issue(grant, true, client), refresh_token: refresh });
        }
        if (grantType === "refresh_token") {
          const old = form.get("refresh_token") ?? "";
          const r = refreshTokens.get(old);
          if (!r || !r.alive || !live(r) || r.clientId !== client.id) {
            return send(400, {
              error: "invalid_grant",
              error_description:
                route.provider === "microsoft"
                  ? "AADSTS70000: The provided value for the 'refresh_token' is not valid. The user could have revoked consent."
                  : "Token has been expired or revoked.",
            });
          }
          statOf(r.email).refreshGrants++;
          const grant: Grant = { provider: r.provider, email: r.email, clientId: r.clientId, scope: r.scope, generation: r.generation };
          const body = issue(grant, false, client);
          if (route.provider === "microsoft") {
            r.alive = false;
            const next = token("rt");
            refreshTokens.set(next, { ...grant, alive: true });
            body.refresh_token = next;
          }
          return send(200, body);
        }
        return send(400, { error: "unsupported_grant_type" });
      }
      if (url.pathname === "/dovecot/introspect" && req.method === "POST") {
        // Dovecot posts token (and client_id/secret when configured); Postfix reaches this through Dovecot's SASL
        const t = accessTokens.get(form.get("token") ?? "");
        if (t) statOf(t.email).introspections++;
        const mailScope = t && /https:\/\/mail\.google\.com\/|IMAP\.AccessAsUser\.All|SMTP\.Send/.test(t.scope);
        if (!t || !live(t) || t.expiresAt <= Date.now() || !mailScope) return send(200, { active: false });
        return send(200, { active: true, email: t.email, scope: t.scope, exp: Math.floor(t.expiresAt / 1000), client_id: t.clientId });
      }
      if (url.pathname === "/admin/user" && req.method === "POST") {
        const body = JSON.parse(form.get("json") ?? "{}") as UserSettings & { email: string };
        const { email, ...settings } = body;
        users.set(email.toLowerCase(), settings);
        return send(200, { ok: true });
      }
      if (url.pathname === "/admin/revoke" && req.method === "POST") {
        const email = String(JSON.parse(form.get("json") ?? "{}").email ?? "").toLowerCase();
        generations.set(email, generationOf(email) + 1);
        return send(200, { ok: true });
      }
      if (url.pathname === "/admin/stats" && req.method === "GET") return send(200, statOf((url.searchParams.get("email") ?? "").toLowerCase()));
      send(404, { error: "not_found" });
    } catch (err) {
      send(500, { error: "server_error", error_description: String(err) });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function routeOf(pathname: string): { provider: Provider; tenant?: string; endpoint: "authorize" | "token" } | undefined {
  const g = /^\/google\/(authorize|token)$/.exec(pathname);
  if (g) return { provider: "google", endpoint: g[1] as "authorize" | "token" };
  const m = /^\/microsoft\/([^/]+)\/oauth2\/v2\.0\/(authorize|token)$/.exec(pathname);
  if (m) return { provider: "microsoft", tenant: m[1], endpoint: m[2] as "authorize" | "token" };
  return undefined;
}

/** Form bodies as the OAuth endpoints take them; a JSON body (the admin routes) arrives as `json`. */
async function readBody(req: http.IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if ((req.headers["content-type"] ?? "").includes("application/json")) return new URLSearchParams({ json: text });
  return new URLSearchParams(text);
}

function idToken(grant: Grant, client: OAuthTestClient): string {
  const now = Math.floor(Date.now() / 1000);
  const header = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const iss = grant.provider === "google" ? "https://accounts.google.com" : "https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0";
  const claims: Record<string, unknown> = { iss, aud: client.id, sub: createHash("sha256").update(grant.email).digest("hex").slice(0, 20), iat: now, exp: now + 3600 };
  if (grant.provider === "google") Object.assign(claims, { email: grant.email, email_verified: true });
  else Object.assign(claims, { preferred_username: grant.email, email: grant.email });
  const payload = b64url(JSON.stringify(claims));
  const signature = createHmac("sha256", client.secret).update(`${header}.${payload}`).digest("base64url");
  return `${header}.${payload}.${signature}`;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (title: string, body: string) => `<!doctype html><html><head><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;

/** Test-side controls of a running server (the admin routes above). */
export function oauthControl(baseUrl: string) {
  const post = async (path: string, body: unknown) => {
    const res = await fetch(baseUrl + path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${path}: ${res.status}`);
  };
  return {
    setUser: (email: string, settings: UserSettings) => post("/admin/user", { email, ...settings }),
    revoke: (email: string) => post("/admin/revoke", { email }),
    stats: async (email: string) =>
      (await (await fetch(`${baseUrl}/admin/stats?email=${encodeURIComponent(email)}`)).json()) as { codeGrants: number; refreshGrants: number; introspections: number },
    /**
     * Plays the user at the sign-in page without a browser: opens the authorize URL, answers
     * "Allow" (or "Deny") as `email`, and returns where the server sends the browser back to.
     */
    async consent(authorizeUrl: string, email: string, answer: "allow" | "deny" = "allow"): Promise<URL> {
      const html = await (await fetch(authorizeUrl)).text();
      const id = /data-request="([^"]+)"/.exec(html)?.[1];
      if (!id) throw new Error(`no sign-in page: ${html.slice(0, 200)}`);
      const res = await fetch(`${baseUrl}/consent?request=${id}&email=${encodeURIComponent(email)}&answer=${answer}`, { redirect: "manual" });
      return new URL(res.headers.get("location")!);
    },
  };
}
