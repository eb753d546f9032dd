import { z } from "zod";
import { emailField } from "../contacts/schema";

/** Explicit account states (EmailEngine's ACCOUNT_STATES are the model). */
export const accountStates = ["init", "connected", "syncing", "authenticationError", "connectError", "disabled"] as const;
export type AccountState = (typeof accountStates)[number];

export const securityModes = ["tls", "starttls", "none"] as const;

// A host name or an IP literal: no scheme, path, port or spaces.
const hostname = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .refine((h) => /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?|[0-9a-fA-F:]+)$/.test(h), {
    params: { key: "invalid_hostname" },
  });

export const serverInput = z.strictObject({
  host: hostname,
  port: z.number().int().min(1).max(65535),
  security: z.enum(securityModes),
  user: z.string().trim().min(1).max(320),
});

export const accountInput = z.strictObject({
  email: emailField,
  displayName: z.string().trim().max(200).nullish(),
  /** Admins may create an account for another user; members only for themselves. */
  ownerId: z.string().min(1).max(64).optional(),
  imap: serverInput,
  /** Write-only: stored in the SecretStore, never returned. */
  password: z.string().min(1).max(1024),
  /** Accept a certificate that does not verify. Off by default: only for servers you control. */
  allowInsecureCerts: z.boolean().optional(),
  syncEnabled: z.boolean().optional(),
});
export type AccountInput = z.infer<typeof accountInput>;

export const accountPatch = z.strictObject({
  email: emailField.optional(),
  displayName: z.string().trim().max(200).nullish(),
  imap: serverInput.partial().optional(),
  password: z.string().min(1).max(1024).optional(),
  allowInsecureCerts: z.boolean().optional(),
  syncEnabled: z.boolean().optional(),
});
export type AccountPatch = z.infer<typeof accountPatch>;

export const accountOutput = z.object({
  id: z.string(),
  ownerId: z.string(),
  email: z.string(),
  displayName: z.string().nullable(),
  imap: z.object({ host: z.string(), port: z.number(), security: z.enum(securityModes), user: z.string() }),
  allowInsecureCerts: z.boolean(),
  syncEnabled: z.boolean(),
  hasPassword: z.boolean(),
  state: z.enum(accountStates),
  lastSyncAt: z.string().nullable(),
  lastError: z.object({ code: z.string(), message: z.string() }).nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Account = z.infer<typeof accountOutput>;
