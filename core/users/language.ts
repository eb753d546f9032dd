import type { Db } from "../store/db";
import { keys } from "../store/keys";
import type { Lang } from "../shared/i18n";

/**
 * Whom to mail, in which language: `lang` on the user item is the console language of their
 * last sign-in (users/lockout.ts afterGoodSignIn); undefined until they signed in once since.
 */
export interface MailContact {
  email: string;
  lang?: Lang;
}

export async function mailContactOf(db: Db, userId: string): Promise<MailContact | undefined> {
  const item = await db.get("main", keys.user(userId));
  return item ? { email: item.email, lang: item.lang } : undefined;
}

/** Every admin's address and language. */
export async function adminContacts(db: Db): Promise<MailContact[]> {
  return (await db.queryIndex(keys.usersIndex)).filter((u) => u.role === "admin").map((u) => ({ email: u.email, lang: u.lang }));
}
