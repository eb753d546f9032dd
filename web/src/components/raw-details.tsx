// The server's own words (a greeting, a certificate, an error code, a MIME type, an id) behind a
// "Details" disclosure: support reads them, the main text stays in the reader's language.
import { useI18n } from "../i18n";

export function RawDetails(props: { text: string | null | undefined; className?: string; testId?: string }) {
  const { t } = useI18n();
  if (!props.text) return null;
  return (
    <details className={`raw-details${props.className ? ` ${props.className}` : ""}`} data-testid={props.testId}>
      <summary>{t("details.summary")}</summary>
      <code>{props.text}</code>
    </details>
  );
}

/**
 * A stored error as the API describes it: its message in the reader's language; a code the
 * catalogue does not know comes back as its own message, and is then said as "an error the
 * console cannot describe" with the code behind "Details".
 */
export function StoredError(props: { error: { code: string; message: string } | null | undefined }) {
  const { t } = useI18n();
  const e = props.error;
  if (!e) return null;
  if (e.message && e.message !== e.code) return <>{e.message}</>;
  return (
    <>
      {t("common.undescribedError")}
      <RawDetails text={e.code} />
    </>
  );
}
