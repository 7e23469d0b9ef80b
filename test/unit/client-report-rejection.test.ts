/**
 * Work the SDK starts without awaiting it (a room's rejoin): a rejection is reported on the console
 * as a failing listener is, and is never left as an unhandled rejection that could end a Node app.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { reportRejection } from '../../hub/client/report-rejection.js';

describe('client reportRejection', () => {
  const unhandled = vi.fn();
  afterEach(() => {
    process.off('unhandledRejection', unhandled);
    vi.restoreAllMocks();
  });

  it('reports a rejection on the console, and the rejection is handled', async () => {
    process.on('unhandledRejection', unhandled);
    const failure = new Error('socket gone');
    let reported!: (args: unknown[]) => void;
    const wasReported = new Promise<unknown[]>((resolve) => (reported = resolve));
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => reported(args));
    reportRejection(Promise.reject(failure), 'joining dash:1');
    expect(await wasReported).toEqual(['insight-hub client: joining dash:1 failed', failure]);
    // Node reports unhandled rejections after the microtask queue drains: a macrotask later.
    await new Promise((resolve) => setImmediate(resolve));
    expect(unhandled).not.toHaveBeenCalled();
  });
});
