/**
 * The CLI's serve options resolve as flags over environment over the config file; bad values and
 * broken config files are refused with a message, and a served hub applies what was resolved.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveServeOptions } from '../../hub/server/config.js';
import { TEST_SECRET, connect, runCli, serveHub, tempDir, until } from '../support/hub.js';

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
