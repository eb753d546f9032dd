// Results of "Test connection" and "Send test mail": each step with its time and, on failure,
// the cause and the fix in plain words (the server diagnoses; we only lay it out).
import { IconCheck, IconCross, IconMinus, RawDetails } from "./components";
import { type MessageKey, formatDuration, useI18n } from "./i18n";
import { noteText } from "./i18n/dynamic";
import type { ConnectionTestResult, TestMailResult } from "./api/types";
import type { ShownDiagnosis, ShownStep } from "./types";

const KNOWN_STEPS = new Set(["dns", "tcp", "tls", "imap_login", "folders", "smtp_login", "smtp_send", "imap_append"]);

export function useStepLabel() {
  const { t } = useI18n();
  return (step: ShownStep | string) => {
    const name = typeof step === "string" ? step : step.step;
    return KNOWN_STEPS.has(name) ? t(`step.${name}` as MessageKey) : name;
  };
}

/** The test mail's two parts (sending, the copy in Sent) as steps. */
export function testMailSteps(result: TestMailResult): ShownStep[] {
  const steps: ShownStep[] = [];
  if (result.sent)
    steps.push({
      step: "smtp_send",
      ok: result.sent.ok,
      skipped: result.sent.skipped,
      ms: result.sent.ms ?? null,
      note: result.sent.accepted?.length ? { key: "sent_to", params: { recipients: result.sent.accepted.join(", ") } } : null,
      diagnosis: result.sent.diagnosis ?? null,
    });
  if (result.savedToSent)
    steps.push({
      step: "imap_append",
      ok: result.savedToSent.ok,
      skipped: result.savedToSent.skipped,
      ms: result.savedToSent.ms ?? null,
      detail: result.savedToSent.folder ? `→ ${result.savedToSent.folder}` : null,
      diagnosis: result.savedToSent.diagnosis ?? null,
    });
  return steps;
}

export function TestResults(props: {
  kind: "connection" | "mail";
  result: { ok: boolean; steps: ShownStep[] } | ConnectionTestResult | TestMailResult;
  stale?: boolean;
  providerLabel?: string;
  testId: string;
  /** data-testid of the (first) diagnosis box. */
  diagnosisTestId?: string;
}) {
  const { t } = useI18n();
  const label = useStepLabel();
  const steps = props.kind === "mail" ? testMailSteps(props.result as TestMailResult) : ((props.result as ConnectionTestResult).steps ?? []);
  const failed = steps.find((s) => !s.ok && !s.skipped);
  // The server tests IMAP, then SMTP: one list per server when it says which step is whose.
  const groups: { protocol?: "imap" | "smtp"; steps: ShownStep[] }[] = [];
  for (const step of steps) {
    const last = groups[groups.length - 1];
    if (last && last.protocol === step.protocol) last.steps.push(step);
    else groups.push({ protocol: step.protocol, steps: [step] });
  }
  const ok = !failed && (props.kind === "mail" || (props.result as ConnectionTestResult).ok !== false);
  const summary = ok
    ? t(props.kind === "mail" ? "accountForm.testMailOk" : "accountForm.testOk")
    : t(props.kind === "mail" ? "accountForm.testMailFailed" : "accountForm.testFailed", {
        step: failed
          ? failed.protocol && (failed.step === "dns" || failed.step === "tcp" || failed.step === "tls")
            ? `${label(failed)} (${failed.protocol.toUpperCase()})`
            : label(failed)
          : "?",
      });
  // IMAP and SMTP sign-in refused for one reason: the diagnosis is said once, at the first step
  const repeated = new Set<ShownStep>();
  const said = new Set<string>();
  let firstSaid: ShownStep | undefined;
  for (const s of groups.flatMap((g) => g.steps)) {
    if (s.ok || s.skipped || !s.diagnosis) continue;
    const key = `${s.diagnosis.code}|${s.diagnosis.cause || s.diagnosis.message}`;
    if (said.has(key)) repeated.add(s);
    firstSaid ??= s;
    said.add(key);
  }
  return (
    <div className={`test-result test-result--${ok ? "ok" : "failed"}`} data-testid={props.testId} data-ok={ok ? "true" : "false"}>
      <p className={`test-result__summary${ok ? "" : " test-result__summary--failed"}`} role="status" data-testid={`${props.testId}-summary`}>
        {ok ? <IconCheck /> : <IconCross />}
        {summary}
      </p>
      {props.stale ? <p className="test-result__stale">{t("accountForm.testStale")}</p> : null}
      {groups.map((g) => (
        <div key={g.protocol ?? "all"} className="steps-group">
          {g.protocol && groups.length > 1 ? <p className="steps-group__title">{t(g.protocol === "imap" ? "accountForm.incoming" : "accountForm.outgoing")}</p> : null}
          <ol className="steps">
            {g.steps.map((s, i) => {
              const ran = !s.skipped && (s.ok || s.diagnosis || s.ms != null);
              const state = s.skipped || !ran ? "skipped" : s.ok ? "ok" : "failed";
              return (
                <li key={`${s.step}-${i}`} className={`step step--${state}`} data-testid="test-step" data-step={s.step} data-protocol={s.protocol} data-state={state}>
                  <div className="step__row">
                    <span className="step__icon" aria-hidden="true">
                      {state === "ok" ? <IconCheck /> : state === "failed" ? <IconCross /> : <IconMinus />}
                    </span>
                    <span className="step__name">{label(s)}</span>
                    <span className="visually-hidden">{state === "ok" ? "✓" : state === "failed" ? "✗" : t("accountForm.notRun")}</span>
                    {s.note && state !== "failed" ? <StepNoteText note={s.note} /> : null}
                    <span className="step__ms">{state === "skipped" ? t("accountForm.notRun") : typeof s.ms === "number" ? <StepMs ms={s.ms} /> : null}</span>
                  </div>
                  {s.detail && state !== "failed" ? <RawDetails text={s.detail} className="step__raw" /> : null}
                  {state === "failed" && s.diagnosis && repeated.has(s) ? <p className="step__failure">{t("accountForm.sameCause")}</p> : null}
                  {state === "failed" && s.diagnosis && !repeated.has(s) ? (
                    <DiagnosisBox diagnosis={s.diagnosis} providerLabel={props.providerLabel} testId={s === firstSaid ? props.diagnosisTestId : undefined} />
                  ) : null}
                  {state === "failed" && !s.diagnosis && s.detail ? <RawDetails text={s.detail} className="step__failure" /> : null}
                </li>
              );
            })}
          </ol>
        </div>
      ))}
    </div>
  );
}

