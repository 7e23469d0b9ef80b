/** Verification keys: an HS256 secret, a PEM public key, or a JWKS URL, each with pinned algorithms. */
import { createPublicKey, createSecretKey, randomBytes, type KeyObject, type webcrypto } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { createRemoteJWKSet, importSPKI, type JWTVerifyGetKey } from 'jose';

/** Node's Web Crypto key (the hub compiles without the DOM library). */
export type CryptoKey = webcrypto.CryptoKey;

export interface VerificationKey {
  /** A CryptoKey imported once, or a JWKS resolver. */
  key: CryptoKey | JWTVerifyGetKey;
  algorithms: string[];
  /** Present for HS256: the hub can mint tokens with it. */
  signingKey?: CryptoKey;
  /** Present for HS256: the same secret for in-line verification (see hs256.ts). */
  hmacSecret?: KeyObject;
  /** Where the key came from, for the log (never the key itself). */
  source: string;
}

export interface KeySettings {
  secret?: string;
  secretFile?: string;
  publicKey?: string;
  jwksUrl?: string;
  dataDir: string;
}

const MIN_SECRET_BYTES = 32;

export async function importHmacSecret(secret: string | Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  const raw = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
  return crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}

/** Read the secret file, or create one (mode 0600) in the data directory on first run. */
export function loadOrCreateSecret(file: string): { secret: string; created: boolean } {
  if (existsSync(file)) return { secret: readFileSync(file, 'utf8').trim(), created: false };
  const secret = randomBytes(48).toString('base64url');
  mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
  writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return { secret, created: true };
}

function algorithmForPem(pem: string): string {
  const key = createPublicKey(pem);
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return 'RS256';
    case 'ec':
      if (key.asymmetricKeyDetails?.namedCurve !== 'prime256v1')
        throw new Error('EC public keys must be P-256 (ES256)');
      return 'ES256';
    case 'ed25519':
      return 'EdDSA';
    default:
      throw new Error(`unsupported public key type ${key.asymmetricKeyType}`);
  }
}

export async function loadVerificationKey(s: KeySettings): Promise<VerificationKey> {
  if (s.publicKey) {
    const alg = algorithmForPem(s.publicKey);
    return { key: await importSPKI(s.publicKey, alg), algorithms: [alg], source: `public key (${alg})` };
  }
  if (s.jwksUrl) {
    return {
      key: createRemoteJWKSet(new URL(s.jwksUrl)),
      algorithms: ['RS256', 'ES256', 'EdDSA'],
      source: `JWKS ${s.jwksUrl}`,
    };
  }
  let secret = s.secret;
  let source = 'secret from options';
  if (!secret) {
    const file = s.secretFile ?? join(s.dataDir, 'secret');
    const loaded = loadOrCreateSecret(file);
    secret = loaded.secret;
    source = loaded.created ? `generated secret file ${file}` : `secret file ${file}`;
  }
  if (Buffer.byteLength(secret) < MIN_SECRET_BYTES) {
    throw new Error(`the HS256 secret must be at least ${MIN_SECRET_BYTES} bytes`);
  }
  const key = await importHmacSecret(secret);
  return { key, algorithms: ['HS256'], signingKey: key, hmacSecret: createSecretKey(Buffer.from(secret)), source };
}
