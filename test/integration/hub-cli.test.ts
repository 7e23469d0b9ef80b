/**
 * The CLI: `insight-hub token` prints a token the served hub accepts, `serve --help` documents the
 * options and environment, and options resolve as flags over environment over the config file.
 */
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENT, resolveServeOptions } from '../../hub/server/config.js';
import { TEST_SECRET, connect, runCli, serveHub, tempDir, until } from '../support/hub.js';

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

describe('serve options: flags over environment over the config file', { timeout: 60_000 }, () => {
  function configFile(content: object | string): string {
    const file = join(tempDir(), 'hub.json');
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  }

  const file = {
    port: 1111,
    host: '10.0.0.1',
    heartbeatMs: 5000,
    allowedOrigins: ['https://file.example'],
    auth: { issuer: 'file-iss', secret: 'file-secret-0123456789012345678901234', clockToleranceSec: 5 },
    limits: { burst: 7, maxFrameBytes: 1999, errorBudget: 3 },
    history: { maxMessages: 50, rooms: [{ pattern: 'big:*', maxMessages: 5000 }] },
  };

  it('takes everything from the config file when nothing else is given', () => {
    const o = resolveServeOptions({ config: configFile(file) }, {});
    expect(o).toMatchObject({
      port: 1111,
      host: '10.0.0.1',
      heartbeatMs: 5000,
      allowedOrigins: ['https://file.example'],
    });
    expect(o.auth).toMatchObject({ issuer: 'file-iss', secret: file.auth.secret, clockToleranceSec: 5 });
    expect(o.limits).toMatchObject({ burst: 7, maxFrameBytes: 1999, errorBudget: 3 });
    expect(o.history).toMatchObject({ maxMessages: 50, rooms: [{ pattern: 'big:*', maxMessages: 5000 }] });
  });

  it('lets the environment override the file, and flags override both', () => {
    const path = configFile(file);
    const env = {
      INSIGHT_HUB_CONFIG: path,
      INSIGHT_HUB_PORT: '2222',
      INSIGHT_HUB_HOST: '10.0.0.2',
      INSIGHT_HUB_ISSUER: 'env-iss',
      INSIGHT_HUB_SECRET: 'env-secret-012345678901234567890123456',
      INSIGHT_HUB_ALLOWED_ORIGINS: 'https://a.example, https://b.example',
      INSIGHT_HUB_LOG_LEVEL: 'warn',
    };
    const fromEnv = resolveServeOptions({}, env);
    expect(fromEnv).toMatchObject({
      port: 2222,
      host: '10.0.0.2',
      heartbeatMs: 5000,
      logLevel: 'warn',
      allowedOrigins: ['https://a.example', 'https://b.example'],
    });
    expect(fromEnv.auth).toMatchObject({ issuer: 'env-iss', secret: env.INSIGHT_HUB_SECRET, clockToleranceSec: 5 });

    const fromFlags = resolveServeOptions(
      {
        port: '3333',
        host: '10.0.0.3',
        issuer: 'flag-iss',
        allowedOrigin: ['https://c.example'],
        heartbeatMs: '100',
        burst: '9',
        historyMessages: '60',
        historyMinutes: '2',
        logLevel: 'debug',
      },
      env,
    );
    expect(fromFlags).toMatchObject({
      port: 3333,
      host: '10.0.0.3',
      heartbeatMs: 100,
      logLevel: 'debug',
      allowedOrigins: ['https://c.example'],
    });
    expect(fromFlags.auth).toMatchObject({ issuer: 'flag-iss' });
    // Flags replace only what they name; the rest of the file's limits stay.
    expect(fromFlags.limits).toMatchObject({ burst: 9, maxFrameBytes: 1999, errorBudget: 3 });
    expect(fromFlags.history).toMatchObject({
      maxMessages: 60,
      maxAgeMs: 120_000,
      rooms: [{ pattern: 'big:*', maxMessages: 5000 }],
    });
  });

  it('prefers a --config flag over INSIGHT_HUB_CONFIG', () => {
    const a = configFile({ port: 1 });
    const b = configFile({ port: 2 });
    expect(resolveServeOptions({ config: b }, { INSIGHT_HUB_CONFIG: a }).port).toBe(2);
    expect(resolveServeOptions({}, { INSIGHT_HUB_CONFIG: a }).port).toBe(1);
  });

  it('refuses bad numbers, half a TLS pair, and config files that are missing or not JSON objects', () => {
    expect(() => resolveServeOptions({ port: 'eighty' }, {})).toThrow(/port/);
    expect(() => resolveServeOptions({}, { INSIGHT_HUB_PORT: '-1' })).toThrow(
      /INSIGHT_HUB_PORT must be an integer from 0 to 65535, got number -1/,
    );
    expect(() => resolveServeOptions({ burst: '1.5' }, {})).toThrow(/--burst/);
    expect(() => resolveServeOptions({ tlsCert: '/nowhere/cert.pem' }, {})).toThrow(/both a certificate and a key/);
    expect(() => resolveServeOptions({ config: join(tempDir(), 'missing.json') }, {})).toThrow(
      /cannot read config file/,
    );
    expect(() => resolveServeOptions({ config: configFile('{"port": ') }, {})).toThrow(
      /not valid JSON at line 1, column \d+/,
    );
    expect(() => resolveServeOptions({ config: configFile('[1, 2]') }, {})).toThrow(/must be a JSON object/);
  });

  it('a served hub applies the config file, with flags on top', async () => {
    const path = configFile({ heartbeatMs: 4321, limits: { maxFrameBytes: 2048, burst: 33 } });
    const served = await serveHub(['--config', path, '--burst', '44']);
    try {
      const c = await connect(
        served.hub,
        await served.hub.mintToken({ sub: 'cfg', role: 'viewer', rooms: [], ttlSec: 60 }),
      );
      expect(c.welcome.heartbeatMs).toBe(4321);
      expect(c.welcome.limits).toMatchObject({ maxFrameBytes: 2048, burst: 44 });
      c.close();
    } finally {
      served.child.kill('SIGKILL');
    }
  });

  it('serve exits with a message when the config file is broken', async () => {
    const run = runCli(['serve', '--port', '0', '--data-dir', tempDir(), '--config', join(tempDir(), 'missing.json')], {
      INSIGHT_HUB_SECRET: TEST_SECRET,
    });
    expect(await run.exited).toBe(1);
    await until(() => /cannot read config file/.test(run.stderr()), 5000, 'error message');
  });
});
