import * as discovery from "../../accounts/index";
import * as domainSettings from "../../accounts/index";
import { listPresets, providerOutput, toProviderView } from "../../mail/index";
import { listOf, PROBE_LIMIT, type Route, type RouteContext } from "../types";
import { parseOrThrow } from "../../shared/validation";

const domainParam = (ctx: RouteContext) => parseOrThrow(domainSettings.mailDomainField, ctx.params.domain, "domain");

export const discoveryRoutes: Route[] = [
  {
    method: "POST",
    path: "/api/autodiscover",
    auth: "user",
    tag: "discovery",
    summary: "Detect a mailbox's IMAP and SMTP settings from its address (admin pin, preset, autoconfig, ISPDB, SRV, MX, guess)",
    body: discovery.autodiscoverInput,
    response: discovery.autodiscoverOutput,
    rateLimit: PROBE_LIMIT,
    async handle(ctx) {
      const deps = discovery.createAutodiscoverDeps({
        hostAllowance: ctx.deps.hostAllowance,
        domainSettings: domainSettings.pinnedSettingsLookup(ctx.deps.db),
      });
      const result = await discovery.autodiscover(ctx.body.email, deps);
      // The domain, never the address: which domains people connect is enough to diagnose.
      ctx.deps.log.info("autodiscover.done", {
        domain: result.domain,
        provider: result.provider,
        imapSource: result.imap?.source ?? null,
        smtpSource: result.smtp?.source ?? null,
        steps: result.sources.map((s) => `${s.step}:${s.status}:${s.ms}`).join(" "),
      });
      return { body: result };
    },
  },
  {
    method: "GET",
    path: "/api/providers",
    auth: "user",
    tag: "discovery",
    summary: "Mail provider presets for the connect form, in the user's language",
    response: listOf(providerOutput),
    handle: async (ctx) => ({ body: { items: listPresets().map((p) => toProviderView(p, ctx.lang)) } }),
  },
  {
    method: "GET",
    path: "/api/domain-settings",
    auth: "admin",
    tag: "discovery",
    summary: "Mail settings pinned by admins per company domain",
    response: listOf(domainSettings.domainSettingsOutput),
    handle: async (ctx) => ({ body: { items: await domainSettings.listDomainSettings(ctx.deps.db) } }),
  },
  {
    method: "PUT",
    path: "/api/domain-settings/{domain}",
    auth: "admin",
    tag: "discovery",
    summary: "Pin the IMAP and SMTP settings of a domain: they win over every autodiscovery source",
    body: domainSettings.domainSettingsInput,
    response: domainSettings.domainSettingsOutput,
    async handle(ctx) {
      const saved = await domainSettings.putDomainSettings({ db: ctx.deps.db, hostAllowance: ctx.deps.hostAllowance }, domainParam(ctx), ctx.body, ctx.session.user.id);
      ctx.deps.log.info("domain_settings.saved", { domain: saved.domain, by: ctx.session.user.id });
      return { body: saved };
    },
  },
  {
    method: "DELETE",
    path: "/api/domain-settings/{domain}",
    auth: "admin",
    tag: "discovery",
    summary: "Remove a domain's pinned settings",
    status: 204,
    async handle(ctx) {
      const domain = domainParam(ctx);
      await domainSettings.deleteDomainSettings(ctx.deps.db, domain);
      ctx.deps.log.info("domain_settings.deleted", { domain, by: ctx.session.user.id });
      return { status: 204 };
    },
  },
];
