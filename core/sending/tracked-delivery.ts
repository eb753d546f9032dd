import { trackRun, type JobEndReporter } from "../monitoring/index";
import { deliverOutgoing, type DeliverDeps, type DeliverOutcome } from "./deliver";
import { getOutgoing } from "./outbox";
import type { SendJob } from "./queue";

/**
 * One delivery attempt as a run of the job monitor's "send" type (core/jobs/runs.ts): its start
 * and heartbeat when it begins, its end and outcome when it ends, so a send whose function died
 * mid-attempt is found stalled like any other job, and an abnormal end is mailed per the type's
 * settings. A transient failure (retried after its backoff) is recorded but not told: the
 * attempt that finally fails is, and a job that runs out of receives is in the send dead-letter
 * queue, which the monitor tells. The failure's code is the one the attempt recorded on the
 * message (read back only when it failed).
 */
export async function deliverTracked(deps: DeliverDeps & { jobEnded?: JobEndReporter }, job: SendJob): Promise<DeliverOutcome> {
  return trackRun(deps, "send", job.sendId, async () => {
    const result = await deliverOutgoing(deps, job);
    if (result.outcome === "sent" || result.outcome === "skipped") return { result, counts: { [result.outcome]: 1 } };
    const code = (await getOutgoing(deps.db, job.sendId).catch(() => undefined))?.failure?.code ?? "internal";
    return { result, counts: { failed: 1 }, failed: { code, tell: result.outcome === "failed" } };
  });
}
