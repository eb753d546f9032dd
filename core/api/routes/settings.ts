import { z } from "zod";
import { domainField } from "../../accounts/index";
import { getExcludedDomains, purgeExcluded, setExcludedDomains } from "../../sharing/index";
import type { Route } from "../types";

const excludedDomains = z.object({ domains: z.array(z.string()) });

export const settingsRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/settings/excluded-domains",
    auth: "user",
    tag: "settings",
    summary: "The organisation's excluded domains: mail with only these domains' addresses is never stored (usually the company's own domains)",
    response: excludedDomains,
    handle: async (ctx) => ({ body: { domains: await getExcludedDomains(ctx.deps.db) } }),
  },
  {
    method: "PUT",
    path: "/api/settings/excluded-domains",
    auth: "admin",
    tag: "settings",
    summary: "Set the organisation's excluded domains; copies already stored under an added domain's addresses are deleted",
    body: z.strictObject({ domains: z.array(domainField).max(200) }),
    response: excludedDomains.extend({ removed: z.number() }),
    async handle(ctx) {
      const { domains, added } = await setExcludedDomains(ctx.deps.db, ctx.body.domains, ctx.session.user.id);
      // idempotent: a run cut short is finished by saving the list again
      const removed = await purgeExcluded(ctx.deps.db, added);
      ctx.deps.log.info("sharing.excluded.purged", { domains: added, removed });
      return { body: { domains, removed } };
    },
  },
];
