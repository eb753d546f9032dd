import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve } from "node:path";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { lambdaContext } from "./lambda-context";
import { SECURITY_HEADERS } from "../shared/security-headers";
import { pickLanguage, translate } from "../shared/i18n";

type ApiHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".map": "application/json",
};

/** The largest request body the gateway passes to the API: 1 MB (the API itself takes 256 KB). */
const MAX_BODY = 1024 * 1024;

/**
 * The local stand-in for CloudFront + API Gateway: /api/* becomes an API Gateway v2 (payload
 * 2.0) event for the SAME handler module the Lambda exports; everything else is the built
 * console from `staticDir`, with index.html for client-side routes. 127.0.0.1 only.
 */
export async function startGateway(options: {
  port: number;
  apiHandler: ApiHandler;
  staticDir: string;
  /** Attachment folder: serves PUT /local-uploads/<key> (core/sending/attachments.ts). */ uploads?: string;
}): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const root = resolve(options.staticDir);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const route =
      url.pathname === "/api" || url.pathname.startsWith("/api/")
        ? callApi(req, res, url, options.apiHandler)
        : options.uploads && url.pathname.startsWith("/local-uploads/")
          ? acceptUpload(req, res, url)
          : serveStatic(res, url.pathname, root);
    route.catch((err) => {
      console.error("gateway error", err);
      if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "bad_gateway", message: "The local gateway could not call the handler." } }));
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(options.port, "127.0.0.1", () => ok());
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}

/**
 * The local stand-in for S3's presigned PUT: the signature (made by the API with
 * LOCAL_UPLOAD_SECRET) fixes the key, the size and the expiry; the body may be up to 35 MB
 * (the largest message limit an admin can set).
 */
async function acceptUpload(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const { LocalAttachmentStore } = await import("../sending/index");
  const env = process.env;
  const store = new LocalAttachmentStore(env.LOCAL_UPLOAD_DIR ?? "", env.LOCAL_UPLOAD_URL ?? "", env.LOCAL_UPLOAD_SECRET ?? "");
  if (req.method === "OPTIONS") {
    res.writeHead(204, { ...SECURITY_HEADERS });
    res.end();
    return;
  }
  if (req.method !== "PUT" || !env.LOCAL_UPLOAD_SECRET) {
    res.writeHead(405, { ...SECURITY_HEADERS });
    res.end();
    return;
  }
  const body = await readBody(req, UPLOAD_MAX_BODY);
  if (!body) return refuseTooLarge(req, res, url);
  const status = await store.acceptUpload(decodeURIComponent(url.pathname.slice("/local-uploads/".length)), url.searchParams, body);
  res.writeHead(status, { ...SECURITY_HEADERS });
  res.end();
}

const UPLOAD_MAX_BODY = 35 * 1024 * 1024;

/**
 * Reads a request body of at most MAX_BODY bytes; null when it is larger (known from
 * Content-Length before reading anything, or once the bytes read pass the limit). Never
 * destroys the request: breaking out of `for await` over it would, and the client, still
 * uploading, would see its connection reset instead of the answer (refuseTooLarge drains it).
 */
function readBody(req: IncomingMessage, max = MAX_BODY): Promise<Buffer | null> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > max) return Promise.resolve(null);
  return new Promise((ok, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        req.off("data", onData).off("end", onEnd).off("error", fail);
        ok(null);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => ok(Buffer.concat(chunks));
    req.on("data", onData).on("end", onEnd).on("error", fail);
  });
}

/** How much of an oversized body is read and thrown away so its sender gets the 413, and for how long at most. */
const DISCARD_MAX_BYTES = 512 * 1024 * 1024;
const DISCARD_MAX_MS = 30_000;

/**
 * Answers 413 at once, with the limit, in the user's language (as the API answers errors), then
 * reads and discards the rest of the body: a server that closes on a client still sending makes
 * its TCP stack answer with a reset, which can reach the client before the 413 does. A sender
 * that goes on past DISCARD_MAX_BYTES or DISCARD_MAX_MS is cut off.
 */
