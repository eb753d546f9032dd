// The console's face onto the HTTP API: the client and the generated shapes.
export * from "./client";
export type * from "./types";
