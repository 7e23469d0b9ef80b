/**
 * The desktop hub's self-signed certificate is EC P-256/SHA-256 naming every bound address, its key
 * readable by this user only, kept across starts and replaced when an address, expiry or key no
 * longer fits.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CERT_FILE,
  KEY_FILE,
  VALIDITY_DAYS,
  certificateServes,
  ensureCertificate,
} from '../../electron/tls-certificate.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'insight-tls-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('self-signed hub certificate', () => {
  it('is EC P-256, signed with SHA-256, naming loopback and the LAN addresses', async () => {
    const made = await ensureCertificate(dir, '192.168.1.20', ['127.0.0.1', '::1', '192.168.1.20', '10.0.0.7']);
    expect(made.generated).toBe(true);
    const cert = new X509Certificate(made.cert);
    const key = createPrivateKey(made.key);
    expect(key.asymmetricKeyType).toBe('ec');
    expect(key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(cert.checkPrivateKey(key)).toBe(true);
    expect(cert.subjectAltName).toContain('IP Address:192.168.1.20');
    expect(cert.subjectAltName).toContain('IP Address:10.0.0.7');
    expect(cert.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(cert.subjectAltName).toContain('DNS:localhost');
    expect(cert.ca).toBe(false);
    expect(cert.keyUsage).toContain('1.3.6.1.5.5.7.3.1'); // serverAuth
    const days = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / 86_400_000;
    expect(Math.round(days)).toBe(VALIDITY_DAYS);
    expect(made.fingerprint).toBe(cert.fingerprint256);
    expect(made.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  it('signs with ecdsa-with-SHA256', async () => {
    const pem = await readFile(join(dir, CERT_FILE), 'utf8');
    const der = new X509Certificate(pem).raw;
    // OID 1.2.840.10045.4.3.2 (ecdsa-with-SHA256), DER-encoded.
    expect(der.includes(Buffer.from('06082a8648ce3d040302', 'hex'))).toBe(true);
  });

  it('keeps the key readable by this user only', async () => {
    if (process.platform === 'win32') return;
    expect((await stat(join(dir, KEY_FILE))).mode & 0o777).toBe(0o600);
  });

  it('is generated once: the next start keeps it and its fingerprint', async () => {
    const first = await readFile(join(dir, CERT_FILE), 'utf8');
    const again = await ensureCertificate(dir, '10.0.0.7', ['127.0.0.1']);
    expect(again.generated).toBe(false);
    expect(again.cert).toBe(first);
  });

  it('is replaced when the bound address is not named in it', async () => {
    const old = await readFile(join(dir, CERT_FILE), 'utf8');
    const moved = await ensureCertificate(dir, '172.16.0.9', ['127.0.0.1', '172.16.0.9']);
    expect(moved.generated).toBe(true);
    expect(moved.fingerprint).not.toBe(new X509Certificate(old).fingerprint256);
    expect(certificateServes(moved.cert, '172.16.0.9')).toBe(true);
  });

  it('is replaced when it is about to expire', async () => {
    const current = await readFile(join(dir, CERT_FILE), 'utf8');
    const nearEnd = new Date(Date.parse(new X509Certificate(current).validTo) - 86_400_000);
    expect(certificateServes(current, '172.16.0.9', nearEnd)).toBe(false);
    expect((await ensureCertificate(dir, '172.16.0.9', ['172.16.0.9'], nearEnd)).generated).toBe(true);
  });

  it('is replaced when the key on disk does not belong to it', async () => {
    await writeFile(
      join(dir, KEY_FILE),
      createPrivateKey({
        key: (await ensureCertificate(await mkdtemp(join(tmpdir(), 'insight-tls-other-')), '127.0.0.1', [])).key,
      }).export({ format: 'pem', type: 'pkcs8' }),
    );
    expect((await ensureCertificate(dir, '127.0.0.1', ['127.0.0.1'])).generated).toBe(true);
  });
});
