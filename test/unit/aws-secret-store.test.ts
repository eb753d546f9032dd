import { describe, expect, it, beforeEach } from "vitest";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-vitest/extend";
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { AwsSecretStore } from "../../core/secrets/aws-secret-store";

// Secrets Manager has no credible emulator here: this is the one mocked AWS service.
const sm = mockClient(SecretsManagerClient);
const notFound = () => new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret.", $metadata: {} });

describe("AwsSecretStore", () => {
  beforeEach(() => sm.reset());

  it("creates the secret under the app prefix when it does not exist yet", async () => {
    sm.on(PutSecretValueCommand).rejects(notFound());
    sm.on(CreateSecretCommand).resolves({});
    await new AwsSecretStore("crm-mail-sync/prod/", new SecretsManagerClient({ region: "us-east-1" })).put("account/a1", "pw");
    expect(sm).toHaveReceivedCommandWith(CreateSecretCommand, { Name: "crm-mail-sync/prod/account/a1", SecretString: "pw" });
  });

  it("replaces the value of an existing secret", async () => {
    sm.on(PutSecretValueCommand).resolves({});
    await new AwsSecretStore("app/s/", new SecretsManagerClient({ region: "us-east-1" })).put("account/a1", "new");
    expect(sm).toHaveReceivedCommandWith(PutSecretValueCommand, { SecretId: "app/s/account/a1", SecretString: "new" });
    expect(sm).not.toHaveReceivedCommand(CreateSecretCommand);
  });

  it("reads a missing secret as undefined and deletes without a recovery window", async () => {
    sm.on(GetSecretValueCommand).rejects(notFound());
    sm.on(DeleteSecretCommand).resolves({});
    const store = new AwsSecretStore("app/s/", new SecretsManagerClient({ region: "us-east-1" }));
    expect(await store.get("account/x")).toBeUndefined();
    await store.delete("account/x");
    expect(sm).toHaveReceivedCommandWith(DeleteSecretCommand, { SecretId: "app/s/account/x", ForceDeleteWithoutRecovery: true });
  });

  it("creates a secret only when none exists by that name", async () => {
    sm.on(CreateSecretCommand)
      .resolvesOnce({})
      .rejects(new ResourceExistsException({ message: "exists", $metadata: {} }));
    const store = new AwsSecretStore("app/s/", new SecretsManagerClient({ region: "us-east-1" }));
    expect(await store.create("mailbox/a1", "{}")).toBe(true);
    expect(await store.create("mailbox/a1", "{}")).toBe(false);
    expect(sm).toHaveReceivedCommandWith(CreateSecretCommand, { Name: "app/s/mailbox/a1", SecretString: "{}" });
    expect(sm).not.toHaveReceivedCommand(PutSecretValueCommand);
  });

  it("refuses a prefix that could match other apps' secrets", () => {
    expect(() => new AwsSecretStore("crm-mail-sync/prod")).toThrow(/end with/);
  });
});
