import type { Db } from "../store/db";
import { keys } from "../store/keys";
import type { SecretStore } from "../secrets/index";
import { readCredentials } from "./credentials";
import { AppError, type FieldProblem } from "../shared/errors";
import { maySendSavedPassword, type StateFacts } from "./state-machine";

/**
 * A saved password is bound to the destinations it was typed for: host, port, security mode
 * and whether certificates are checked. Moving any of them (a listener of one's own on another
 * port, security "none", a certificate nobody verifies) would hand the password to whoever
 * answers there, so using a saved password anywhere else is refused here, in the one function
 * that reads saved passwords to connect, and not only in the form.
 *
 * The binding is stored on the account (not secret: destinations only), as
 * `secretBinding: { password: [dest...], smtpPassword: [dest...] }`. Accounts saved before it
 * existed are bound to their current destinations on first read.
 */
export interface SecretBinding {
  /** Where the (IMAP) password may go: the IMAP server, and the SMTP server when it shares the password. */
  password: string[];
  /** Where the separate SMTP password may go. */
  smtpPassword: string[];
}

interface Server {
  host: string;
  port: number;
  security: string;
}

/** The servers a connection would use, with the certificate choice that applies to both. */
export interface Destinations {
  imap: Server;
  smtp?: (Server & { sameCredentials?: boolean }) | null;
  allowInsecureCerts?: boolean;
}

/** A bound account as far as this module needs it. */
export interface BoundAccount extends Destinations {
  id: string;
  hasSmtpPassword?: boolean;
  secretBinding?: SecretBinding;
  /** For the pause (state-machine.ts); absent on accounts not yet saved. */
  state?: StateFacts["state"];
  authFailures?: number;
  pauseAfter?: number;
}

export interface TypedSecrets {
  password?: string;
  smtpPassword?: string;
}

/** One destination as a stable string: "imap.example.com:993/tls" (+ "/insecure" when certificates are not checked). */
export const destinationOf = (server: Server, allowInsecureCerts: boolean | undefined) =>
  `${server.host.toLowerCase()}:${server.port}/${server.security}${allowInsecureCerts ? "/insecure" : ""}`;

const sharesPassword = (smtp: Destinations["smtp"]) => !!smtp && smtp.sameCredentials !== false;

/** Where each password goes with these settings. */
export function destinationsOf(d: Destinations): SecretBinding {
  const imap = destinationOf(d.imap, d.allowInsecureCerts);
  const smtp = d.smtp ? destinationOf(d.smtp, d.allowInsecureCerts) : undefined;
  return { password: smtp && sharesPassword(d.smtp) ? [imap, smtp] : [imap], smtpPassword: smtp && !sharesPassword(d.smtp) ? [smtp] : [] };
}

/** The account's binding; one saved before bindings existed is bound where it points now. */
export const bindingOf = (account: BoundAccount): SecretBinding => account.secretBinding ?? destinationsOf(account);

/**
 * The binding after an edit: a password typed with the edit binds to where it now goes; one not
 * typed keeps its binding (the edit was only allowed if it goes nowhere new, see unboundUses).
 */
export function rebind(before: SecretBinding, after: Destinations, typed: TypedSecrets): SecretBinding {
  const now = destinationsOf(after);
  return {
    password: typed.password !== undefined ? now.password : before.password,
    smtpPassword: typed.smtpPassword !== undefined ? now.smtpPassword : before.smtpPassword,
  };
}

/** How a destination reads in a message: "imap.example.com:143 (starttls, certificate not checked)". */
const describe = (server: Server, insecure: boolean | undefined) => `${server.host}:${server.port} (${server.security}${insecure ? ", certificate not checked" : ""})`;

/**
 * Each saved password that would go somewhere it is not bound to, as a problem on the field
 * where it must be typed again. Typed passwords go anywhere (they are being typed for it).
 */
