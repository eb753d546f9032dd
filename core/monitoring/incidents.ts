import type { Db, Item } from "../store/db";
import { keys } from "../store/keys";

/**
 * Incidents: what the monitor has told operations and not yet seen resolved. One item per open
 * incident in the INCIDENTS partition; opening is a conditional put, so an incident is told
 * once however many checks see it, and closing deletes it, so its resolution is told once.
 */
export type IncidentKind = "long_running" | "stalled" | "deadletter";

export interface Incident {
  kind: IncidentKind;
  jobType: string;
  subject: string;
  /** The job it is about (long-running, stalled); none for a dead-letter queue. */
  jobId?: string;
  /** The mailbox it is about, for the console's link. */
  accountId?: string;
  openedAt: string;
  /** When the job started (long-running) or last beat (stalled). */
  since?: string;
  count?: number;
}

/** Opens an incident; false when it is already open (it was told before). */
export async function openIncident(db: Db, incident: Incident): Promise<boolean> {
  return db.put("main", { ...keys.incident(incident.kind, incident.jobType, incident.subject), ...incident }, { expression: "attribute_not_exists(pk)" });
}

/** Closes an incident; false when it was not open (another check closed it). */
export async function closeIncident(db: Db, incident: Pick<Incident, "kind" | "jobType" | "subject">): Promise<boolean> {
  return db.delete("main", keys.incident(incident.kind, incident.jobType, incident.subject), "attribute_exists(pk)");
}

export async function openIncidents(db: Db): Promise<Incident[]> {
  const items = await db.queryAll("main", { KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": keys.incidentsPartition } });
  return items.map(({ pk: _pk, sk: _sk, ...rest }: Item) => rest as Incident);
}
