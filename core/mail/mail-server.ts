/** How a connection is protected: implicit TLS (993, 465), STARTTLS that must succeed (143, 587), or none. */
export const securityModes = ["tls", "starttls", "none"] as const;
export type SecurityMode = (typeof securityModes)[number];

/** What it takes to reach and log in to one mail server (IMAP or SMTP). */
export interface MailServerSettings {
  /** The host name the admin typed: used for SNI and the certificate check. */
  host: string;
  /** The address the host name was checked and resolved to (host-policy.ts checkHost); we connect here. */
  address?: string;
  port: number;
  /** "tls": implicit TLS (993, 465); "starttls": plain, then an upgrade that must succeed (143, 587); "none": never encrypt. */
  security: SecurityMode;
  user: string;
  password: string;
  /**
   * An OAuth2 access token (Google, Microsoft 365): when set, the login is XOAUTH2 (or
   * OAUTHBEARER where the server offers it) with this token instead of the password. Short-lived
   * (about an hour); never logged, never stored (core/oauth keeps it in memory only).
   */
  accessToken?: string;
  /** Accept a certificate that does not verify. Default false; only for a server the admin controls. */
  allowInsecureCerts?: boolean;
  /** Extra trusted CA certificates (PEM), e.g. a company's private CA (IMAP_EXTRA_CA_PEM locally). */
  ca?: string;
  /** The account's provider preset, for provider-specific advice when something fails. */
  provider?: string | null;
}
