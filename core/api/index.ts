export { handleApiRequest, protectedRoutes } from "./handle";
export { openApiDocument } from "./openapi";
export { routes, type ApiDeps } from "./routes";
export * from "./http";
