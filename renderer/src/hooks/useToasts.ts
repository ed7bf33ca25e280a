import { useCallback, useEffect, useRef, useState } from 'react';

export interface Toast {
  id: number;
  message: string;
  tone: 'error' | 'info';
}

/** Long enough to read two lines; errors that matter more (a lost server) get a banner instead. */
const TOAST_LIFETIME_MS = 8000;
/** More than this at once is noise; the oldest make room. */
const MAX_TOASTS = 4;

export function useToasts() {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);
  const timers = useRef(new Map<number, ReturnType<typeof setTimeout>>());

  const dismiss = useCallback((id: number) => {
    clearTimeout(timers.current.get(id));
    timers.current.delete(id);
    setToasts((current) => current.filter((toast) => toast.id !== id));
  }, []);

  const push = useCallback(
    (message: string, tone: Toast['tone'] = 'error') => {
      const id = nextId.current++;
      setToasts((current) => {
        // The same message twice in a row (e.g. several tabs failing alike) shows once.
        if (current.some((toast) => toast.message === message)) return current;
        return [...current, { id, message, tone }].slice(-MAX_TOASTS);
      });
      timers.current.set(
        id,
        setTimeout(() => dismiss(id), TOAST_LIFETIME_MS),
      );
    },
    [dismiss],
  );

  useEffect(() => {
    const pending = timers.current;
    return () => pending.forEach((timer) => clearTimeout(timer));
  }, []);

  return { toasts, push, dismiss };
}
