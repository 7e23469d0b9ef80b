/**
 * Verdicts on an HS256 token from the hub's in-line check and from jose with the same options, in
 * one vocabulary, so tests can hold the two to each other.
 */
import { createHmac, createSecretKey } from 'node:crypto';
import { errors, jwtVerify } from 'jose';
import { Hs256Error, verifyHs256, type ClaimRules } from '../../hub/auth/hs256.js';

export const NOW = 2_000_000_000_000;
export const AT = NOW / 1000;
export const TOLERANCE = 30;

export type Verdict = 'ok' | 'malformed' | 'algorithm' | 'signature' | 'expired' | `claim:${string}`;

export const b64 = (v: unknown): string =>
  Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

export function hs256Verdicts(secret: string) {
  const key = createSecretKey(Buffer.from(secret));
  const mac = (input: string, withSecret = secret): string =>
    createHmac('sha256', withSecret).update(input).digest('base64url');

  function ours(t: string, issuer?: string): Verdict {
    const rules: ClaimRules = {
      audience: 'insight-hub',
      issuer,
      clockTolerance: TOLERANCE,
      now: NOW,
      requiredClaims: ['exp', 'sub'],
    };
    try {
      verifyHs256(t, key, rules);
      return 'ok';
    } catch (err) {
      if (!(err instanceof Hs256Error)) throw err;
      return typeof err.failure === 'string' ? err.failure : `claim:${err.failure.claim}`;
    }
  }

  async function theirs(t: string, issuer?: string): Promise<Verdict> {
    try {
      await jwtVerify(t, new TextEncoder().encode(secret), {
        algorithms: ['HS256'],
        audience: 'insight-hub',
        issuer,
        clockTolerance: TOLERANCE,
        requiredClaims: ['exp', 'sub'],
        currentDate: new Date(NOW),
      });
      return 'ok';
    } catch (err) {
      if (err instanceof errors.JWTExpired) return 'expired';
      if (err instanceof errors.JWTClaimValidationFailed) return `claim:${err.claim}`;
      if (err instanceof errors.JOSEAlgNotAllowed) return 'algorithm';
      if (err instanceof errors.JWSSignatureVerificationFailed) return 'signature';
      return 'malformed';
    }
  }

  return { key, mac, ours, theirs };
}
