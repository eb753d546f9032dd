// The Users page's dialogs: edit a user, and the temporary password shown once after a reset.
import { useState, type FormEvent } from "react";
import { api } from "../../api";
import { ErrorBanner, FormField, Modal, TextField } from "../../components";
import { useSubmit } from "../../hooks";
import { useI18n, type Lang } from "../../i18n";
import type { Role, User } from "../../api/types";

/** A select of the two languages mails are written in. */
export function LanguageField(props: { value: Lang; onChange: (lang: Lang) => void; error?: string | undefined; hint?: string; testId: string }) {
  const { t } = useI18n();
  return (
    <FormField label={t("users.language")} error={props.error} hint={props.hint}>
      {({ id, describedBy, invalid }) => (
        <select
          id={id}
          className="input"
          value={props.value}
          onChange={(e) => props.onChange(e.target.value === "en" ? "en" : "ja")}
          aria-describedby={describedBy}
          aria-invalid={invalid || undefined}
          data-testid={props.testId}
        >
          <option value="ja">{t("lang.ja")}</option>
          <option value="en">{t("lang.en")}</option>
        </select>
      )}
    </FormField>
  );
}

export function RoleField(props: { value: Role; onChange: (role: Role) => void; error?: string | undefined; testId: string }) {
  const { t } = useI18n();
  return (
    <FormField label={t("users.role")} error={props.error}>
      {({ id, describedBy, invalid }) => (
        <select
          id={id}
          className="input"
          value={props.value}
          onChange={(e) => props.onChange(e.target.value === "admin" ? "admin" : "member")}
          aria-describedby={describedBy}
          aria-invalid={invalid || undefined}
          data-testid={props.testId}
        >
          <option value="member">{t("role.member")}</option>
          <option value="admin">{t("role.admin")}</option>
        </select>
      )}
    </FormField>
  );
}

/** Name, role and mail language of one user; the server refuses demoting the last active admin (400 on role). */
export function EditUserDialog(props: { user: User; onSaved: (u: User) => void; onClose: () => void }) {
  const { t, lang } = useI18n();
  const [name, setName] = useState(props.user.name);
  const [role, setRole] = useState<Role>(props.user.role);
  const [language, setLanguage] = useState<Lang>(props.user.language ?? lang);
  const { busy, errors, fieldErrors, run } = useSubmit({ fieldKey: (f) => (["name", "role", "language"].includes(f) ? f : null) });

  async function submit(e: FormEvent) {
    e.preventDefault();
    const outcome = await run(() => api.updateUser(props.user.id, { name: name.trim(), role, language }));
    if (outcome.ok) props.onSaved(outcome.value);
  }

  return (
    <Modal title={t("users.editTitle", { email: props.user.email })} busy={busy} onClose={props.onClose} testId="user-edit-dialog">
      <form className="form" onSubmit={submit} noValidate>
        <ErrorBanner messages={errors} testId="user-edit-error" />
        <TextField label={t("users.name")} error={fieldErrors.name} value={name} onValueChange={setName} testId="user-edit-name" />
        <RoleField value={role} onChange={setRole} error={fieldErrors.role} testId="user-edit-role" />
        <LanguageField value={language} onChange={setLanguage} error={fieldErrors.language} hint={t("users.languageHint")} testId="user-edit-language" />
        <div className="dialog__actions">
          <button type="button" className="btn" onClick={props.onClose} disabled={busy} data-testid="user-edit-cancel">
            {t("common.cancel")}
          </button>
          <button type="submit" className="btn btn--primary" disabled={busy} data-testid="user-edit-save">
            {busy ? t("common.saving") : t("common.save")}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** The temporary password, shown this once: only its hash is kept, so it is gone once the dialog closes. */
export function TemporaryPasswordDialog(props: { user: User; password: string; onClose: () => void }) {
  const { t } = useI18n();
  return (
    <Modal title={t("users.temporaryTitle", { name: props.user.name || props.user.email })} onClose={props.onClose} testId="user-temporary">
      <p className="dialog__body">{t("users.temporaryBody")}</p>
      <p>
        <code className="cell-main" data-testid="user-temporary-password">
          {props.password}
        </code>
      </p>
      <div className="dialog__actions">
        <button type="button" className="btn btn--primary" onClick={props.onClose} data-testid="user-temporary-done" autoFocus>
          {t("users.temporaryDone")}
        </button>
      </div>
    </Modal>
  );
}
