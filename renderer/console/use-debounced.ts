/** Calls `apply` with `value` once it has stopped changing for a moment (search boxes). */
import { useEffect, useRef } from 'react';

export const DEBOUNCE_MS = 300;

export function useDebounced<T>(value: T, apply: (value: T) => void, ms = DEBOUNCE_MS): void {
  const latest = useRef(apply);
  latest.current = apply;
  const first = useRef(true);
  useEffect(() => {
    // The value a page opens with is already the store's.
    if (first.current) {
      first.current = false;
      return;
    }
    const t = setTimeout(() => latest.current(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
}
