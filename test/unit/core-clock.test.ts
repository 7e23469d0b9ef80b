/**
 * Session times are kept as milliseconds since the hub loaded: whole and exact, small integers
 * while they fit, and still right past that (no wrap-around after 24 days).
 */
import { describe, expect, it } from 'vitest';
import { CLOCK_ORIGIN, sinceOrigin } from '../../hub/core/clock.js';

describe('session clock', () => {
  it('counts from the origin and gives the wall time back exactly', () => {
    const now = Date.now();
    const ms = sinceOrigin(now);
    expect(ms).toBe(now - CLOCK_ORIGIN);
    expect(Number.isInteger(ms)).toBe(true);
    expect(CLOCK_ORIGIN + ms).toBe(now);
  });

  it('does not wrap past the small-integer range, nor before the origin', () => {
    const days40 = 40 * 24 * 3600 * 1000;
    expect(sinceOrigin(CLOCK_ORIGIN + days40)).toBe(days40);
    expect(sinceOrigin(CLOCK_ORIGIN + 2 ** 31)).toBe(2 ** 31);
    expect(sinceOrigin(CLOCK_ORIGIN - 5)).toBe(-5);
  });
});
