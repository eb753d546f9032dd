/**
 * Types of the values the integration global setup provides to test files:
 *   const mail = inject("mail");
 * Importing this module (even as `import type`) is not needed for the typing to apply: tsc sees
 * the augmentation because the file is part of the program.
 */
import type { MailServersInfo } from "./mail-servers";
import type { InteropServersInfo } from "./interop-servers";
import type { OAuthPeerInfo } from "./oauth-peer";

declare module "vitest" {
  export interface ProvidedContext {
    /** The mail servers started once for the integration project (JSON-serialisable). */
    mail: MailServersInfo;
    /** Cyrus, Courier, Exim and Sendmail of the interop project (only there). */
    interop: InteropServersInfo;
    /** The OAuth2 authorization server Dovecot introspects tokens at (test/harness/oauth-peer.ts). */
    oauth: OAuthPeerInfo;
  }
}

export type { MailServersInfo };
