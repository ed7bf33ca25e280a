import { useEffect, useState } from 'react';

/** The current time, refreshed every `intervalMs` (0 stops the clock), for "5 min ago" and running durations. */
export function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (intervalMs <= 0) return;
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
