import type { Page } from "playwright-core";

/** Signs in through the console's own form and waits for the header: every browser test's first step. */
export async function signInPage(page: Page, baseUrl: string, user: { email: string; password: string }): Promise<void> {
  await page.goto(`${baseUrl}/#/signin`);
  await page.getByTestId("signin-email").fill(user.email);
  await page.getByTestId("signin-password").fill(user.password);
  await page.getByTestId("signin-submit").click();
  await page.getByTestId("current-user").waitFor();
}

/** Fills the company-domains form's servers with the test Dovecot/Postfix (IMAPS, SMTP with STARTTLS). */
export async function fillPinnedServers(page: Page, mail: { host: string; imapsPort: number; smtpPort: number }): Promise<void> {
  await page.getByTestId("domain-imap-host").fill(mail.host);
  await page.getByTestId("domain-imap-port").fill(String(mail.imapsPort));
  await page.getByTestId("domain-smtp-host").fill(mail.host);
  await page.getByTestId("domain-smtp-security").selectOption("starttls");
  await page.getByTestId("domain-smtp-port").fill(String(mail.smtpPort));
}
