/** Test support for the invite tests: a fresh hub with a public URL per test, its admin token, and REST calls to mint and redeem. */
import { afterEach, beforeEach, expect } from 'vitest';
import type { Hub } from '../../hub/server/types.js';
import { startHub, token } from './hub.js';

export interface InviteCalls {
  api(method: string, path: string, tok: string | undefined, body?: unknown): Promise<{ status: number; body: any }>;
  invite(fields: Record<string, unknown>): Promise<{ token: string; url: string; jti: string; sub: string }>;
  redeem(inviteToken: string, name: string): Promise<{ token: string; sub: string; expiresAt: number }>;
}

/** Register the hooks: before each test `started` gets the new hub and an admin token for it. */
export function useInviteHub(started: (hub: Hub, adminTok: string) => void): InviteCalls {
  let hub: Hub;
  let adminTok: string;
  beforeEach(async () => {
    hub = await startHub({ publicUrl: 'https://hub.example.test:7420/' });
    adminTok = await token(hub, { sub: 'root', role: 'admin' });
    started(hub, adminTok);
  });
  afterEach(async () => {
    await hub.close();
  });

  const api: InviteCalls['api'] = async (method, path, tok, body) => {
    const headers: Record<string, string> = {};
    if (tok) headers.authorization = `Bearer ${tok}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(hub.url + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };
  return {
    api,
    async invite(fields) {
      const res = await api('POST', '/api/invites', adminTok, fields);
      expect(res.status).toBe(201);
      return res.body;
    },
    async redeem(inviteToken, name) {
      const res = await api('POST', '/api/invites/redeem', inviteToken, { name });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body;
    },
  };
}
