/**
 * Work the hub starts without awaiting it: a rejection is logged as an error naming the work, is
 * never left as an unhandled rejection (which can end the process), even when logging throws.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { logRejection } from '../../hub/core/log-rejection.js';

const unhandled = vi.fn();

afterEach(() => {
  process.off('unhandledRejection', unhandled);
  unhandled.mockReset();
});

/** Node reports an unhandled rejection once the microtask queue has drained: a macrotask later. */
const afterNodeHadItsSay = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('logRejection', () => {
  it('logs a rejection as an error naming the work, and the rejection is handled', async () => {
    process.on('unhandledRejection', unhandled);
    let logged!: (entry: unknown[]) => void;
    const wasLogged = new Promise<unknown[]>((resolve) => (logged = resolve));
    const logger = { error: (obj: object, msg?: string) => logged([obj, msg]) };
    logRejection(Promise.reject(new Error('redis went away')), logger, 'room r1 catch-up');
    expect(await wasLogged).toEqual([{ err: 'redis went away' }, 'room r1 catch-up failed']);
    await afterNodeHadItsSay();
    expect(unhandled).not.toHaveBeenCalled();
  });

  it('names a rejection that is not an Error by its text', async () => {
    let logged!: (obj: object) => void;
    const wasLogged = new Promise<object>((resolve) => (logged = resolve));
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the case under test
    logRejection(Promise.reject('gone'), { error: (obj) => logged(obj) }, 'heartbeat');
    expect(await wasLogged).toEqual({ err: 'gone' });
  });

  it('still handles the rejection when the logger throws or there is none', async () => {
    process.on('unhandledRejection', unhandled);
    let tried!: () => void;
    const loggerTried = new Promise<void>((resolve) => (tried = resolve));
    const failingLogger = {
      error: () => {
        tried();
        throw new Error('EMFILE');
      },
    };
    logRejection(Promise.reject(new Error('first')), failingLogger, 'probe');
    logRejection(Promise.reject(new Error('second')), undefined, 'probe');
    await loggerTried;
    await afterNodeHadItsSay();
    expect(unhandled).not.toHaveBeenCalled();
  });
});
