/**
 * The test peer of the OAuth2 work: the local authorization server issues tokens that the real
 * Dovecot accepts for XOAUTH2 through its oauth2 passdb (introspection), and that Postfix
 * accepts for SMTP submission through Dovecot's SASL; a revoked consent kills them at once.
 */
import { createHash, randomBytes } from "node:crypto";
import { ImapFlow } from "imapflow";
import nodemailer from "nodemailer";
import { describe, expect, inject, it } from "vitest";
import { oauthControl, TEST_CLIENTS } from "../support/oauth-server";

const mail = inject("mail");
const oauth = inject("oauth");
const control = oauthControl(oauth.url);
const REDIRECT = "http://127.0.0.1:9/oauth/callback";

/** The tokens of a fresh consent of `email` through the Google face (code flow with PKCE, by hand). */
async function signIn(email: string) {
  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  const q = new URLSearchParams({
    client_id: TEST_CLIENTS.google.id,
    response_type: "code",
    redirect_uri: REDIRECT,
    scope: "openid email https://mail.google.com/",
    state: "s1",
    code_challenge: challenge,
    code_challenge_method: "S256",
  });
  const back = await control.consent(`${oauth.url}/google/authorize?${q}`, email);
  const form = {
    grant_type: "authorization_code",
    code: back.searchParams.get("code")!,
    redirect_uri: REDIRECT,
    code_verifier: verifier,
    client_id: TEST_CLIENTS.google.id,
    client_secret: TEST_CLIENTS.google.secret,
  };
  const res = await fetch(`${oauth.url}/google/token`, { method: "POST", body: new URLSearchParams(form) });
  return { status: res.status, body: (await res.json()) as Record<string, string>, form };
}

async function imapLogin(user: string, accessToken: string): Promise<string> {
  const client = new ImapFlow({ host: mail.host, port: mail.imapsPort, secure: true, auth: { user, accessToken }, tls: { ca: mail.caPem }, logger: false });
  client.on("error", () => undefined);
  try {
    await client.connect();
    const status = await client.status("INBOX", { messages: true });
    return `ok ${status ? status.messages : "?"}`;
  } catch (err) {
    return `refused ${JSON.stringify((err as { oauthError?: unknown }).oauthError ?? (err as Error).message)}`;
  } finally {
    client.close();
  }
}

describe("the OAuth2 test peer", () => {
  it("issues tokens Dovecot accepts for XOAUTH2 and refuses after the consent is revoked", async () => {
    const email = `peer-${Date.now()}@${mail.domain}`;
    const { status, body } = await signIn(email);
    expect(status).toBe(200);
    expect(await imapLogin(email, body.access_token!)).toBe("ok 0");
    // another user's name with this token: Dovecot compares the introspected address
    expect(await imapLogin(mail.users.bob.email, body.access_token!)).toMatch(/^refused/);
    await control.revoke(email);
    expect(await imapLogin(email, body.access_token!)).toMatch(/^refused/);
  });

  it("refuses a code used twice", async () => {
    const { form } = await signIn(`peer-replay-${Date.now()}@${mail.domain}`);
    const again = await fetch(`${oauth.url}/google/token`, { method: "POST", body: new URLSearchParams(form) });
    expect(again.status).toBe(400);
    expect(((await again.json()) as { error: string }).error).toBe("invalid_grant");
  });

  it("lets SMTP submission sign in with the token through Dovecot's SASL", async () => {
    const email = `peer-smtp-${Date.now()}@${mail.domain}`;
    const { body } = await signIn(email);
    const transport = nodemailer.createTransport({
      host: mail.host,
      port: mail.smtpPort,
      requireTLS: true,
      tls: { ca: mail.caPem, servername: "localhost" },
      auth: { type: "OAuth2", user: email, accessToken: body.access_token! },
    });
    try {
      await expect(transport.verify()).resolves.toBe(true);
      const bad = nodemailer.createTransport({
        host: mail.host,
        port: mail.smtpPort,
        requireTLS: true,
        tls: { ca: mail.caPem, servername: "localhost" },
        auth: { type: "OAuth2", user: email, accessToken: "at.forged" },
      });
      await expect(bad.verify()).rejects.toMatchObject({ code: "EAUTH" });
    } finally {
      transport.close();
    }
  });
});
