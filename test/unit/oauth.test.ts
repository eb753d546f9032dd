import { describe, expect, it } from "vitest";
import { addressFromIdToken, mailboxServersFor, missingMailScopes, oauthErrorCode, oauthProvidersFrom, providerConfig } from "../../core/oauth/index";
import { afterJob, isPaused, maySync } from "../../core/accounts/index";
import { diagnose } from "../../core/mail/index";

const env = { OAUTH_GOOGLE_CLIENT_ID: "g-id", OAUTH_GOOGLE_CLIENT_SECRET: "g-secret", OAUTH_MICROSOFT_CLIENT_ID: "m-id", OAUTH_MICROSOFT_CLIENT_SECRET: "m-secret" };
const jwt = (claims: Record<string, unknown>) => `e30.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.sig`;

describe("the OAuth2 providers a server is set up for", () => {
  it("offers a provider only with both its client id and secret", () => {
    expect(Object.keys(oauthProvidersFrom({}))).toEqual([]);
    expect(Object.keys(oauthProvidersFrom({ OAUTH_GOOGLE_CLIENT_ID: "g-id" }))).toEqual([]);
    expect(Object.keys(oauthProvidersFrom(env))).toEqual(["google", "microsoft"]);
    // deployment secrets win over the environment
    expect(oauthProvidersFrom(env, { googleClientId: "from-secret", googleClientSecret: "s" }).google?.clientId).toBe("from-secret");
  });

  it("uses the providers' endpoints, scopes and preset servers by default", () => {
    const { google, microsoft } = oauthProvidersFrom(env);
    expect(google).toMatchObject({
      authorizeUrl: "https://accounts.google.com/o/oauth2/v2/auth",
      tokenUrl: "https://oauth2.googleapis.com/token",
      scopes: ["openid", "email", "https://mail.google.com/"],
      imap: { host: "imap.gmail.com", port: 993, security: "tls" },
      smtp: { host: "smtp.gmail.com", port: 465 },
    });
    expect(google?.authorizeParams).toEqual({ access_type: "offline", prompt: "consent" });
    expect(microsoft).toMatchObject({
      tenant: "common",
      authorizeUrl: "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
      imap: { host: "outlook.office365.com" },
      smtp: { host: "smtp.office365.com", port: 587, security: "starttls" },
    });
    expect(microsoft?.scopes).toEqual(["openid", "email", "offline_access", "https://outlook.office.com/IMAP.AccessAsUser.All", "https://outlook.office.com/SMTP.Send"]);
  });

  it("signs in to a fixed Microsoft tenant, and refuses a tenant or server override that is not one", () => {
    expect(oauthProvidersFrom({ ...env, OAUTH_MICROSOFT_TENANT: "contoso.onmicrosoft.com" }).microsoft?.tokenUrl).toBe(
      "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token",
    );
    expect(() => oauthProvidersFrom({ ...env, OAUTH_MICROSOFT_TENANT: "evil/../x" })).toThrow(/OAUTH_MICROSOFT_TENANT/);
    expect(() => oauthProvidersFrom({ ...env, OAUTH_GOOGLE_IMAP: "127.0.0.1:993" })).toThrow(/OAUTH_GOOGLE_IMAP/);
    expect(providerConfig(oauthProvidersFrom(env), "yahoo")).toBeUndefined();
  });

  it("gives an Outlook.com address signed in with Microsoft the Outlook.com servers, a work address Microsoft 365's", () => {
    const { microsoft, google } = oauthProvidersFrom(env);
    expect(mailboxServersFor(microsoft!, "taro@hotmail.co.jp")).toMatchObject({ preset: "outlook", smtp: { host: "smtp-mail.outlook.com", port: 587 } });
    expect(mailboxServersFor(microsoft!, "taro@contoso.example")).toMatchObject({ preset: "microsoft365", smtp: { host: "smtp.office365.com" } });
    expect(mailboxServersFor(google!, "taro@hotmail.com")).toMatchObject({ preset: "gmail" });
    // a local test server stays the server, whatever the address
    const local = oauthProvidersFrom({ ...env, OAUTH_MICROSOFT_IMAP: "127.0.0.1:993:tls", OAUTH_MICROSOFT_SMTP: "127.0.0.1:587:starttls" }).microsoft!;
    expect(mailboxServersFor(local, "taro@outlook.com")).toMatchObject({ preset: "outlook", imap: { host: "127.0.0.1" }, smtp: { host: "127.0.0.1" } });
  });

  it("finds the mail scopes missing from a grant, taking Microsoft's short names", () => {
    const { google, microsoft } = oauthProvidersFrom(env);
    expect(missingMailScopes(google!, "openid email")).toEqual(["https://mail.google.com/"]);
    expect(missingMailScopes(google!, "https://mail.google.com/ openid")).toEqual([]);
    expect(missingMailScopes(microsoft!, "IMAP.AccessAsUser.All SMTP.Send offline_access")).toEqual([]);
    expect(missingMailScopes(microsoft!, "https://outlook.office.com/IMAP.AccessAsUser.All")).toEqual(["https://outlook.office.com/SMTP.Send"]);
  });
});

