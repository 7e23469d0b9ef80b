/** Signing material generated once per run: an HS256 secret and an ES256 key pair. */
import { randomBytes } from 'node:crypto';
import { exportPKCS8, exportSPKI, generateKeyPair } from 'jose';

export interface RunKeys {
  secret: string;
  es256: { publicKeyPem: string; privateKeyPem: string };
}

export async function generateRunKeys(): Promise<RunKeys> {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  return {
    secret: randomBytes(48).toString('base64url'),
    es256: { publicKeyPem: await exportSPKI(publicKey), privateKeyPem: await exportPKCS8(privateKey) },
  };
}