export function unboundUses(binding: SecretBinding, target: Destinations, typed: TypedSecrets, hasSmtpPassword: boolean | undefined): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const boundHosts = (list: string[]) => list.map((d) => d.slice(0, d.lastIndexOf(":", d.indexOf("/"))));
  const problem = (field: string, server: Server, list: string[]): FieldProblem =>
    boundHosts(list).includes(server.host.toLowerCase())
      ? { field, key: "password_required_new_destination", params: { destination: describe(server, target.allowInsecureCerts) } }
      : { field, key: "password_required_new_host", params: { host: server.host } };
  if (typed.password === undefined) {
    const uses = [target.imap, ...(target.smtp && sharesPassword(target.smtp) ? [target.smtp] : [])];
    const elsewhere = uses.find((s) => !binding.password.includes(destinationOf(s, target.allowInsecureCerts)));
    if (elsewhere) problems.push(problem("password", elsewhere, binding.password));
  }
  if (typed.smtpPassword === undefined && hasSmtpPassword && target.smtp && !sharesPassword(target.smtp)) {
    if (!binding.smtpPassword.includes(destinationOf(target.smtp, target.allowInsecureCerts))) problems.push(problem("smtpPassword", target.smtp, binding.smtpPassword));
  }
  return problems;
}

/**
 * The one way to read an account's saved passwords in order to connect: refused (422,
 * password_destination_changed, naming the fields to type again) when the account, or the
 * `target` an edit is about to test, points anywhere the passwords were not typed for.
 * `typed` passwords are used as given and not read. Binds an unbound account on first read.
 */
export async function readBoundSecrets(
  deps: { db: Db; secrets: SecretStore },
  account: BoundAccount,
  options: { target?: Destinations; typed?: TypedSecrets } = {},
): Promise<{ password?: string; smtpPassword?: string }> {
  const typed = options.typed ?? {};
  const binding = bindingOf(account);
  const target = options.target ?? account;
  const problems = unboundUses(binding, target, typed, account.hasSmtpPassword);
  if (problems.length) throw new AppError("permanent", "password_destination_changed", { fields: problems });
  // a paused mailbox's saved password was refused again and again: sending it once more could
  // get the mailbox locked at the provider, so only a password typed now may log in
  if (
    typed.password === undefined &&
    account.state !== undefined &&
    !maySendSavedPassword({ state: account.state, authFailures: account.authFailures, pauseAfter: account.pauseAfter })
  ) {
    throw new AppError("permanent", "account_paused", { fields: [{ field: "password", key: "account_paused_password_required" }] });
  }
  if (!account.secretBinding) await bindAccount(deps.db, account.id, binding);
  const needsSmtp = typed.smtpPassword === undefined && account.hasSmtpPassword && !!target.smtp;
  // one secret holds both (accounts/credentials.ts): read only when a saved one is needed
  const saved = typed.password === undefined || needsSmtp ? await readCredentials(deps, account.id) : {};
  return { password: typed.password ?? saved.imap, smtpPassword: typed.smtpPassword ?? (needsSmtp ? saved.smtp : undefined) };
}

/**
 * The sync's check of its IMAP login: it reads the password alongside its lease (to save a
 * round trip) and so cannot go through readBoundSecrets; it calls this with the account the
 * lease returned before the password is sent anywhere.
 */
export async function ensureBound(db: Db, account: BoundAccount): Promise<void> {
  const binding = bindingOf(account);
  const problems = unboundUses(binding, { imap: account.imap, smtp: null, allowInsecureCerts: account.allowInsecureCerts }, {}, false);
  if (problems.length) throw new AppError("permanent", "password_destination_changed", { fields: problems });
  if (!account.secretBinding) await bindAccount(db, account.id, binding);
}

/** Writes the first binding of an account saved before bindings existed (only if it still has none). */
async function bindAccount(db: Db, id: string, binding: SecretBinding): Promise<void> {
  await db.update("main", keys.account(id), {
    expression: "SET secretBinding = :b",
    values: { ":b": binding },
    condition: "attribute_exists(pk) AND attribute_not_exists(secretBinding)",
  });
}
