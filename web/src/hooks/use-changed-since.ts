// A cheap "has it changed since" poll: asks `version` every `ms` and calls `onChange` only when
// the answer differs from the last one (never for the first answer, which the page loaded with).
import { useEffect, useRef } from "react";
import { usePolling } from "./use-polling";

export function useChangedSince(version: () => Promise<string>, onChange: () => void, ms: number, active: boolean): void {
  const last = useRef<string | null>(null);
  const asking = useRef(false);
  const ask = () => {
    if (asking.current) return;
    asking.current = true;
    version()
      .then((v) => {
        const before = last.current;
        last.current = v;
        if (before !== null && before !== v) onChange();
      })
      .catch(() => undefined) // a missed poll is tried again at the next tick
      .finally(() => (asking.current = false));
  };
  const askRef = useRef(ask);
  useEffect(() => {
    askRef.current = ask;
  });
  // the baseline at once, so a change soon after the page loaded is not missed
  useEffect(() => {
    if (active) askRef.current();
  }, [active]);
  usePolling(() => askRef.current(), ms, active);
}
