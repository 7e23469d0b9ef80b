/**
 * Every close code and refused upgrade maps to one decision of the protocol's table (stop, new
 * token, resume now, wait for the notice or the ban's end, back off), and the app is told why it
 * stopped.
 */
import { describe, expect, it } from 'vitest';
import { readRefusal } from '../../hub/client/transport.js';
import { decideAfterClose, tokenCause } from '../../hub/client/close-policy.js';
import { noteNotice, type ConnectionNotes } from '../../hub/client/connection-notes.js';
import { CloseReason, type NoticeMessage } from '../../hub/protocol/index.js';

describe('decideAfterClose (protocol.md close-code table)', () => {
  it('stops after 1000, 4003, 4004 and 4005', () => {
    for (const code of [1000, 4003, 4004, 4005]) {
      expect(decideAfterClose({ code, reason: '' }).kind, String(code)).toBe('stop');
    }
  });

  it('tells the app why it stopped: the close reason first, then a kick notice, then a default', () => {
    expect(decideAfterClose({ code: 4004, reason: 'spamming' })).toEqual({
      kind: 'stop',
      code: 4004,
      reason: 'spamming',
      cause: 'kicked',
    });
    expect(decideAfterClose({ code: 4004, reason: '', noticeReason: 'ask the admin' })).toEqual({
      kind: 'stop',
      code: 4004,
      reason: 'ask the admin',
      cause: 'kicked',
    });
    expect(decideAfterClose({ code: 4005, reason: '' })).toEqual({
      kind: 'stop',
      code: 4005,
      reason: 'banned',
      cause: 'banned',
    });
    expect(decideAfterClose({ code: 4003, reason: '' })).toEqual({
      kind: 'stop',
      code: 4003,
      reason: 'forbidden',
      cause: 'forbidden',
    });
    expect(decideAfterClose({ code: 1000, reason: '' })).toMatchObject({ kind: 'stop', cause: 'hub_closed' });
  });

  it("stops after 4005 until the ban ends when a notice said when (the contract's stop until the ban ends)", () => {
    expect(decideAfterClose({ code: 4005, reason: 'spam', noticeReason: 'spam', banUntil: 5000 })).toEqual({
      kind: 'stop',
      code: 4005,
      reason: 'spam',
      cause: 'banned',
      until: 5000,
    });
    // A notice's until means nothing on other codes.
    expect(decideAfterClose({ code: 4004, reason: 'bye', banUntil: 5000 })).toEqual({
      kind: 'stop',
      code: 4004,
      reason: 'bye',
      cause: 'kicked',
    });
  });

  it('resumes at once after 4008 (slow consumer)', () => {
    expect(decideAfterClose({ code: 4008, reason: 'send queue overflowed' })).toEqual({ kind: 'now' });
  });

  it("waits the shutdown notice's delay after 1001", () => {
    expect(decideAfterClose({ code: 1001, reason: '', shutdownAfterMs: 2000 })).toEqual({ kind: 'after', ms: 2000 });
  });

  it('treats 1001 without a notice as an ordinary drop', () => {
    expect(decideAfterClose({ code: 1001, reason: '' })).toEqual({ kind: 'backoff', report: false });
  });

  it('asks for a new token after 4001', () => {
    expect(decideAfterClose({ code: 4001, reason: 'token expired' })).toEqual({ kind: 'new-token' });
  });

  it('reports 1003, 1007, 1008 and 1009, then backs off', () => {
    for (const code of [1003, 1007, 1008, 1009]) {
      expect(decideAfterClose({ code, reason: '' }), String(code)).toEqual({ kind: 'backoff', report: true });
    }
  });

  it('backs off quietly after 1006, 1011, 1013 and 4029', () => {
    for (const code of [1006, 1011, 1013, 4029]) {
      expect(decideAfterClose({ code, reason: '' }), String(code)).toEqual({ kind: 'backoff', report: false });
    }
  });

  it('maps refused upgrades by HTTP status: 401 new token, 403 stop, others back off', () => {
    expect(decideAfterClose({ code: 1006, reason: '401: token expired', httpStatus: 401 })).toEqual({
      kind: 'new-token',
    });
    expect(decideAfterClose({ code: 1006, reason: '403: origin not allowed', httpStatus: 403 })).toEqual({
      kind: 'stop',
      code: 4003,
      reason: '403: origin not allowed',
      cause: 'forbidden',
    });
    // Refused as banned: wait for the end the refusal's body states (`until`), then try again.
    const until = Date.parse('2031-05-04T10:20:30.400Z');
    expect(decideAfterClose({ code: 1006, reason: '403: banned: spam', httpStatus: 403, banUntil: until })).toEqual({
      kind: 'stop',
      code: 4005,
      reason: '403: banned: spam',
      cause: 'banned',
      until,
    });
    // A date in the message text is not data: without the body's `until` it is a stop for good.
    expect(
      decideAfterClose({ code: 1006, reason: '403: banned until 2031-05-04T10:20:30.400Z: spam', httpStatus: 403 }),
    ).toEqual({
      kind: 'stop',
      code: 4003,
      reason: '403: banned until 2031-05-04T10:20:30.400Z: spam',
      cause: 'forbidden',
    });
    // The body's `reason` says it is a ban (for good: no `until`).
    expect(decideAfterClose({ code: 1006, reason: '403: x', httpStatus: 403, refusal: 'banned' })).toMatchObject({
      kind: 'stop',
      code: 4003,
      cause: 'banned',
    });
    for (const status of [429, 503, 500, 404]) {
      expect(decideAfterClose({ code: 1006, reason: '', httpStatus: status }), String(status)).toEqual({
        kind: 'backoff',
        report: true,
      });
    }
    // An outage's 503 with Retry-After: come back when the hub says, however long the backoff has grown.
    expect(decideAfterClose({ code: 1006, reason: '', httpStatus: 503, retryAfterMs: 1000 })).toEqual({
      kind: 'after',
      ms: 1000,
      report: true,
    });
  });

  it('reads a refusal body: message as the reason, until as epoch ms or ISO time, anything else ignored', () => {
    expect(readRefusal(403, JSON.stringify({ error: 'forbidden', message: 'banned: spam', until: 5000 }))).toEqual({
      status: 403,
      reason: '403: banned: spam',
      until: 5000,
    });
    // The body's `reason`, when it is one of the protocol's refusal reasons.
    expect(
      readRefusal(401, JSON.stringify({ error: 'unauthorized', message: 'token revoked', reason: 'revoked' })),
    ).toEqual({ status: 401, reason: '401: token revoked', refusal: 'revoked' });
    expect(readRefusal(401, JSON.stringify({ message: 'x', reason: 'Revoked' }))).toEqual({
      status: 401,
      reason: '401: x',
    });
    expect(readRefusal(403, JSON.stringify({ error: 'forbidden', until: '2031-05-04T10:20:30.400Z' }))).toEqual({
      status: 403,
      reason: '403: forbidden',
      until: Date.parse('2031-05-04T10:20:30.400Z'),
    });
    expect(readRefusal(403, JSON.stringify({ message: 'x', until: 'soon' }))).toEqual({
      status: 403,
      reason: '403: x',
    });
    expect(readRefusal(502, '<html>bad gateway</html>')).toEqual({ status: 502, reason: 'HTTP 502' });
    // Retry-After in seconds is kept (capped at a minute); an HTTP date or junk is not.
    expect(readRefusal(503, JSON.stringify({ error: 'unavailable' }), '1')).toEqual({
      status: 503,
      reason: '503: unavailable',
      retryAfterMs: 1000,
    });
    expect(readRefusal(503, '', 'Wed, 21 Oct 2026 07:28:00 GMT')).toEqual({ status: 503, reason: 'HTTP 503' });
    expect(readRefusal(503, '', '3600')).toEqual({ status: 503, reason: 'HTTP 503' });
    expect(readRefusal(403, 'null')).toEqual({ status: 403, reason: 'HTTP 403' });
  });

  it("tells an expired token from a revoked one by the notice before the 4001, never by the close's text", () => {
    /** The ending the client observes: the close plus what the connection's notices noted. */
    const after = (close: { code: number; reason: string }, ...notices: NoticeMessage[]) => {
      const notes: ConnectionNotes = {};
      for (const n of notices) noteNotice(notes, n);
      return { ...close, ...notes };
    };
    const rejected = (reason: 'expired' | 'revoked'): NoticeMessage => ({
      type: 'notice',
      event: 'token_rejected',
      reason,
    });
    expect(tokenCause(after(CloseReason.tokenExpired, rejected('expired')))).toBe('token_expired');
    expect(tokenCause(after(CloseReason.tokenRevoked, rejected('revoked')))).toBe('token_revoked');
    // The notice decides, whatever the text beside the code says.
    expect(tokenCause(after({ code: 4001, reason: 'token expired' }, rejected('revoked')))).toBe('token_revoked');
    // No notice (an older hub, a proxy): a plain rejection, even when the text says "revoked" exactly.
    for (const reason of [CloseReason.tokenRevoked.reason, CloseReason.tokenExpired.reason, 'revoked', ''])
      expect(tokenCause(after({ code: 4001, reason })), reason).toBe('token_rejected');
    // A notice with a value the protocol does not have is no cause either.
    const odd = { type: 'notice', event: 'token_rejected', reason: 'stolen' } as unknown as NoticeMessage;
    expect(tokenCause(after(CloseReason.tokenRevoked, odd))).toBe('token_rejected');
    // A refused upgrade: the body's `reason` field, not its message.
    expect(tokenCause({ code: 1006, reason: '401: token revoked', httpStatus: 401, refusal: 'revoked' })).toBe(
      'token_revoked',
    );
    expect(tokenCause({ code: 1006, reason: '401: token revoked', httpStatus: 401 })).toBe('token_rejected');
    expect(tokenCause({ code: 1006, reason: '', httpStatus: 401, refusal: 'expired' })).toBe('token_expired');
  });
});
