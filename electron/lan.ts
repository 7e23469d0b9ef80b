/**
 * The machine's network interfaces as the sharing settings see them, and the URLs colleagues use
 * to join. Takes the interface table as an argument so tests can describe any machine.
 */
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

export type InterfaceTable = NodeJS.Dict<NetworkInterfaceInfo[]>;

export interface LanInterface {
  name: string;
  address: string;
  family: 'IPv4' | 'IPv6';
}

export const LOOPBACK = '127.0.0.1';

/** Link-local IPv6 needs a zone id in URLs, which browsers do not accept; leave those out. */
const isLinkLocalV6 = (address: string): boolean => /^fe[89ab][0-9a-f]:/i.test(address);

/** Interfaces a colleague could reach: not internal, not link-local IPv6; IPv4 first. */
export function lanInterfaces(table: InterfaceTable = networkInterfaces()): LanInterface[] {
  const found: LanInterface[] = [];
  for (const [name, infos] of Object.entries(table)) {
    for (const info of infos ?? []) {
      if (info.internal) continue;
      const family = info.family === 'IPv4' || (info.family as unknown) === 4 ? 'IPv4' : 'IPv6';
      if (family === 'IPv6' && isLinkLocalV6(info.address)) continue;
      found.push({ name, address: info.address, family });
    }
  }
  return found.sort((a, b) => (a.family === b.family ? 0 : a.family === 'IPv4' ? -1 : 1));
}

/** The address to bind for an interface name: its IPv4 address when it has one. */
export function interfaceAddress(name: string, table: InterfaceTable = networkInterfaces()): string | undefined {
  return lanInterfaces(table).find((i) => i.name === name)?.address;
}

/** Every address a LAN certificate should name: loopback plus the reachable interfaces. */
export function certificateAddresses(table: InterfaceTable = networkInterfaces()): string[] {
  return [...new Set([LOOPBACK, '::1', ...lanInterfaces(table).map((i) => i.address)])];
}

const hostForUrl = (host: string): string => (host.includes(':') ? `[${host}]` : host);

/** `http(s)://host:port` for a bound address (IPv6 in brackets). */
export function baseUrl(host: string, port: number, tls: boolean): string {
  return `${tls ? 'https' : 'http'}://${hostForUrl(host)}:${port}`;
}
