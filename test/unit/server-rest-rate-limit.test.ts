/** KeyedRateLimit: one token bucket per key, and idle keys forgotten (its map stays small). */
import { describe, expect, it } from 'vitest';
import { KeyedRateLimit } from '../../hub/server/rest-rate-limit.js';

describe('KeyedRateLimit', () => {
  it('gives each key its own burst and refill', () => {
    let now = 0;
    const limit = new KeyedRateLimit(10, 2, () => now);
    expect([limit.take('a'), limit.take('a'), limit.take('a')]).toEqual([true, true, false]);
    expect(limit.take('b')).toBe(true);
    now += 100; // one token back at 10/s
    expect([limit.take('a'), limit.take('a')]).toEqual([true, false]);
  });

  it('forgets keys once they would be full again', () => {
    let now = 0;
    const limit = new KeyedRateLimit(10, 2, () => now); // full again after 200 ms
    for (let i = 0; i < 100; i++) limit.take(`ip${i}`);
    expect(limit.size).toBe(100);
    now += 250;
    limit.take('late');
    expect(limit.size).toBe(1);
  });
});
