/**
 * A tiny HTTP client for tests that behaves like the console: keeps the session cookie,
 * sends the CSRF token on every non-GET request and the chosen Accept-Language.
 * Every reply body is kept in `transcript` so tests can prove what never appears in one.
 */
export interface Reply<T = any> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

export class ApiClient {
  cookie = "";
  csrf = "";
  readonly transcript: string[] = [];

  constructor(
    readonly baseUrl: string,
    public lang: "en" | "ja" = "en",
  ) {}

  async request<T = any>(method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<Reply<T>> {
    const headers: Record<string, string> = { "accept-language": this.lang, ...extraHeaders };
    if (this.cookie) headers.cookie = this.cookie;
    if (method !== "GET" && this.csrf && !("x-csrf-token" in extraHeaders)) headers["x-csrf-token"] = this.csrf;
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === "string" ? body : JSON.stringify(body);
      headers["content-type"] = "application/json";
    }
    const res = await fetch(this.baseUrl + path, { method, headers, body: payload });
    const text = await res.text();
    this.transcript.push(text);
    for (const c of res.headers.getSetCookie()) {
      const [pair = ""] = c.split(";");
      this.cookie = pair.endsWith("=") ? "" : pair;
    }
    let parsed: any;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed, text, headers: res.headers };
  }

  get = <T = any>(path: string) => this.request<T>("GET", path);
  post = <T = any>(path: string, body?: unknown) => this.request<T>("POST", path, body ?? {});
  patch = <T = any>(path: string, body: unknown) => this.request<T>("PATCH", path, body);
  del = <T = any>(path: string) => this.request<T>("DELETE", path);

  async signIn(email: string, password: string): Promise<Reply> {
    const reply = await this.post("/api/session", { email, password });
    if (reply.status === 200) this.csrf = reply.body.csrfToken;
    return reply;
  }
}

/** Polls until `check` returns a truthy value or the time is up. */
export async function eventually<T>(check: () => Promise<T | undefined | false | null>, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
