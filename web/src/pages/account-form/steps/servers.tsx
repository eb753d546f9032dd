import { IconWarning, SecuritySelect, TextField } from "../../../components";
import { useI18n, type MessageKey } from "../../../i18n";
import { IMAP_PORT, SMTP_PORT } from "../model";
import type { Security } from "../../../api/types";
import type { ServerForm, Source } from "../model";
import type { FormCtx } from "./context";

/** The servers, SMTP sign-in and certificate settings of step 3. */
export function ServersSection(props: { ctx: FormCtx }) {
  const { t } = useI18n();
  const { form, set, clearFieldError, err, fieldErrors, editing, account, setUserTouched, setServer, changeSecurity, smtpPassword, setSmtpPassword } = props.ctx;
  return (
    <>
      <ServerFields
        which="imap"
        legend={t("accountForm.incoming")}
        server={form.imap}
        source={form.imapSource}
        errors={fieldErrors}
        email={form.email}
        onChange={(patch) => {
          if ("user" in patch) setUserTouched();
          setServer("imap", patch);
        }}
        onSecurity={(s) => changeSecurity("imap", s)}
      />

      <fieldset className="form__section">
        <legend className="form__legend form__legend--with-source">
          {t("accountForm.outgoing")}
          {form.smtpSource && form.smtpEnabled ? <SourceBadge source={form.smtpSource} /> : null}
        </legend>
        {form.smtpEnabled ? (
          <>
            <ServerRow which="smtp" server={form.smtp} errors={fieldErrors} onChange={(patch) => setServer("smtp", patch)} onSecurity={(s) => changeSecurity("smtp", s)} />
            <label className="check">
              <input type="checkbox" checked={form.sameCredentials} onChange={(e) => set("sameCredentials", e.target.checked)} data-testid="account-smtp-same" />
              <span className="check__text">
                <span className="check__label">{t("accountForm.sameCredentials")}</span>
              </span>
            </label>
            {!form.sameCredentials ? (
              <div className="form__row">
                <TextField
                  label={t("accountForm.smtpUser")}
                  error={err("smtp.user")}
                  value={form.smtp.user}
                  onValueChange={(v) => setServer("smtp", { user: v })}
                  autoComplete="off"
                  spellCheck={false}
                  testId="account-smtp-user"
                />
                <TextField
                  label={t("accountForm.smtpPassword")}
                  error={err("smtpPassword")}
                  hint={editing && account?.hasSmtpPassword ? t("accountForm.smtpPasswordSaved") : t("accountForm.passwordHint")}
                  type="password"
                  value={smtpPassword}
                  placeholder={editing && account?.hasSmtpPassword ? "••••••••" : undefined}
                  onValueChange={(v) => {
                    setSmtpPassword(v);
                    clearFieldError("smtpPassword");
                  }}
                  autoComplete="new-password"
                  testId="account-smtp-password"
                />
              </div>
            ) : null}
            <p className="inline-hint">
              <button type="button" className="btn-link" onClick={() => set("smtpEnabled", false)} data-testid="account-smtp-remove">
                {t("accountForm.removeSmtp")}
              </button>
            </p>
          </>
        ) : (
          <p className="inline-hint inline-hint--flat">
            {t("accountForm.noSmtp")}{" "}
            <button type="button" className="btn-link" onClick={() => set("smtpEnabled", true)} data-testid="account-smtp-add">
              {t("accountForm.addSmtp")}
            </button>
          </p>
        )}
      </fieldset>

      <fieldset className="form__section">
        <legend className="form__legend">{t("accountForm.sectionSecurity")}</legend>
        <label className={`check${form.allowInsecureCerts ? " check--warn" : ""}`}>
          <input
            type="checkbox"
            checked={form.allowInsecureCerts}
            onChange={(e) => {
              set("allowInsecureCerts", e.target.checked);
              clearFieldError("allowInsecureCerts");
            }}
            data-testid="account-insecure"
          />
          <span className="check__text">
            <span className="check__label">{t("accountForm.insecure")}</span>
            <span className={`check__hint${form.allowInsecureCerts ? " check__hint--warn" : ""}`} data-testid="account-insecure-warning">
              {form.allowInsecureCerts ? <IconWarning /> : null}
              {t("accountForm.insecureWarning")}
            </span>
            {err("allowInsecureCerts") ? <span className="field__error">{err("allowInsecureCerts")}</span> : null}
          </span>
        </label>
      </fieldset>
    </>
  );
}

