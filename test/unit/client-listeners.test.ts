/**
 * A listener that throws or rejects is reported and never stops the other listeners or escapes into
 * the host as an uncaught error or unhandled rejection.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Listeners } from '../../hub/client/listeners.js';

describe('client listeners', () => {
  afterEach(() => vi.restoreAllMocks());

  it('a throwing listener is reported and the others still run', () => {
    const report = vi.spyOn(console, 'error').mockImplementation(() => {});
    const listeners = new Listeners<[number]>();
    const seen: number[] = [];
    listeners.add(() => {
      throw new Error('app bug');
    });
    listeners.add((n) => seen.push(n));
    listeners.emit(7);
    expect(seen).toEqual([7]);
    expect(report).toHaveBeenCalledWith('insight-hub client: a listener threw', expect.any(Error));
  });

  it('an async listener that rejects is reported, not left as an unhandled rejection', async () => {
    const failure = new Error('publish failed: client is closed');
    let reported!: (err: unknown) => void;
    const wasReported = new Promise((resolve) => (reported = resolve));
    vi.spyOn(console, 'error').mockImplementation((_what: unknown, err: unknown) => reported(err));
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const listeners = new Listeners<[]>();
      listeners.add(async () => {
        await Promise.resolve();
        throw failure;
      });
      listeners.emit();
      expect(await wasReported).toBe(failure);
      // The rejection was handled: Node reports unhandled ones after the microtask queue drains.
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });
});
