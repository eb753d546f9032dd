/** The mail users of an instance, and the system user its mail processes run as. */
import { execFileSync } from "node:child_process";
import os from "node:os";
import { IS_ROOT } from "./processes";
import type { MailServersInfo, MailUser, MailUsers } from "./types";

export function userAndGroup(): { user: string; group: string } {
  if (IS_ROOT) {
    // Dovecot refuses to run mail processes as root; nobody/nogroup exist on every Debian
    const user = "nobody";
    return { user, group: execFileSync("id", ["-gn", user], { encoding: "utf8" }).trim() };
  }
  return { user: os.userInfo().username, group: execFileSync("id", ["-gn"], { encoding: "utf8" }).trim() };
}

export function buildUsers(domain: string, extra: Record<string, string> = {}): MailUsers {
  const entries: Record<string, string> = {
    alice: "alice-secret",
    bob: "bob-secret",
    carol: "carol-secret",
    catchall: "catchall-secret",
    ...extra,
  };
  const users: Record<string, MailUser> = {};
  for (const [name, password] of Object.entries(entries)) {
    if (!/^[a-z0-9._+-]+$/i.test(name) || /[:\n]/.test(password)) throw new Error(`mail servers: unusable user ${JSON.stringify(name)}`);
    users[name] = { email: `${name.toLowerCase()}@${domain}`, password };
  }
  return users as MailUsers;
}

export function findUser(info: MailServersInfo, email: string): MailUser {
  const user = Object.values(info.users).find((u) => u.email === email.toLowerCase());
  if (!user)
    throw new Error(
      `mail servers: unknown user ${email} (known: ${Object.values(info.users)
        .map((u) => u.email)
        .join(", ")})`,
    );
  return user;
}
