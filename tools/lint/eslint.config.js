// The lint rules. The repository root's eslint.config.js re-exports this file so that
// "typescript-eslint" resolves here, beside the typescript 5.9.3 it needs (see package.json).
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

export default defineConfig(
  {
    ignores: [
      "node_modules/**",
      "**/node_modules/**",
      "web/dist/**",
      ".sst/**",
      ".data/**",
      "coverage/**",
      ".test-servers/**",
      "tmp/**",
      ".scratch/**",
      ".lead/**",
      "web/src/api/schema.d.ts",
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx,mts,cts}"],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: root },
      globals: { ...globals.node },
    },
    rules: {
      // An unawaited promise loses its rejection: the sync, the queue and the API each await or
      // hand their promises to a pool on purpose, and `void` marks the few fire-and-forget calls.
      "@typescript-eslint/no-floating-promises": "error",
      // `_name` marks a parameter kept for its position in a signature.
      // Header sanitising strips control characters on purpose.
      "no-control-regex": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  {
    files: ["web/src/**/*.{ts,tsx}"],
    plugins: { "react-hooks": reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "error",
    },
  },
  {
    // sst.config.ts is checked against SST's platform types by its own tsconfig (npm run
    // check:infra); those types exist only after `sst install`, so it is linted without types.
    files: ["sst.config.ts"],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // SST's own convention for its platform types.
    files: ["sst.config.ts"],
    rules: { "@typescript-eslint/triple-slash-reference": "off" },
  },
  {
    // Tests read untyped JSON replies and reach into library internals to stage faults.
    files: ["test/**/*.{ts,tsx}"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    files: ["**/*.{js,mjs}"],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ["**/*.cjs"],
    languageOptions: { sourceType: "commonjs", globals: { ...globals.node } },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
