import { setSetupDismissed, setupInput, setupOutput, setupStatus } from "../../onboarding/index";
import type { Route } from "../types";

/** The admin's first-run checklist (core/onboarding). */
export const onboardingRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/setup",
    auth: "admin",
    tag: "setup",
    summary:
      "The first-run checklist: each step's state read from the data (password changed, company domain pinned, users added, every user's mailbox connected, contacts imported), and whether an admin put it away",
    response: setupOutput,
    handle: async (ctx) => ({ body: await setupStatus(ctx.deps.db, ctx.session.user) }),
  },
  {
    method: "PUT",
    path: "/api/setup",
    auth: "admin",
    tag: "setup",
    summary: "Put the first-run checklist away ({ dismissed: true }) or bring it back",
    body: setupInput,
    response: setupOutput,
    async handle(ctx) {
      await setSetupDismissed(ctx.deps.db, ctx.session.user, ctx.body.dismissed);
      return { body: await setupStatus(ctx.deps.db, ctx.session.user) };
    },
  },
];
