import { z } from "zod";
import type { Db } from "../store/db";
import { keys } from "../store/keys";
import { hasMessage, translate, type Lang } from "../shared/i18n";
import { DEAD_LETTER_QUEUES, type DeadLetterMessage, type DeadLetterQueueName } from "../queue/index";

/** A dead-lettered job as the console lists it: what it was, and why it ended there. */
export const deadLetterOutput = z.object({
  queue: z.enum(DEAD_LETTER_QUEUES as [DeadLetterQueueName, ...DeadLetterQueueName[]]),
  messageId: z.string(),
  receiveCount: z.number(),
  sentAt: z.string().nullable(),
  /** The job: a sync job's id and mailbox, a webhook delivery's endpoint and event, or a message to send (its id, mailbox and recipients). */
  jobId: z.string().nullable(),
  subject: z.string(),
  /** Its last error: a code and its words in the reader's language, when the job's record has one. */
  lastError: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type DeadLetterView = z.infer<typeof deadLetterOutput>;

/** Describes dead-lettered messages from their bodies and the records of the jobs they carry. */
export async function deadLetterView(db: Db, queue: DeadLetterQueueName, messages: DeadLetterMessage[], lang: Lang): Promise<DeadLetterView[]> {
  const parsed = messages.map((m) => ({ m, body: parseBody(m.body) }));
  const describe = (code: string | undefined) => (code ? { code, message: hasMessage(code) ? translate(code, lang) : code } : null);
  if (queue === "sync") {
    const jobIds = parsed.map((p) => p.body.jobId).filter((id): id is string => typeof id === "string");
    const accountIds = parsed.map((p) => p.body.accountId).filter((id): id is string => typeof id === "string");
    const [jobs, accounts] = await Promise.all([
      db.batchGet(
        "main",
        [...new Set(jobIds)].map((id) => keys.job(id)),
      ),
      db.batchGet(
        "main",
        [...new Set(accountIds)].map((id) => keys.account(id)),
        ["id", "email", "lastError"],
      ),
    ]);
    const jobOf = new Map(jobs.map((j) => [j.jobId as string, j]));
    const accountOf = new Map(accounts.map((a) => [a.id as string, a]));
    return parsed.map(({ m, body }) => {
      const job = jobOf.get(body.jobId);
      const account = accountOf.get(body.accountId);
      return {
        queue,
        messageId: m.messageId,
        receiveCount: m.receiveCount,
        sentAt: m.sentAt,
        jobId: typeof body.jobId === "string" ? body.jobId : null,
        subject: (account?.email as string | undefined) ?? String(body.accountId ?? "?"),
        // the job's own record names the failure; else the mailbox's last error
        lastError: describe((job?.error as string | undefined) ?? (account?.lastError?.code as string | undefined)),
      };
    });
  }
  if (queue === "send") return sendDeadLetters(db, parsed, describe);
  return Promise.all(
    parsed.map(async ({ m, body }) => {
      const delivery = body.endpointId && body.deliveryId ? await db.get("main", keys.webhookDelivery(body.endpointId, body.deliveryId), false) : undefined;
      const code = delivery?.responseCode ? `HTTP ${delivery.responseCode}` : undefined;
      return {
        queue,
        messageId: m.messageId,
        receiveCount: m.receiveCount,
        sentAt: m.sentAt,
        jobId: typeof body.deliveryId === "string" ? body.deliveryId : null,
        subject: `${body.event?.type ?? "?"} → ${body.endpointId ?? "?"}`,
        lastError: code ? { code, message: code } : describe("webhook_delivery_failed"),
      };
    }),
  );
}

/**
 * Messages to send whose job ran out of receives: each named by its mailbox and recipients (from
 * the send record, core/sending: the record still says "queued", so a redrive sends it), with
 * the failure the last attempt recorded.
 */
async function sendDeadLetters(
  db: Db,
  parsed: { m: DeadLetterMessage; body: Record<string, unknown> }[],
  describe: (code: string | undefined) => DeadLetterView["lastError"],
): Promise<DeadLetterView[]> {
  const ids = [...new Set(parsed.map((p) => p.body.sendId).filter((id): id is string => typeof id === "string"))];
  const records = new Map(
    (
      await db.batchGet(
        "main",
        ids.map((id) => keys.outgoing(id)),
      )
    ).map((r) => [r.sendId as string, r]),
  );
  return parsed.map(({ m, body }) => {
    const sendId = typeof body.sendId === "string" ? body.sendId : null;
    const record = sendId ? records.get(sendId) : undefined;
    const to = Array.isArray(record?.to) ? (record.to as string[]).join(", ") : "?";
    return {
      queue: "send" as const,
      messageId: m.messageId,
      receiveCount: m.receiveCount,
      sentAt: m.sentAt,
      jobId: sendId,
      subject: `${(record?.from?.address as string | undefined) ?? "?"} → ${to}`,
      lastError: describe(record?.failure?.code as string | undefined),
    };
  });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a dead letter's body is whatever its producer queued, read field by field with fallbacks
function parseBody(body: string): Record<string, any> {
  try {
    const value = JSON.parse(body);
    return value && typeof value === "object" ? value : {};
  } catch {
    return {};
  }
}
