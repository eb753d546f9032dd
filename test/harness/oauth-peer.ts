/**
 * The OAuth2 authorization server of a test run (test/support/oauth-server.ts), started once by
 * the integration global setup on the port Dovecot's oauth2 passdb introspects (the mail
 * servers' `oauthPort`): the access tokens it issues are what Dovecot, and Postfix through
 * Dovecot's SASL, accept for XOAUTH2 / OAUTHBEARER. Test files reach it over HTTP (its admin
 * routes), as the product does (its token endpoint).
 */
import { startOAuthServer, type OAuthServer } from "../support/oauth-server";
import type { MailServersInfo } from "./mail-servers";

export interface OAuthPeerInfo {
  /** http://127.0.0.1:<oauthPort>: /google/..., /microsoft/<tenant>/oauth2/v2.0/..., /dovecot/introspect, /admin/... */
  url: string;
}

/**
 * Mailboxes the OAuth2 tests sign in to. Dovecot's oauth2 passdb takes any address the token
 * names, but delivery (LMTP, and so Postfix) only knows the passwd-file's users: mailboxes
 * that receive mail in the tests are created there (their passwords are never used).
 */
export const OAUTH_TEST_USERS = { "oauth-google": "never-used-oauth-google", "oauth-microsoft": "never-used-oauth-microsoft", "oauth-browser": "never-used-oauth-browser" };

export async function startOAuthPeer(mail: MailServersInfo): Promise<OAuthServer> {
  return startOAuthServer({ port: mail.oauthPort });
}
