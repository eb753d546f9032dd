import type { Db, Item } from "../../core/store/db";
import { createContact } from "../../core/contacts/index";
import { contactHistory } from "../../core/messages/index";
import type { Reader } from "../../core/sharing/index";

/**
 * A contact with 10,000 messages: the first page of its history as the console asks for it
 * (core/messages contactHistory, through the sharing gate), timed over many reads. The items are
 * copies of one the first sync wrote (same shape), spread over ten years, one mailbox.
 * `db` counts its calls (the bench's counting proxy), to report how many a page costs.
 */
export async function measureHistory(db: Db, raw: Db, template: Item, reader: Reader, calls: Map<string, number>, count = 10_000, reads = 101) {
  const email = "busy-customer@clients.test";
  const contact = await createContact(raw, { name: "Busy Customer", primaryEmail: email });
  const start = Date.now() - count * 3_600_000;
  const items: Item[] = [];
  for (let i = 0; i < count; i++) {
    const date = new Date(start + i * 3_600_000).toISOString();
    const key = `bench-${i}`;
    items.push({ ...template, pk: email, sk: `${date}#${key}#${template.accountId}`, messageKey: key, date, subject: `Order ${i}` });
  }
  for (let i = 0; i < items.length; i += 25)
    await raw.batchWrite(
      "mail",
      items.slice(i, i + 25).map((item) => ({ put: item })),
    );
  const times: number[] = [];
  let perPage = "";
  for (let i = 0; i < reads; i++) {
    calls.clear();
    const t = process.hrtime.bigint();
    const page = await contactHistory(db, contact, reader, { limit: 50 });
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (page.items.length !== 50 || !page.nextCursor) throw new Error("history: a full first page was expected");
    perPage = [...calls].map(([name, n]) => `${name}${n > 1 ? ` x${n}` : ""}`).join(", ");
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length / 2)]!, p95: times[Math.floor(times.length * 0.95)]!, perPage, count };
}
