/**
 * The desktop window trusts exactly one self-signed certificate: the one its own hub serves, on the
 * address the hub is bound to. Everything else keeps Chromium's normal verdict.
 */
import { X509Certificate } from 'node:crypto';
import type { HubEndpoint } from './hub-channel.js';

/** Chromium's certificate verifier results: 0 accepts, -3 keeps Chromium's own verdict. */
export const VERIFY_ACCEPT = 0;
export const VERIFY_USE_CHROMIUM = -3;

export interface VerifyRequest {
  hostname: string;
  certificate: { data: string };
}

const bare = (host: string): string => host.replace(/^\[(.*)\]$/, '$1').toLowerCase();

export function verifyHubCertificate(request: VerifyRequest, endpoint: HubEndpoint | undefined): number {
  if (!endpoint?.tls || !endpoint.fingerprint) return VERIFY_USE_CHROMIUM;
  if (bare(request.hostname) !== bare(endpoint.host)) return VERIFY_USE_CHROMIUM;
  try {
    return new X509Certificate(request.certificate.data).fingerprint256 === endpoint.fingerprint
      ? VERIFY_ACCEPT
      : VERIFY_USE_CHROMIUM;
  } catch {
    return VERIFY_USE_CHROMIUM;
  }
}