function SourceBadge(props: { source: Source }) {
  const { t } = useI18n();
  return (
    <span
      className={`source source--${props.source}`}
      data-testid="setting-source"
      data-source={props.source}
      title={t("source.label", { source: t(`source.${props.source}` as MessageKey) })}
    >
      {t(`source.${props.source}` as MessageKey)}
    </span>
  );
}

export function ServerLine(props: { label: string; server: ServerForm | null; source: Source | null }) {
  const { t } = useI18n();
  return (
    <span className="server-line">
      <span className="server-line__label">{props.label}</span>
      {props.server ? (
        <>
          <code className="server-line__host">
            {props.server.host}:{props.server.port}
          </code>
          <span className="muted">{t(`security.${props.server.security}` as MessageKey)}</span>
          {props.source ? <SourceBadge source={props.source} /> : null}
        </>
      ) : (
        <span className="muted">{t("accountForm.notSet")}</span>
      )}
    </span>
  );
}

function ServerRow(props: {
  which: "imap" | "smtp";
  server: ServerForm;
  errors: Record<string, string>;
  onChange: (patch: Partial<ServerForm>) => void;
  onSecurity: (s: Security) => void;
}) {
  const { t } = useI18n();
  const { which, server } = props;
  const usual = (which === "imap" ? IMAP_PORT : SMTP_PORT)[server.security];
  const portDiffers = server.port.trim() !== String(usual);
  return (
    <>
      <div className="form__row form__row--server">
        <TextField
          label={t(which === "imap" ? "accountForm.host" : "accountForm.smtpHost")}
          error={props.errors[`${which}.host`]}
          fieldClassName="field--grow"
          value={server.host}
          placeholder={t(which === "imap" ? "accountForm.hostPlaceholder" : "accountForm.smtpHostPlaceholder")}
          onValueChange={(v) => props.onChange({ host: v })}
          autoComplete="off"
          spellCheck={false}
          testId={which === "imap" ? "account-host" : "account-smtp-host"}
        />
        <SecuritySelect
          label={t("accountForm.security")}
          error={props.errors[`${which}.security`]}
          className="field--security"
          value={server.security}
          onChange={props.onSecurity}
          testId={which === "imap" ? "account-security" : "account-smtp-security"}
        />
        <TextField
          label={t("accountForm.port")}
          error={props.errors[`${which}.port`]}
          fieldClassName="field--port"
          inputMode="numeric"
          value={server.port}
          onValueChange={(v) => props.onChange({ port: v })}
          autoComplete="off"
          testId={which === "imap" ? "account-port" : "account-smtp-port"}
        />
      </div>
      {portDiffers ? (
        <p className="inline-hint" data-testid={which === "imap" ? "account-port-suggest" : "account-smtp-port-suggest"}>
          {t("accountForm.portSuggest", { security: t(`security.${server.security}` as MessageKey), port: usual })}{" "}
          <button type="button" className="btn-link" onClick={() => props.onChange({ port: String(usual) })}>
            {t("accountForm.usePort", { port: usual })}
          </button>
        </p>
      ) : null}
      {server.security === "none" ? (
        <div className="warning">
          <IconWarning />
          <span>{t("accountForm.noneWarning")}</span>
        </div>
      ) : null}
    </>
  );
}

function ServerFields(props: {
  which: "imap";
  legend: string;
  server: ServerForm;
  source: Source | null;
  errors: Record<string, string>;
  email: string;
  onChange: (patch: Partial<ServerForm>) => void;
  onSecurity: (s: Security) => void;
}) {
  const { t } = useI18n();
  return (
    <fieldset className="form__section">
      <legend className="form__legend form__legend--with-source">
        {props.legend}
        {props.source ? <SourceBadge source={props.source} /> : null}
      </legend>
      <ServerRow which="imap" server={props.server} errors={props.errors} onChange={props.onChange} onSecurity={props.onSecurity} />
      <TextField
        label={t("accountForm.user")}
        error={props.errors["imap.user"]}
        hint={t("accountForm.userHint")}
        fieldClassName="field--half"
        value={props.server.user}
        placeholder={props.email}
        onValueChange={(v) => props.onChange({ user: v })}
        autoComplete="off"
        spellCheck={false}
        testId="account-user"
      />
    </fieldset>
  );
}
