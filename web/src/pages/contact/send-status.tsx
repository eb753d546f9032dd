// The sending status of a message written in the CRM, on its history row: queued, sent, or not
// sent with the reason and what to do (the API gives both in the user's language).
import { useI18n } from "../../i18n";
import type { SendingStatus } from "../../api/types";

export function SendStatus(props: { sending: SendingStatus }) {
  const { t } = useI18n();
  const { status, failure } = props.sending;
  const title = failure ? (status === "failed" ? t("sendStatus.failedTitle", { message: failure.message }) : t("sendStatus.retrying", { message: failure.message })) : undefined;
  return (
    <>
      <span className={`send-status send-status--${status}`} title={title} data-testid="send-status" data-status={status}>
        {t(`sendStatus.${status}`)}
      </span>
      {failure && status === "failed" ? (
        <span className="send-failure" data-testid="send-failure" data-code={failure.code}>
          {failure.cause} {failure.fix}
        </span>
      ) : null}
    </>
  );
}
