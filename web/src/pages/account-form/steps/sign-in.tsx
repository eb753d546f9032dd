import { IconWarning, TextField } from "../../../components";
import { useI18n } from "../../../i18n";
import type { FormCtx } from "./context";
import { OAuthConnect } from "./oauth-connect";

/** Step 2: how to sign in (the provider's app-password or OAuth steps), the password and the sender name. */
export function SignInStep(props: { ctx: FormCtx }) {
  const { t } = useI18n();
  const { form, set, clearFieldError, err, editing, account, provider, providerName, password, setPassword, setSaveFailure, passwordLabel } = props.ctx;
  return (
    <section className="card form-step" aria-labelledby="step-signin">
      <h2 className="form-step__title" id="step-signin">
        <span className="form-step__num" aria-hidden="true">
          2
        </span>
        {t("accountForm.step2")}
      </h2>
      {/* a mailbox connected with OAuth2 needs no password advice: it says how it is connected instead */}
      {account?.authMethod === "oauth2" ? null : provider?.auth === "oauth2_only" ? (
        <div className="callout callout--warn" data-testid="provider-oauth">
          <IconWarning />
          <div>
            <p className="callout__title">{t("accountForm.oauthTitle", { provider: providerName })}</p>
            <p>{t("accountForm.oauthBody")}</p>
            {provider.appPasswordSteps.length ? (
              <ul className="callout__list">
                {provider.appPasswordSteps.map((s, i) => (
                  <li key={i}>{s}</li>
                ))}
              </ul>
            ) : null}
          </div>
        </div>
      ) : provider?.auth === "app_password" ? (
        <div className="callout callout--info" data-testid="provider-app-password">
          <div>
            <p className="callout__title">{t("accountForm.appPasswordNeeded", { provider: providerName })}</p>
            {provider.appPasswordSteps.length ? (
              <>
                <p className="callout__sub">{t("accountForm.appPasswordHowTo")}</p>
                <ol className="callout__list">
                  {provider.appPasswordSteps.map((s, i) => (
                    <li key={i}>{s}</li>
                  ))}
                </ol>
              </>
            ) : null}
          </div>
        </div>
      ) : provider && provider.appPasswordSteps.length ? (
        <details className="howto" data-testid="provider-password-steps">
          <summary>{provider.id === "other" ? t("accountForm.passwordHowToGeneric") : t("accountForm.passwordHowTo", { provider: providerName })}</summary>
          <ol>
            {provider.appPasswordSteps.map((s, i) => (
              <li key={i}>{s}</li>
            ))}
          </ol>
        </details>
      ) : null}
      <OAuthConnect account={account} email={form.email} />
      <div className="form__row">
        <TextField
          label={passwordLabel}
          error={err("password")}
          hint={editing && account?.hasPassword ? t("accountForm.passwordSaved") : t("accountForm.passwordHint")}
          type="password"
          value={password}
          placeholder={editing && account?.hasPassword ? "••••••••" : undefined}
          onValueChange={(v) => {
            setPassword(v);
            clearFieldError("password");
            setSaveFailure(null);
          }}
          autoComplete="new-password"
          testId="account-password"
        />
        <TextField
          label={t("accountForm.senderName")}
          error={err("displayName")}
          hint={t("accountForm.senderNameHint")}
          optional
          value={form.displayName}
          onValueChange={(v) => {
            set("displayName", v);
            clearFieldError("displayName");
          }}
          testId="account-display-name"
        />
      </div>
    </section>
  );
}
