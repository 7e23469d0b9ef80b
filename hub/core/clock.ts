/**
 * Times a session keeps for its whole life, as milliseconds since the hub loaded. Those stay small
 * integers for 24 days, which V8 keeps inside the object; a `Date.now()` there is a boxed double,
 * 16 bytes more per field and connection. (Past 24 days the fields become doubles: still correct.)
 */
export const CLOCK_ORIGIN = Date.now();

/** Now, as milliseconds since `CLOCK_ORIGIN`. */
export function sinceOrigin(now = Date.now()): number {
  const ms = now - CLOCK_ORIGIN;
  // A difference of doubles is a double to V8 even when whole; `| 0` makes it a small integer
  // (only in int32 range, so it never wraps).
  return ms >= 0 && ms < SMALL_LIMIT ? ms | 0 : ms;
}

const SMALL_LIMIT = 2 ** 31;
