/**
 * Token verification with jose: algorithms pinned by key kind, `aud` insight-hub, `iss` when set,
 * `exp` required, a clock tolerance. Verified tokens are cached until `exp` so a reconnect storm
 * does not re-verify the same token thousands of times.
 */
import { errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import {
  HubError,
  RoomAccess,
  TOKEN_AUDIENCE,
  checkRoomsClaim,
  isRole,
  personalRoom,
  type TokenClaims,
  type UserInfo,
} from '../protocol/index.js';
import type { VerificationKey } from './keys.js';

export interface VerifiedToken {
  claims: TokenClaims;
  user: UserInfo;
  access: RoomAccess;
  /** `exp` in milliseconds. */
  expiresAt: number;
}

export interface VerifierOptions {
  issuer?: string;
  clockToleranceSec: number;
  cacheSize?: number;
  now?: () => number;
}

const CACHE_LIMIT = 20_000;

export class TokenVerifier {
  private readonly cache = new Map<string, VerifiedToken>();
  private readonly now: () => number;

  constructor(
    private readonly key: VerificationKey,
    private readonly opts: VerifierOptions,
  ) {
    this.now = opts.now ?? Date.now;
  }

  async verify(token: string): Promise<VerifiedToken> {
    const cached = this.cache.get(token);
    if (cached) {
      if (this.now() <= cached.expiresAt + this.opts.clockToleranceSec * 1000) return cached;
      this.cache.delete(token);
      throw new HubError('unauthorized', 'token expired');
    }
    const verified = toVerified(await this.verifySignature(token));
    if (this.cache.size >= (this.opts.cacheSize ?? CACHE_LIMIT)) {
      // Maps iterate in insertion order: dropping the first entry drops the oldest.
      this.cache.delete(this.cache.keys().next().value!);
    }
    this.cache.set(token, verified);
    return verified;
  }

  private async verifySignature(token: string): Promise<JWTPayload> {
    try {
      const options = {
        algorithms: this.key.algorithms,
        audience: TOKEN_AUDIENCE,
        issuer: this.opts.issuer,
        clockTolerance: this.opts.clockToleranceSec,
        requiredClaims: ['exp', 'sub'],
        currentDate: new Date(this.now()),
      };
      const { payload } =
        typeof this.key.key === 'function'
          ? await jwtVerify(token, this.key.key as JWTVerifyGetKey, options)
          : await jwtVerify(token, this.key.key, options);
      return payload;
    } catch (err) {
      throw new HubError('unauthorized', describeJoseError(err));
    }
  }
}

function describeJoseError(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'token expired';
  if (err instanceof errors.JWTClaimValidationFailed) return `token claim "${err.claim}" invalid`;
  if (err instanceof errors.JOSEAlgNotAllowed) return 'token algorithm not allowed';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'token signature invalid';
  if (err instanceof errors.JWKSNoMatchingKey) return 'token key not found';
  return 'token malformed';
}

function toVerified(payload: JWTPayload): VerifiedToken {
  const sub = payload.sub!;
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 128) {
    throw new HubError('unauthorized', 'token claim "sub" invalid');
  }
  const role = payload.role ?? 'viewer';
  if (!isRole(role)) throw new HubError('unauthorized', 'token claim "role" invalid');
  const name = payload.name ?? sub;
  if (typeof name !== 'string' || name.length > 128) throw new HubError('unauthorized', 'token claim "name" invalid');
  const rooms = checkRoomsClaim(payload.rooms);
  const claims: TokenClaims = { ...(payload as unknown as TokenClaims), sub, name, role, rooms };
  return {
    claims,
    user: { sub, name, role },
    access: new RoomAccess(rooms, personalRoom(sub)),
    expiresAt: payload.exp! * 1000,
  };
}
