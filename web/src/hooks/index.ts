// Shared hooks: loading, submitting a form, and polling while something runs.
export { useLoad, type Load } from "./use-load";
export { usePolling } from "./use-polling";
export { useSubmit, type Outcome, type Submit, type SubmitOptions } from "./use-submit";
export { useNow } from "./use-now";
export { useChangedSince } from "./use-changed-since";
