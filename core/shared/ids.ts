import { createHash, randomBytes } from "node:crypto";

/** A random, URL-safe identifier (128 bits). */
export const newId = (): string => randomBytes(16).toString("base64url");

/** A stable short digest, for keys derived from content (Message-ID, thread roots). */
export const digest = (text: string, length = 22): string => createHash("sha256").update(text).digest("base64url").slice(0, length);

export const nowIso = (): string => new Date().toISOString();
