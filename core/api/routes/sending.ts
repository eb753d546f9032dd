import { z } from "zod";
import { listAccounts, isPaused } from "../../accounts/index";
import {
  composeInput,
  createUpload,
  getOutgoing,
  getSendingSettings,
  outgoingOutput,
  outgoingView,
  queueMessage,
  replyDraft,
  sendingSettingsShape,
  setSendingSettings,
  uploadInput,
  type ComposeInput,
} from "../../sending/index";
import { AppError } from "../../shared/errors";
import type { Route, RouteContext } from "../types";

/**
 * Sending from the CRM (core/sending): the organisation's switch and limits, the sender's
 * mailboxes and From addresses, attachment uploads, reply drafts, and the send itself, which
 * answers 202 as soon as the message is stored and queued.
 */

const sendQueue = (ctx: RouteContext) => {
  if (!ctx.deps.sendQueue) throw new AppError("transient", "service_unavailable");
  return ctx.deps.sendQueue;
};
const attachments = (ctx: RouteContext) => {
  if (!ctx.deps.attachments) throw new AppError("transient", "service_unavailable");
  return ctx.deps.attachments;
};

const senderOutput = z.object({
  accountId: z.string(),
  email: z.string(),
  displayName: z.string().nullable(),
  /** The From addresses this mailbox may use: its own address first, then its aliases. */
  addresses: z.array(z.string()),
  signature: z.string().nullable(),
  /** False when the mailbox has no SMTP server or is paused: it is listed but cannot send. */
  canSend: z.boolean(),
});

export const sendingRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/settings/sending",
    auth: "user",
    tag: "sending",
    summary: "The organisation's sending settings: whether mail may be sent from the CRM, each user's hourly and daily limits, the largest message in MB",
    response: sendingSettingsShape,
    handle: async (ctx) => ({ body: await getSendingSettings(ctx.deps.db) }),
  },
  {
    method: "PUT",
    path: "/api/settings/sending",
    auth: "admin",
    tag: "sending",
    summary: "Turn sending from the CRM on or off for the organisation and set each user's limits (admins)",
    body: sendingSettingsShape,
    response: sendingSettingsShape,
    handle: async (ctx) => ({ body: await setSendingSettings(ctx.deps.db, ctx.body, ctx.session.user.id) }),
  },
  {
    method: "GET",
    path: "/api/sending/senders",
    auth: "user",
    tag: "sending",
    summary: "The caller's own mailboxes and the From addresses each may send with (the compose form's From chooser)",
    response: z.object({ items: z.array(senderOutput) }),
    async handle(ctx) {
      const mine = (await listAccounts(ctx.deps.db, ctx.session.user)).filter((a) => a.ownerId === ctx.session.user.id);
      return {
        body: {
          items: mine.map((a) => ({
            accountId: a.id,
            email: a.email,
            displayName: a.displayName ?? null,
            addresses: [a.email, ...(a.aliases ?? []).filter((x) => x !== a.email)],
            signature: a.signature ?? null,
            canSend: !!a.smtp && !isPaused(a),
          })),
        },
      };
    },
  },
  {
    method: "POST",
    path: "/api/sends",
    auth: "user",
    tag: "sending",
    status: 202,
    summary:
      "Send a message from one of the caller's mailboxes: validated, stored as queued with its Message-ID, shown at once in each recipient contact's history, and delivered by the send queue. 403 when sending is off, 429 past the caller's limits",
    body: composeInput,
    response: outgoingOutput,
    async handle(ctx) {
      const record = await queueMessage({ db: ctx.deps.db, queue: sendQueue(ctx), log: ctx.deps.log }, ctx.session.user, ctx.body as ComposeInput);
      return { status: 202, body: outgoingView(record, ctx.lang) };
    },
  },
  {
    method: "GET",
    path: "/api/sends/{id}",
    auth: "user",
    tag: "sending",
    summary: "One message the caller sent from the CRM: its status (queued, sending, accepted, sent, failed), attempts, and any failure with what to do",
    response: outgoingOutput,
    async handle(ctx) {
      const record = await getOutgoing(ctx.deps.db, ctx.params.id!);
      if (!record || record.userId !== ctx.session.user.id) throw new AppError("notFound", "send_not_found");
      return { body: outgoingView(record, ctx.lang) };
    },
  },
  {
    method: "GET",
    path: "/api/messages/{id}/draft",
    auth: "user",
    tag: "sending",
    summary: "A reply, reply-all or forward of a message the caller may see, for the compose form: mailbox, recipients, subject and the quoted original",
    query: z.strictObject({ mode: z.enum(["reply", "replyAll", "forward"]) }),
    response: z.object({
      accountId: z.string().nullable(),
      from: z.string().nullable(),
      to: z.array(z.string()),
      cc: z.array(z.string()),
      subject: z.string(),
      text: z.string(),
      original: z.object({ messageId: z.string(), mode: z.enum(["reply", "replyAll", "forward"]) }),
    }),
    handle: async (ctx) => ({ body: await replyDraft(ctx.deps, ctx.session.user, ctx.params.id!, ctx.query.mode) }),
  },
  {
    method: "POST",
    path: "/api/uploads",
    auth: "user",
    tag: "sending",
    status: 201,
    summary:
      "Announce an attachment (name, type, size): answers where the browser PUTs its bytes (a presigned S3 URL in AWS, the local gateway in `npm start`). Over the message size limit answers 400 before anything is uploaded",
    body: uploadInput,
    response: z.object({ id: z.string(), url: z.string(), method: z.literal("PUT"), headers: z.record(z.string(), z.string()), expiresAt: z.string(), maxBytes: z.number() }),
    async handle(ctx) {
      const settings = await getSendingSettings(ctx.deps.db);
      if (!settings.enabled) throw new AppError("forbidden", "sending_off");
      return { status: 201, body: await createUpload(ctx.deps.db, attachments(ctx), ctx.session.user.id, ctx.body, settings.maxMessageMb) };
    },
  },
];
