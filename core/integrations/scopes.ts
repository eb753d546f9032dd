import { z } from "zod";

/**
 * What an API key may do. A route names the one scope that opens it (core/api/types.ts
 * `scope`); a route without one is for console sessions only (password, users, the keys
 * themselves), whatever user the key acts as.
 */
export const API_SCOPES = ["contacts:read", "contacts:write", "messages:read", "mailboxes:read", "webhooks:manage"] as const;
export type ApiScope = (typeof API_SCOPES)[number];
export const apiScope = z.enum(API_SCOPES);
