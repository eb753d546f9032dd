import { z } from "zod";
import { emailField } from "../contacts/index";

/** Explicit account states (EmailEngine's ACCOUNT_STATES are the model). */
/** Explicit account states; their meaning and transitions are in state-machine.ts. */
export const accountStates = ["init", "connected", "syncing", "authenticationError", "connectError", "paused", "disabled"] as const;
/** Why a "disabled" mailbox is held by something other than its own switch (state-machine.ts, heldBecause). */
export const heldReasons = ["ownerDeactivated"] as const;
export type HeldReason = (typeof heldReasons)[number];
export type AccountState = (typeof accountStates)[number];

import { oauthProviderIds, providerIds, securityModes, type ProviderId, type SecurityMode } from "../mail/index";
export { providerIds, securityModes, type ProviderId, type SecurityMode };

/** How a mailbox signs in: its password (app password), or an OAuth2 grant kept as a refresh token (core/oauth). */
export const authMethods = ["password", "oauth2"] as const;

import { sharingModes } from "../sharing/index";
export { sharingModes };

// A host name or an IP literal: no scheme, path, port or spaces.
export const hostnameField = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .refine((h) => /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9]([A-Za-z0-9_-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9_-]*[A-Za-z0-9])?)*\.?|[0-9a-fA-F:]+)$/.test(h), {
    params: { key: "invalid_hostname" },
  });

export const domainField = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(253)
  .transform((d) => d.replace(/^@/, ""))
  .refine((d) => /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(d), { params: { key: "invalid_domain" } });

export const serverInput = z.strictObject({
  host: hostnameField,
  port: z.number().int().min(1).max(65535),
  security: z.enum(securityModes),
  user: z.string().trim().min(1).max(320),
});

export const smtpInput = serverInput.extend({
  /** Log in to SMTP with the incoming server's user name and password (default true). */
  sameCredentials: z.boolean().optional(),
});

export const sharingInput = z.strictObject({
  /** private: only the owner; custom: mail of the listed contacts; public: everyone's. */
  mode: z.enum(sharingModes),
  /** Mail with these domains is seen only by the owner, whatever the mode. */
  excludedDomains: z.array(domainField).max(200).optional(),
  /** With mode "custom": the contacts whose mail is shared. */
  contactIds: z.array(z.string().min(1).max(64)).max(5000).optional(),
});

/** Every setting of a mailbox account except the owner and secrets, as the API accepts it. */
const settingsShape = {
  email: emailField,
  /** The sender name shown in From. */
  displayName: z.string().trim().max(200).nullish(),
  provider: z.enum(providerIds).optional(),
  imap: serverInput,
  smtp: smtpInput.nullish(),
  /** Accept a certificate that does not verify. Off by default: only for servers you control. */
  allowInsecureCerts: z.boolean().optional(),
  /** Extra From addresses (aliases) this mailbox may send as. */
  aliases: z.array(emailField).max(50).optional(),
  bccSelf: z.boolean().optional(),
  /** Plain text added below mail written in the CRM from this mailbox (core/sending); null or "" for none. */
  signature: z.string().max(2000).nullish(),
  /** APPEND a copy of sent mail to the Sent folder. Default on, off for Gmail and Microsoft 365. */
  saveSentCopy: z.boolean().optional(),
  /** The Sent folder path; default: the folder the server marks \Sent. */
  sentFolder: z.string().min(1).max(1000).nullish(),
  /** Folders to sync; default (or null) INBOX and the Sent folder. */
  syncFolders: z.array(z.string().min(1).max(1000)).min(1).max(50).nullish(),
  sharing: sharingInput.optional(),
  syncEnabled: z.boolean().optional(),
  /** How far back the first sync reaches, in days (default 90). */
  initialSyncDays: z.number().int().min(1).max(3650).optional(),
};

export const accountInput = z.strictObject({
  ...settingsShape,
  /** Admins may create an account for another user; members only for themselves. */
  ownerId: z.string().min(1).max(64).optional(),
  /** Write-only: stored in the SecretStore, never returned. */
  password: z.string().min(1).max(1024),
  /** Write-only SMTP password when smtp.sameCredentials is false. */
  smtpPassword: z.string().min(1).max(1024).optional(),
  /** Save even though the connection test fails: the account is saved with sync off. */
  saveDisabledOnFailure: z.boolean().optional(),
});
export type AccountInput = z.infer<typeof accountInput>;

export const accountPatch = z.strictObject({
  ...settingsShape,
  /** Admins only: give the mailbox to another user (who must exist). */
  ownerId: z.string().min(1).max(64).optional(),
  email: emailField.optional(),
  imap: serverInput.partial().optional(),
  password: z.string().min(1).max(1024).optional(),
  smtpPassword: z.string().min(1).max(1024).optional(),
  saveDisabledOnFailure: z.boolean().optional(),
});
export type AccountPatch = z.infer<typeof accountPatch>;

const serverOutput = z.object({ host: z.string(), port: z.number(), security: z.enum(securityModes), user: z.string() });

export const accountOutput = z.object({
  id: z.string(),
  ownerId: z.string(),
  email: z.string(),
  displayName: z.string().nullable(),
  provider: z.enum(providerIds),
  imap: serverOutput,
  smtp: serverOutput.extend({ sameCredentials: z.boolean() }).nullable(),
  allowInsecureCerts: z.boolean(),
  aliases: z.array(z.string()),
  bccSelf: z.boolean(),
  signature: z.string().nullable(),
  saveSentCopy: z.boolean(),
  sentFolder: z.string().nullable(),
  syncFolders: z.array(z.string()).nullable(),
  sharing: z.object({ mode: z.enum(sharingModes), excludedDomains: z.array(z.string()), contactIds: z.array(z.string()) }),
  syncEnabled: z.boolean(),
  initialSyncDays: z.number(),
  hasPassword: z.boolean(),
  hasSmtpPassword: z.boolean(),
  /** "oauth2": connected with "Connect with Google/Microsoft"; its servers are the provider's. */
  authMethod: z.enum(authMethods),
  oauthProvider: z.enum(oauthProviderIds).nullable(),
  state: z.enum(accountStates),
  /** Set while the sync is held from outside the mailbox: "ownerDeactivated" until its owner is reactivated; null otherwise. */
  heldBecause: z.enum(heldReasons).nullable(),
  lastSyncAt: z.string().nullable(),
  lastError: z.object({ code: z.string(), message: z.string() }).nullable(),
  /** While the first sync runs: how far it is, for a progress bar. */
  syncProgress: z.object({ folder: z.string(), done: z.number(), total: z.number() }).nullable(),
  /** The latest sync job of this account. */
  lastJob: z
    .object({
      jobId: z.string(),
      status: z.string(),
      reason: z.string(),
      enqueuedAt: z.string().nullable(),
      startedAt: z.string().nullable(),
      endedAt: z.string().nullable(),
      // listed = matched + unrelated + skipped + gone (jobs before this accounting lack the three)
      counts: z
        .object({
          folders: z.number(),
          fetched: z.number(),
          matched: z.number(),
          written: z.number(),
          skipped: z.number(),
          listed: z.number().optional(),
          unrelated: z.number().optional(),
          gone: z.number().optional(),
        })
        .nullable(),
      error: z.string().nullable(),
    })
    .nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Account = z.infer<typeof accountOutput>;
