import { z } from "zod";
import type { Db } from "../store/db";
import { keys } from "../store/keys";
import { hasMessage, translate, type Lang } from "../shared/i18n";
import type { DeadLetterMessage, DeadLetterQueueName } from "../queue/index";

/** A dead-lettered job as the console lists it: what it was, and why it ended there. */
export const deadLetterOutput = z.object({
  queue: z.enum(["sync", "webhook"]),
  messageId: z.string(),
  receiveCount: z.number(),
  sentAt: z.string().nullable(),
  /** The job: a sync job's id and mailbox, or a webhook delivery's endpoint and event. */
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

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a dead letter's body is whatever its producer queued, read field by field with fallbacks
function parseBody(body: string): Record<string, any> {
  try {
    const value = JSON.parse(body);
    return value && typeof value === "object" ? value : {};
  } catch {
    return {};
  }
}
