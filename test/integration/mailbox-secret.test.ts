import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Db } from "../../core/store/db";
import { keys } from "../../core/store/keys";
import { accountSecretName, FileSecretStore, mailboxSecretName, smtpSecretName, type SecretStore } from "../../core/secrets/index";
import { createAccount, deleteAccount, readBoundSecrets, readCredentials, updateCredentials, type AccountRecord } from "../../core/accounts/index";
import { runSyncJob } from "../../core/sync/index";
import { forgetProcessState } from "../../core/sync/sync-account";
import { newJob } from "../../core/jobs/jobs";
import { startBareStack, syncDepsFor } from "../support/sync-stack";

/**
 * One secret per mailbox (core/accounts/credentials.ts): new accounts save one, and accounts
 * saved with two (the IMAP password, a separate SMTP one) are migrated the first time anything
 * reads or writes their credentials, without ever losing a password saved meanwhile.
 */
const mail = inject("mail");
const bob = mail.users.bob;
const admin = { id: "secret-admin", email: "admin@secret.test", name: "Admin", role: "admin" as const, createdAt: new Date().toISOString() };

let bare: Awaited<ReturnType<typeof startBareStack>>;
let db: Db;
let secrets: FileSecretStore;
let names: () => Promise<string[]>;
/** What account functions need here (the harness's CA trusted, loopback hosts allowed). */
const accountDeps = () => ({ db, secrets, hostAllowance: "loopback" as const, tlsCa: mail.caPem });

/** Turns a saved account back into the two-secret form accounts had before. */
async function makeLegacy(id: string, smtp?: string) {
  await secrets.delete(mailboxSecretName(id));
  await secrets.put(accountSecretName(id), bob.password);
  if (smtp) await secrets.put(smtpSecretName(id), smtp);
}

const save = () =>
  createAccount(accountDeps(), admin, {
    email: bob.email,
    imap: { host: mail.host, port: mail.imapsPort, security: "tls", user: bob.email },
    password: bob.password,
    syncFolders: ["INBOX"],
    initialSyncDays: 1,
  });

beforeAll(async () => {
  bare = await startBareStack("secret");
  ({ db, secrets } = bare);
  names = async () => Object.keys(JSON.parse(await readFile(join(bare.secretDir, "secrets.json"), "utf8"))).sort();
});
afterAll(async () => {
  await bare?.close();
});

describe("one secret per mailbox", () => {
  it("saves a new account's password in one secret, and deletes it with the account", async () => {
    const account = await save();
    expect(await names()).toEqual([mailboxSecretName(account.id)]);
    expect(JSON.parse((await secrets.get(mailboxSecretName(account.id)))!)).toEqual({ imap: bob.password });
    await deleteAccount(accountDeps(), admin, account.id);
    expect(await names()).toEqual([]);
  });

  it("syncs a two-secret account with its old password and leaves it with one secret holding both", async () => {
    const account = await save();
    await makeLegacy(account.id, "separate-smtp-password");
    forgetProcessState();
    const outcome = await runSyncJob(syncDepsFor(bare, mail), newJob(account.id, "manual"));
    expect(outcome.status).toBe("done");
    expect(await names()).toEqual([mailboxSecretName(account.id)]);
    expect(JSON.parse((await secrets.get(mailboxSecretName(account.id)))!)).toEqual({ imap: bob.password, smtp: "separate-smtp-password" });
    await deleteAccount(accountDeps(), admin, account.id);
  });

  it("reads a two-secret account's passwords for a connection test and migrates it", async () => {
    const account = await save();
    await makeLegacy(account.id, "separate-smtp-password");
    const smtp = { host: mail.host, port: mail.smtpsPort, security: "tls", user: bob.email, sameCredentials: false };
    const record = { ...(await db.get("main", keys.account(account.id))), smtp, hasSmtpPassword: true } as AccountRecord;
    const read = await readBoundSecrets({ db, secrets }, { ...record, secretBinding: undefined });
    expect(read).toEqual({ password: bob.password, smtpPassword: "separate-smtp-password" });
    expect(await names()).toEqual([mailboxSecretName(account.id)]);
    await deleteAccount(accountDeps(), admin, account.id);
  });

  it("keeps the IMAP password of a two-secret account when only the SMTP password is changed", async () => {
    const account = await save();
    await makeLegacy(account.id, "old-smtp");
    await updateCredentials({ db, secrets }, account.id, { smtp: "new-smtp" });
    expect(await names()).toEqual([mailboxSecretName(account.id)]);
    expect(await readCredentials({ db, secrets }, account.id)).toEqual({ imap: bob.password, smtp: "new-smtp" });
    await deleteAccount(accountDeps(), admin, account.id);
  });

  it("never overwrites a password an edit saved while the migration was reading the old secrets", async () => {
    const account = await save();
    await makeLegacy(account.id);
    // the edit lands between the migration's read of the old secret and its write of the new one
    const racing: SecretStore = {
      put: (n, v) => secrets.put(n, v),
      create: (n, v) => secrets.create(n, v),
      delete: (n) => secrets.delete(n),
      get: async (n) => {
        const value = await secrets.get(n);
        if (n === accountSecretName(account.id)) await updateCredentials({ db, secrets }, account.id, { imap: "typed-just-now" });
        return value;
      },
    };
    const read = await readCredentials({ db, secrets: racing }, account.id);
    expect(read.imap).toBe("typed-just-now");
    expect(await readCredentials({ db, secrets }, account.id)).toEqual({ imap: "typed-just-now" });
    expect(await names()).toEqual([mailboxSecretName(account.id)]);
    await deleteAccount(accountDeps(), admin, account.id);
  });

  it("leaves no password behind when the account is deleted while its secrets are migrated", async () => {
    const account = await save();
    await makeLegacy(account.id, "separate-smtp-password");
    const racing: SecretStore = {
      put: (n, v) => secrets.put(n, v),
      delete: (n) => secrets.delete(n),
      get: (n) => secrets.get(n),
      create: async (n, v) => {
        // the account is disconnected between the migration's reads and its write
        await deleteAccount(accountDeps(), admin, account.id);
        return secrets.create(n, v);
      },
    };
    await readCredentials({ db, secrets: racing }, account.id);
    expect(await names()).toEqual([]);
  });
});
