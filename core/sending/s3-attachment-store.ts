import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { UPLOAD_URL_SECONDS, type AttachmentStore, type UploadTarget } from "./attachments";

/**
 * Attachments in S3 (the AttachmentBucket of sst.config.ts): the browser PUTs to a presigned
 * URL that fixes the key, the content type and the length, so it can store nothing else; the
 * bucket's lifecycle rule deletes uploads after a few days.
 */
export class S3AttachmentStore implements AttachmentStore {
  constructor(
    private readonly bucket: string,
    private readonly client: S3Client = new S3Client({}),
  ) {}

  async uploadTarget(key: string, contentType: string, size: number): Promise<UploadTarget> {
    const url = await getSignedUrl(this.client, new PutObjectCommand({ Bucket: this.bucket, Key: key, ContentType: contentType, ContentLength: size }), {
      expiresIn: UPLOAD_URL_SECONDS,
      signableHeaders: new Set(["content-type", "content-length"]),
    });
    return { url, method: "PUT", headers: { "content-type": contentType }, expiresAt: new Date(Date.now() + UPLOAD_URL_SECONDS * 1000).toISOString() };
  }

  async read(key: string): Promise<Buffer | undefined> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return Buffer.from(await out.Body!.transformToByteArray());
    } catch (err) {
      if (err instanceof NoSuchKey || (err as { name?: string }).name === "NoSuchKey") return undefined;
      throw err;
    }
  }
}
