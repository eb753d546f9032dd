import { createServer, type Server } from "node:net";
import type { AddressInfo } from "node:net";
import { GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalStack, type LocalStack } from "../../core/local/stack";
import { localSqs } from "../../core/local/emulators";
import { ApiClient, eventually } from "../support/api-client";

/** A transient failure goes back to the queue with a backoff; it is neither lost nor hammered. */
const ADMIN = { email: "admin@example.test", password: "admin-password-123" };
let stack: LocalStack;
let api: ApiClient;
let flaky: Server;
let accepted = 0;

beforeAll(async () => {
  // accepts IMAP connections and hangs up at once, as an overloaded server does
  flaky = createServer((socket) => {
    accepted++;
    socket.destroy();
  });
  await new Promise<void>((r) => flaky.listen(0, "127.0.0.1", () => r()));
  // a 1 s visibility timeout: without the backoff the job would be back within a second
  stack = await startLocalStack({ schedule: false, admin: ADMIN, queueVisibilitySeconds: 1 });
  api = new ApiClient(stack.url);
  await api.signIn(ADMIN.email, ADMIN.password);
});
afterAll(async () => {
  await stack?.stop();
  flaky?.close();
});

describe("retry with backoff", () => {
  it("keeps a transiently failing job in the queue, hidden for the backoff, and records the failure", async () => {
    const port = (flaky.address() as AddressInfo).port;
    const created = await api.post("/api/accounts", {
      email: "flaky@example.test",
      imap: { host: "127.0.0.1", port, security: "none", user: "flaky@example.test" },
      password: "pw",
      saveDisabledOnFailure: true,
    });
    expect(created.status, created.text).toBe(201);
    expect((await api.patch(`/api/accounts/${created.body.id}`, { syncEnabled: true })).status).toBe(200);
    const before = accepted;
    expect((await api.post(`/api/accounts/${created.body.id}/sync`)).status).toBe(202);
    const failed = await eventually(async () => {
      const a = (await api.get(`/api/accounts/${created.body.id}`)).body;
      return a.lastJob?.status === "failed" ? a : undefined;
    });
    expect(failed.state).toBe("connectError");
    expect(accepted).toBeGreaterThan(before);
    // not deleted, not retried at once: in flight for the backoff (30 s +-20 %)
    const sqs = localSqs(stack.sqsEndpoint);
    const attrs = await eventually(async () => {
      const out = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: stack.queueUrl, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }),
      );
      return out.Attributes?.ApproximateNumberOfMessagesNotVisible === "1" ? out.Attributes : undefined;
    });
    sqs.destroy();
    expect(attrs.ApproximateNumberOfMessages).toBe("0");
    const attempts = accepted;
    await new Promise((r) => setTimeout(r, 3000));
    expect(accepted).toBe(attempts);
  });
});