function StepMs(props: { ms: number }) {
  const { lang } = useI18n();
  return <>{formatDuration(lang, props.ms)}</>;
}

function StepNoteText(props: { note: NonNullable<ShownStep["note"]> }) {
  const { t, lang } = useI18n();
  const text = noteText(t, lang, props.note);
  return (
    <span className="step__detail" title={text}>
      {text}
    </span>
  );
}

/** Cause, fix and the provider's own steps, in the language the API answered in. */
export function DiagnosisBox(props: { diagnosis: ShownDiagnosis; providerLabel?: string; testId?: string }) {
  const { t } = useI18n();
  const d = props.diagnosis;
  return (
    <div className="diagnosis" data-testid={props.testId ?? "test-diagnosis"} data-code={d.code}>
      {d.fix ? (
        <dl className="diagnosis__list">
          <div>
            <dt>{t("accountForm.cause")}</dt>
            <dd data-testid="diagnosis-cause">{d.cause || d.message}</dd>
          </div>
          <div>
            <dt>{t("accountForm.fix")}</dt>
            <dd data-testid="diagnosis-fix">{d.fix}</dd>
          </div>
        </dl>
      ) : (
        // Only the one-line message (cause, then fix) came with this answer
        <p data-testid="diagnosis-cause">{d.message || d.cause}</p>
      )}
      {d.providerSteps?.length ? (
        <div className="diagnosis__steps">
          <p className="diagnosis__steps-title">
            {props.providerLabel ? t("accountForm.providerSteps", { provider: props.providerLabel }) : t("accountForm.providerStepsGeneric")}
          </p>
          <ol>
            {d.providerSteps.map((step, i) => (
              <li key={i}>{step}</li>
            ))}
          </ol>
        </div>
      ) : null}
      {d.detail ? (
        <details className="diagnosis__detail raw-details">
          <summary>{t("accountForm.serverReply")}</summary>
          <code>{d.detail}</code>
        </details>
      ) : null}
    </div>
  );
}

/**
 * Saving runs the connection test first; a failure answers 400. The diagnosis may come as
 * error.diagnosis, inside error.test / error.steps, or only as a field message: take what is there.
 */
export function diagnosisOfSaveError(
  body: Record<string, unknown>,
  fields: { field: string; code?: string; message: string }[],
): { diagnosis: ShownDiagnosis | null; steps: ShownStep[] | null } | null {
  const isDiag = (code: unknown) => typeof code === "string" && code.startsWith("diag.");
  const test = (body.test && typeof body.test === "object" ? body.test : null) as { steps?: ShownStep[] } | null;
  const steps = Array.isArray(body.steps) ? (body.steps as ShownStep[]) : Array.isArray(test?.steps) ? test!.steps! : null;
  const direct = body.diagnosis && typeof body.diagnosis === "object" ? (body.diagnosis as ShownDiagnosis) : null;
  const fromSteps = steps?.find((s) => !s.ok && s.diagnosis)?.diagnosis ?? null;
  const fieldDiag = fields.find((f) => isDiag(f.code) || (f as { diagnosis?: unknown }).diagnosis);
  const fieldDiagnosis = (fieldDiag as { diagnosis?: ShownDiagnosis } | undefined)?.diagnosis;
  const fromField: ShownDiagnosis | null = fieldDiag ? (fieldDiagnosis ?? { code: String(fieldDiag.code ?? "").replace(/^diag\./, ""), cause: fieldDiag.message, fix: "" }) : null;
  const diagnosis = direct ?? fromSteps ?? fromField ?? (isDiag(body.code) ? { code: String(body.code).replace(/^diag\./, ""), cause: String(body.message ?? ""), fix: "" } : null);
  if (!diagnosis && !steps) return null;
  return { diagnosis, steps };
}
