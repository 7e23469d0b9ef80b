/**
 * The console window trusts exactly the hub's own certificate on the hub's address (IPv6 with or
 * without brackets); every other certificate is left to Chromium.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { HubEndpoint } from '../../electron/hub-channel.js';
import { ensureCertificate, type HubCertificate } from '../../electron/tls-certificate.js';
import { VERIFY_ACCEPT, VERIFY_USE_CHROMIUM, verifyHubCertificate } from '../../electron/tls-trust.js';

let ours: HubCertificate;
let other: HubCertificate;
beforeAll(async () => {
  ours = await ensureCertificate(await mkdtemp(join(tmpdir(), 'insight-trust-')), '192.168.1.20', ['192.168.1.20']);
  other = await ensureCertificate(await mkdtemp(join(tmpdir(), 'insight-trust-')), '192.168.1.20', ['192.168.1.20']);
});

const endpoint = (fingerprint: string | null, tls = true): HubEndpoint => ({
  url: 'https://192.168.1.20:7420',
  wsUrl: 'wss://192.168.1.20:7420/ws',
  host: '192.168.1.20',
  port: 7420,
  tls,
  fingerprint,
  joinUrl: 'https://192.168.1.20:7420/',
});

describe('window trust of the hub certificate', () => {
  it('accepts exactly the hub certificate on the hub address', () => {
    expect(
      verifyHubCertificate({ hostname: '192.168.1.20', certificate: { data: ours.cert } }, endpoint(ours.fingerprint)),
    ).toBe(VERIFY_ACCEPT);
  });

  it('leaves everything else to Chromium', () => {
    const ep = endpoint(ours.fingerprint);
    expect(verifyHubCertificate({ hostname: '192.168.1.20', certificate: { data: other.cert } }, ep)).toBe(
      VERIFY_USE_CHROMIUM,
    );
    expect(verifyHubCertificate({ hostname: 'example.com', certificate: { data: ours.cert } }, ep)).toBe(
      VERIFY_USE_CHROMIUM,
    );
    expect(verifyHubCertificate({ hostname: '192.168.1.20', certificate: { data: 'garbage' } }, ep)).toBe(
      VERIFY_USE_CHROMIUM,
    );
    expect(verifyHubCertificate({ hostname: '192.168.1.20', certificate: { data: ours.cert } }, undefined)).toBe(
      VERIFY_USE_CHROMIUM,
    );
    expect(
      verifyHubCertificate({ hostname: '192.168.1.20', certificate: { data: ours.cert } }, endpoint(null, false)),
    ).toBe(VERIFY_USE_CHROMIUM);
  });

  it('matches IPv6 hosts with or without brackets', () => {
    const ep = { ...endpoint(ours.fingerprint), host: 'fd00::20' };
    expect(verifyHubCertificate({ hostname: '[fd00::20]', certificate: { data: ours.cert } }, ep)).toBe(VERIFY_ACCEPT);
  });
});
