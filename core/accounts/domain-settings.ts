import { domainToASCII } from "node:url";
import { z } from "zod";
import type { Db, Item } from "../store/db";
import { AppError } from "../shared/errors";
import { nowIso } from "../shared/ids";
import { checkHost, type HostAllowance, type Resolver } from "../mail/index";
import { usernameStyles } from "../mail/index";
import { hostnameField, providerIds, securityModes } from "./schema";

/**
 * Mail settings an admin pins for a company domain: HubSpot's "IMAP and SMTP settings pre-set
 * by your account admin for the domain". Autodiscovery puts them above everything
 * else, so a company's own servers win over whatever DNS or autoconfig say.
 */

/**
 * Keys: the "settings (road)" row of core/store/keys.ts (pk SETTINGS, sk <area>) with the area
 * DOMAIN#<domain>. Kept here until keys.ts lists it; one item per domain, so a put replaces.
 */
export const settingsKeys = {
  domainSettings: (domain: string) => ({ pk: "SETTINGS", sk: `DOMAIN#${domain}` }),
  domainSettingsPrefix: "DOMAIN#",
};

/** An address domain: lower case, ASCII (punycode) form, no "@" or final dot. */
export const mailDomainField = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(253)
  .transform((d) => {
    const bare = d.replace(/^@/, "").replace(/\.$/, "");
    return domainToASCII(bare) || bare;
  })
  .refine((d) => /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/.test(d), { params: { key: "invalid_domain" } });

export const pinnedServer = z.strictObject({
  host: hostnameField,
  port: z.number().int().min(1).max(65535),
  /** An admin may pin "none" for an internal server; autodiscovery itself never proposes it. */
  security: z.enum(securityModes),
});

/** What an admin sends (the domain is in the path). */
export const domainSettingsInput = z.strictObject({
  /** Which provider's rules apply (OAuth only, sent-copy default...); default: "other". */
  provider: z.enum(providerIds).optional(),
  imap: pinnedServer,
  smtp: pinnedServer,
  /** Log in with the whole address or the part before "@". */
  username: z.enum(usernameStyles),
});
export type DomainSettingsInput = z.infer<typeof domainSettingsInput>;

/** The pinned settings of one domain, as autodiscovery reads them. */
export const pinnedSettings = domainSettingsInput.extend({ domain: mailDomainField });
export type PinnedSettings = z.infer<typeof pinnedSettings>;

const serverOutput = z.object({ host: z.string(), port: z.number(), security: z.enum(securityModes) });
export const domainSettingsOutput = z.object({
  domain: z.string(),
  provider: z.enum(providerIds).nullable(),
  imap: serverOutput,
  smtp: serverOutput,
  username: z.enum(usernameStyles),
  updatedAt: z.string(),
  updatedBy: z.string().nullable(),
});
export type DomainSettings = z.infer<typeof domainSettingsOutput>;

export interface DomainSettingsDeps {
  db: Db;
  /** Which internal ranges a pinned host may resolve to (as for accounts). */
  hostAllowance: HostAllowance;
  resolve?: Resolver;
}

const toView = (item: Item): DomainSettings => ({
  domain: item.domain,
  provider: item.provider ?? null,
  imap: { host: item.imap.host, port: item.imap.port, security: item.imap.security },
  smtp: { host: item.smtp.host, port: item.smtp.port, security: item.smtp.security },
  username: item.username,
  updatedAt: item.updatedAt,
  updatedBy: item.updatedBy ?? null,
});

const domainOf = (raw: string): string => {
  const parsed = mailDomainField.safeParse(raw);
  if (!parsed.success) throw new AppError("validation", "validation_failed", { fields: [{ field: "domain", key: "invalid_domain" }] });
  return parsed.data;
};

export async function getDomainSettings(db: Db, domain: string): Promise<DomainSettings | undefined> {
  const item = await db.get("main", settingsKeys.domainSettings(domainOf(domain)));
  return item ? toView(item) : undefined;
}

/** Every pinned domain, in domain order (a bounded set: one item per company domain). */
export async function listDomainSettings(db: Db): Promise<DomainSettings[]> {
  const items = await db.queryAll("main", {
    KeyConditionExpression: "pk = :p AND begins_with(sk, :s)",
    ExpressionAttributeValues: { ":p": "SETTINGS", ":s": settingsKeys.domainSettingsPrefix },
  });
  return items.map(toView).sort((a, b) => a.domain.localeCompare(b.domain));
}

/**
 * Pins (or replaces) a domain's settings. The hosts go through the same SSRF policy as an
 * account's, before anything is written: a pinned host is connected to for every user.
 */
export async function putDomainSettings(deps: DomainSettingsDeps, rawDomain: string, input: DomainSettingsInput, updatedBy?: string): Promise<DomainSettings> {
  const domain = domainOf(rawDomain);
  const imap = { host: input.imap.host.toLowerCase().replace(/\.$/, ""), port: input.imap.port, security: input.imap.security };
  const smtp = { host: input.smtp.host.toLowerCase().replace(/\.$/, ""), port: input.smtp.port, security: input.smtp.security };
  await checkHost(imap.host, deps.hostAllowance, "imap.host", deps.resolve);
  await checkHost(smtp.host, deps.hostAllowance, "smtp.host", deps.resolve);
  const record = { domain, provider: input.provider ?? null, imap, smtp, username: input.username, updatedAt: nowIso(), updatedBy: updatedBy ?? null };
  await deps.db.put("main", { ...settingsKeys.domainSettings(domain), ...record });
  return toView(record);
}

export async function deleteDomainSettings(db: Db, rawDomain: string): Promise<void> {
  const removed = await db.delete("main", settingsKeys.domainSettings(domainOf(rawDomain)), "attribute_exists(pk)");
  if (!removed) throw new AppError("notFound", "domain_settings_not_found", { params: { domain: rawDomain } });
}

/** The lookup autodiscovery takes as `domainSettings`. */
export function pinnedSettingsLookup(db: Db): (domain: string) => Promise<PinnedSettings | undefined> {
  return async (domain) => {
    const found = await getDomainSettings(db, domain);
    if (!found) return undefined;
    return { domain: found.domain, provider: found.provider ?? undefined, imap: found.imap, smtp: found.smtp, username: found.username };
  };
}
