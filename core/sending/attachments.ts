import { createHmac, timingSafeEqual } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * Where attachments wait between the browser's upload and the send: the browser puts the bytes
 * straight into storage (no file passes through the API, whose requests stop at 256 KB), the
 * send function reads them when it builds the message. In AWS an S3 bucket with a presigned
 * PUT (s3-attachment-store.ts); in `npm start` a local folder behind an upload URL the local
 * gateway serves (this file).
 */
export interface UploadTarget {
  url: string;
  method: "PUT";
  /** Headers the PUT must carry exactly as given (they are part of the signature). */
  headers: Record<string, string>;
  expiresAt: string;
}

export interface AttachmentStore {
  /** A URL the browser PUTs exactly `size` bytes of `contentType` to, valid for a few minutes. */
  uploadTarget(key: string, contentType: string, size: number): Promise<UploadTarget>;
  /** The stored bytes, or undefined when nothing was uploaded under the key. */
  read(key: string): Promise<Buffer | undefined>;
}

/** How long an upload URL may be used. */
export const UPLOAD_URL_SECONDS = 15 * 60;

const sign = (secret: string, key: string, size: number, exp: number) => createHmac("sha256", secret).update(`${key}\n${size}\n${exp}`).digest("base64url");

/**
 * The local store: files under `dir`, uploaded through `${baseUrl}/local-uploads/<key>` with an
 * HMAC over key, size and expiry (the gateway checks it with acceptUpload), so only the holder
 * of a URL the API gave out can write, only that many bytes, only until it expires.
 */
export class LocalAttachmentStore implements AttachmentStore {
  constructor(
    private readonly dir: string,
    private readonly baseUrl: string,
    private readonly secret: string,
  ) {}

  async uploadTarget(key: string, contentType: string, size: number): Promise<UploadTarget> {
    const exp = Math.floor(Date.now() / 1000) + UPLOAD_URL_SECONDS;
    const url = `${this.baseUrl}/local-uploads/${encodeURIComponent(key)}?size=${size}&exp=${exp}&sig=${sign(this.secret, key, size, exp)}`;
    return { url, method: "PUT", headers: { "content-type": contentType }, expiresAt: new Date(exp * 1000).toISOString() };
  }

  async read(key: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.pathOf(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw err;
    }
  }

  /** The gateway's side: checks the signature, the expiry and the size, then stores the bytes. Answers an HTTP status. */
  async acceptUpload(key: string, query: URLSearchParams, body: Buffer): Promise<number> {
    const size = Number(query.get("size")),
      exp = Number(query.get("exp"));
    const given = Buffer.from(query.get("sig") ?? ""),
      expected = Buffer.from(sign(this.secret, key, size, exp));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 403;
    if (exp < Date.now() / 1000) return 403;
    if (body.length !== size) return 400;
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await writeFile(this.pathOf(key), body, { mode: 0o600 });
    return 200;
  }

  /** Keys are ours (uploads/<user>/<id>): flattened, so no key can name a path outside `dir`. */
  private pathOf(key: string): string {
    return join(this.dir, key.replace(/[^A-Za-z0-9_-]/g, "_"));
  }
}
