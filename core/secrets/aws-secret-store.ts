import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { AppError } from "../shared/errors";
import type { SecretStore } from "./index";

/**
 * Secrets Manager adapter. Every secret is named `<prefix><name>` where prefix is
 * "<app>/<stage>/": the functions' IAM policy allows only that prefix.
 */
export class AwsSecretStore implements SecretStore {
  constructor(
    private readonly prefix: string,
    private readonly client: SecretsManagerClient = new SecretsManagerClient({}),
  ) {
    if (!prefix.endsWith("/")) throw new Error("AwsSecretStore prefix must end with '/'");
  }

  async put(name: string, value: string): Promise<void> {
    const SecretId = this.prefix + name;
    try {
      await this.client.send(new PutSecretValueCommand({ SecretId, SecretString: value }));
    } catch (err) {
      if (!(err instanceof ResourceNotFoundException)) throw wrap(err);
      try {
        await this.client.send(new CreateSecretCommand({ Name: SecretId, SecretString: value }));
      } catch (createErr) {
        throw wrap(createErr);
      }
    }
  }

  async create(name: string, value: string): Promise<boolean> {
    try {
      await this.client.send(new CreateSecretCommand({ Name: this.prefix + name, SecretString: value }));
      return true;
    } catch (err) {
      if (err instanceof ResourceExistsException) return false;
      throw wrap(err);
    }
  }

  async get(name: string): Promise<string | undefined> {
    try {
      const out = await this.client.send(new GetSecretValueCommand({ SecretId: this.prefix + name }));
      return out.SecretString;
    } catch (err) {
      if (err instanceof ResourceNotFoundException) return undefined;
      throw wrap(err);
    }
  }

  async delete(name: string): Promise<void> {
    try {
      // No recovery window: a deleted mailbox's password must not linger.
      await this.client.send(new DeleteSecretCommand({ SecretId: this.prefix + name, ForceDeleteWithoutRecovery: true }));
    } catch (err) {
      if (err instanceof ResourceNotFoundException) return;
      throw wrap(err);
    }
  }
}

// The SDK's message never contains the secret value; keep only the name and code.
const wrap = (err: unknown) =>
  new AppError(/Throttl|InternalService|ServiceUnavailable/.test((err as Error)?.name ?? "") ? "transient" : "permanent", "service_unavailable", { cause: err });
