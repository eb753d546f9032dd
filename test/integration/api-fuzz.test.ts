import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { startLocalStack, type LocalStack } from "../../core/local/stack";
import { lambdaContext } from "../../core/local/lambda-context";
import { handler as apiHandler } from "../../functions/api";

/**
 * Every operation of /api/openapi.json, fuzzed as a signed-in admin and a signed-in member
 * (with their CSRF tokens) through the Lambda's own handler on dynalite: malformed path
 * parameters, junk query strings and broken bodies must all be answered 4xx, never 5xx.
 * The operations come from the OpenAPI document itself, so routes added later are fuzzed too.
 *
 * Nothing here reaches a real mail server: every body is one that fails validation, and real
 * ids are only used with such bodies; body-less operations get only junk ids.
 */
const ADMIN = { email: "admin@example.test", password: "admin-password-123" };
const MEMBER = { email: "member@example.test", password: "member-password-123" };
let stack: LocalStack;

interface Caller {
  name: string;
  cookie: string;
  csrf: string;
}
interface Operation {
  method: string;
  path: string;
  pathParams: string[];
  queryParams: string[];
  bodySchema?: { type?: string; properties?: Record<string, { type?: string | string[] }> };
}

function event(method: string, path: string, options: { query?: Record<string, string>; body?: string; contentType?: string; caller?: Caller } = {}): APIGatewayProxyEventV2 {
  const now = new Date();
  const query = options.query ?? {};
  const rawQueryString = Object.entries(query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join("&");
  return {
    version: "2.0",
    routeKey: "ANY /api/{proxy+}",
    rawPath: path,
    rawQueryString,
    cookies: options.caller ? [options.caller.cookie] : undefined,
    headers: {
      host: "crm.example.test",
      "x-forwarded-proto": "https",
      "accept-language": "ja",
      ...(options.contentType !== undefined ? { "content-type": options.contentType } : options.body !== undefined ? { "content-type": "application/json" } : {}),
      ...(options.caller && method !== "GET" ? { "x-csrf-token": options.caller.csrf } : {}),
    },
    queryStringParameters: rawQueryString ? query : undefined,
    requestContext: {
      accountId: "000000000000",
      apiId: "fuzz",
      domainName: "crm.example.test",
      domainPrefix: "crm",
      http: { method, path, protocol: "HTTP/1.1", sourceIp: "192.0.2.99", userAgent: "fuzz" },
      requestId: randomUUID(),
      routeKey: "ANY /api/{proxy+}",
      stage: "$default",
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: options.body,
    isBase64Encoded: false,
  };
}

const call = async (e: APIGatewayProxyEventV2) => (await apiHandler(e, lambdaContext("api", 30_000))) as APIGatewayProxyStructuredResultV2;

async function signIn(who: { email: string; password: string }, name: string): Promise<Caller> {
  const reply = await call(event("POST", "/api/session", { body: JSON.stringify(who) }));
  expect(reply.statusCode, reply.body).toBe(200);
  return { name, cookie: reply.cookies![0]!.split(";")[0]!, csrf: JSON.parse(reply.body!).csrfToken };
}

/** Path parameter values no id or domain can be. */
const JUNK_PARAMS = [
  "%",
  "%E0%A4%A",
  "%zz",
  "%C0%AF",
  "%ED%A0%80",
  "%00",
  "%2F..%2F..",
  "%2e%2e",
  "..",
  "x".repeat(5000),
  "%F0%9F%98%80".repeat(300),
  "日本語",
  "%E6%97%A5%E6%9C%AC",
  "'\"<>`",
  "%20",
  "a%0Ab",
  "%FF%FE",
  "-1",
  "null",
  "{id}",
];
/** Query values for every declared query parameter, and parameters no route declares. */
const JUNK_QUERY = ["", "-1", "0", "1e400", "NaN", "%", "%zz", "x".repeat(5000), "日本", "[object Object]", "1,2,3", "\u0000"];

/** Bodies that no route accepts: broken JSON, wrong shapes, wrong types per field, huge and deep values. */
function junkBodies(schema: Operation["bodySchema"]): { body: string; contentType?: string }[] {
  const deep = (n: number) => "[".repeat(n) + "]".repeat(n);
  const bodies: { body: string; contentType?: string }[] = [
    "{",
    '{"a":',
    "nul",
    "\u0000",
    "null",
    "[]",
    "123",
    '"text"',
    "true",
    '{"__proto__":{"polluted":1}}',
    JSON.stringify({ zzzUnknownField: 1 }),
    deep(5000),
    `{"a":${deep(3000)}}`,
    JSON.stringify({ x: "y".repeat(300 * 1024) }),
  ].map((body) => ({ body }));
  const wrong: unknown[] = [42, "x".repeat(5000), { nested: { junk: [1, { a: null }] } }, [null, 1, "a"], null, true, -1.5, "", deep(2000)];
  for (const field of Object.keys(schema?.properties ?? {})) {
    for (const value of wrong) bodies.push({ body: `{"${field}":${typeof value === "string" && value.startsWith("[") ? value : JSON.stringify(value)}}` });
  }
  bodies.push({ body: JSON.stringify({ email: "a@b.test", password: "x" }), contentType: "text/plain" });
  bodies.push({ body: "email=a%40b.test&password=x", contentType: "application/x-www-form-urlencoded" });
  bodies.push({ body: "{}", contentType: "" });
  return bodies;
}

function operations(doc: any): Operation[] {
  const ops: Operation[] = [];
  for (const [path, byMethod] of Object.entries<any>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(byMethod)) {
      const params = (op.parameters ?? []) as { name: string; in: string }[];
      ops.push({
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === "path").map((p) => p.name),
        queryParams: params.filter((p) => p.in === "query").map((p) => p.name),
        bodySchema: op.requestBody?.content?.["application/json"]?.schema,
      });
    }
  }
  return ops;
}

