/**
 * The console's pages for the accessibility walk (test/integration/console-a11y.test.ts): one
 * entry per page or page state, with its route, the element that says it has loaded, and what to
 * do there before it is checked. To cover a new page, add an entry here.
 */
import type { Page } from "playwright-core";
import { expect } from "vitest";

/** What the walk knows about the data the test set up. */
export interface WalkData {
  url: string;
  /** The company domain pinned for autodiscovery. */
  domain: string;
  contactId: string;
  messageId: string;
  accountId: string;
}

export interface PageVisit {
  name: string;
  /** The hash route, from the data set up (e.g. a contact's id). */
  route: (d: WalkData) => string;
  /** A data-testid that is on screen once the page has loaded what it shows. */
  ready: string;
  /** What to do on the page before it is checked: open a panel, run a test, pick a file. */
  prepare?: (page: Page, d: WalkData) => Promise<void>;
  /** Also checked on a phone. */
  phone?: boolean;
}

const CSV = "Name,Company,Email\r\nJohn Miller,Northwind,john.miller@northwind.example\r\nNo Address,Contoso,not-an-address\r\n";

export const PAGES: PageVisit[] = [
  { name: "the contacts list with the setup checklist", route: () => "/contacts", ready: "contacts-table", phone: true },
  { name: "a contact with synced mail", route: (d) => `/contacts/${d.contactId}`, ready: "message-row", phone: true },
  { name: "an opened message", route: (d) => `/contacts/${d.contactId}/messages/${encodeURIComponent(d.messageId)}`, ready: "message-body", phone: true },
  {
    name: "the compose dialog",
    route: (d) => `/contacts/${d.contactId}`,
    ready: "message-row",
    prepare: async (page) => {
      await page.getByTestId("contact-compose").click();
      await page.getByTestId("compose-to").waitFor();
      await expect.poll(() => page.getByTestId("compose-from").locator("option").count(), { timeout: 10_000 }).toBeGreaterThan(0);
    },
    phone: true,
  },
  {
    name: "the CSV import with a preview",
    route: () => "/contacts/import",
    ready: "import-file",
    prepare: async (page) => {
      await page.getByTestId("import-file").setInputFiles({ name: "contacts.csv", mimeType: "text/csv", buffer: Buffer.from(CSV) });
      await page.getByTestId("import-preview-table").waitFor({ timeout: 15_000 });
    },
  },
  { name: "the mailboxes list, excluded domains and sending settings", route: () => "/accounts", ready: "accounts-table", phone: true },
  {
    name: "the new mailbox form after autodiscovery",
    route: () => "/accounts/new",
    ready: "account-email",
    prepare: async (page, d) => {
      await page.getByTestId("account-email").fill(`someone@${d.domain}`);
      await page.getByTestId("account-detect").click();
      await expect.poll(() => page.getByTestId("account-discovery").getAttribute("data-status"), { timeout: 15_000 }).toBe("found");
    },
    phone: true,
  },
  {
    name: "a mailbox form with a connection-test result",
    route: (d) => `/accounts/${d.accountId}`,
    ready: "account-test",
    prepare: async (page) => {
      await page.getByTestId("account-test").click();
      await page.getByTestId("account-test-result").waitFor({ timeout: 30_000 });
    },
  },
  {
    name: "the new mailbox form with its server settings open",
    route: () => "/accounts/new",
    ready: "account-email",
    prepare: async (page) => {
      await page.getByTestId("account-advanced-toggle").click();
      await page.getByTestId("account-host").waitFor();
    },
  },
  {
    name: "the mailbox form showing why a save was refused",
    route: () => "/accounts/new",
    ready: "account-email",
    prepare: async (page) => {
      await page.getByTestId("account-save").click();
      await page.locator(".field__error").first().waitFor({ timeout: 15_000 });
    },
  },
  {
    name: "the delete confirmation over a contact",
    route: (d) => `/contacts/${d.contactId}`,
    ready: "message-row",
    prepare: async (page) => {
      await page.getByTestId("contact-delete").click();
      await page.getByTestId("confirm-dialog").waitFor();
    },
  },
  { name: "the company domains", route: () => "/domains", ready: "domains-table" },
  {
    name: "the company domain form",
    route: () => "/domains",
    ready: "domains-table",
    prepare: async (page) => {
      await page.getByTestId("domain-add").click();
      await page.getByTestId("domain-form").waitFor();
    },
  },
  { name: "the users page", route: () => "/users", ready: "users-table", phone: true },
  {
    name: "editing a user",
    route: () => "/users",
    ready: "users-table",
    prepare: async (page) => {
      await page.getByTestId("user-edit").first().click();
      await page.getByTestId("user-edit-dialog").waitFor();
    },
  },
  { name: "setting a password from a mailed link", route: () => "/reset/not-a-real-token", ready: "reset-new" },
  { name: "what is stored from mail", route: () => "/stored-data", ready: "stored-data", phone: true },
  { name: "the password change", route: () => "/password", ready: "password-current" },
  { name: "the integrations page", route: () => "/integrations", ready: "webhooks" },
  { name: "the audit log", route: () => "/audit", ready: "audit-table" },
  { name: "the operations overview", route: () => "/overview", ready: "overview-mailboxes", phone: true },
  { name: "the operations settings", route: () => "/settings", ready: "notification-mail" },
  { name: "the job monitor settings", route: () => "/settings/monitor", ready: "monitor-settings" },
  { name: "a page that does not exist", route: () => "/no-such-page", ready: "current-user" },
];
