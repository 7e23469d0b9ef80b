/** Where and when the next attempt goes: hub URLs in turn from a random first one, delays per round. */
import { describe, expect, it } from 'vitest';
import { Attempts } from '../../hub/client/attempts.js';

const backoff = { baseMs: 100, capMs: 10_000 };

describe('Attempts', () => {
  it('starts at a random URL and takes the next one on every failed attempt, round and round', () => {
    const urls = ['ws://a/ws', 'ws://b/ws', 'ws://c/ws'];
    const attempts = new Attempts(urls, backoff, () => 0.5);
    const seen = [attempts.url];
    for (let i = 0; i < 5; i++) {
      attempts.next({ kind: 'backoff', report: false });
      seen.push(attempts.url);
    }
    expect(seen).toEqual(['ws://b/ws', 'ws://c/ws', 'ws://a/ws', 'ws://b/ws', 'ws://c/ws', 'ws://a/ws']);
  });

  it('grows the backoff ceiling once per round of URLs, not per attempt', () => {
    const attempts = new Attempts(['ws://a/ws', 'ws://b/ws'], backoff, () => 0.999);
    const delays = Array.from({ length: 6 }, () => attempts.next({ kind: 'backoff', report: false }));
    // Rounds 1, 1, 2, 2, 3, 3: ceilings 100, 100, 200, 200, 400, 400 (full jitter just below).
    expect(delays).toEqual([99, 99, 199, 199, 399, 399]);
  });

  it('4008 resumes on the same hub at once; a healthy connection starts the count afresh', () => {
    const attempts = new Attempts(['ws://a/ws', 'ws://b/ws'], backoff, () => 0);
    expect(attempts.url).toBe('ws://a/ws');
    expect(attempts.next({ kind: 'now' })).toBe(0);
    expect(attempts.url).toBe('ws://a/ws');
    attempts.healthy();
    expect(attempts.attempt).toBe(0);
  });

  it('gives up after maxAttempts, and refuses an empty list', () => {
    const attempts = new Attempts('ws://a/ws', { ...backoff, maxAttempts: 2 }, () => 0);
    expect(attempts.next({ kind: 'backoff', report: false })).toBe(0);
    expect(attempts.next({ kind: 'backoff', report: false })).toBe(0);
    expect(attempts.next({ kind: 'backoff', report: false })).toBeNull();
    expect(() => new Attempts([], backoff)).toThrow(/at least one hub url/);
    expect(() => new Attempts(['ws://a/ws', 'ftp://b/ws'], backoff)).toThrow(
      /not a WebSocket URL \(ws:\/\/, wss:\/\/\): ftp:\/\/b\/ws/,
    );
    expect(() => new Attempts('not a url', backoff)).toThrow(/not a WebSocket URL/);
    // What the WebSocket constructors take besides ws(s): http(s) (WHATWG).
    expect(new Attempts('https://a/ws', backoff).url).toBe('https://a/ws');
  });

  it('after a ban: its end plus a margin plus a jitter that grows with each refusal in a row', () => {
    const attempts = new Attempts('ws://a/ws', backoff, () => 0.5);
    expect(attempts.afterBan(10_000, 0)).toBe(10_000 + 1000 + 50);
    expect(attempts.afterBan(10_000, 0)).toBe(10_000 + 1000 + 100);
    // A ban already over (our clock ahead): from now.
    expect(attempts.afterBan(0, 5000)).toBe(5000 + 1000 + 200);
  });
});
