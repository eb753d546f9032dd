import { z } from "zod";
import { fetchMessageText, loadMessage } from "../../messages/index";
import { messageSummary, summarise } from "../../messages/index";
import type { Route } from "../types";

const messageDetail = messageSummary.extend({
  messageId: z.string().nullable(),
  inReplyTo: z.string().nullable(),
  size: z.number().nullable(),
  attachments: z.array(z.object({ filename: z.string().nullable(), contentType: z.string(), size: z.number().nullable() })),
});

export const messageRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/messages/{id}",
    auth: "user",
    tag: "messages",
    scope: "messages:read",
    summary: "One message: headers, attachments (names, types, sizes), owners",
    response: messageDetail,
    async handle(ctx) {
      const { message, owners } = await loadMessage(ctx.deps.db, ctx.params.id!, ctx.session.user);
      const [summary] = await summarise(ctx.deps.db, [{ ...message, owners }], ctx.lang);
      return {
        body: { ...summary, messageId: message.messageId ?? null, inReplyTo: message.inReplyTo ?? null, size: message.size ?? null, attachments: message.attachments ?? [] },
      };
    },
  },
  {
    method: "GET",
    path: "/api/messages/{id}/body",
    auth: "user",
    tag: "messages",
    scope: "messages:read",
    summary: "The message's text, fetched now through a copy the reader may see (plain text only; rate limited per reader and per mailbox)",
    response: z.object({ text: z.string(), truncated: z.boolean(), accountId: z.string() }),
    handle: async (ctx) => ({
      body: await fetchMessageText(
        {
          db: ctx.deps.db,
          secrets: ctx.deps.secrets,
          log: ctx.deps.log,
          hostAllowance: ctx.deps.hostAllowance,
          imapCa: ctx.deps.imapCa,
          oauth: ctx.deps.oauth,
          notifier: ctx.deps.notifier,
        },
        ctx.params.id!,
        ctx.session.user,
      ),
    }),
  },
];
