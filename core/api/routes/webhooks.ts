import { z } from "zod";
import * as integrations from "../../integrations/index";
import { AppError, fieldError } from "../../shared/errors";
import type { Route, RouteContext } from "../types";

const queueOf = (ctx: RouteContext): integrations.WebhookQueue => {
  if (!ctx.deps.webhookQueue) throw new AppError("transient", "service_unavailable");
  return ctx.deps.webhookQueue;
};

const replayBody = z.strictObject({ from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }) });

/**
 * Webhook endpoints: admins in the console, or an API key with webhooks:manage. The signing
 * secret is answered once, at creation (it lives in the secret store).
 */
export const webhookRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/webhooks",
    auth: "admin",
    tag: "webhooks",
    scope: "webhooks:manage",
    summary: "The webhook endpoints, with whether each is failing or disabled",
    response: z.object({ items: z.array(integrations.webhookOutput) }),
    handle: async (ctx) => ({ body: { items: await integrations.listWebhooks(ctx.deps.db) } }),
  },
  {
    method: "POST",
    path: "/api/webhooks",
    auth: "admin",
    tag: "webhooks",
    scope: "webhooks:manage",
    status: 201,
    summary:
      "Register an endpoint: an https URL (host policy as for mail servers), the events wanted, and the integration user whose sharing rule filters mail events; the answer holds the signing secret, shown this once",
    body: integrations.webhookInput,
    response: integrations.createdWebhookOutput,
    async handle(ctx) {
      const created = await integrations.createWebhook(ctx.deps, ctx.session.user, ctx.body);
      ctx.deps.log.info("webhook.created", { webhookId: created.id, events: created.events });
      return { status: 201, body: created };
    },
  },
  {
    method: "DELETE",
    path: "/api/webhooks/{id}",
    auth: "admin",
    tag: "webhooks",
    scope: "webhooks:manage",
    status: 204,
    summary: "Remove an endpoint and its secret",
    async handle(ctx) {
      await integrations.deleteWebhook(ctx.deps, ctx.params.id!);
      return { status: 204 };
    },
  },
  {
    method: "POST",
    path: "/api/webhooks/{id}/enable",
    auth: "admin",
    tag: "webhooks",
    scope: "webhooks:manage",
    summary: "Enable a disabled endpoint again",
    response: integrations.webhookOutput,
    handle: async (ctx) => ({ body: await integrations.enableWebhook(ctx.deps.db, ctx.params.id!) }),
  },
  {
    method: "POST",
    path: "/api/webhooks/{id}/test",
    auth: "admin",
    tag: "webhooks",
    scope: "webhooks:manage",
    status: 202,
    summary: "Queue a webhook.test event for the endpoint",
    response: z.object({ eventId: z.string() }),
    handle: async (ctx) => ({ status: 202, body: { eventId: await integrations.sendTestEvent(ctx.deps.db, queueOf(ctx), ctx.params.id!) } }),
  },
  {
    method: "GET",
    path: "/api/webhooks/{id}/deliveries",
    auth: "admin",
    tag: "webhooks",
    scope: "webhooks:manage",
    summary: "The endpoint's last 100 deliveries, newest first: event, status, attempts, response code and time taken",
    response: z.object({ items: z.array(integrations.deliveryOutput) }),
    handle: async (ctx) => ({ body: { items: await integrations.listDeliveries(ctx.deps.db, ctx.params.id!) } }),
  },
  {
    method: "POST",
    path: "/api/webhooks/{id}/deliveries/{deliveryId}/resend",
    auth: "admin",
    tag: "webhooks",
    scope: "webhooks:manage",
    status: 202,
    summary: "Send one delivery's event again (same event id), as a new delivery",
    async handle(ctx) {
      await integrations.resendDelivery(ctx.deps.db, queueOf(ctx), ctx.params.id!, ctx.params.deliveryId!);
      return { status: 202 };
    },
  },
  {
    method: "POST",
    path: "/api/webhooks/{id}/replay",
    auth: "admin",
    tag: "webhooks",
    scope: "webhooks:manage",
    status: 202,
    summary: `Send again every event first delivered to the endpoint between from and to (at most ${integrations.REPLAY_MAX})`,
    body: replayBody,
    response: z.object({ queued: z.number() }),
    async handle(ctx) {
      if (Date.parse(ctx.body.from) > Date.parse(ctx.body.to)) throw fieldError("to", "replay_range_invalid");
      return { status: 202, body: { queued: await integrations.replayDeliveries(ctx.deps.db, queueOf(ctx), ctx.params.id!, ctx.body.from, ctx.body.to) } };
    },
  },
  {
    method: "GET",
    path: "/api/notifications",
    auth: "user",
    tag: "webhooks",
    summary: "Notifications for the signed-in user from the last 14 days (today: a webhook endpoint disabled after failing for a day), newest first",
    response: z.object({ items: z.array(z.object({ kind: z.string(), at: z.string(), webhookId: z.string().optional(), url: z.string().optional() })) }),
    handle: async (ctx) => ({ body: { items: await integrations.notificationsFor(ctx.deps.db, ctx.session.user.id) } }),
  },
];
