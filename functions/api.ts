import middy from "@middy/core";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { handleApiRequest, parseCookies, type ApiDeps } from "../core/api/index";
import { buildRuntime, optionalLink } from "../core/runtime/index";

let deps: ApiDeps | undefined;
const getDeps = (): ApiDeps => {
  if (deps) return deps;
  const rt = buildRuntime("api");
  deps = {
    ...rt,
    // The first admin comes from the AdminEmail / AdminPassword secrets (sst.Secret) in AWS.
    bootstrapAdmin: async () => {
      const email = optionalLink("AdminEmail")?.value, password = optionalLink("AdminPassword")?.value;
      return email && password ? { email, password } : undefined;
    },
  };
  return deps;
};

/** HTTP API (API Gateway v2 payload 2.0) -> the core API -> HTTP response. */
export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>().handler(async (event) => {
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(event.headers ?? {})) headers[k.toLowerCase()] = v;
  const body = event.body === undefined ? undefined : event.isBase64Encoded ? Buffer.from(event.body, "base64").toString("utf8") : event.body;
  const res = await handleApiRequest(getDeps(), {
    method: event.requestContext.http.method.toUpperCase(),
    path: event.rawPath,
    query: event.queryStringParameters ?? {},
    headers,
    cookies: parseCookies(undefined, event.cookies),
    body,
    secure: (headers["x-forwarded-proto"] ?? "https") === "https",
    requestId: event.requestContext.requestId,
  });
  return { statusCode: res.status, headers: res.headers, cookies: res.cookies, body: res.body };
});
