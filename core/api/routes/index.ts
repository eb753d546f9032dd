import type { Route } from "../types";
import { systemRoutes } from "./system";
import { sessionRoutes } from "./session";
import { userRoutes } from "./users";
import { accountRoutes } from "./accounts";
import { contactRoutes } from "./contacts";
import { discoveryRoutes } from "./discovery";
import { messageRoutes } from "./messages";
import { connectionRoutes } from "./connection";
import { settingsRoutes } from "./settings";
import { integrationRoutes } from "./integrations";
import { webhookRoutes } from "./webhooks";
import { oauthRoutes } from "./oauth";
import { auditRoutes } from "./audit";
import { operationsRoutes } from "./operations";
import { monitoringRoutes } from "./monitoring";
import { onboardingRoutes } from "./onboarding";
import { sendingRoutes } from "./sending";

/** Every route of the API, one module per domain. A new module is added here; fixed paths (/api/accounts/version) before the patterns that would take them (/api/accounts/{id}). */
export const routes: Route[] = [
  ...systemRoutes,
  ...sessionRoutes,
  ...userRoutes,
  ...monitoringRoutes,
  ...accountRoutes,
  ...connectionRoutes,
  ...integrationRoutes,
  ...contactRoutes,
  ...messageRoutes,
  ...discoveryRoutes,
  ...settingsRoutes,
  ...webhookRoutes,
  ...auditRoutes,
  ...onboardingRoutes,
  ...operationsRoutes,
  ...sendingRoutes,
  ...oauthRoutes,
];
