// Step 3, folded until opened (or until an error or a missing server needs it): servers,
// security, sending, sync and sharing, each section in its own file.
import { IconChevron } from "../../../components";
import { useI18n } from "../../../i18n";
import type { FormCtx } from "./context";
import { SendingSection, SyncSection } from "./folders";
import { ServerLine, ServersSection } from "./servers";
import { SharingSection } from "./sharing";

export function AdvancedStep(props: { ctx: FormCtx }) {
  const { t } = useI18n();
  const { form, advancedOpen, setAdvancedOpen } = props.ctx;
  return (
    <section className="card form-step" aria-labelledby="step-advanced">
      <h2 className="form-step__title form-step__title--toggle" id="step-advanced">
        <span className="form-step__num" aria-hidden="true">
          3
        </span>
        <button
          type="button"
          className="form-step__toggle"
          aria-expanded={advancedOpen}
          aria-controls="advanced-body"
          onClick={() => setAdvancedOpen((o) => !o)}
          data-testid="account-advanced-toggle"
        >
          {t("accountForm.step3")}
          <IconChevron open={advancedOpen} />
        </button>
      </h2>
      {!advancedOpen ? (
        <p className="server-summary" data-testid="account-server-summary">
          <ServerLine label={t("accountForm.incoming")} server={form.imap.host ? form.imap : null} source={form.imapSource} />
          <ServerLine label={t("accountForm.outgoing")} server={form.smtpEnabled && form.smtp.host ? form.smtp : null} source={form.smtpSource} />
        </p>
      ) : null}
      <div id="advanced-body" hidden={!advancedOpen} className="advanced">
        <ServersSection ctx={props.ctx} />
        <SendingSection ctx={props.ctx} />
        <SyncSection ctx={props.ctx} />
        <SharingSection ctx={props.ctx} />
      </div>
    </section>
  );
}
