// Calls `tick` every `ms` while `active`; stops when the page goes away or `active` turns false.
// The latest `tick` is called each time, so it may read fresh state without restarting the timer.
import { useEffect, useRef } from "react";

export function usePolling(tick: () => void, ms: number, active: boolean): void {
  const tickRef = useRef(tick);
  useEffect(() => {
    tickRef.current = tick;
  });
  useEffect(() => {
    if (!active) return;
    const timer = window.setInterval(() => tickRef.current(), ms);
    return () => window.clearInterval(timer);
  }, [ms, active]);
}
