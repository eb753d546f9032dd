// The フリガナ field of the contact add and edit forms.
import { TextField } from "../../components";
import { useI18n } from "../../i18n";

/** Kana only (the server says so in a 400 otherwise); `lang="ja"` so the IME and the font are Japanese. */
export function ReadingField(props: { value: string; onValueChange: (value: string) => void; error?: string | undefined; testId: string }) {
  const { t } = useI18n();
  return (
    <TextField
      label={t("contactForm.reading")}
      error={props.error}
      hint={t("contactForm.readingHint")}
      optional
      value={props.value}
      onValueChange={props.onValueChange}
      autoComplete="off"
      lang="ja"
      testId={props.testId}
    />
  );
}
