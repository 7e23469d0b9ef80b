/** Publishes with a key, retried with that key after a lost answer, on fake timers and a fake host. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PublishMessage } from '../../hub/protocol/index.js';
import { ClientError } from '../../hub/client/errors.js';
import { newPublishKey, PublishRetry } from '../../hub/client/publish-retry.js';
import type { Pending } from '../../hub/client/requests.js';

class FakeHost {
  readonly backoff = { baseMs: 100, capMs: 100 };
  readonly sent: Array<{ message: PublishMessage; handlers: Pending<PublishMessage> }> = [];
  submit(message: PublishMessage, handlers: Pending<PublishMessage>): void {
    this.sent.push({ message, handlers });
  }
  last() {
    return this.sent[this.sent.length - 1]!;
  }
}

const events = () => ({ sent: vi.fn(), stored: vi.fn(), refused: vi.fn() });

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

describe('PublishRetry', () => {
  it('makes a 128-bit base64url key per publish', () => {
    const keys = new Set(Array.from({ length: 100 }, () => newPublishKey()));
    expect(keys.size).toBe(100);
    for (const k of keys) expect(k).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('sends again at once after connection_lost, and after a delay for timeout, outcome_unknown, unavailable and internal — always with the same key', async () => {
    const host = new FakeHost();
    const ev = events();
    const publishes = new PublishRetry(host, 'r');
    const done = publishes.publish('x', 1, { key: 'k1' }, ev);
    expect(host.last().message).toMatchObject({ type: 'publish', room: 'r', key: 'k1' });
    host.last().handlers.onFailure(new ClientError('connection_lost', 'gone'));
    expect(host.sent).toHaveLength(2);
    for (const code of ['timeout', 'outcome_unknown', 'unavailable', 'internal'] as const) {
      const before = host.sent.length;
      host.last().handlers.onFailure(new ClientError(code, code));
      expect(host.sent).toHaveLength(before);
      await vi.advanceTimersByTimeAsync(100);
      expect(host.sent).toHaveLength(before + 1);
    }
    expect(new Set(host.sent.map((s) => s.message.key))).toEqual(new Set(['k1']));
    host.last().handlers.onAnswer({ type: 'ack', room: 'r', epoch: 'e1', seq: 3, duplicate: true });
    expect(await done).toEqual({ room: 'r', epoch: 'e1', seq: 3, key: 'k1', duplicate: true });
    expect(ev.sent).toHaveBeenCalledTimes(1);
    expect(ev.stored).toHaveBeenCalledTimes(1);
    expect(ev.refused).not.toHaveBeenCalled();
    expect(publishes.size).toBe(0);
  });

  it('rejects at once for a refusal that will not pass, and for a bad key without sending', async () => {
    const host = new FakeHost();
    const ev = events();
    const publishes = new PublishRetry(host, 'r');
    const done = publishes.publish('x', 1, {}, ev);
    host.last().handlers.onFailure(new ClientError('forbidden', 'no'));
    await expect(done).rejects.toMatchObject({ code: 'forbidden', room: 'r' });
    expect(ev.refused).toHaveBeenCalledTimes(1);
    await expect(publishes.publish('x', 1, { key: '' }, events())).rejects.toMatchObject({ code: 'bad_request' });
    expect(host.sent).toHaveLength(1);
  });

  it('retryNow sends what waits out a delay; failAll rejects everything still open and stops its timers', async () => {
    const host = new FakeHost();
    const publishes = new PublishRetry(host, 'r');
    const a = publishes.publish('x', 1, {}, events());
    host.last().handlers.onFailure(new ClientError('unavailable', 'down'));
    publishes.retryNow();
    expect(host.sent).toHaveLength(2);
    host.last().handlers.onFailure(new ClientError('unavailable', 'down'));
    publishes.failAll(() => new ClientError('closed', 'client closed'));
    await expect(a).rejects.toMatchObject({ code: 'closed' });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(host.sent).toHaveLength(2);
    // A late answer after the failure changes nothing.
    host.last().handlers.onAnswer({ type: 'ack', room: 'r', epoch: 'e1', seq: 1 });
    expect(publishes.size).toBe(0);
  });
});
