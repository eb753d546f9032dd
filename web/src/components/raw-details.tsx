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
