import { z } from "zod";
import { looksLikeEmail } from "./email-address";

export const emailField = z
  .string()
  .trim()
  .min(1)
  .max(254)
  .refine(looksLikeEmail, { params: { key: "invalid_email" } });

export const contactInput = z.strictObject({
  name: z.string().trim().min(1).max(200),
  company: z.string().trim().max(200).nullish(),
  primaryEmail: emailField,
  secondaryEmails: z.array(emailField).max(20).optional(),
  externalId: z.string().trim().min(1).max(200).nullish(),
});
export type ContactInput = z.infer<typeof contactInput>;

export const contactPatch = contactInput.partial();
export type ContactPatch = z.infer<typeof contactPatch>;

export const contactOutput = z.object({
  id: z.string(),
  name: z.string(),
  company: z.string().nullable(),
  primaryEmail: z.string(),
  secondaryEmails: z.array(z.string()),
  externalId: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Contact = z.infer<typeof contactOutput>;
