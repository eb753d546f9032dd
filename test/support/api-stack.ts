/**
 * A local stack for API tests: TEST_ADMIN signed in, the same session also asking in Japanese,
 * and the Main and Mail tables at hand for what the API cannot show.
 */
import { startLocalStack, type LocalStack, type LocalStackOptions } from "../../core/local/stack";
import { localDynamo } from "../../core/local/emulators";
import { Db } from "../../core/store/db";
import { ApiClient } from "./api-client";
import { TEST_ADMIN } from "./sync-stack";

export interface ApiStack {
  stack: LocalStack;
  /** TEST_ADMIN, asking in English. */
  admin: ApiClient;
  /** The same session, asking in Japanese (Accept-Language: ja). */
  ja: ApiClient;
  db: Db;
}

export async function startApiStack(options: Omit<LocalStackOptions, "admin"> = {}): Promise<ApiStack> {
  const stack = await startLocalStack({ schedule: false, ...options, admin: TEST_ADMIN });
  const admin = new ApiClient(stack.url);
  const signedIn = await admin.signIn(TEST_ADMIN.email, TEST_ADMIN.password);
  if (signedIn.status !== 200) throw new Error(`admin sign-in: ${signedIn.status} ${signedIn.text}`);
  const ja = new ApiClient(stack.url, "ja");
  ja.cookie = admin.cookie;
  ja.csrf = admin.csrf;
  return { stack, admin, ja, db: new Db(stack.tables, localDynamo(stack.dynamoEndpoint)) };
}
