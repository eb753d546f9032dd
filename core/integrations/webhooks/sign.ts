import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * The signature scheme, as Stripe's: header `X-Webhook-Signature: t=<unix seconds>,v1=<hex>`
 * where v1 = HMAC-SHA256(secret, `${t}.${raw body}`). A receiver recomputes it over the raw
 * body it got, compares in constant time, and refuses a `t` older than a few minutes (replays).
 */
export const SIGNATURE_HEADER = "x-webhook-signature";

export function signatureHeader(secret: string, body: string, unixSeconds = Math.floor(Date.now() / 1000)): string {
  return `t=${unixSeconds},v1=${createHmac("sha256", secret).update(`${unixSeconds}.${body}`).digest("hex")}`;
}

/** A receiver's check (tests use it as a CRM would): the header matches the body and is at most `toleranceSeconds` old. */
export function verifySignature(secret: string, body: string, header: string | undefined, toleranceSeconds = 300): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? "");
  if (!m) return false;
  const t = Number(m[1]);
  if (Math.abs(Date.now() / 1000 - t) > toleranceSeconds) return false;
  const expected = Buffer.from(signatureHeader(secret, body, t).slice(-64), "hex");
  return timingSafeEqual(expected, Buffer.from(m[2]!, "hex"));
}
