// Loading data for a page: the latest answer wins (a reply to an older request is dropped), and
// `reload` asks again. The loader is called again whenever one of `deps` changes. `set` replaces the
// data after a change the page made itself; given a function it updates the latest data, so two
// changes finishing close together both count (data is never a function here).
import { useCallback, useEffect, useRef, useState } from "react";

export type Load<T> = { status: "loading"; data: T | null } | { status: "done"; data: T } | { status: "error"; error: unknown; data: T | null };

export function useLoad<T>(
  load: (signal: AbortSignal) => Promise<T>,
  deps: readonly unknown[],
): Load<T> & { reload: () => void; set: (data: T | ((latest: T | null) => T)) => void } {
  const [state, setState] = useState<Load<T>>({ status: "loading", data: null });
  const [round, setRound] = useState(0);
  const loadRef = useRef(load);
  // Declared before the loading effect, so the loader it calls is this render's.
  useEffect(() => {
    loadRef.current = load;
  });

  useEffect(() => {
    const controller = new AbortController();
    setState((s) => ({ status: "loading", data: s.data }));
    loadRef.current(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ status: "done", data });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setState((s) => ({ status: "error", error, data: s.data }));
      },
    );
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller's deps say when to load again
  }, [round, ...deps]);

  const reload = useCallback(() => setRound((r) => r + 1), []);
  const set = useCallback(
    (next: T | ((latest: T | null) => T)) => setState((s) => ({ status: "done", data: typeof next === "function" ? (next as (latest: T | null) => T)(s.data) : next })),
    [],
  );
  return { ...state, reload, set };
}