describe("the address an ID token names", () => {
  const google = oauthProvidersFrom(env).google!;
  const microsoft = oauthProvidersFrom(env).microsoft!;
  const exp = Math.floor(Date.now() / 1000) + 600;
  it("reads email, or Microsoft's preferred_username, lower-cased", () => {
    expect(addressFromIdToken(google, jwt({ aud: "g-id", exp, email: "Sato@Example.com", email_verified: true }))).toBe("sato@example.com");
    expect(addressFromIdToken(microsoft, jwt({ aud: "m-id", exp, preferred_username: "tanaka@contoso.example" }))).toBe("tanaka@contoso.example");
  });
  it("refuses a token for another client, an unverified or missing address, an expired or broken token", () => {
    expect(addressFromIdToken(google, jwt({ aud: "someone-else", exp, email: "a@example.com" }))).toBeUndefined();
    expect(addressFromIdToken(google, jwt({ aud: "g-id", exp, email: "a@example.com", email_verified: false }))).toBeUndefined();
    expect(addressFromIdToken(microsoft, jwt({ aud: "m-id", exp, preferred_username: "not-an-address" }))).toBeUndefined();
    expect(addressFromIdToken(google, jwt({ aud: "g-id", exp: exp - 7200, email: "a@example.com" }))).toBeUndefined();
    expect(addressFromIdToken(google, "garbage")).toBeUndefined();
    expect(addressFromIdToken(google, undefined)).toBeUndefined();
  });
});

describe("a provider's refusal", () => {
  it("is told apart by its error and AADSTS number", () => {
    expect(oauthErrorCode("invalid_grant", "Token has been expired or revoked.", "refresh")).toBe("oauth_reconnect_needed");
    expect(oauthErrorCode("invalid_grant", "AADSTS50173: The provided grant has expired due to it being revoked", "refresh")).toBe("oauth_reconnect_needed");
    expect(oauthErrorCode("temporarily_unavailable", "", "refresh")).toBeUndefined();
    expect(oauthErrorCode("invalid_client", "AADSTS65001: The user or administrator has not consented to use the application", "sign-in")).toBe("oauth_admin_consent");
    expect(oauthErrorCode("access_denied", "AADSTS90094: Admin approval required", "sign-in")).toBe("oauth_admin_consent");
    expect(oauthErrorCode("access_denied", "AADSTS50020: User account from identity provider does not exist in tenant", "sign-in")).toBe("oauth_wrong_tenant");
    expect(oauthErrorCode("access_denied", "The user denied the request.", "sign-in")).toBeUndefined();
  });

  it("pauses the mailbox at once when the grant has ended, whatever the failed logins before", () => {
    expect(afterJob({ authFailures: 0 }, "reconnectNeeded")).toEqual({ state: "paused", authFailures: 0 });
    const paused = { state: "paused" as const, authFailures: 0 };
    expect(isPaused(paused)).toBe(true);
    expect(maySync(paused)).toBe(false);
  });

  it("explains a token the mail server refuses with the provider's steps for switching IMAP on", () => {
    const refused = Object.assign(new Error("Authentication failed"), { authenticationFailed: true, oauthError: { status: "invalid_token" } });
    const ctx = { protocol: "imap" as const, host: "outlook.office365.com", port: 993, security: "tls" as const, step: "imap_login" as const };
    const ms = diagnose(refused, { ...ctx, provider: "microsoft365" });
    expect(ms.code).toBe("oauth_failed");
    expect(ms.providerSteps?.en.join(" ")).toMatch(/Manage email apps/);
    expect(ms.providerSteps?.ja.join(" ")).toMatch(/IMAP/);
    expect(diagnose(refused, { ...ctx, host: "imap.gmail.com", provider: "gmail" }).providerSteps?.en.join(" ")).toMatch(/Enable IMAP/);
  });
});
