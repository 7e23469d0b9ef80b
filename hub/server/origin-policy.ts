/**
 * Which `Host` and `Origin` values the hub accepts: its own names and addresses on its port, plus
 * configured ones. Exact matches only, so look-alikes such as `https://allowed.example.evil.com`,
 * another port, or `null` are refused.
 */
import { networkInterfaces, hostname } from 'node:os';

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

export interface OriginPolicy {
  hostAllowed(host: string | undefined): boolean;
  originAllowed(origin: string): boolean;
  readonly origins: ReadonlySet<string>;
}

function bracket(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

/** Names under which this hub can be reached, given its bind address. */
export function hubHostNames(bindHost: string): string[] {
  const names = new Set(LOOPBACK_NAMES);
  if (bindHost === '0.0.0.0' || bindHost === '::') {
    names.add(hostname().toLowerCase());
    for (const list of Object.values(networkInterfaces())) {
      for (const a of list ?? []) names.add(bracket(a.address.toLowerCase()));
    }
  } else {
    names.add(bracket(bindHost.toLowerCase()));
  }
  return [...names];
}

export function createOriginPolicy(opts: {
  bindHost: string;
  port: number;
  tls: boolean;
  allowedHosts: string[];
  allowedOrigins: string[];
  publicUrl?: string;
}): OriginPolicy {
  const scheme = opts.tls ? 'https' : 'http';
  const defaultPort = opts.tls ? 443 : 80;
  const hosts = new Set<string>();
  const anyPortHosts = new Set<string>();
  const origins = new Set<string>();
  for (const name of hubHostNames(opts.bindHost)) {
    hosts.add(`${name}:${opts.port}`);
    origins.add(`${scheme}://${name}:${opts.port}`);
    if (opts.port === defaultPort) {
      hosts.add(name);
      origins.add(`${scheme}://${name}`);
    }
  }
  for (const h of opts.allowedHosts) {
    const lower = h.toLowerCase();
    // An entry without a port allows that name on any port (e.g. behind a proxy).
    if (/:\d+$/.test(lower)) hosts.add(lower);
    else anyPortHosts.add(lower);
  }
  if (opts.publicUrl) {
    const u = new URL(opts.publicUrl);
    hosts.add(u.host.toLowerCase());
    origins.add(u.origin);
  }
  for (const o of opts.allowedOrigins) origins.add(o);
  return {
    origins,
    hostAllowed(host) {
      if (!host) return false;
      const lower = host.toLowerCase();
      if (hosts.has(lower)) return true;
      const name = lower.replace(/:\d+$/, '');
      return anyPortHosts.has(name);
    },
    originAllowed(origin) {
      return origins.has(origin);
    },
  };
}
