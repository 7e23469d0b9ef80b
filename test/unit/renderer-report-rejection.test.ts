/**
 * Work a view starts without awaiting it (a submit, a refresh): a rejection is shown through the
 * view's error state when it has one, else written to the console, and never left unhandled.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { reportRejection } from '../../renderer/shared/report-rejection.js';

describe('renderer reportRejection', () => {
  const unhandled = vi.fn();
  afterEach(() => {
    process.off('unhandledRejection', unhandled);
    vi.restoreAllMocks();
  });

  /** Node reports an unhandled rejection once the microtask queue has drained: a macrotask later. */
  const afterNodeHadItsSay = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

  it("shows a rejection's message through the given error state, and the rejection is handled", async () => {
    process.on('unhandledRejection', unhandled);
    let shown!: (message: string) => void;
    const wasShown = new Promise<string>((resolve) => (shown = resolve));
    reportRejection(Promise.reject(new Error('not allowed')), shown);
    expect(await wasShown).toBe('not allowed');
    await afterNodeHadItsSay();
    expect(unhandled).not.toHaveBeenCalled();
  });

  it('without an error state, writes the rejection to the console', async () => {
    process.on('unhandledRejection', unhandled);
    const failure = new Error('clipboard gone');
    let logged!: (args: unknown[]) => void;
    const wasLogged = new Promise<unknown[]>((resolve) => (logged = resolve));
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => logged(args));
    reportRejection(Promise.reject(failure));
    expect(await wasLogged).toEqual(['insight-hub: a background task failed', failure]);
    await afterNodeHadItsSay();
    expect(unhandled).not.toHaveBeenCalled();
  });
});
