import { defineConfig } from "vitest/config";

// Three projects (the third, interop, runs the end-to-end checks against Cyrus, Courier, Exim and Sendmail too): unit tests need nothing running; integration tests share one set of real
// servers (Dovecot, SMTP) started once by the global setup. Emulators (dynalite, fauxqs)
// are started in-process per test file, on 127.0.0.1 and port 0.
export default defineConfig({
  test: {
    // the AWS SDK's "Node 20 support ends in 2027" notice (Lambda runs nodejs24.x)
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          environment: "node",
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          environment: "node",
          globalSetup: ["test/harness/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 180_000,
          // One real server set is shared; files run one at a time on this 2-core machine.
          fileParallelism: false,
        },
      },
      {
        // The same end-to-end checks against every IMAP x SMTP server pair (npm run test:interop;
        // npm test runs it after the other projects, so its servers never compete with their timing tests)
        test: {
          name: "interop",
          include: ["test/interop/**/*.test.ts"],
          environment: "node",
          globalSetup: ["test/harness/interop-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
