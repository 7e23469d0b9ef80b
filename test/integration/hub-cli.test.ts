/**
 * The CLI: `insight-hub token` prints a token the served hub accepts (with the served hub's own
 * secret), bad input fails with a message, and `serve --help` documents every option and variable.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENT } from '../../hub/server/config.js';
import { TEST_SECRET, connect, runCli, serveHub, tempDir } from '../support/hub.js';

function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
}

async function cliToken(args: string[], env: Record<string, string | undefined> = {}): Promise<string> {
  const run = runCli(['token', ...args], env);
  const code = await run.exited;
  if (code !== 0) throw new Error(`token exited with ${code}: ${run.stderr()}`);
  return run.stdout().trim();
}

describe('insight-hub token', { timeout: 90_000 }, () => {
  it('prints a token with the requested claims that the served hub accepts for subscribe, publish and presence', async () => {
    const t = await cliToken(
      [
        '--sub',
        'alice',
        '--name',
        'Alice',
        '--role',
        'editor',
        '--room',
        'dashboard:*',
        '--room',
        'team:1',
        '--ttl',
        '8h',
      ],
      {
        INSIGHT_HUB_SECRET: TEST_SECRET,
      },
    );
    expect(t).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const claims = claimsOf(t);
    expect(claims).toMatchObject({
      sub: 'alice',
      name: 'Alice',
      role: 'editor',
      rooms: ['dashboard:*', 'team:1'],
      aud: 'insight-hub',
    });
    expect((claims.exp as number) - (claims.iat as number)).toBe(8 * 3600);

    const served = await serveHub();
    try {
      const alice = await connect(served.hub, t);
      expect(alice.welcome.user).toEqual({ sub: 'alice', name: 'Alice', role: 'editor' });
      const bobToken = await cliToken(['--sub', 'bob', '--room', 'dashboard:*'], { INSIGHT_HUB_SECRET: TEST_SECRET });
      const bob = await connect(served.hub, bobToken);
      expect(bob.welcome.user.role).toBe('viewer');
      await bob.request({ type: 'subscribe', room: 'dashboard:7' });
      expect((await alice.request({ type: 'subscribe', room: 'dashboard:7' })).type).toBe('ack');
      await bob.waitFor((m) => m.type === 'presence' && m.joined.some((j) => j.sub === 'alice'));
      expect(
        (await alice.request({ type: 'publish', room: 'dashboard:7', event: 'refresh', data: { widgets: ['w1'] } }))
          .type,
      ).toBe('ack');
      const msg = await bob.waitFor((m) => m.type === 'message' && m.room === 'dashboard:7');
      expect(msg).toMatchObject({ event: 'refresh', from: { sub: 'alice', name: 'Alice' } });
      expect(await alice.request({ type: 'subscribe', room: 'finance:1' })).toMatchObject({
        type: 'error',
        code: 'forbidden',
      });
      alice.close();
      bob.close();
    } finally {
      served.child.kill('SIGKILL');
    }
  });

  it('uses the secret the served hub generated in its data directory (mode 0600)', async () => {
    const dataDir = tempDir();
    const served = await serveHub(['--data-dir', dataDir], { INSIGHT_HUB_SECRET: undefined });
    try {
      const secretFile = join(dataDir, 'secret');
      expect(served.stderr()).toContain(`generated secret file ${secretFile}`);
      expect(statSync(secretFile).mode & 0o777).toBe(0o600);
      const t = await cliToken(['--sub', 'carol', '--role', 'viewer', '--data-dir', dataDir]);
      const ws = (await import('ws')).default;
      const client = new ws(served.hub.wsUrl, ['insight.v1'], { headers: { authorization: `Bearer ${t}` } });
      const welcome = await new Promise<Record<string, unknown>>((resolve, reject) => {
        client.once('message', (d) => resolve(JSON.parse(d.toString()) as Record<string, unknown>));
        client.once('unexpected-response', (_q, res) => reject(new Error(`refused ${res.statusCode}`)));
      });
      expect(welcome).toMatchObject({ type: 'welcome', user: { sub: 'carol', role: 'viewer' } });
      client.close();
      // A token signed with any other secret is refused by this hub.
      const foreign = await cliToken(['--sub', 'carol'], { INSIGHT_HUB_SECRET: TEST_SECRET });
      const refused = new ws(served.hub.wsUrl, ['insight.v1'], { headers: { authorization: `Bearer ${foreign}` } });
      const status = await new Promise<number>((resolve) => {
        refused.once('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
        refused.once('open', () => resolve(101));
        refused.on('error', () => {});
      });
      expect(status).toBe(401);
    } finally {
      served.child.kill('SIGKILL');
    }
  });

  it('fails with a message and a non-zero exit for bad input', async () => {
    const bad = [
      ['--role', 'editor'],
      ['--sub', 'a', '--role', 'superuser'],
      ['--sub', 'a', '--ttl', 'forever'],
      ['--sub', 'a', '--room', 'bad room'],
    ];
    const runs = bad.map((args) => runCli(['token', ...args], { INSIGHT_HUB_SECRET: TEST_SECRET }));
    const short = runCli(['token', '--sub', 'a'], { INSIGHT_HUB_SECRET: 'too-short' });
    for (const run of runs) {
      expect(await run.exited).not.toBe(0);
      expect(run.stderr().length).toBeGreaterThan(0);
      expect(run.stdout()).toBe('');
    }
    expect(await short.exited).not.toBe(0);
    expect(short.stderr()).toMatch(/at least 32 bytes/);
  });
});

describe('insight-hub serve --help', { timeout: 60_000 }, () => {
  it('documents every option and every environment variable', async () => {
    const run = runCli(['serve', '--help']);
    expect(await run.exited).toBe(0);
    const help = run.stdout();
    for (const flag of [
      '--config',
      '--port',
      '--host',
      '--data-dir',
      '--secret-file',
      '--public-key',
      '--jwks-url',
      '--issuer',
      '--allowed-origin',
      '--allowed-host',
      '--public-url',
      '--tls-cert',
      '--tls-key',
      '--heartbeat-ms',
      '--drain-timeout-ms',
      '--history-messages',
      '--history-minutes',
      '--max-frame-bytes',
      '--rate',
      '--burst',
      '--max-connections',
      '--max-queued-bytes',
      '--redis',
      '--log-level',
    ]) {
      expect(help).toContain(flag);
    }
    for (const name of Object.keys(ENVIRONMENT)) expect(help).toContain(name);
    expect(help).toContain('INSIGHT_HUB_SECRET');
    expect(help).toContain('INSIGHT_HUB_PORT');
    // Every description starts in one column, two spaces after the longest name.
    const envLines = help
      .split('Environment:\n')[1]!
      .split('\n')
      .filter((l) => /^ {2}INSIGHT_HUB_/.test(l));
    expect(envLines).toHaveLength(Object.keys(ENVIRONMENT).length);
    const width = Math.max(...Object.keys(ENVIRONMENT).map((k) => k.length));
    for (const line of envLines) expect(line.slice(2 + width, 4 + width), line).toBe('  ');
  });

  it('token --help documents its options', async () => {
    const run = runCli(['token', '--help']);
    expect(await run.exited).toBe(0);
    for (const flag of ['--sub', '--name', '--role', '--room', '--ttl', '--data-dir', '--secret-file', '--issuer'])
      expect(run.stdout()).toContain(flag);
  });
});
