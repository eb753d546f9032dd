// The one submit path of every console form: busy while the request runs (a second submit is
// ignored), the API's error.fields shown beside their fields, everything else in the banner.
import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError } from "../api";
import type { FieldError } from "../api/types";
import { errorText, splitFieldErrors } from "../components";
import { useI18n } from "../i18n";

export interface SubmitOptions {
  /** Where an error field is shown ("aliases.2" -> "aliases"); null puts its message in the banner. Default: every field shown under its own name. */
  fieldKey?: (field: string) => string | null;
  /** Rewrites the field errors before they are shown (e.g. to name the list value a message is about). */
  mapFields?: (fields: FieldError[]) => FieldError[];
  /** The banner's first line for an error; default: the server's message (already in the user's language). */
  headline?: (err: unknown) => string;
}

export interface Submit {
  busy: boolean;
  /** Banner lines: the request's error and the field errors that have no field on the form. */
  errors: string[];
  /** Error text per field key. */
  fieldErrors: Record<string, string>;
  /** Runs the request. Never rejects: a failure is shown and handed back; `skipped` when another submit was running. */
  run: <R>(request: () => Promise<R>) => Promise<Outcome<R>>;
  /** Hides the errors of fields the user changed. */
  clearFieldError: (...keys: string[]) => void;
  setErrors: (errors: string[]) => void;
}

export type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown; skipped?: true };

const sameName = (field: string) => field;

export function useSubmit(options: SubmitOptions = {}): Submit {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<string[]>([]);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  // A ref, not the state: two clicks in one frame both see busy === false.
  const running = useRef(false);
  const optionsRef = useRef(options);
  useEffect(() => {
    optionsRef.current = options;
  });

  const run = useCallback(
    async <R>(request: () => Promise<R>): Promise<Outcome<R>> => {
      if (running.current) return { ok: false, error: null, skipped: true };
      running.current = true;
      setBusy(true);
      setErrors([]);
      setFieldErrors({});
      try {
        return { ok: true, value: await request() };
      } catch (err) {
        const { fieldKey = sameName, mapFields, headline } = optionsRef.current;
        const fields = err instanceof ApiError ? err.fields : [];
        const split = splitFieldErrors(mapFields ? mapFields(fields) : fields, fieldKey);
        setFieldErrors(split.byField);
        setErrors([headline ? headline(err) : errorText(err, t), ...split.other].filter(Boolean));
        return { ok: false, error: err };
      } finally {
        running.current = false;
        setBusy(false);
      }
    },
    [t],
  );

  const clearFieldError = useCallback((...keys: string[]) => {
    setFieldErrors((e) => {
      if (!keys.some((k) => k in e)) return e;
      const next = { ...e };
      for (const k of keys) delete next[k];
      return next;
    });
  }, []);

  return { busy, errors, fieldErrors, run, clearFieldError, setErrors };
}
