/**
 * LAN sharing picks reachable addresses only (IPv4 first, no loopback or link-local IPv6), names
 * them all in the certificate, and writes IPv6 URLs in brackets.
 */
import { describe, expect, it } from 'vitest';
import type { NetworkInterfaceInfo } from 'node:os';
import {
  baseUrl,
  certificateAddresses,
  interfaceAddress,
  lanInterfaces,
  type InterfaceTable,
} from '../../electron/lan.js';

const v4 = (address: string, internal = false): NetworkInterfaceInfo => ({
  address,
  netmask: '255.255.255.0',
  family: 'IPv4',
  mac: '02:00:00:00:00:01',
  internal,
  cidr: `${address}/24`,
});
const v6 = (address: string, internal = false): NetworkInterfaceInfo => ({
  address,
  netmask: 'ffff:ffff:ffff:ffff::',
  family: 'IPv6',
  mac: '02:00:00:00:00:01',
  internal,
  cidr: `${address}/64`,
  scopeid: 0,
});

const office: InterfaceTable = {
  lo: [v4('127.0.0.1', true), v6('::1', true)],
  'Wi-Fi': [v6('fe80::1c2d:3eff:fe4f:5a6b'), v6('fd00::20'), v4('192.168.1.20')],
  eth1: [v4('10.0.0.7')],
};

describe('LAN interfaces', () => {
  it('lists reachable addresses, IPv4 first, without loopback or link-local IPv6', () => {
    expect(lanInterfaces(office)).toEqual([
      { name: 'Wi-Fi', address: '192.168.1.20', family: 'IPv4' },
      { name: 'eth1', address: '10.0.0.7', family: 'IPv4' },
      { name: 'Wi-Fi', address: 'fd00::20', family: 'IPv6' },
    ]);
  });

  it('binds an interface by its IPv4 address, and finds nothing for a missing one', () => {
    expect(interfaceAddress('Wi-Fi', office)).toBe('192.168.1.20');
    expect(interfaceAddress('eth9', office)).toBeUndefined();
    expect(interfaceAddress('lo', office)).toBeUndefined();
  });

  it('uses an IPv6-only interface when that is all it has', () => {
    expect(interfaceAddress('v6only', { v6only: [v6('2001:db8::5')] })).toBe('2001:db8::5');
  });

  it('names loopback and every LAN address in the certificate', () => {
    expect(certificateAddresses(office)).toEqual(['127.0.0.1', '::1', '192.168.1.20', '10.0.0.7', 'fd00::20']);
  });

  it('writes URLs with IPv6 in brackets', () => {
    expect(baseUrl('192.168.1.20', 7420, true)).toBe('https://192.168.1.20:7420');
    expect(baseUrl('fd00::20', 7420, false)).toBe('http://[fd00::20]:7420');
    expect(new URL(baseUrl('fd00::20', 7420, false)).hostname).toBe('[fd00::20]');
  });
});
