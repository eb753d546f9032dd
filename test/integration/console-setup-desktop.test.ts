import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, inject, it } from "vitest";
import { startLocalStack, type LocalStack } from "../../core/local/stack";
import { launchBrowser } from "../harness/chromium";
import { resetUser } from "../harness/mail-servers";
import { DESKTOP, FIRST_ADMIN, walkFirstHour } from "../support/first-hour-walk";

/**
 * The admin's first hour on a 1440x900 desktop, in Japanese, in a real browser against the real
 * Dovecot/Postfix: the same walk as on a phone (console-setup.test.ts), except that Alice, a
 * member, connects her own mailbox on the pinned domain by typing only her address and password.
 * Its own file: one local stack per process.
 */
const mail = inject("mail");
let browser: Browser;
let stack: LocalStack;

beforeAll(async () => {
  if (!existsSync(resolve("web/dist/index.html"))) throw new Error("web/dist is missing: run `npm run build:web` (npm test does it)");
  await resetUser(mail, mail.users.alice.email);
  stack = await startLocalStack({ schedule: false, admin: FIRST_ADMIN, imapCaPem: mail.caPem });
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe("the first-run checklist on a desktop", () => {
  it("walks an admin through the first hour in Japanese, a member connecting her own mailbox with only address and password", async () => {
    await walkFirstHour({ browser, stack, mail }, DESKTOP, "member");
  });
});
