/**
 * Token verification: algorithms pinned by key kind, `aud` insight-hub, `iss` when set, `exp` and
 * `sub` required, a clock tolerance. HS256 is checked in line on node:crypto (hs256.ts); public
 * keys and JWKS go through jose, and those verified tokens are cached until `exp` so a reconnect
 * storm does not re-verify the same signature thousands of times.
 */
import type { KeyObject } from 'node:crypto';
import { errors, jwtVerify, type JWTPayload } from 'jose';
import {
  CredentialRefusal,
  HubError,
  RoomAccess,
  TOKEN_AUDIENCE,
  checkRoomsClaim,
  isRole,
  type TokenClaims,
  type UserInfo,
} from '../protocol/index.js';
import { Hs256Error, verifyHs256, type Hs256Failure } from './hs256.js';
import type { VerificationKey } from './keys.js';
import { identityTextProblem, isNumericDate } from './claim-values.js';

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
const REQUIRED_CLAIMS = ['exp', 'sub'] as const;

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
    // HS256 is verified in line in a few µs: caching it would only hold every token in memory.
    if (this.key.hmacSecret) return toVerified(this.verifyHmac(token, this.key.hmacSecret));
    const cached = this.cache.get(token);
    if (cached) {
      if (this.now() <= cached.expiresAt + this.opts.clockToleranceSec * 1000) return cached;
      this.cache.delete(token);
      throw new CredentialRefusal('unauthorized', 'token expired', 'expired');
    }
    const verified = toVerified(await this.verifySignature(token));
    if (this.cache.size >= (this.opts.cacheSize ?? CACHE_LIMIT)) {
      // Maps iterate in insertion order: dropping the first entry drops the oldest.
      this.cache.delete(this.cache.keys().next().value!);
    }
    this.cache.set(token, verified);
    return verified;
  }

  private verifyHmac(token: string, secret: KeyObject): JWTPayload {
    try {
      return verifyHs256(token, secret, {
        audience: TOKEN_AUDIENCE,
        issuer: this.opts.issuer,
        clockTolerance: this.opts.clockToleranceSec,
        requiredClaims: REQUIRED_CLAIMS,
        now: this.now(),
      });
    } catch (err) {
      if (err instanceof Hs256Error) throw refusal(describeHs256Failure(err.failure), err.failure === 'expired');
      throw err;
    }
  }

  private async verifySignature(token: string): Promise<JWTPayload> {
    try {
      const options = {
        algorithms: this.key.algorithms,
        audience: TOKEN_AUDIENCE,
        issuer: this.opts.issuer,
        clockTolerance: this.opts.clockToleranceSec,
        requiredClaims: [...REQUIRED_CLAIMS],
        currentDate: new Date(this.now()),
      };
      const { payload } =
        typeof this.key.key === 'function'
          ? await jwtVerify(token, this.key.key, options)
          : await jwtVerify(token, this.key.key, options);
      return payload;
    } catch (err) {
      throw refusal(describeJoseError(err), err instanceof errors.JWTExpired);
    }
  }
}

/** Every verification failure is `unauthorized`; its reason says whether a fresh token would do. */
function refusal(message: string, expired: boolean): CredentialRefusal {
  return new CredentialRefusal('unauthorized', message, expired ? 'expired' : 'invalid');
}

function describeJoseError(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'token expired';
  if (err instanceof errors.JWTClaimValidationFailed) return `token claim "${err.claim}" invalid`;
  if (err instanceof errors.JOSEAlgNotAllowed) return 'token algorithm not allowed';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'token signature invalid';
  if (err instanceof errors.JWKSNoMatchingKey) return 'token key not found';
  return 'token malformed';
}

function describeHs256Failure(failure: Hs256Failure): string {
  if (typeof failure === 'object') return `token claim "${failure.claim}" invalid`;
  return {
    malformed: 'token malformed',
    algorithm: 'token algorithm not allowed',
    signature: 'token signature invalid',
    expired: 'token expired',
  }[failure];
}

/** Claims the hub only checks at the handshake: not kept for the life of the connection. */
const CHECKED_ONLY = new Set(['aud', 'iss', 'iat', 'nbf']);

/** Claims beyond the checked ones (an invite's `invite`, `maxUses`, a `jti`, …), undefined when none. */
function otherClaims(payload: JWTPayload, checked: readonly string[]): JWTPayload | undefined {
  let others: JWTPayload | undefined;
  for (const key of Object.keys(payload)) {
    if (!checked.includes(key) && !CHECKED_ONLY.has(key)) (others ??= {})[key] = payload[key];
  }
  return others;
}

const CHECKED = ['sub', 'name', 'role', 'rooms', 'exp'] as const;

/**
 * A verified token as two objects (itself and its user), where claims, user, room access and
 * expiry were five: a connection keeps it for life, 112 bytes fewer each. It is its own room
 * access; its claims are built when asked (at admission and revocation checks, not per message).
 */
class VerifiedIdentity extends RoomAccess implements VerifiedToken {
  constructor(
    readonly user: UserInfo,
    patterns: readonly string[],
    private readonly exp: number,
    private readonly others: JWTPayload | undefined,
  ) {
    super(patterns, user.sub);
  }

  get access(): RoomAccess {
    return this;
  }

  get expiresAt(): number {
    return this.exp * 1000;
  }

  get claims(): TokenClaims {
    const { sub, name, role } = this.user;
    const checked: TokenClaims = { sub, name, role, rooms: this.patterns, exp: this.exp };
    // The checked claims come last: an unchecked one can never stand in for them.
    return this.others ? { ...this.others, ...checked } : checked;
  }
}

function toVerified(payload: JWTPayload): VerifiedToken {
  // jose takes any number, Infinity included: the same rule as the in-line HS256 path, for both.
  for (const claim of ['exp', 'nbf', 'iat'] as const) {
    if (!isNumericDate(payload[claim]))
      throw new HubError('unauthorized', `token claim "${claim}" invalid: not a finite date`);
  }
  const sub = payload.sub!;
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 128) {
    throw new HubError('unauthorized', 'token claim "sub" invalid');
  }
  const subProblem = identityTextProblem(sub, 'sub');
  if (subProblem) throw new HubError('unauthorized', `token claim "sub" invalid: ${subProblem}`);
  const role = payload.role ?? 'viewer';
  if (!isRole(role)) throw new HubError('unauthorized', 'token claim "role" invalid');
  const name = payload.name ?? sub;
  if (typeof name !== 'string' || name.length > 128) throw new HubError('unauthorized', 'token claim "name" invalid');
  const nameProblem = identityTextProblem(name, 'name');
  if (nameProblem) throw new HubError('unauthorized', `token claim "name" invalid: ${nameProblem}`);
  return new VerifiedIdentity(
    { sub, name, role },
    checkRoomsClaim(payload.rooms),
    payload.exp!,
    otherClaims(payload, CHECKED),
  );
}
