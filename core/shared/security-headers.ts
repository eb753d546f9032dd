/**
 * The security headers every response of the console and the API carries, in one place: the
 * local gateway (core/local/gateway.ts) sends them itself, and in AWS the Router's CloudFront
 * response headers policy (sst.config.ts) is built from the same values. Plain data only:
 * sst.config.ts imports this file.
 *
 * The console never needs anything but its own origin: no remote scripts, fonts or images,
 * and no page may frame it (clickjacking). One exception, for requests only (connect-src): in
 * AWS the compose form PUTs attachments to a presigned S3 URL (core/sending), which is on the
 * bucket's own amazonaws.com host; scripts still come from 'self' alone.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; connect-src 'self' https://*.amazonaws.com; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** One year, with subdomains: only meaningful over https (browsers ignore it over http). */
export const HSTS_MAX_AGE_SECONDS = 31_536_000;

export const REFERRER_POLICY = "no-referrer";

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": CONTENT_SECURITY_POLICY,
  "x-content-type-options": "nosniff",
  "referrer-policy": REFERRER_POLICY,
  "x-frame-options": "DENY",
  "strict-transport-security": `max-age=${HSTS_MAX_AGE_SECONDS}; includeSubDomains`,
};
