import type { Route } from "../types";
import { systemRoutes } from "./system";
import { sessionRoutes } from "./session";
import { accountRoutes } from "./accounts";
import { contactRoutes } from "./contacts";
import { discoveryRoutes } from "./discovery";
import { messageRoutes } from "./messages";
import { connectionRoutes } from "./connection";
import { settingsRoutes } from "./settings";
import { integrationRoutes } from "./integrations";
import { webhookRoutes } from "./webhooks";
import { auditRoutes } from "./audit";
import { onboardingRoutes } from "./onboarding";

/** Every route of the API, one module per domain. A new module is added here. */
export const routes: Route[] = [...systemRoutes, ...sessionRoutes, ...accountRoutes, ...connectionRoutes, ...integrationRoutes, ...contactRoutes, ...messageRoutes, ...discoveryRoutes, ...settingsRoutes, ...webhookRoutes, ...auditRoutes, ...onboardingRoutes];
