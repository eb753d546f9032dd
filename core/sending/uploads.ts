import { z } from "zod";
import type { Db } from "../store/db";
import { keys } from "../store/keys";
import { fieldError } from "../shared/errors";
import { newId } from "../shared/ids";
import type { AttachmentStore, UploadTarget } from "./attachments";

export const uploadInput = z.strictObject({
  filename: z.string().trim().min(1).max(255),
  contentType: z
    .string()
    .trim()
    .toLowerCase()
    .max(200)
    .regex(/^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/),
  size: z.number().int().min(1),
});
export type UploadInput = z.infer<typeof uploadInput>;

/** How long an upload waits for a message to use it. */
export const UPLOAD_KEEP_SECONDS = 86_400;

/**
 * Registers one attachment upload and hands out where the browser puts its bytes. The size is
 * checked here, before a byte moves (the console shows the limit beside the picker too), and
 * fixed in the URL's signature, so the stored object is exactly what was announced.
 */
export async function createUpload(
  db: Db,
  store: AttachmentStore,
  userId: string,
  input: UploadInput,
  maxMessageMb: number,
): Promise<UploadTarget & { id: string; maxBytes: number }> {
  const maxBytes = maxMessageMb * 1024 * 1024;
  if (input.size > maxBytes) throw fieldError("size", "upload_too_large", { max: maxMessageMb });
  const id = newId();
  const key = `uploads/${userId}/${id}`;
  await db.put("main", {
    ...keys.upload(id),
    uploadId: id,
    userId,
    key,
    filename: input.filename,
    contentType: input.contentType,
    size: input.size,
    createdAt: new Date().toISOString(),
    expiresAt: Math.floor(Date.now() / 1000) + UPLOAD_KEEP_SECONDS,
  });
  return { id, maxBytes, ...(await store.uploadTarget(key, input.contentType, input.size)) };
}
