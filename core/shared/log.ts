/**
 * Structured JSON logging to stdout (CloudWatch reads it as is). Values under keys that
 * look secret are replaced before anything is written: a password must never reach a log
 * line, even when a caller passes a whole object by mistake.
 */
const SECRET_KEY = /pass(word)?|secret|token|authorization|cookie|credential|^auth$/i;
const MAX_DEPTH = 6;

export type LogFields = Record<string, unknown>;

export function redact(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== "object") return value;
  if (depth > MAX_DEPTH) return "[depth]";
  if (value instanceof Error) {
    const out: LogFields = { name: value.name, message: value.message };
    for (const k of ["code", "kind", "responseCode", "command", "serverResponseCode", "authenticationFailed"]) {
      const v = (value as unknown as LogFields)[k];
      if (v !== undefined) out[k] = v;
    }
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: LogFields = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? "[redacted]" : redact(v, depth + 1);
  return out;
}

type Level = "debug" | "info" | "warn" | "error";
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

/** Where lines go; tests swap it to capture every line. */
export const logSink: { write: (line: string) => void } = { write: (line) => void process.stdout.write(line + "\n") };

export function createLogger(base: LogFields = {}, level: Level = (process.env.LOG_LEVEL as Level) || "info"): Logger {
  const emit = (lvl: Level, msg: string, fields?: LogFields) => {
    if (ORDER[lvl] < ORDER[level]) return;
    logSink.write(JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...(redact({ ...base, ...fields }) as LogFields) }));
  };
  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    child: (fields) => createLogger({ ...base, ...fields }, level),
  };
}
