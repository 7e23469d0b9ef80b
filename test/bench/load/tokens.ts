/**
 * Tokens for the hub, one per connection so that no verification is served from the hub's token
 * cache. Minted before a measurement starts; the claims follow the protocol's token contract.
 */
import { SignJWT, importPKCS8 } from 'jose';
import { TOKEN_AUDIENCE, type Role } from '../../../hub/protocol/index.js';

export type TokenAlgorithm = 'HS256' | 'ES256';

export interface TokenAuthority {
  alg: TokenAlgorithm;
  /** HS256 shared secret. */
  secret?: string;
  /** ES256 private key (PKCS#8 PEM). */
  privateKeyPem?: string;
}

export interface TokenGrant {
  role: Role;
  rooms: string[];
  ttlSec: number;
}

export async function signingKeyOf(authority: TokenAuthority): Promise<CryptoKey | Uint8Array> {
  if (authority.alg === 'HS256') {
    if (!authority.secret) throw new Error('HS256 needs a secret');
    return new TextEncoder().encode(authority.secret);
  }
  if (!authority.privateKeyPem) throw new Error('ES256 needs a private key');
  return importPKCS8(authority.privateKeyPem, 'ES256');
}

/** One token per subject, in order. */
export async function mintTokens(authority: TokenAuthority, grant: TokenGrant, subs: string[]): Promise<string[]> {
  const key = await signingKeyOf(authority);
  const iat = Math.floor(Date.now() / 1000);
  const tokens: string[] = [];
  for (const sub of subs) {
    tokens.push(
      await new SignJWT({ name: sub, role: grant.role, rooms: grant.rooms })
        .setProtectedHeader({ alg: authority.alg, typ: 'JWT' })
        .setSubject(sub)
        .setAudience(TOKEN_AUDIENCE)
        .setIssuedAt(iat)
        .setExpirationTime(iat + grant.ttlSec)
        .sign(key),
    );
  }
  return tokens;
}
