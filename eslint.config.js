// ESLint's flat config lives in tools/lint, the workspace that holds typescript-eslint with the
// typescript 5.x it needs (the repository's typescript 7 has no JS compiler API).
export { default } from "./tools/lint/eslint.config.js";
