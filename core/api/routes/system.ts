import { z } from "zod";
import type { Route } from "../types";

export const systemRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/health",
    auth: "public",
    tag: "system",
    summary: "Liveness check",
    response: z.object({ ok: z.literal(true) }),
    handle: async () => ({ body: { ok: true } }),
  },
];
