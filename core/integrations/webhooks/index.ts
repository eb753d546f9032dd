export * from "./schema";
export * from "./endpoints";
export * from "./sign";
export * from "./queue";
export * from "./emit";
export * from "./deliver";
export * from "./deliveries";
