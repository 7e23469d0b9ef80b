/**
 * Kick, ban and revoke end connections here, whichever hub the command came from (the engine's
 * control channel brings every hub's commands to every hub). The admin service only sends them.
 */
import { CloseCode } from '../protocol/index.js';
import type { ControlCommand } from './engine.js';
import type { Session } from './session.js';
import { endForToken } from './token-rejection.js';

export function endByControl(sessions: Iterable<Session>, cmd: ControlCommand): void {
  if (cmd.kind === 'kick') {
    for (const s of sessions) {
      if ((cmd.clientId && s.id === cmd.clientId) || (cmd.sub && s.user.sub === cmd.sub)) {
        s.send({ type: 'notice', event: 'kicked', reason: cmd.reason });
        s.end({ code: CloseCode.kicked, reason: cmd.reason });
      }
    }
  } else if (cmd.kind === 'ban') {
    for (const s of sessions) {
      if (s.user.sub === cmd.sub) {
        s.send({ type: 'notice', event: 'banned', reason: cmd.reason, until: cmd.until });
        s.end({ code: CloseCode.banned, reason: cmd.reason });
      }
    }
  } else if (cmd.kind === 'revoke') {
    // Tokens redeemed from a revoked invite end with it.
    for (const s of sessions) {
      const { jti, inviteId } = s.identity.claims;
      if (jti === cmd.jti || inviteId === cmd.jti) endForToken(s, 'revoked');
    }
  }
}
