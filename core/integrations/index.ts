export * from "./scopes";
export * from "./api-keys";
export * from "./contact-lookup";
export * from "./webhooks/index";
