/** Bearer-token identity for REST calls: the same verifier, bans and revocations as the upgrade. */
import type { IncomingMessage } from 'node:http';
import { HubError, type Role } from '../protocol/index.js';
import type { SessionIdentity } from '../core/session.js';
import type { BanList } from '../auth/bans.js';
import { checkBanned } from '../auth/admission.js';
import { bearerToken, clientIp } from './http-util.js';

export interface RestAuth {
  identify(req: IncomingMessage): Promise<SessionIdentity>;
  requireRole(req: IncomingMessage, roles: readonly Role[]): Promise<SessionIdentity>;
}

export function createRestAuth(
  verify: (token: string) => Promise<SessionIdentity>,
  bans: BanList,
  admit: Array<(identity: SessionIdentity, ip: string) => Promise<void>>,
): RestAuth {
  const identify = async (req: IncomingMessage): Promise<SessionIdentity> => {
    const token = bearerToken(req);
    if (!token) throw new HubError('unauthorized', 'Authorization: Bearer token required');
    const identity = await verify(token);
    await checkBanned(identity.user.sub, bans);
    for (const check of admit) await check(identity, clientIp(req));
    return identity;
  };
  return {
    identify,
    async requireRole(req, roles) {
      const identity = await identify(req);
      if (!roles.includes(identity.user.role)) throw new HubError('forbidden', `role ${roles.join(' or ')} required`);
      return identity;
    },
  };
}
