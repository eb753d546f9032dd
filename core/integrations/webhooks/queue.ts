import { SQSClient } from "@aws-sdk/client-sqs";
import { AppError } from "../../shared/errors";
import { sendInBatches } from "../../queue/index";
import type { DeliveryJob } from "./schema";

/** WebhookQueue: where events wait for their delivery function (core/integrations/webhooks/deliver.ts). */
export interface WebhookQueue {
  send(jobs: { job: DeliveryJob; delaySeconds?: number }[]): Promise<void>;
}

/** SQS adapter (AWS, and fauxqs locally). */
export class SqsWebhookQueue implements WebhookQueue {
  constructor(
    private readonly queueUrl: string,
    private readonly client: SQSClient = new SQSClient({}),
  ) {}

  async send(jobs: { job: DeliveryJob; delaySeconds?: number }[]): Promise<void> {
    await sendInBatches(
      this.client,
      this.queueUrl,
      jobs.map(({ job, delaySeconds }) => ({ body: JSON.stringify(job), delaySeconds })),
    );
  }
}

export function parseDeliveryJob(body: string): DeliveryJob {
  const job = JSON.parse(body) as DeliveryJob;
  if (!job || typeof job.endpointId !== "string" || typeof job.deliveryId !== "string" || typeof job.event?.id !== "string") {
    throw new AppError("permanent", "invalid_value", { cause: new Error("malformed webhook delivery") });
  }
  return job;
}

/** A delivery id: its creation time in base 36 first (sortable, so a time range is a key range), then randomness. */
export const deliveryIdAt = (ms: number, random: string) => `${ms.toString(36).padStart(9, "0")}${random}`;
