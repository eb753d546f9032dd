// Add a user: with an initial password, or (when notification mail is on) an invitation mail
// carrying a one-time set-password link in the user's language.
import { useState, type FormEvent } from "react";
import { api } from "../../api";
import { ErrorBanner, FormField, TextField } from "../../components";
import { useSubmit } from "../../hooks";
import { useI18n, type Lang } from "../../i18n";
import type { Role, User } from "../../api/types";
import { LanguageField, RoleField } from "./dialogs";

export function NewUserForm(props: { passwordMail: boolean; onCreated: (u: User, invitation: "sent" | "failed" | null) => void }) {
  const { t, lang } = useI18n();
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState<Role>("member");
  const [language, setLanguage] = useState<Lang>(lang);
  const [invite, setInvite] = useState(true);
  const inviting = props.passwordMail && invite;
  const { busy, errors, fieldErrors, run } = useSubmit({ fieldKey: (f) => (["email", "name", "password", "role", "language", "invite"].includes(f) ? f : null) });

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const secret = password;
    setPassword("");
    const base = { email: email.trim(), name: name.trim(), role, language };
    const outcome = await run(() => api.createUser(inviting ? { ...base, invite: true } : { ...base, password: secret }));
    if (!outcome.ok) return;
    setEmail("");
    setName("");
    setRole("member");
    const { invitation, ...user } = outcome.value;
    props.onCreated(user, invitation);
  }

  return (
    <form className="card form form--compact" onSubmit={submit} noValidate autoComplete="off">
      <h2 className="card__title">{t("users.add")}</h2>
      <ErrorBanner messages={errors} testId="user-new-error" />
      <TextField label={t("users.name")} error={fieldErrors.name} value={name} onValueChange={setName} testId="user-new-name" />
      <TextField
        label={t("users.email")}
        error={fieldErrors.email}
        type="email"
        value={email}
        onValueChange={setEmail}
        autoComplete="off"
        spellCheck={false}
        testId="user-new-email"
      />
      {props.passwordMail ? (
        <FormField label={t("users.invite")} hint={t("users.inviteHint")} error={fieldErrors.invite}>
          {({ id, describedBy }) => (
            <label className="check">
              <input id={id} type="checkbox" checked={invite} onChange={(e) => setInvite(e.target.checked)} aria-describedby={describedBy} data-testid="user-new-invite" />
              <span>{t("users.invite")}</span>
            </label>
          )}
        </FormField>
      ) : null}
      {inviting ? null : (
        <TextField
          label={t("users.password")}
          error={fieldErrors.password}
          hint={props.passwordMail ? t("users.passwordHint") : `${t("users.passwordHint")} ${t("users.noMailHint")}`}
          type="password"
          value={password}
          onValueChange={setPassword}
          autoComplete="new-password"
          testId="user-new-password"
        />
      )}
      <RoleField value={role} onChange={setRole} error={fieldErrors.role} testId="user-new-role" />
      <LanguageField value={language} onChange={setLanguage} error={fieldErrors.language} testId="user-new-language" />
      <div className="form__actions">
        <button type="submit" className="btn btn--primary" disabled={busy} data-testid="user-new-save">
          {busy ? t("common.saving") : t("users.add")}
        </button>
      </div>
    </form>
  );
}
