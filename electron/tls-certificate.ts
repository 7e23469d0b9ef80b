/**
 * The hub's self-signed certificate for LAN sharing over TLS: EC P-256 signed with SHA-256, the
 * loopback and LAN addresses as subject alternative names. Generated once and kept, so the
 * fingerprint colleagues compare stays the same across restarts; only replaced when it could no
 * longer work (the bound address is not named in it, or it is about to expire).
 *
 * `selfsigned` builds the certificate on Node's own WebCrypto (through @peculiar/x509), so no
 * hand-written ASN.1 and no OpenSSL binary; Node's X509Certificate reads it back.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { chmod, mkdir, readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { writeFileAtomic } from './settings.js';

export interface HubCertificate {
  cert: string;
  key: string;
  /** SHA-256 of the DER certificate, `AB:CD:…`, as browsers show it. */
  fingerprint: string;
}

export const CERT_FILE = 'hub-cert.pem';
export const KEY_FILE = 'hub-key.pem';
/** Apple platforms refuse server certificates valid for longer, even when the user trusts them. */
export const VALIDITY_DAYS = 825;
const RENEW_BEFORE_MS = 30 * 24 * 3600_000;

export function certificateFingerprint(certPem: string): string {
  return new X509Certificate(certPem).fingerprint256;
}

/** Whether the certificate names `host` (an IP address or a DNS name) and is valid at `now` and a while after. */
export function certificateServes(certPem: string, host: string, now = new Date()): boolean {
  const cert = new X509Certificate(certPem);
  const named = isIP(host) ? cert.checkIP(host) !== undefined : cert.checkHost(host) !== undefined;
  const validTo = new Date(cert.validTo).getTime();
  return named && new Date(cert.validFrom).getTime() <= now.getTime() && validTo - now.getTime() > RENEW_BEFORE_MS;
}

export async function generateCertificate(addresses: string[], now = new Date()): Promise<HubCertificate> {
  const ips = [...new Set(addresses.filter((a) => isIP(a) !== 0))];
  const pems = await generate([{ name: 'commonName', value: 'Insight Hub' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 60_000),
    notAfterDate: new Date(now.getTime() + VALIDITY_DAYS * 24 * 3600_000),
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [{ type: 2, value: 'localhost' }, ...ips.map((ip) => ({ type: 7 as const, ip }))],
      },
    ],
  });
  return { cert: pems.cert, key: pems.private, fingerprint: certificateFingerprint(pems.cert) };
}

async function readKept(dir: string): Promise<HubCertificate | undefined> {
  try {
    const [cert, key] = await Promise.all([
      readFile(join(dir, CERT_FILE), 'utf8'),
      readFile(join(dir, KEY_FILE), 'utf8'),
    ]);
    const x509 = new X509Certificate(cert);
    // A key that does not belong to the certificate would fail every handshake; treat as missing.
    if (!x509.checkPrivateKey(createPrivateKey(key))) return undefined;
    return { cert, key, fingerprint: x509.fingerprint256 };
  } catch {
    return undefined;
  }
}

export interface EnsureCertificateResult extends HubCertificate {
  generated: boolean;
}

/**
 * The kept certificate when it serves `boundHost`; otherwise a new one naming `addresses` (which
 * should include `boundHost`), written with the key readable by this user only.
 */
export async function ensureCertificate(
  dir: string,
  boundHost: string,
  addresses: string[],
  now = new Date(),
): Promise<EnsureCertificateResult> {
  const kept = await readKept(dir);
  if (kept && certificateServes(kept.cert, boundHost, now)) return { ...kept, generated: false };
  const fresh = await generateCertificate([boundHost, ...addresses], now);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(join(dir, KEY_FILE), fresh.key, 0o600);
  await chmod(join(dir, KEY_FILE), 0o600);
  await writeFileAtomic(join(dir, CERT_FILE), fresh.cert, 0o644);
  return { ...fresh, generated: true };
}