function refuseTooLarge(req: IncomingMessage, res: ServerResponse, url: URL): void {
  const lang = pickLanguage(url.searchParams.get("lang") ?? req.headers["accept-language"]);
  const maximum = MAX_BODY / (1024 * 1024);
  const body = JSON.stringify({ error: { code: "body_too_large", message: translate("request_too_large", lang, { maximum }), maximumBytes: MAX_BODY } });
  res.writeHead(413, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body), connection: "close", ...SECURITY_HEADERS });
  res.end(body);
  let discarded = 0;
  const cutOff = setTimeout(() => req.socket.destroy(), DISCARD_MAX_MS);
  cutOff.unref();
  req.on("data", (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > DISCARD_MAX_BYTES) req.socket.destroy();
  });
  req.on("close", () => clearTimeout(cutOff));
  req.on("error", () => undefined);
  req.resume();
}

export function toApiGatewayEvent(req: IncomingMessage, url: URL, body: Buffer): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && k !== "cookie") headers[k] = Array.isArray(v) ? v.join(",") : v;
  headers["x-forwarded-proto"] = "http";
  headers["x-forwarded-for"] = req.socket.remoteAddress ?? "127.0.0.1";
  const cookies = (req.headers.cookie ?? "")
    .split(";")
    .map((c) => c.trim())
    .filter(Boolean);
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
  const now = new Date();
  const text = body.length ? body.toString("utf8") : undefined;
  const isText = !text || Buffer.from(text, "utf8").equals(body);
  return {
    version: "2.0",
    routeKey: "ANY /api/{proxy+}",
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    cookies: cookies.length ? cookies : undefined,
    headers,
    queryStringParameters: url.search ? query : undefined,
    pathParameters: { proxy: url.pathname.replace(/^\/api\/?/, "") },
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      domainName: req.headers.host ?? "127.0.0.1",
      domainPrefix: "local",
      http: {
        method: req.method ?? "GET",
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? "127.0.0.1",
        userAgent: req.headers["user-agent"] ?? "",
      },
      requestId: randomUUID(),
      routeKey: "ANY /api/{proxy+}",
      stage: "$default",
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: isText ? text : body.toString("base64"),
    isBase64Encoded: !isText,
  };
}

async function callApi(req: IncomingMessage, res: ServerResponse, url: URL, handler: ApiHandler): Promise<void> {
  const body = await readBody(req);
  if (!body) return refuseTooLarge(req, res, url);
  const event = toApiGatewayEvent(req, url, body);
  const result = await handler(event, lambdaContext("api", 30_000));
  // the same headers the Router's response headers policy adds to every response in AWS
  const headers: Record<string, string | string[]> = { ...SECURITY_HEADERS, ...(result.headers as Record<string, string>) };
  if (result.cookies?.length) headers["set-cookie"] = result.cookies;
  res.writeHead(result.statusCode ?? 200, headers);
  res.end(result.body ? (result.isBase64Encoded ? Buffer.from(result.body, "base64") : result.body) : undefined);
}

async function serveStatic(res: ServerResponse, pathname: string, root: string): Promise<void> {
  let rel: string;
  try {
    rel = normalize(decodeURIComponent(pathname)).replace(/^(\.\.[/\\])+/, "");
  } catch {
    rel = "/";
  }
  let file = join(root, rel);
  if (!file.startsWith(root)) file = join(root, "index.html");
  let info = await stat(file).catch(() => undefined);
  if (!info || info.isDirectory()) {
    // client-side routes fall back to the app shell; a missing asset is a real 404
    if (extname(rel) && extname(rel) !== ".html") {
      res.writeHead(404, { "content-type": "text/plain", ...SECURITY_HEADERS });
      res.end("Not found");
      return;
    }
    file = join(root, "index.html");
    info = await stat(file).catch(() => undefined);
    if (!info) {
      res.writeHead(503, { "content-type": "text/plain; charset=utf-8" });
      res.end("The console is not built yet: run `npm run build:web` (npm start does it for you).");
      return;
    }
  }
  const type = TYPES[extname(file)] ?? "application/octet-stream";
  const immutable = file.includes(`${join(root, "assets")}`);
  res.writeHead(200, { "content-type": type, "cache-control": immutable ? "public, max-age=31536000, immutable" : "no-cache", ...SECURITY_HEADERS });
  res.end(await readFile(file));
}
