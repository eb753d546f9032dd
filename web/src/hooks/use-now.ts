// The current time, moving every `ms`: relative times ("2 minutes ago") keep ticking on a page
// that does not reload.
import { useState } from "react";
import { usePolling } from "./use-polling";

export function useNow(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  usePolling(() => setNow(Date.now()), ms, true);
  return now;
}