beforeAll(async () => {
  stack = await startLocalStack({ schedule: false, admin: ADMIN });
}, 60_000);
afterAll(async () => stack?.stop());

describe("fuzzing every operation of the OpenAPI document", () => {
  it("answers 4xx, never 5xx, to malformed paths, ids, query strings and bodies, as an admin and as a member", async () => {
    // Prepare: both kinds of user, and one real resource of each kind a body may be sent to
    const admin = await signIn(ADMIN, "admin");
    const created = await call(event("POST", "/api/users", { caller: admin, body: JSON.stringify({ ...MEMBER, name: "Member", role: "member" }) }));
    expect(created.statusCode, created.body).toBe(201);
    const member = await signIn(MEMBER, "member");
    const contact = await call(event("POST", "/api/contacts", { caller: admin, body: JSON.stringify({ name: "Fuzz Target", primaryEmail: "fuzz@example.test" }) }));
    expect(contact.statusCode, contact.body).toBe(201);
    const realIds: Record<string, string> = { contacts: JSON.parse(contact.body!).id, "domain-settings": "example.test" };
    const doc = JSON.parse((await call(event("GET", "/api/openapi.json"))).body!);
    const ops = operations(doc);
    expect(ops.length).toBeGreaterThan(30);

    // Act
    const failures: string[] = [];
    let requests = 0;
    const check = async (caller: Caller, label: string, e: APIGatewayProxyEventV2) => {
      requests++;
      let status: number;
      try {
        status = (await call(e)).statusCode ?? 200;
      } catch (err) {
        failures.push(`${caller.name} ${label}: threw ${String(err)}`);
        return;
      }
      if (status >= 500) failures.push(`${caller.name} ${label}: ${status}`);
    };
    for (const caller of [admin, member]) {
      for (const op of ops) {
        // signing out would end the fuzzing session: that operation gets junk only where it is refused before acting
        const signsOut = op.method === "DELETE" && op.path === "/api/session";
        const fill = (value: string) => op.path.replace(/\{\w+\}/g, value);
        const label = (what: string) => `${op.method} ${op.path} ${what.slice(0, 60)}`;
        // path parameters
        for (const junk of op.pathParams.length ? JUNK_PARAMS : []) await check(caller, label(`path=${junk}`), event(op.method, fill(junk), { caller }));
        if (op.pathParams.length) await check(caller, label("empty path param"), event(op.method, fill(""), { caller }));
        // query strings (junk for each declared parameter, and undeclared ones), on a junk id where the path has one
        const base = fill("zz-not-an-id");
        if (!signsOut) {
          for (const name of [...op.queryParams, "lang", "zzz"])
            for (const junk of JUNK_QUERY) await check(caller, label(`?${name}=${junk}`), event(op.method, base, { caller, query: { [name]: junk } }));
        }
        // bodies, sent to every operation that is not a GET (those with a body schema also on a real id)
        if (op.method === "GET" || signsOut) continue;
        const resource = Object.keys(realIds).find((r) => op.path.startsWith(`/api/${r}/`));
        const targets = [base, ...(op.bodySchema && resource ? [fill(realIds[resource]!)] : [])];
        for (const path of targets)
          for (const b of junkBodies(op.bodySchema))
            await check(
              caller,
              label(`${path === base ? "" : "real id "}body=${b.contentType ?? ""} ${b.body}`),
              event(op.method, path, { caller, body: b.body, contentType: b.contentType }),
            );
      }
    }

    // Assess
    expect(failures).toEqual([]);
    expect(requests).toBeGreaterThan(1000);
    // and the fuzzing sessions were still valid at the end (the fuzz really ran signed in)
    for (const caller of [admin, member]) expect((await call(event("GET", "/api/session", { caller }))).statusCode).toBe(200);
  }, 120_000);
});
