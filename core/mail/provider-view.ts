import { z } from "zod";
import type { Lang } from "../shared/i18n";
import { securityModes } from "./mail-server";
import { authModes, presetFor, providerIds, usernameStyles, zohoRegions, type ProviderPreset } from "./providers";

/** A provider preset as the console receives it (GET /api/providers): one language, plain data. */
const serverPresetOutput = z.object({ host: z.string(), port: z.number(), security: z.enum(securityModes) });

export const providerOutput = z.object({
  id: z.enum(providerIds),
  label: z.string(),
  imap: serverPresetOutput.nullable(),
  smtp: serverPresetOutput.nullable(),
  username: z.enum(usernameStyles),
  saveSentCopy: z.boolean(),
  auth: z.enum(authModes),
  domains: z.array(z.string()),
  sentFolder: z.string().nullable(),
  appPasswordSteps: z.array(z.string()),
  oauthScopes: z.array(z.string()).optional(),
  /** Zoho: the servers of every data centre. */
  regions: z.array(z.object({ region: z.enum(zohoRegions), imap: serverPresetOutput, smtp: serverPresetOutput })).optional(),
});
export type ProviderView = z.infer<typeof providerOutput>;

export function toProviderView(preset: ProviderPreset, lang: Lang): ProviderView {
  const view: ProviderView = {
    id: preset.id,
    label: preset.label[lang],
    imap: preset.imap,
    smtp: preset.smtp,
    username: preset.username,
    saveSentCopy: preset.saveSentCopy,
    auth: preset.auth,
    domains: [...preset.domains],
    sentFolder: preset.sentFolder?.[lang] ?? null,
    appPasswordSteps: [...preset.appPasswordSteps[lang]],
  };
  if (preset.oauthScopes) view.oauthScopes = [...preset.oauthScopes];
  if (preset.regions) {
    view.regions = preset.regions.map((region) => {
      const p = presetFor(preset.id, region);
      return { region, imap: p.imap!, smtp: p.smtp! };
    });
  }
  return view;
}
