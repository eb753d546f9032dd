import middy from "@middy/core";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { handleApiRequest, parseCookies, type ApiDeps } from "../core/api/index";
import { attachmentStore, buildRuntime, linkedSendQueue, linkedWebhookQueue, optionalLink } from "../core/runtime/index";
import { jobEndReporter } from "../core/monitoring/index";

let deps: ApiDeps | undefined;
const getDeps = (): ApiDeps => {
  if (deps) return deps;
  const rt = buildRuntime("api");
  deps = {
    ...rt,
    jobEnded: jobEndReporter(rt),
    // test events, resends and replays of webhooks
    webhookQueue: linkedWebhookQueue(),
    // mail composed in the CRM waits here for functions/send.ts; attachments go to storage directly
    sendQueue: linkedSendQueue(),
    attachments: attachmentStore(),
    // The Router's secret header (sst.config.ts): without it a request did not come through the Router.
    originSecret: optionalLink("OriginVerify")?.value,
    // The first admin comes from the AdminEmail / AdminPassword secrets (sst.Secret) in AWS.
    bootstrapAdmin: async () => {
      const email = optionalLink("AdminEmail")?.value,
        password = optionalLink("AdminPassword")?.value;
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
    sourceIp: clientAddress(headers, event),
    requestId: event.requestContext.requestId,
  });
  return { statusCode: res.status, headers: res.headers, cookies: res.cookies, body: res.body };
});

/**
 * The client's address. Behind the Router, API Gateway's sourceIp is a CloudFront edge, so the
 * Router's request function writes the viewer's address into x-viewer-ip (overwriting whatever
 * the client sent); it is believed only when the request proved it came through the Router.
 */
function clientAddress(headers: Record<string, string | undefined>, event: APIGatewayProxyEventV2): string {
  const viaRouter = !!getDeps().originSecret && headers["x-origin-verify"] === getDeps().originSecret;
  return (viaRouter && headers["x-viewer-ip"]) || event.requestContext.http.sourceIp;
}
