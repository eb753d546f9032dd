export { handleApiRequest, protectedRoutes } from "./handle";
export { openApiDocument } from "./openapi";
export { routes } from "./routes/index";
export type { ApiDeps, Route, RouteContext } from "./types";
export * from "./http";
