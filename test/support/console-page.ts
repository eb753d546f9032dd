import type { Page } from "playwright-core";

/** Signs in through the console's own form and waits for the header: every browser test's first step. */
export async function signInPage(page: Page, baseUrl: string, user: { email: string; password: string }): Promise<void> {
  await page.goto(`${baseUrl}/#/signin`);
  await page.getByTestId("signin-email").fill(user.email);
  await page.getByTestId("signin-password").fill(user.password);
  await page.getByTestId("signin-submit").click();
  await page.getByTestId("current-user").waitFor();
}
