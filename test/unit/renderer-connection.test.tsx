// @vitest-environment happy-dom
/**
 * The connection banner and store tell the truth about the link: silent while well, a countdown
 * while reconnecting, offline or unreachable only when it is, and the ended screen gone once open
 * again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { CloseCode } from '../../hub/protocol/index.js';
import { bannerFor, ConnectionBanner } from '../../renderer/app/ConnectionBanner.js';
import { describeEnding } from '../../renderer/app/EndedScreen.js';
import {
  applyOnline,
  applyState,
  endingOf,
  resetConnection,
  useConnection,
} from '../../renderer/connection/connection-store.js';
import { endHubSession } from '../../renderer/connection/hub-session.js';
import type { StopCause } from '../../hub/client/index.js';

afterEach(() => {
  cleanup();
  endHubSession();
  resetConnection();
});

describe('connection store', () => {
  it('keeps when the next attempt is due while reconnecting', () => {
    applyState({ status: 'reconnecting', inMs: 3000, attempt: 2, lastClose: { code: 1006, reason: '' } }, null, 10_000);
    expect(useConnection.getState()).toMatchObject({ status: 'reconnecting', retryAt: 13_000, attempt: 2 });
    applyState({ status: 'open' }, null, 20_000);
    expect(useConnection.getState()).toMatchObject({ status: 'open', retryAt: null, everOpen: true, openedAt: 20_000 });
  });

  const closed = (cause: StopCause, code: number, reason: string) =>
    ({ status: 'closed', code, reason, cause }) as const;

  it('says why the session ended, with the notice reason and ban end', () => {
    const kicked = { type: 'notice', event: 'kicked', reason: 'full reason' } as const;
    expect(endingOf(closed('kicked', CloseCode.kicked, 'x'), kicked)).toEqual({
      kind: 'kicked',
      reason: 'full reason',
    });
    const banned = { type: 'notice', event: 'banned', reason: 'spam', until: 5 } as const;
    expect(endingOf(closed('banned', CloseCode.banned, 'x'), banned)).toEqual({
      kind: 'banned',
      reason: 'spam',
      until: 5,
    });
    expect(endingOf(closed('gave_up', 1006, 'gave up'))).toEqual({ kind: 'closed', code: 1006, reason: 'gave up' });
  });

  it('tells a revoked token from an expired one by the cause, whatever the text says', () => {
    // The same 4001 and the same wording: only the SDK's cause differs.
    const text = 'token rejected (token revoked) and getToken gave the same one';
    expect(endingOf(closed('token_revoked', CloseCode.tokenInvalid, text))).toEqual({ kind: 'revoked' });
    expect(endingOf(closed('token_expired', CloseCode.tokenInvalid, text))).toEqual({ kind: 'expired' });
    expect(endingOf(closed('token_rejected', CloseCode.tokenInvalid, 'revoked'))).toEqual({ kind: 'expired' });
    expect(describeEnding({ kind: 'revoked' }).title).toBe('Your link was revoked');
    expect(describeEnding({ kind: 'expired' }).title).toBe('Your link has expired');
  });

  it('leaves the ended screen when the SDK is open again after a ban', () => {
    applyState({ status: 'closed', code: CloseCode.banned, reason: 'spam', cause: 'banned', until: 5 }, null);
    expect(useConnection.getState().ending).toEqual({ kind: 'banned', reason: 'spam', until: 5 });
    expect(describeEnding({ kind: 'banned', reason: 'spam', until: 5 }).detail).toMatch(/reconnects then/);
    applyState({ status: 'connecting' }, null);
    expect(useConnection.getState().ending?.kind).toBe('banned');
    applyState({ status: 'open' }, null);
    expect(useConnection.getState().ending).toBeNull();
  });
});

describe('connection banner', () => {
  const base = { status: 'open', online: true, retryAt: null, attempt: 0, everOpen: true, lastClose: null };

  it('is silent while all is well', () => {
    expect(bannerFor(base, 0)).toBeNull();
  });

  it('counts down to the next attempt, and says offline when the browser is', () => {
    expect(
      bannerFor(
        {
          ...base,
          status: 'reconnecting',
          retryAt: 4_200,
          attempt: 3,
          lastClose: { code: 1006, reason: 'no answer to ping' },
        },
        1_000,
      )?.text,
    ).toBe('Connection lost (no answer to ping). Reconnecting in 4 s (attempt 3).');
    expect(bannerFor({ ...base, online: false }, 0)?.tone).toBe('error');
  });

  it('says "Cannot reach the hub" only when the hub does not answer over HTTP either', () => {
    const first = { ...base, status: 'reconnecting', retryAt: 0, attempt: 3, everOpen: false };
    expect(bannerFor(first, 0)?.text).toBe('Connecting to the hub… Reconnecting in 0 s (attempt 3).');
    expect(bannerFor({ ...first, hubCheck: 'unreachable' }, 0)?.text).toBe(
      'Cannot reach the hub. Reconnecting in 0 s (attempt 3).',
    );
    expect(bannerFor({ ...first, everOpen: true, hubCheck: 'unreachable' }, 0)?.text).toMatch(
      /^Connection lost: cannot reach the hub\./,
    );
    expect(bannerFor({ ...first, hubCheck: 'accepted', lastClose: { code: 1006, reason: '' } }, 0)?.text).toMatch(
      /^The hub answers, but the live connection did not open\./,
    );
  });

  it('warns before a join link stops working, unless the app renews its own tokens', () => {
    const at = new Date(2026, 0, 1, 14, 5, 0).getTime();
    expect(bannerFor({ ...base, tokenExpiresAt: at }, at - 60_000)?.text).toBe(
      'Your access ends at 14:05:00. Ask for a new join link to stay connected.',
    );
    expect(bannerFor({ ...base, tokenExpiresAt: at, renewsItself: true }, at - 60_000)).toBeNull();
    expect(bannerFor({ ...base, tokenExpiresAt: at }, at + 1)).toBeNull();
  });

  it('renders from the store, and shows a resync', () => {
    applyState({ status: 'reconnecting', inMs: 9000, attempt: 1 }, null);
    applyOnline(true);
    render(<ConnectionBanner resync={{ reason: 'epoch_changed' }} />);
    expect(screen.getByTestId('connection-banner').textContent).toMatch(/Reconnecting in (9|8) s \(attempt 1\)/);
    expect(screen.getByTestId('resync-banner').textContent).toContain('the hub restarted');
  });
});
