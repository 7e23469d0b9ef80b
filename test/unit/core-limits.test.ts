/**
 * TokenBucket, ErrorBudget and ConnectionCounter on an injected clock: a burst then the sustained
 * rate exactly, refused attempts not spent, errors forgotten after the window, slots freed on
 * remove; a bucket says it is full, and a budget clear, only once a new one would answer the same.
 */
import { describe, expect, it } from 'vitest';
import { ConnectionCounter, ErrorBudget, TokenBucket } from '../../hub/core/limits.js';
import type { HubError } from '../../hub/protocol/index.js';

function clock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

describe('TokenBucket', () => {
  it('lets a full burst through at once, then refuses', () => {
    const c = clock();
    const bucket = new TokenBucket(10, 5, c.now);
    for (let i = 0; i < 5; i++) expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
    expect(bucket.take()).toBe(false);
  });

  it('refills at the sustained rate and never above the burst', () => {
    const c = clock();
    const bucket = new TokenBucket(10, 5, c.now);
    for (let i = 0; i < 5; i++) bucket.take();
    c.advance(99);
    expect(bucket.take()).toBe(false); // 0.99 of a token
    c.advance(2);
    expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
    c.advance(60_000);
    let n = 0;
    while (bucket.take()) n++;
    expect(n).toBe(5);
  });

  it('sustains exactly the rate over a long run', () => {
    const c = clock();
    const bucket = new TokenBucket(100, 1, c.now);
    bucket.take();
    let accepted = 0;
    for (let ms = 0; ms < 10_000; ms++) {
      c.advance(1);
      if (bucket.take()) accepted++;
    }
    expect(accepted).toBeGreaterThanOrEqual(999);
    expect(accepted).toBeLessThanOrEqual(1000);
  });

  it('does not count refused attempts as spent', () => {
    const c = clock();
    const bucket = new TokenBucket(1, 1, c.now);
    bucket.take();
    for (let i = 0; i < 100; i++) bucket.take();
    c.advance(1000);
    expect(bucket.take()).toBe(true);
  });

  it('is full again only once it has refilled to the burst, as a new bucket starts', () => {
    const c = clock();
    const bucket = new TokenBucket(10, 5, c.now);
    expect(bucket.isFull()).toBe(true);
    bucket.take();
    bucket.take();
    expect(bucket.isFull()).toBe(false);
    c.advance(199);
    expect(bucket.isFull()).toBe(false);
    c.advance(1);
    expect(bucket.isFull()).toBe(true);
    // And then it lets the whole burst through, as a new one would.
    let n = 0;
    while (bucket.take()) n++;
    expect(n).toBe(5);
  });
});

describe('TokenBucket, as one number (GCRA)', () => {
  it('refuses a take larger than the burst even when full, and still lets smaller ones through', () => {
    const c = clock();
    const bytes = new TokenBucket(1000, 4096, c.now);
    expect(bytes.take(5000)).toBe(false);
    expect(bytes.take(4096)).toBe(true);
    expect(bytes.take(1)).toBe(false);
    c.advance(1);
    expect(bytes.take(1)).toBe(true);
  });

  it('answers the same at rates whose refill per token is a fraction of a millisecond', () => {
    const c = clock();
    const fast = new TokenBucket(1e9, 1e9, c.now);
    for (let i = 0; i < 100_000; i++) expect(fast.take()).toBe(true);
    const third = new TokenBucket(3, 1, c.now); // 333.3… ms a token
    expect(third.take()).toBe(true);
    c.advance(333);
    expect(third.take()).toBe(false);
    c.advance(1);
    expect(third.take()).toBe(true);
  });

  it('does not let a rate of zero refill', () => {
    const c = clock();
    const none = new TokenBucket(0, 2, c.now);
    expect(none.take()).toBe(true);
    expect(none.take()).toBe(true);
    c.advance(3_600_000);
    expect(none.take()).toBe(false);
  });
});

describe('ErrorBudget', () => {
  it('refuses the budget-th error within the window: a budget of 3 closes on the third', () => {
    const c = clock();
    const budget = new ErrorBudget(3, 1000, c.now);
    expect([budget.spend(), budget.spend(), budget.spend()]).toEqual([true, true, false]);
  });

  it('a budget of 1 refuses the first error', () => {
    expect(new ErrorBudget(1, 1000, clock().now).spend()).toBe(false);
  });

  it('forgets errors older than the window', () => {
    const c = clock();
    const budget = new ErrorBudget(3, 1000, c.now);
    budget.spend();
    c.advance(600);
    budget.spend();
    c.advance(500); // the first error is now 1100 ms old: two in the window with this one
    expect(budget.spend()).toBe(true);
    expect(budget.spend()).toBe(false);
    c.advance(1000);
    expect(budget.spend()).toBe(true);
  });

  it('is clear only once every error has left the window', () => {
    const c = clock();
    const budget = new ErrorBudget(3, 1000, c.now);
    expect(budget.isClear()).toBe(true);
    budget.spend();
    c.advance(600);
    budget.spend();
    c.advance(500);
    expect(budget.isClear()).toBe(false); // the second error is 500 ms old
    c.advance(500);
    expect(budget.isClear()).toBe(true);
    expect([budget.spend(), budget.spend(), budget.spend()]).toEqual([true, true, false]);
  });

  it('a steady trickle below the budget never runs out', () => {
    const c = clock();
    const budget = new ErrorBudget(3, 1000, c.now);
    for (let i = 0; i < 100; i++) {
      expect(budget.spend()).toBe(true);
      c.advance(501);
    }
  });
});

describe('ConnectionCounter', () => {
  const limits = { maxConnectionsPerUser: 2, maxConnectionsPerIp: 3, maxConnections: 4 };

  it('refuses per user and per IP as rate_limited (429) and in total as unavailable (503)', () => {
    const why = (e: HubError | null) => e && { code: e.code, status: e.status, message: e.message };
    const c = new ConnectionCounter(limits);
    expect(c.refusal('a', '1.1.1.1')).toBeNull();
    c.add('a', '1.1.1.1');
    c.add('a', '1.1.1.1');
    expect(why(c.refusal('a', '2.2.2.2'))).toEqual({
      code: 'rate_limited',
      status: 429,
      message: 'too many connections for this user',
    });
    c.add('b', '1.1.1.1');
    expect(why(c.refusal('c', '1.1.1.1'))).toEqual({
      code: 'rate_limited',
      status: 429,
      message: 'too many connections from this address',
    });
    expect(c.refusal('c', '2.2.2.2')).toBeNull();
    c.add('c', '2.2.2.2');
    expect(c.total).toBe(4);
    expect(why(c.refusal('d', '3.3.3.3'))).toEqual({
      code: 'unavailable',
      status: 503,
      message: 'hub connection limit reached',
    });
  });

  it('frees slots on remove and forgets empty keys', () => {
    const c = new ConnectionCounter(limits);
    c.add('a', '1.1.1.1');
    c.add('a', '1.1.1.1');
    c.remove('a', '1.1.1.1');
    expect(c.refusal('a', '1.1.1.1')).toBeNull();
    c.remove('a', '1.1.1.1');
    expect(c.total).toBe(0);
    c.add('a', '1.1.1.1');
    c.add('a', '1.1.1.1');
    expect(c.refusal('a', '9.9.9.9')?.status).toBe(429);
  });
});
