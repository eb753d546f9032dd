import { ErrorBanner, Loading } from "../../../components";
import { useI18n } from "../../../i18n";
import { TestResults } from "../../../connectionTest";
import type { FormCtx } from "./context";

/** Step 4, beside the form: test the connection and send a test mail, with the results. */
export function TestPanel(props: { ctx: FormCtx }) {
  const { t } = useI18n();
  const { editing, account, providerName, test, mailTest, runTest, runMailTest, canTestMail, testKey, testResultRef } = props.ctx;
  return (
    <>
      {/* 4. Connection test ------------------------------------------------------------ */}
      <section className="card form-step test-card" aria-labelledby="step-test" ref={testResultRef}>
        <h2 className="form-step__title" id="step-test">
          <span className="form-step__num" aria-hidden="true">
            4
          </span>
          {t("accountForm.step4")}
        </h2>
        <p className="form-step__hint">{t("accountForm.testIntro")}</p>
        <div className="test-actions">
          <button type="button" className="btn" onClick={() => void runTest()} disabled={test.status === "running"} data-testid="account-test">
            {test.status === "running" ? <span className="spinner spinner--small" aria-hidden="true" /> : null}
            {test.status === "running" ? t("accountForm.testing") : t("accountForm.test")}
          </button>
          <button
            type="button"
            className="btn"
            onClick={() => void runMailTest()}
            disabled={!canTestMail || mailTest.status === "running"}
            data-testid="account-test-mail"
            aria-describedby="test-mail-hint"
          >
            {mailTest.status === "running" ? <span className="spinner spinner--small" aria-hidden="true" /> : null}
            {mailTest.status === "running" ? t("accountForm.testMailSending") : t("accountForm.testMail")}
          </button>
          <span id="test-mail-hint" className="field__hint">
            {canTestMail ? t("accountForm.testMailHint", { email: account!.email }) : editing ? t("accountForm.noSmtp") : t("accountForm.testMailSaveFirst")}
          </span>
        </div>
        <div aria-live="polite">
          {test.status === "running" ? <Loading /> : null}
          {test.status === "error" ? <ErrorBanner messages={[test.message]} testId="account-test-error" /> : null}
          {test.status === "done" ? (
            <TestResults kind="connection" result={test.result} stale={test.key !== testKey} providerLabel={providerName} testId="account-test-result" />
          ) : null}
          {mailTest.status === "error" ? <ErrorBanner messages={[mailTest.message]} testId="account-test-mail-error" /> : null}
          {mailTest.status === "done" ? <TestResults kind="mail" result={mailTest.result} providerLabel={providerName} testId="account-test-mail-result" /> : null}
        </div>
      </section>
    </>
  );
}
