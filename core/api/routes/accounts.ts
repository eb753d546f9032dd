import { z } from "zod";
import * as accounts from "../../accounts/index";
import { enqueueNow } from "../../jobs/index";
import { listSkipped, SKIP_REASONS } from "../../sync/index";
import { purgeExcluded } from "../../sharing/index";
import { listOf, notifierOf, type Route, type RouteContext } from "../types";

const skippedOutput = z.object({
  folder: z.string(),
  uid: z.number(),
  reason: z.enum(SKIP_REASONS as [string, ...string[]]),
  attempts: z.number(),
  /** No more retries: tried SKIP_ATTEMPTS times, or a reason no retry can change. */
  permanent: z.boolean(),
  at: z.string(),
});
const view = (ctx: RouteContext, record: accounts.AccountRecord) => accounts.toAccountView(record, ctx.lang);
const deps = (ctx: RouteContext): accounts.AccountDeps => ({
  db: ctx.deps.db,
  secrets: ctx.deps.secrets,
  hostAllowance: ctx.deps.hostAllowance,
  tlsCa: ctx.deps.imapCa,
  // saving new server settings or passwords runs a connection test: it counts as this user's probe
  probeSubject: ctx.session.user.id,
  notifier: notifierOf(ctx.deps),
});

/**
 * A mailbox saved with new settings or a new password (state init, sync on) gets its first
 * sync at once instead of at the next tick of the schedule, up to 5 minutes later. A failure to
 * queue leaves it to the schedule: the save itself stands.
 */
async function syncSaved(ctx: RouteContext, record: accounts.AccountRecord): Promise<void> {
  if (ctx.deps.syncOnSave === false || record.state !== "init" || record.syncEnabled === false) return;
  await enqueueNow(ctx.deps.db, ctx.deps.queue, record, "manual").catch((err) => ctx.deps.log.warn("account.sync.queue.failed", { accountId: record.id, err }));
}

export const accountRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/accounts",
    auth: "user",
    tag: "accounts",
    scope: "mailboxes:read",
    summary: "Mailbox accounts the user may see (admins: all)",
    response: listOf(accounts.accountOutput),
    handle: async (ctx) => ({ body: { items: (await accounts.withLastJobs(ctx.deps.db, await accounts.listAccounts(ctx.deps.db, ctx.session.user))).map((a) => view(ctx, a)) } }),
  },
  {
    method: "POST",
    path: "/api/accounts",
    auth: "user",
    tag: "accounts",
    summary: "Connect a mailbox",
    status: 201,
    body: accounts.accountInput,
    response: accounts.accountOutput,
    async handle(ctx) {
      const record = await accounts.createAccount(deps(ctx), ctx.session.user, ctx.body);
      ctx.deps.log.info("account.created", { accountId: record.id, ownerId: record.ownerId });
      await syncSaved(ctx, record);
      return { status: 201, body: view(ctx, record) };
    },
  },
  {
    method: "GET",
    path: "/api/accounts/{id}",
    auth: "user",
    tag: "accounts",
    scope: "mailboxes:read",
    summary: "One mailbox account",
    response: accounts.accountOutput,
    handle: async (ctx) => ({ body: view(ctx, (await accounts.withLastJobs(ctx.deps.db, [await accounts.getAccount(ctx.deps.db, ctx.session.user, ctx.params.id!)]))[0]!) }),
  },
  {
    method: "PATCH",
    path: "/api/accounts/{id}",
    auth: "user",
    tag: "accounts",
    summary: "Change a mailbox account",
    body: accounts.accountPatch,
    response: accounts.accountOutput,
    async handle(ctx) {
      const { ownerId, ...patch } = ctx.body as accounts.AccountPatch;
      const before = await accounts.getAccount(ctx.deps.db, ctx.session.user, ctx.params.id!);
      if (ownerId !== undefined) {
        await accounts.changeAccountOwner(ctx.deps.db, ctx.session.user, before.id, ownerId);
        ctx.deps.log.info("account.owner.changed", { accountId: before.id, from: before.ownerId, to: ownerId });
      }
      const after = await accounts.updateAccount(deps(ctx), ctx.session.user, before.id, patch);
      const touched =
        patch.imap !== undefined ||
        patch.smtp !== undefined ||
        patch.password !== undefined ||
        patch.smtpPassword !== undefined ||
        patch.allowInsecureCerts !== undefined ||
        patch.syncEnabled === true;
      if (touched) await syncSaved(ctx, after);
      // copies this mailbox stored under a domain it now excludes go at once (idempotent: a cut-short run is redone by the next edit)
      const had = new Set(before.sharing?.excludedDomains ?? []);
      const added = (after.sharing?.excludedDomains ?? []).filter((d) => !had.has(d));
      if (added.length) {
        const removed = await purgeExcluded(ctx.deps.db, added, after.id);
        ctx.deps.log.info("sharing.excluded.purged", { accountId: after.id, domains: added, removed });
      }
      return { body: view(ctx, after) };
    },
  },
  {
    method: "GET",
    path: "/api/accounts/{id}/copies",
    auth: "user",
    tag: "accounts",
    summary: "How many stored copies of mail disconnecting this mailbox deletes",
    response: z.object({ count: z.number() }),
    handle: async (ctx) => ({ body: { count: await accounts.accountCopyCount(ctx.deps.db, ctx.session.user, ctx.params.id!) } }),
  },
  {
    method: "DELETE",
    path: "/api/accounts/{id}",
    auth: "user",
    tag: "accounts",
    summary: "Disconnect a mailbox: delete its password and every copy of mail it stored",
    status: 204,
    async handle(ctx) {
      const removed = await accounts.deleteAccount(deps(ctx), ctx.session.user, ctx.params.id!);
      ctx.deps.log.info("account.deleted", { accountId: ctx.params.id, removed });
      return { status: 204 };
    },
  },
  {
    method: "GET",
    path: "/api/accounts/{id}/skipped",
    auth: "user",
    tag: "accounts",
    summary: "Messages the sync could not store, with the reason and whether it will try again (owner or admin)",
    response: listOf(skippedOutput),
    async handle(ctx) {
      const account = await accounts.getAccount(ctx.deps.db, ctx.session.user, ctx.params.id!); // 404 unless the owner or an admin
      const items = await listSkipped(ctx.deps.db, account.id);
      return {
        body: { items: items.map((i) => skippedOutput.parse({ folder: i.folder, uid: i.uid, reason: i.reason, attempts: i.attempts ?? 1, permanent: !!i.permanent, at: i.at })) },
      };
    },
  },
  {
    method: "POST",
    path: "/api/accounts/{id}/sync",
    auth: "user",
    tag: "accounts",
    summary: "Sync now",
    status: 202,
    response: z.object({ jobId: z.string() }),
    async handle(ctx) {
      const account = await accounts.getAccount(ctx.deps.db, ctx.session.user, ctx.params.id!);
      accounts.refuseSyncWhileHeld(account);
      const job = await enqueueNow(ctx.deps.db, ctx.deps.queue, account);
      return { status: 202, body: { jobId: job.jobId } };
    },
  },
];
