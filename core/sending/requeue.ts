import type { Db } from "../store/db";
import { keys } from "../store/keys";
import type { Logger } from "../shared/log";
import type { SendQueue } from "./queue";

/**
 * `npm start` keeps its queues in memory (fauxqs): a restart loses the send jobs on them, while
 * the messages' records survive in dynalite. At start, every message still queued (or held by
 * an attempt that stopped with the process, which its delivery then settles as uncertain) gets
 * its job back, so a stop never loses a mail. In AWS the queue is durable and this never runs.
 */
export async function requeueOutgoing(deps: { db: Db; queue: SendQueue; log: Logger }): Promise<number> {
  const { db, queue, log } = deps;
  let count = 0;
  for (const user of await db.queryIndex(keys.usersIndex)) {
    for (const item of await db.queryIndex(keys.outgoingIndex(user.id as string))) {
      if (item.status !== "queued" && item.status !== "sending") continue;
      await queue.enqueue({ sendId: item.sendId as string });
      count++;
    }
  }
  if (count) log.info("local.sends.requeued", { messages: count });
  return count;
}
